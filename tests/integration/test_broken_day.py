"""A deliberately broken export day, end to end: the gate, the quarantine, the findings, one mail.

Real runs of the CLI's runner (Dagster + dbt on a DuckDB file) against a real SMTP server on
127.0.0.1. Night 1 loads a good day. Night 2 publishes a broken day: its blocking GX check
fails with severity ERROR, the run stops before dbt and the marts stay as they were. The next
rebuild (the nightly schedule's, here the runner again with nothing new to load) builds over the
day: every broken record is quarantined with its reason, the findings name them, and LNAZ gets
exactly one digest about them, which no later run repeats. The free text never leaves raw.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from dagster import AssetCheckSeverity, DagsterEventType, RunsFilter

from cli.runner import PipelineFailed, instance, run_pipeline
from seh_stops import settings
from tests.exportdays import location_line, mutation_line, write_day
from tests.smtp_server import smtp_server

GOOD, BROKEN = date(2023, 1, 9), date(2023, 1, 10)
REGISTER = [location_line("SEH0001", "Noord"), location_line("SEH0002", "Noord")]
SECRET = "Dr. Jansen belde om 10:02"


# the section-7 episodes (the reference definition's are beside them, specification 9.1)
REGIONAL_EPISODES = "select episode_id from marts.fct_stop_episodes where definitie = 'regionaal'"


def at(text: str) -> str:
    return f"2023-01-{text}+01:00"


BROKEN_MUTATIONS = [
    # a good stop, so the day still counts
    mutation_line("B1", ingang=at("10T08:00:00"), gepland_einde=at("10T09:00:00"),
                  geregistreerd_op=at("10T08:00:00")),
    # a status the contract does not know (critical in GX; invalid_value in dbt)
    mutation_line("B2", status="Stop", ingang=at("10T10:00:00"), geregistreerd_op=at("10T10:00:00"),
                  toelichting=SECRET),
    # an ingang that is not a contract timestamp
    mutation_line("B3", ingang="2023-01-10 11:00", geregistreerd_op=at("10T11:00:00")),
    # the same mutatie_id twice with other content: a conflicting duplicate
    mutation_line("B4", ingang=at("10T12:00:00"), gepland_einde=at("10T12:30:00"),
                  geregistreerd_op=at("10T12:00:00")),
    mutation_line("B4", ingang=at("10T12:00:00"), gepland_einde=at("10T13:30:00"),
                  geregistreerd_op=at("10T12:00:00")),
    # a location that is not in the register of the day
    mutation_line("B5", locatie_id="SEH9999", ingang=at("10T14:00:00"),
                  geregistreerd_op=at("10T14:00:00")),
    # a record with a field too few: the loader quarantines it
    "B6;SEH0001;stop;volledig;;2023-01-10T15:00:00+01:00;;2023-01-10T15:00:00+01:00",
]  # fmt: skip


def read(warehouse, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 (good day), night 2 (broken day, gated), the rebuild, and one more rebuild."""
    data_dir = tmp_path_factory.mktemp("broken") / "data"
    settings.use_data_dir(data_dir)
    exports = data_dir / "exports"
    warehouse = data_dir / "warehouse.duckdb"
    quiet = lambda message: None  # noqa: E731
    # The code location reads the mail variables when it is first imported; import it before
    # they are set, so no later test inherits them (the runner passes them per run).
    import orchestration.definitions  # noqa: F401

    with pytest.MonkeyPatch.context() as env, smtp_server() as server:
        for name, value in {
            "SEH_SMTP_HOST": "127.0.0.1",
            "SEH_SMTP_PORT": str(server.port),
            "SEH_SMTP_STARTTLS": "nee",
            "SEH_ALERT_FROM": "seh-stops@lnaz.nl",
            "SEH_ALERT_TO_LNAZ": "kwaliteit@lnaz.nl",
        }.items():
            env.setenv(name, value)
        write_day(
            exports,
            GOOD,
            locations=REGISTER,
            mutations=[
                mutation_line("G1", ingang=at("09T10:00:00"), gepland_einde=at("09T11:00:00"),
                              geregistreerd_op=at("09T10:00:00")),
            ],
        )  # fmt: skip
        run_pipeline(str(exports), progress=quiet)
        mails_after_night_1 = len(server.inbox.received)
        episodes_after_night_1 = read(
            warehouse,
            REGIONAL_EPISODES,
        )

        write_day(exports, BROKEN, locations=REGISTER, mutations=BROKEN_MUTATIONS)
        with pytest.raises(PipelineFailed) as gated:
            run_pipeline(str(exports), progress=quiet)
        gate = {
            "error": str(gated.value),
            "episodes": read(
                warehouse,
                REGIONAL_EPISODES,
            ),
            "mails": len(server.inbox.received),
        }
        with instance() as dagster_instance:
            [record] = dagster_instance.get_run_records(
                RunsFilter(job_name="ingest_export_days"), limit=1
            )
            [evaluation] = dagster_instance.all_logs(
                record.dagster_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
            )
        gate["check"] = evaluation.dagster_event.event_specific_data

        rebuild = run_pipeline(str(exports), progress=quiet)  # the nightly rebuild
        mails_after_rebuild = len(server.inbox.received)
        run_pipeline(str(exports), progress=quiet)  # and the night after
        return {
            "warehouse": warehouse,
            "mails_after_night_1": mails_after_night_1,
            "episodes_after_night_1": episodes_after_night_1,
            "gate": gate,
            "rebuild": rebuild,
            "mails_after_rebuild": mails_after_rebuild,
            "inbox": list(server.inbox.received),
        }


