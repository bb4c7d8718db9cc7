"""The comparison of specification, section 9, end to end: real exports, Dagster, dbt, delivery.

Two real pipeline runs, one per module fixture:

- a hand-built scenario (a few locations in Noord, Oost and Midden, one export day of stops)
  whose figures under both definitions and whose simultaneous minutes are worked out below by
  hand, independently of the dbt SQL;
- a copy of the session's simulated January, delivered, then corrected by a late time-out
  stop in Oost: Oost's own agreement does not count time-outs, the reference definition does,
  so only reference figures change.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import duckdb
import pytest

from cli.main import main
from cli.runner import run_pipeline
from tests.deliveries import (
    copy_of_data_dir,
    deliver,
    failure,
    folder_bytes,
    free_oost_location,
    metadata,
    republish_with_late_stop,
    using_data_dir,
)
from tests.exportdays import location_line, mutation_line, stop_line, write_day
from tests.integration.test_january_2023 import APPENDIX

SCENARIO_DAYS = [date(2023, 1, 9), date(2023, 1, 10), date(2023, 1, 11)]
SCENARIO_REGISTER = [
    location_line("SEH0001", "Noord"),
    location_line("SEH0002", "Noord"),
    location_line("SEH0003", "Noord"),
    location_line("SEH0004", "Oost"),
    location_line("SEH0005", "Midden"),
    location_line("SEH0006", "Midden"),
    location_line("SEH0007", "Midden"),
]


def _typed_stop(mutatie_id: str, locatie_id: str, stoptype: str, start: str, end: str) -> str:
    return mutation_line(
        mutatie_id,
        locatie_id,
        stoptype=stoptype,
        ingang=f"{start}+01:00",
        gepland_einde=f"{end}+01:00",
        geregistreerd_op=f"{start}+01:00",
    )


SCENARIO_STOPS = [
    # Noord (own: volledig + ambulance, minimum 0; reference: + time-out, minimum 5)
    stop_line("N1", "SEH0001", "2023-01-10T10:00:00", "2023-01-10T11:00:00"),  # both, 60 min
    _typed_stop("N2", "SEH0002", "time-out", "2023-01-10T10:30:00", "2023-01-10T11:30:00"),
    _typed_stop("N3", "SEH0003", "ambulance", "2023-01-10T12:00:00", "2023-01-10T12:03:00"),
    # Oost (own: margin 0, minimum 15; reference: margin 15, minimum 5): a 10-minute gap
    stop_line("O1", "SEH0004", "2023-01-10T09:00:00", "2023-01-10T09:10:00"),
    stop_line("O2", "SEH0004", "2023-01-10T09:20:00", "2023-01-10T09:40:00"),
    # Midden (reference count 5, so half is 3): three locations overlapping in steps
    stop_line("M1", "SEH0005", "2023-01-10T14:00:00", "2023-01-10T15:00:00"),
    stop_line("M2", "SEH0006", "2023-01-10T14:20:00", "2023-01-10T15:00:00"),
    stop_line("M3", "SEH0007", "2023-01-10T14:40:00", "2023-01-10T15:30:00"),
]

# (stops, minutes) regional, (stops, minutes) reference, 2+ minutes, half minutes
EXPECTED = {
    # own: N1 60 + N3 3 (time-out not counted); reference: N1 60 + N2 60 (N3 under 5 min);
    # N1 and N2 overlap 10:30-11:00; half of 9 is 5 locations: never
    "Noord": ((2, 63), (2, 120), 30, 0),
    # own: two episodes (margin 0), only the 20-minute one reaches 15; reference: one of 30
    "Oost": ((1, 20), (1, 30), 0, 0),
    # 60 + 40 + 50 minutes under both; two or more 14:20-15:00, three 14:40-15:00
    "Midden": ((3, 150), (3, 150), 40, 20),
}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """The hand-built export days, through the whole pipeline once."""
    with using_data_dir(tmp_path_factory.mktemp("comparison") / "data") as data_dir:
        exports = data_dir / "exports"
        for day in SCENARIO_DAYS:
            stops = SCENARIO_STOPS if day == date(2023, 1, 10) else []
            write_day(exports, day, locations=SCENARIO_REGISTER, mutations=stops)
        run_pipeline(str(exports), progress=lambda message: None)
        con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
        try:
            rows = con.execute(
                "select roaz_regio, aantal_stops_regionaal, totale_duur_minuten_regionaal, "
                "aantal_stops_referentie, totale_duur_minuten_referentie, "
                "minuten_gelijktijdig_2plus, minuten_gelijktijdig_helft "
                "from marts.agg_seh_stops_vergelijking_maand where maand = '2023-01'"
            ).fetchall()
        finally:
            con.close()
        yield {row[0]: row[1:] for row in rows}


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_hand_built_locations_give_the_hand_worked_figures(scenario, region):
    (stops, minutes), (ref_stops, ref_minutes), two_plus, half = EXPECTED[region]
    assert scenario[region] == (stops, minutes, ref_stops, ref_minutes, two_plus, half)


def test_regions_without_locations_have_empty_figures(scenario):
    assert scenario["Brabant"] == (None,) * 6


def test_the_regional_columns_equal_the_lnaz_table(january_run):
    con = duckdb.connect(str(january_run.warehouse), read_only=True)
    try:
        compared = con.execute(
            "select v.roaz_regio, v.aantal_stops_regionaal, v.totale_duur_minuten_regionaal, "
            "a.aantal_stops, a.totale_duur_minuten from marts.agg_seh_stops_vergelijking_maand v "
            "join marts.agg_seh_stops_regio_maand a using (maand, roaz_regio) "
            "where maand = '2023-01' and a.registratiestatus != 'niet_geregistreerd'"
        ).fetchall()
    finally:
        con.close()
    assert {row[0]: row[1:3] for row in compared} == {
        region: (stops, minutes) for region, (_, stops, minutes) in APPENDIX.items()
    }
    assert all(row[1:3] == row[3:5] for row in compared)


@pytest.fixture(scope="module")
def reference_revision(january_run, tmp_path_factory):
    """Deliver January, load a late time-out stop in Oost, deliver again."""
    target = tmp_path_factory.mktemp("reference-revision") / "data"
    with copy_of_data_dir(january_run.data_dir, target) as data_dir:
        first = deliver("2023-01", peildatum="2023-02-04")
        assert first.success, failure(first)
        month = data_dir / "levering" / "2023-01"
        before = folder_bytes(month / "revisie-1")
        republish_with_late_stop(
            data_dir / "exports",
            free_oost_location(data_dir / "warehouse.duckdb"),
            mutatie_id="MLATE0002",
            stoptype="time-out",
        )
        run_pipeline(str(data_dir / "exports"), progress=lambda message: None)
        second = deliver("2023-01", peildatum="2023-02-07")
        yield {"data_dir": data_dir, "month": month, "before": before, "second": second}


def test_every_revision_folder_holds_the_comparison_in_its_manifest(reference_revision):
    for folder in ("revisie-1", "revisie-2"):
        path = reference_revision["month"] / folder
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        [listed] = [f for f in manifest["bestanden"] if f["naam"] == "vergelijking_2023-01.csv"]
        data = (path / "vergelijking_2023-01.csv").read_bytes()
        assert listed == {
            "naam": listed["naam"],
            "rijen": 10,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        assert data.decode("utf-8").split("\n")[0] == (
            "maand;roaz_regio;registratiestatus;aantal_seh_locaties;aantal_stops_regionaal;"
            "totale_duur_minuten_regionaal;aantal_stops_referentie;"
            "totale_duur_minuten_referentie;minuten_gelijktijdig_2plus;minuten_gelijktijdig_helft"
        )
        assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")


def test_a_reference_only_change_makes_revision_2(reference_revision):
    second = reference_revision["second"]
    assert second.success, failure(second)
    assert metadata(second)["revisie"] == 2
    assert metadata(second)["gewijzigde_regios"] == []
    assert metadata(second)["gewijzigde_regios_vergelijking"] == ["Oost"]
    month = reference_revision["month"]
    manifest = json.loads((month / "revisie-2" / "manifest.json").read_text(encoding="utf-8"))
    [change] = manifest["wijzigingen"]
    assert (change["bestand"], change["roaz_regio"]) == ("vergelijking_2023-01.csv", "Oost")
    old, new = change["oud"], change["nieuw"]
    assert new["aantal_stops_referentie"] == old["aantal_stops_referentie"] + 1
    assert new["totale_duur_minuten_referentie"] == old["totale_duur_minuten_referentie"] + 60
    assert (new["aantal_stops_regionaal"], new["totale_duur_minuten_regionaal"]) == (
        old["aantal_stops_regionaal"],
        old["totale_duur_minuten_regionaal"],
    )
    # the section-7 CSV holds the same figures, only its revisie differs
    first_csv = (month / "revisie-1" / "seh_stops_2023-01.csv").read_text(encoding="utf-8")
    second_csv = (month / "revisie-2" / "seh_stops_2023-01.csv").read_text(encoding="utf-8")
    strip = lambda text: [line.rsplit(";", 1)[0] for line in text.splitlines()]  # noqa: E731
    assert strip(first_csv) == strip(second_csv)


def test_revision_1_stays_byte_identical(reference_revision):
    assert folder_bytes(reference_revision["month"] / "revisie-1") == reference_revision["before"]


def test_compare_csv_prints_exactly_the_delivered_file(reference_revision, capsys):
    data_dir = reference_revision["data_dir"]
    assert (
        main(["compare", "--data-dir", str(data_dir), "--month", "2023-01", "--format", "csv"]) == 0
    )
    delivered = reference_revision["month"] / "revisie-2" / "vergelijking_2023-01.csv"
    assert capsys.readouterr().out == delivered.read_text(encoding="utf-8")


def test_the_report_and_workbook_show_the_second_table(reference_revision):
    import zipfile

    folder = reference_revision["month"] / "revisie-2"
    html = (folder / "seh_stops_2023-01.html").read_text(encoding="utf-8")
    assert "Vergelijkbare cijfers: eigen afspraak en referentiedefinitie" in html
    assert "referentiedefinitie is één gemeenschappelijke set regels" in html
    with zipfile.ZipFile(folder / "seh_stops_2023-01.xlsx") as workbook:
        sheets = workbook.read("xl/workbook.xml").decode("utf-8")
    assert 'name="Vergelijking"' in sheets
