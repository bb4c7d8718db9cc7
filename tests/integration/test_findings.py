"""The findings (marts.dq_bevindingen) on real pipeline runs: the seed's story, visible.

The simulated January 2023 (the session's `january_run`) says which regions do not register.
A second, module-scoped pair of runs tells the rest: the same simulated export with one Noord
location activating on 16 January, 20 January held back and 21 January not matching its
manifest (run 1); then both days published properly and a stale re-publication of 5 January
(run 2). The missing days make every registering region gedeeltelijk in run 1; once they are
in, only Noord stays gedeeltelijk, and the findings about the days are closed with their first
sighting kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from cli.runner import run_pipeline
from seh_stops import settings
from seh_stops.lpz.contract import (
    LOCATION_COLUMNS,
    LOCATIONS_FILE,
    MANIFEST_FILE,
    MUTATIONS_FILE,
)
from simulator import simulate
from tests.conftest import DEMO_SEED

NOT_REGISTERING = {"Euregio", "Brabant", "Limburg"}
REGISTERING = {
    "Noord",
    "Noord-Holland/Flevoland",
    "Midden",
    "Oost",
    "West",
    "Zuidwest",
    "Zwolle",
}
# the simulator's words for the rows it plants -> the finding kind they must give
SOORT_BY_PLANTED_REASON = {
    "conflicting duplicate (same mutatie_id, other content)": "mutatie_conflicterend_duplicaat",
    "location not in the register": "mutatie_onbekende_locatie",
    "withdrawal of an unknown mutation": "intrekking_onbekende_mutatie",
}
HELD_BACK = date(2023, 1, 20)
BROKEN = date(2023, 1, 21)
STALE = date(2023, 1, 5)
ACTIVE_FROM = date(2023, 1, 16)


@dataclass(frozen=True)
class Finding:
    bevinding_id: str
    soort: str
    ernst: str
    roaz_regio: str | None
    export_datum: date | None
    maand: str | None
    aantal: int
    detail: str
    advies: str
    eerst_gezien_at: datetime
    laatst_gezien_at: datetime
    is_open: bool


def read_findings(warehouse: Path) -> list[Finding]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select * from marts.dq_bevindingen order by soort, maand, roaz_regio, export_datum"
        ).fetchall()
    finally:
        con.close()
    return [Finding(*row) for row in rows]


def regions(findings: list[Finding], soort: str, maand: str, is_open: bool = True) -> set[str]:
    return {
        f.roaz_regio
        for f in findings
        if f.soort == soort and f.maand == maand and f.is_open == is_open
    }


# --- the simulated January 2023 -------------------------------------------------------------


@pytest.fixture(scope="module")
def january_findings(january_run) -> list[Finding]:
    return read_findings(january_run.warehouse)


def test_january_euregio_brabant_and_limburg_are_niet_geregistreerd(january_findings):
    assert regions(january_findings, "regio_niet_geregistreerd", "2023-01") == NOT_REGISTERING


def test_january_no_registering_region_is_gedeeltelijk(january_findings):
    assert regions(january_findings, "regio_gedeeltelijk", "2023-01") == set()


def test_the_month_still_being_published_is_no_finding(january_findings):
    """February has three of its days: gedeeltelijk in the mart, but not (yet) a problem."""
    assert regions(january_findings, "regio_gedeeltelijk", "2023-02") == set()
    assert not [f for f in january_findings if f.soort == "exportdag_ontbreekt"]


def test_the_planted_quarantine_rows_are_findings(january_run, january_findings):
    planted = {
        (row.export_day, SOORT_BY_PLANTED_REASON[row.reason])
        for row in january_run.simulation.quarantined
    }
    found = {
        (f.export_datum, f.soort)
        for f in january_findings
        if f.soort in SOORT_BY_PLANTED_REASON.values()
    }
    assert found == planted
    assert sum(
        f.aantal for f in january_findings if f.soort in SOORT_BY_PLANTED_REASON.values()
    ) == len(january_run.simulation.quarantined)


def test_findings_are_open_once_seen_and_carry_advice(january_findings):
    assert january_findings
    for finding in january_findings:
        assert finding.is_open
        assert finding.eerst_gezien_at == finding.laatst_gezien_at
        assert finding.ernst in ("kritiek", "waarschuwing")
        assert finding.detail and finding.advies


def test_no_finding_names_a_location_or_hospital_or_holds_free_text(january_run):
    """Names and toelichting from the raw layer never appear in a detail."""
    con = duckdb.connect(str(january_run.warehouse), read_only=True)
    try:
        leaked = con.execute(
            """
            with woorden as (
                select distinct locatie_naam as woord from raw.seh_locaties
                union select distinct ziekenhuis from raw.seh_locaties
                union select distinct toelichting from raw.seh_statusmutaties
                where toelichting <> ''
            )
            select bevinding_id, woord
            from marts.dq_bevindingen
            inner join woorden on contains(detail, woord) or contains(advies, woord)
            """
        ).fetchall()
    finally:
        con.close()
    assert leaked == []


# --- missing, broken, late and stale days; a location activating mid-month ----------------


def rewrite_file(folder: Path, name: str, content: bytes) -> None:
    """Replace one CSV file of an export day and update its manifest entry to match."""
    (folder / name).write_bytes(content)
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    for entry in manifest["bestanden"]:
        if entry["naam"] == name:
            entry["sha256"] = hashlib.sha256(content).hexdigest()
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")


def activate_from(exports: Path, locatie_id: str, since: date) -> None:
    """Make one location's SEH module active from ``since`` in every register of the export."""
    column = LOCATION_COLUMNS.index("actief_sinds")
    for folder in sorted(p for p in exports.iterdir() if p.is_dir()):
        lines = (folder / LOCATIONS_FILE).read_text(encoding="utf-8").split("\n")
        for number, line in enumerate(lines):
            fields = line.split(";")
            if fields[0] == locatie_id:
                fields[column] = since.isoformat()
                lines[number] = ";".join(fields)
        rewrite_file(folder, LOCATIONS_FILE, "\n".join(lines).encode("utf-8"))


