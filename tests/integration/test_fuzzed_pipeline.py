"""A fixed handful of broken export days through the whole pipeline.

The days are drawn from the fuzz generators (tests/fuzz_exports.py) with fixed choices, so
this one run of ``run_pipeline`` (Dagster ingestion, inventory, ``dbt build``) is cheap and
repeatable: four loadable days full of hostile content (impossible and out-of-range
timestamps, malformed records, huge fields, NUL, CRLF, a BOM, reordered and extra columns,
invalid register rows, unknown locations, forbidden fields, a withdrawal of nothing), five
incomplete days (truncated, naming ``../x``, UTF-16, an impossible ``gegenereerd_op``, a
lying row count) and one loadable day after them.

Asserted on the warehouse itself: incomplete days are reported with their documented reason
and not loaded; rows in = rows in raw + rows quarantined, per file and per day; every raw
record of every current day is in its register snapshot, a valid mutation, an identical
re-send, or in ``marts.dq_quarantaine`` with a reason, exactly once; and each planted fault
has the reason the contract gives it.

The faults are those the raw GX suite rates ``warning`` or does not see (an impossible
timestamp has the right shape): a ``critical`` one (``Stop``, an unknown region, a repeated
id) fails the quality gate, the blocking raw check, and the run stops before dbt by design
until the next rebuild (docs/operations.md, tests/integration/test_broken_day.py), so no dbt
accounting could be asserted in one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path

import duckdb
import pytest

from cli.runner import RunSummary, run_pipeline
from seh_stops import settings
from seh_stops.lpz.contract import (
    LOCATIONS_FILE,
    MUTATION_COLUMNS,
    MUTATIONS_FILE,
)
from seh_stops.lpz.inventory import reason_phrase
from tests.fuzz_exports import (
    CsvFile,
    FuzzedDay,
    Outcome,
    complete_day,
    lying_row_count,
    naming_other_file,
    reencoded,
    truncated,
    wrong_value,
)

LOCATION_HEADER = (
    "roaz_regio",
    "opmerking",
    "locatie_id",
    "seh_module_actief",
    "locatie_naam",
    "actief_sinds",
    "ziekenhuis",
    "traumacentrum_level1",
)
MUTATION_HEADER = (*reversed(MUTATION_COLUMNS), "extra;kolom")
HUGE = 'a;"b\r\nc' * 30_000  # 210 000 characters: beyond the csv module's default limit


def location(
    locatie_id: str,
    regio: str = "Noord",
    actief: str = "ja",
    since: str = "2020-01-01",
    naam: str = "SEH Proeflocatie",
    trauma: str = "nee",
) -> tuple[str, ...]:
    values = {
        "locatie_id": locatie_id,
        "locatie_naam": naam,
        "ziekenhuis": "Proefziekenhuis",
        "roaz_regio": regio,
        "seh_module_actief": actief,
        "actief_sinds": since,
        "traumacentrum_level1": trauma,
        "opmerking": "niet in het contract",
    }
    return tuple(values[column] for column in LOCATION_HEADER)


def mutation(mutatie_id: str, **fields: str) -> tuple[str, ...]:
    values = {
        "mutatie_id": mutatie_id,
        "locatie_id": "SEH0001",
        "status": "stop",
        "stoptype": "volledig",
        "specialisme": "",
        "ingang": "2023-03-01T10:00:00+01:00",
        "gepland_einde": "",
        "geregistreerd_op": "2023-03-01T10:01:00+01:00",
        "vervangt_mutatie_id": "",
        "toelichting": "",
        "extra;kolom": "x",
        **fields,
    }
    return tuple(values[column] for column in MUTATION_HEADER)


def register(*rows: tuple[str, ...], **layout: object) -> CsvFile:
    return CsvFile(LOCATIONS_FILE, LOCATION_HEADER, rows, **layout)


def mutations(*rows: tuple[str, ...], **layout: object) -> CsvFile:
    return CsvFile(MUTATIONS_FILE, MUTATION_HEADER, rows, **layout)


VALID_REGISTER = (location("SEH0001"), location("SEH0002", regio="West"))
# mutatie_id -> the reason dbt (or the loader) must quarantine it for; None: valid
PLANTED: dict[str, str | None] = {
    "M1": None,
    "M2": "invalid_value",  # ingang in month 13
    "M3": "invalid_value",  # ingang at 24:00
    "M4": "invalid_value",  # ingang on 30 February
    "M5": "invalid_value",  # geregistreerd_op with offset +01:60
    "M6": "invalid_value",  # ingang 0001-01-01T00:00:00+01:00: in 1 BC in UTC
    "M7": "invalid_value",  # geregistreerd_op in the year 10000 in Amsterdam
    "M8": "invalid_value",  # gepland_einde with offset +24:00
    "M11": None,
    "M12": "withdrawal_without_target",
    "M13": "unknown_location",
    "M14": "withdrawal_of_unknown_mutation",
    "M15": "forbidden_field",  # specialisme with stoptype ambulance
    "M16": None,
    "M17": None,
}
MALFORMED_PER_DAY = {
    (date(2023, 3, 1), MUTATIONS_FILE): 2,
    (date(2023, 3, 4), LOCATIONS_FILE): 1,
}
REGISTER_REASONS = {("SEH0003", "invalid_value"), ("SEH0004", "invalid_value")}


def loadable_days() -> list[FuzzedDay]:
    day1 = complete_day(
        date(2023, 3, 1),
        register(
            *VALID_REGISTER,
            location("SEH0003", regio="Zwolle", trauma="JA"),
            location("SEH0004", regio="Oost", since="2023-02-30"),
            line_ending="\r\n",
            bom=True,
            quote_all=True,
        ),
        mutations(
            mutation("M1", toelichting='regel 1\r\nregel 2; "geciteerd"\x00 einde'),
            mutation("M2", ingang="2023-13-01T10:00:00+01:00"),
            mutation("M3", ingang="2023-03-01T24:00:00+01:00"),
            mutation("M4", ingang="2023-02-30T10:00:00+01:00"),
            mutation("M5", geregistreerd_op="2023-03-01T10:00:00+01:60"),
            mutation("M6", ingang="0001-01-01T00:00:00+01:00"),
            mutation("M7", geregistreerd_op="9999-12-31T23:30:00Z"),
            mutation("M8", gepland_einde="2023-03-01T12:00:00+24:00"),
            ("M9", "SEH0001", "stop"),  # too few fields
            (*mutation("M10"), "te", "veel"),  # too many
            line_ending="\r\n",
            bom=True,
            blank_after=frozenset({0, 3}),
        ),
        breakage="hostile values",
    )
    day2 = complete_day(
        date(2023, 3, 2),
        register(*VALID_REGISTER),
        mutations(
            mutation(
                "M11",
                status="open",
                stoptype="",
                ingang="2023-03-02T08:00:00+01:00",
                geregistreerd_op="2023-03-02T08:00:00+01:00",
                toelichting=HUGE,
            ),
            mutation(
                "M12",
                status="ingetrokken",
                stoptype="",
                ingang="",
                geregistreerd_op="2023-03-02T09:00:00+01:00",
            ),
            mutation("M13", locatie_id="SEH9999", geregistreerd_op="2023-03-02T09:00:00+01:00"),
            mutation(
                "M14",
                status="ingetrokken",
                stoptype="",
                ingang="",
                vervangt_mutatie_id="M404",
                geregistreerd_op="2023-03-02T09:00:00+01:00",
            ),
            mutation("M1", toelichting='regel 1\r\nregel 2; "geciteerd"\x00 einde'),  # re-send
            mutation(
                "M15",
                locatie_id="SEH0002",
                stoptype="ambulance",
                specialisme="cardiologie",
                geregistreerd_op="2023-03-02T09:00:00+01:00",
            ),
            final_line_ending=False,
        ),
        breakage="hostile values",
    )
    day3 = complete_day(
        date(2023, 3, 3),
        register(location("SEH0001", naam=HUGE), location("SEH0002", regio="West")),
        mutations(),
        breakage="huge field, no mutations",
    )
    day4 = complete_day(
        date(2023, 3, 4),
        register(*VALID_REGISTER, (*location("SEH0005"), "te veel")),
        mutations(
            mutation(
                "M16",
                locatie_id="SEH0002",
                ingang="2023-03-04T12:00:00+01:00",
                gepland_einde="2023-03-04T14:00:00+01:00",
                geregistreerd_op="2023-03-04T12:00:00+01:00",
            )
        ),
        breakage="malformed register row",
    )
    day10 = complete_day(
        date(2023, 3, 10),
        register(*VALID_REGISTER),
        mutations(
            mutation(
                "M17",
                ingang="2023-03-10T09:00:00+01:00",
                geregistreerd_op="2023-03-10T09:00:00+01:00",
            )
        ),
        breakage="none",
    )
    return [day1, day2, day3, day4, day10]


def incomplete_days() -> list[FuzzedDay]:
    def plain(day: date) -> FuzzedDay:
        return complete_day(
            day,
            register(*VALID_REGISTER),
            mutations(mutation(f"X{day.day}", geregistreerd_op=f"{day.isoformat()}T10:00:00Z")),
        )

    days = [
        truncated(
            plain(date(2023, 3, 5)),
            MUTATIONS_FILE,
            keep=60,
            honest_hash=False,
        ),
        naming_other_file(plain(date(2023, 3, 6)), "../x", "add"),
        reencoded(plain(date(2023, 3, 7)), MUTATIONS_FILE, "utf-16"),
        wrong_value(plain(date(2023, 3, 8)), "gegenereerd_op", "2023-13-09T02:30:00+01:00"),
        lying_row_count(plain(date(2023, 3, 9)), LOCATIONS_FILE, 1),
    ]
    assert all(day.outcome is Outcome.REFUSED for day in days)
    return days


@dataclass(frozen=True)
class FuzzedRun:
    warehouse: Path
    summary: RunSummary
    loadable: list[FuzzedDay]
    incomplete: list[FuzzedDay]


@pytest.fixture(scope="module")
def fuzzed_run(tmp_path_factory) -> FuzzedRun:
    data_dir = tmp_path_factory.mktemp("fuzzed") / "data"
    settings.use_data_dir(data_dir)
    exports = data_dir / "exports"
    loadable, incomplete = loadable_days(), incomplete_days()
    for day in (*loadable, *incomplete):
        day.write(exports)
    summary = run_pipeline(str(exports), progress=lambda message: None)
    return FuzzedRun(data_dir / "warehouse.duckdb", summary, loadable, incomplete)


def query(run: FuzzedRun, sql: str, parameters: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        return con.execute(sql, parameters or []).fetchall()
    finally:
        con.close()


def test_incomplete_days_are_reported_with_their_documented_reason_and_not_loaded(fuzzed_run):
    expected = {day.day: day.reasons for day in fuzzed_run.incomplete}
    reported = {problem.day: reason_phrase(problem) for problem in fuzzed_run.summary.not_loadable}
    assert set(reported) == set(expected)
    for day, phrase in reported.items():
        assert phrase in expected[day]
    loaded = {row[0] for row in query(fuzzed_run, "select export_datum from raw.export_versies")}
    assert loaded == {day.day for day in fuzzed_run.loadable}
    assert set(fuzzed_run.summary.days_loaded) == loaded
    controles = dict(
        query(
            fuzzed_run,
            "select export_datum, reden from raw.export_controles where status = ?",
            ["incompleet"],
        )
    )
    assert controles == reported
    findings = {
        row[0]
        for row in query(
            fuzzed_run,
            "select export_datum from marts.dq_bevindingen where soort = 'exportdag_incompleet'",
        )
    }
    assert findings == set(expected)


def test_rows_in_equal_rows_in_raw_plus_quarantined_per_file_and_day(fuzzed_run):
    counted = {
        (day, name): (loaded, quarantined)
        for day, name, loaded, quarantined in query(
            fuzzed_run,
            """
            with ruw as (
                select export_datum, bestand, 1 as geladen, 0 as onleesbaar
                from raw.seh_locaties
                union all
                select export_datum, bestand, 1, 0 from raw.seh_statusmutaties
                union all
                select export_datum, bestand, 0, 1 from raw.quarantaine
            )
            select export_datum, bestand, sum(geladen), sum(onleesbaar)
            from ruw group by all
            """,
        )
    }
    for day in fuzzed_run.loadable:
        for name, rows_in in day.rows_in.items():
            loaded, quarantined = counted.get((day.day, name), (0, 0))
            assert loaded + quarantined == rows_in, (day.day, name)
            assert quarantined == MALFORMED_PER_DAY.get((day.day, name), 0), (day.day, name)


def test_every_current_raw_record_is_valid_or_quarantined_with_a_reason_exactly_once(fuzzed_run):
    unaccounted = query(
        fuzzed_run,
        """
        with huidig as (
            select versie_id from staging.stg_lpz__export_versies
        ),
        ruw as (
            select versie_id, bestand, recordnummer from raw.seh_locaties
            union all
            select versie_id, bestand, recordnummer from raw.seh_statusmutaties
            union all
            select versie_id, bestand, recordnummer from raw.quarantaine
        ),
        uitkomst as (
            select versie_id, bestand, recordnummer
            from intermediate.int_seh_locaties_gevalideerd where is_in_snapshot
            union all
            select versie_id, bestand, recordnummer
            from intermediate.int_statusmutaties_gevalideerd
            where is_geldig or is_identiek_duplicaat
            union all
            select versie_id, bestand, recordnummer
            from marts.dq_quarantaine where coalesce(reden, '') != ''
        ),
        per_record as (
            select ruw.versie_id, ruw.bestand, ruw.recordnummer, count(uitkomst.versie_id) as n
            from ruw
            inner join huidig on ruw.versie_id = huidig.versie_id
            left join uitkomst
                on ruw.versie_id = uitkomst.versie_id
                and ruw.bestand = uitkomst.bestand
                and ruw.recordnummer = uitkomst.recordnummer
            group by all
        )
        select * from per_record where n != 1
        """,
    )
    assert unaccounted == []
    records = query(
        fuzzed_run,
        "select count(*) from raw.seh_locaties "
        "union all select count(*) from raw.seh_statusmutaties",
    )
    assert sum(row[0] for row in records) == sum(
        sum(day.rows_in.values()) for day in fuzzed_run.loadable
    ) - sum(MALFORMED_PER_DAY.values())


def test_the_dbt_accounting_test_and_the_mart_checks_pass(fuzzed_run):
    """The singular dbt test ran in the build and passed; only the raw GX check may fail
    (the planted timestamps are critical there: it guards raw days, not the marts)."""
    failed = set(fuzzed_run.summary.checks_failed)
    assert failed <= {"lpz_export_day: great_expectations"}, failed
    assert fuzzed_run.summary.checks_passed > 0
    log = (fuzzed_run.warehouse.parent / "logs" / "dbt_build.log").read_text(encoding="utf-8")
    assert "PASS assert_every_current_raw_record_is_accounted_for" in log
    assert re.search(r"Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0", log), log[-500:]


def test_each_planted_fault_has_the_reason_the_contract_gives_it(fuzzed_run):
    mutations_by_id = {
        mutatie_id: reden
        for mutatie_id, reden in query(
            fuzzed_run,
            """
            select mutatie_id, quarantaine_reden
            from intermediate.int_statusmutaties_gevalideerd
            where not is_identiek_duplicaat
            """,
        )
    }
    assert mutations_by_id == PLANTED
    malformed = query(
        fuzzed_run,
        "select export_datum, bestand, count(*) from marts.dq_quarantaine "
        "where reden = 'malformed_row' group by all",
    )
    assert {(day, name): n for day, name, n in malformed} == MALFORMED_PER_DAY
    register_reasons = set(
        query(
            fuzzed_run,
            "select distinct locatie_id, reden from marts.dq_quarantaine "
            "where bestand = 'seh_locaties.csv' and reden != 'malformed_row'",
        )
    )
    assert register_reasons == REGISTER_REASONS


def test_hostile_values_reach_the_raw_layer_unchanged(fuzzed_run):
    toelichtingen = dict(
        query(
            fuzzed_run,
            "select mutatie_id, toelichting from raw.seh_statusmutaties "
            "where mutatie_id in ('M1', 'M11') and export_datum <= '2023-03-02'",
        )
    )
    assert toelichtingen == {"M1": 'regel 1\r\nregel 2; "geciteerd"\x00 einde', "M11": HUGE}
    [(name,)] = query(
        fuzzed_run,
        "select locatie_naam from raw.seh_locaties "
        "where export_datum = '2023-03-03' and locatie_id = 'SEH0001'",
    )
    assert name == HUGE


def test_the_episodes_come_from_the_valid_mutations_only(fuzzed_run):
    """M1 (stopped by M11), M16 (planned end) and M17 (to the horizon) are the only stops."""
    episodes = query(
        fuzzed_run,
        "select locatie_id, begin_at, einde_at from marts.fct_stop_episodes "
        "where definitie = 'regionaal' order by begin_at",
    )
    assert [
        (row[0], row[1].astimezone(UTC).isoformat(), row[2].astimezone(UTC).isoformat())
        for row in episodes
    ] == [
        ("SEH0001", "2023-03-01T09:00:00+00:00", "2023-03-02T07:00:00+00:00"),
        ("SEH0002", "2023-03-04T11:00:00+00:00", "2023-03-04T13:00:00+00:00"),
        ("SEH0001", "2023-03-10T08:00:00+00:00", "2023-03-10T23:00:00+00:00"),
    ]