def test_the_blocking_check_fails_and_stops_the_run_before_dbt(nights):
    gate = nights["gate"]
    assert "ingestion failed" in gate["error"] and "great_expectations" in gate["error"]
    check = gate["check"]
    assert not check.passed and check.severity == AssetCheckSeverity.ERROR
    assert check.metadata["export_days"].value == BROKEN.isoformat()
    table = check.metadata["failing_expectations"].value
    assert "expect_column_values_to_be_in_set | status" in table
    assert "expect_column_values_to_match_regex | ingang" in table
    assert "expect_compound_columns_to_be_unique | export_datum, mutatie_id" in table
    # nothing downstream was rebuilt over the broken day, and no mail went out
    assert gate["episodes"] == nights["episodes_after_night_1"]
    assert gate["mails"] == nights["mails_after_night_1"]


def test_the_rebuild_quarantines_every_broken_record_with_its_reason(nights):
    rows = read(
        nights["warehouse"],
        "select mutatie_id, reden from marts.dq_quarantaine "
        f"where export_datum = '{BROKEN}' order by recordnummer",
    )
    assert rows == [
        ("B2", "invalid_value"),
        ("B3", "invalid_value"),
        ("B4", "conflicting_duplicate"),
        ("B5", "unknown_location"),
        (None, "malformed_row"),
    ]
    # the valid stop of the broken day is counted; the first B4 stands
    starts = read(
        nights["warehouse"],
        "select strftime(begin_at at time zone 'Europe/Amsterdam', '%d %H:%M') "
        "from marts.fct_stop_episodes where definitie = 'regionaal' order by begin_at",
    )
    assert [row[0] for row in starts] == ["09 10:00", "10 08:00", "10 12:00"]
    assert nights["rebuild"].checks_failed == []


def test_the_findings_name_each_problem_of_the_day(nights):
    findings = dict(
        read(
            nights["warehouse"],
            "select soort, aantal from marts.dq_bevindingen "
            f"where export_datum = '{BROKEN}' and is_open",
        )
    )
    assert findings == {
        "mutatie_veld_ongeldig": 2,
        "mutatie_conflicterend_duplicaat": 1,
        "mutatie_onbekende_locatie": 1,
        "rij_onleesbaar": 1,
    }


def test_lnaz_gets_exactly_one_digest_about_the_day(nights):
    assert nights["mails_after_rebuild"] == nights["mails_after_night_1"] + 1
    assert len(nights["inbox"]) == nights["mails_after_rebuild"]  # the next night sent nothing
    digest = nights["inbox"][-1]
    text = " ".join(digest.text.split())
    assert "exportdag 10 januari 2023" in text
    for advice_start in ("Vraag de LPZ welke inhoud juist is", "waarom de locatie niet in het"):
        assert advice_start in text
    everything = "".join(mail.message.as_string() for mail in nights["inbox"])
    assert "Jansen" not in everything