def first_location_of(exports: Path, regio: str) -> str:
    register = (exports / "2023-01-01" / LOCATIONS_FILE).read_text(encoding="utf-8")
    region_column = LOCATION_COLUMNS.index("roaz_regio")
    return next(
        line.split(";")[0]
        for line in register.splitlines()[1:]
        if line.split(";")[region_column] == regio
    )


@dataclass(frozen=True)
class TwoRuns:
    first: list[Finding]
    second: list[Finding]
    activated: str


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> TwoRuns:
    from cli.main import DEMO_FIRST_DAY, DEMO_LAST_DAY

    data_dir = tmp_path_factory.mktemp("findings") / "data"
    settings.use_data_dir(data_dir)
    exports = data_dir / "exports"
    simulate(DEMO_FIRST_DAY, DEMO_LAST_DAY, exports, seed=DEMO_SEED)
    activated = first_location_of(exports, "Noord")
    activate_from(exports, activated, ACTIVE_FROM)

    held = data_dir / "held_back"
    shutil.move(exports / HELD_BACK.isoformat(), held)
    broken = exports / BROKEN.isoformat() / MUTATIONS_FILE
    good_bytes = broken.read_bytes()
    broken.write_bytes(good_bytes + b"extra;regel\n")  # no longer matches its manifest
    quiet = lambda message: None  # noqa: E731
    run_pipeline(str(exports), progress=quiet)
    first = read_findings(data_dir / "warehouse.duckdb")

    shutil.move(held, exports / HELD_BACK.isoformat())
    broken.write_bytes(good_bytes)
    stale = exports / STALE.isoformat() / MANIFEST_FILE
    manifest = json.loads(stale.read_text(encoding="utf-8"))
    manifest["gegenereerd_op"] = f"{STALE.isoformat()}T23:00:00+01:00"  # before the loaded one
    stale.write_text(json.dumps(manifest), encoding="utf-8")
    run_pipeline(str(exports), progress=quiet)
    second = read_findings(data_dir / "warehouse.duckdb")
    return TwoRuns(first, second, activated)


def by_soort(findings: list[Finding], soort: str) -> list[Finding]:
    return [f for f in findings if f.soort == soort]


def test_a_missing_day_makes_every_registering_region_gedeeltelijk(two_runs):
    assert regions(two_runs.first, "regio_gedeeltelijk", "2023-01") == REGISTERING
    assert regions(two_runs.first, "regio_niet_geregistreerd", "2023-01") == NOT_REGISTERING
    [missing] = by_soort(two_runs.first, "exportdag_ontbreekt")
    assert (missing.export_datum, missing.ernst, missing.is_open) == (HELD_BACK, "kritiek", True)


def test_a_day_that_does_not_match_its_manifest_is_exportdag_incompleet(two_runs):
    [incomplete] = by_soort(two_runs.first, "exportdag_incompleet")
    assert incomplete.export_datum == BROKEN and incomplete.is_open
    assert "seh_statusmutaties.csv: SHA-256 wijkt af van het manifest" in incomplete.detail


def test_a_location_activating_mid_month_makes_its_region_gedeeltelijk(two_runs):
    assert regions(two_runs.second, "regio_gedeeltelijk", "2023-01") == {"Noord"}
    [noord] = [
        f
        for f in by_soort(two_runs.second, "regio_gedeeltelijk")
        if f.roaz_regio == "Noord" and f.maand == "2023-01"
    ]
    days_inactive = ACTIVE_FROM.day - 1
    assert noord.aantal == days_inactive
    assert f"op {days_inactive} van de 31 dagen" in noord.detail
    assert two_runs.activated not in noord.detail  # counts, not locations


def test_findings_that_disappear_are_closed_with_their_first_sighting_kept(two_runs):
    first = {f.bevinding_id: f for f in two_runs.first}
    second = {f.bevinding_id: f for f in two_runs.second}
    run_1 = max(f.laatst_gezien_at for f in two_runs.first)
    run_2 = max(f.laatst_gezien_at for f in two_runs.second)
    assert run_2 > run_1
    assert set(first) <= set(second)  # nothing is ever forgotten

    resolved = [second[key] for key in first if not second[key].is_open]
    # besides these, consequences of the held-back day resolve too: a re-send that arrived
    # before its original (registration date not the export day), a stop whose open was on
    # the missing day (open too long)
    assert {(f.soort, f.roaz_regio or f.export_datum) for f in resolved} >= {
        ("exportdag_ontbreekt", HELD_BACK),
        ("exportdag_incompleet", BROKEN),
        *(("regio_gedeeltelijk", regio) for regio in REGISTERING - {"Noord"}),
    }
    for finding in resolved:
        assert finding.eerst_gezien_at == finding.laatst_gezien_at == run_1

    still_open = [second[key] for key in first if second[key].is_open]
    assert still_open
    for finding in still_open:
        assert (finding.eerst_gezien_at, finding.laatst_gezien_at) == (run_1, run_2)


def test_a_stale_republication_is_a_finding(two_runs):
    [stale] = by_soort(two_runs.second, "correctie_verouderd")
    assert (stale.export_datum, stale.is_open, stale.eerst_gezien_at) == (
        STALE,
        True,
        stale.laatst_gezien_at,
    )
    assert f"{STALE.isoformat()}T23:00:00+01:00" in stale.detail


# --- the inventory asset on its own ----------------------------------------------------------


def test_the_inventory_asset_records_the_source_and_survives_an_unreadable_one(tmp_path):
    from dagster import DagsterInstance, materialize

    from orchestration.assets.inventory import lpz_export_inventaris
    from orchestration.resources import WarehouseResource
    from tests.exportdays import folder_source, write_day

    exports, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    write_day(exports, date(2023, 1, 9))
    write_day(exports, date(2023, 1, 10), raw={MUTATIONS_FILE: b"kapot"})

    def run(location: Path):
        result = materialize(
            [lpz_export_inventaris],
            instance=DagsterInstance.ephemeral(),
            resources={
                "warehouse": WarehouseResource(path=str(warehouse)),
                "export_source": folder_source(location),
            },
        )
        [event] = result.asset_materializations_for_node("lpz_export_inventaris")
        return event.metadata

    metadata = run(exports)
    assert metadata["status/compleet"].value == 1 and metadata["status/incompleet"].value == 1
    metadata = run(tmp_path / "no such folder")
    assert "is not a directory" in metadata["source_not_readable"].value
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        kept = con.execute("select export_datum, status from raw.export_controles").fetchall()
    finally:
        con.close()
    assert sorted(kept) == [(date(2023, 1, 9), "compleet"), (date(2023, 1, 10), "incompleet")]
