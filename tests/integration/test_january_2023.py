"""The January 2023 LNAZ table, computed by a real Dagster + dbt + DuckDB run."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from seh_stops.delivery.month_figures import appendix_table, delivery_csv, read_month

# The appendix of the LNAZ letter (specification, section 5.2): regions, SEH locations, stops,
# minutes.
APPENDIX = {
    "Noord": (9, 155, 16485),
    "Noord-Holland/Flevoland": (18, 163, 18502),
    "Midden": (5, 79, 9334),
    "Oost": (6, 14, 1389),
    "West": (7, 45, 5410),
    "Zuidwest": (11, 80, 11591),
    "Zwolle": (7, 35, 5193),
}
NOT_REGISTERING = {"Euregio": 3, "Brabant": 11, "Limburg": 6}


def test_the_run_loaded_every_simulated_day_and_passed_every_check(january_run):
    summary = january_run.summary
    assert len(summary.days_loaded) == 35
    assert summary.not_loadable == []
    assert summary.checks_failed == []
    assert summary.checks_passed > 0


def test_the_pipeline_reproduces_the_appendix_table(january_run):
    rows = {row.roaz_regio: row for row in read_month(january_run.warehouse, "2023-01")}
    assert list(rows) == [*APPENDIX, *NOT_REGISTERING]
    for regio, (locaties, stops, minuten) in APPENDIX.items():
        row = rows[regio]
        assert (
            row.registratiestatus,
            row.aantal_seh_locaties,
            row.aantal_stops,
            row.totale_duur_minuten,
        ) == ("volledig", locaties, stops, minuten), regio
    for regio, locaties in NOT_REGISTERING.items():
        row = rows[regio]
        assert (
            row.registratiestatus,
            row.aantal_seh_locaties,
            row.aantal_stops,
            row.totale_duur_minuten,
        ) == ("niet_geregistreerd", locaties, None, None), regio


def test_the_delivery_csv_has_the_section_7_form(january_run):
    text = delivery_csv(read_month(january_run.warehouse, "2023-01"))
    lines = text.split("\n")
    assert lines[0] == (
        "maand;roaz_regio;registratiestatus;aantal_seh_locaties;aantal_stops;"
        "totale_duur_minuten;revisie"
    )
    assert lines[1] == "2023-01;Noord;volledig;9;155;16485;1"
    assert lines[-2] == "2023-01;Limburg;niet_geregistreerd;6;;;1"
    assert lines[-1] == "" and "\r" not in text and '"' not in text
    assert len(list(csv.reader(io.StringIO(text), delimiter=";"))) == 11


def test_the_appendix_layout_has_regions_as_columns(january_run):
    table = appendix_table(read_month(january_run.warehouse, "2023-01"))
    stops_line = next(line for line in table.splitlines() if line.startswith("Aantal stops"))
    assert stops_line.split()[2:] == ["155", "163", "79", "14", "45", "80", "35", "-", "-", "-"]


@pytest.fixture
def warehouse(january_run):
    con = duckdb.connect(str(january_run.warehouse), read_only=True)
    yield con
    con.close()


def test_every_data_row_of_every_loaded_file_is_in_raw_or_in_quarantine(january_run, warehouse):
    """Raw-row accounting: the manifest's rows = raw rows + quarantined rows, per file and day."""
    versions = warehouse.execute("select versie_id, archief_pad from raw.export_versies").fetchall()
    assert len(versions) == 35
    loaded = dict(
        ((versie, bestand), rows)
        for versie, bestand, rows in warehouse.execute(
            """
            select versie_id, bestand, count(*) from (
                select versie_id, bestand from raw.seh_locaties
                union all select versie_id, bestand from raw.seh_statusmutaties
                union all select versie_id, bestand from raw.quarantaine
            ) group by all
            """
        ).fetchall()
    )
    for versie_id, archief_pad in versions:
        manifest = json.loads((Path(archief_pad) / "manifest.json").read_text())
        for entry in manifest["bestanden"]:
            assert loaded.get((versie_id, entry["naam"]), 0) == entry["rijen"], (versie_id, entry)


def test_exactly_the_simulated_bad_rows_are_quarantined_with_their_reason(january_run, warehouse):
    quarantined = warehouse.execute(
        "select export_datum, mutatie_id, reden from marts.dq_quarantaine order by 1, 2"
    ).fetchall()
    planted = sorted((row.export_day, row.mutatie_id) for row in january_run.simulation.quarantined)
    assert [(day, mutatie_id) for day, mutatie_id, _ in quarantined] == planted
    assert {reden for *_, reden in quarantined} == {
        "conflicting_duplicate",
        "withdrawal_of_unknown_mutation",
        "unknown_location",
    }


def test_free_text_never_leaves_the_raw_layer(warehouse):
    """No model outside raw has a toelichting column."""
    leaked = warehouse.execute(
        "select table_schema, table_name from information_schema.columns "
        "where column_name = 'toelichting' and table_schema <> 'raw'"
    ).fetchall()
    assert leaked == []


def test_a_backfill_logs_one_line_per_month_and_each_noteworthy_day(january_run):
    """35 days: a line per month, and one per day whose load quarantined malformed rows (none
    in this simulation); every line is an event in Dagster's event log, so a backfill of
    years must not write one per day."""
    from dagster import DagsterInstance

    con = duckdb.connect(str(january_run.warehouse), read_only=True)
    try:
        malformed_days = {
            row[0].isoformat()
            for row in con.execute("select distinct export_datum from raw.quarantaine").fetchall()
        }
    finally:
        con.close()
    with DagsterInstance.from_config(str(january_run.data_dir / "dagster_home")) as instance:
        lines = [
            record.user_message
            for record in instance.all_logs(january_run.summary.run_ids[0])
            if record.step_key == "lpz_export_day" and record.dagster_event is None
        ]
    months = [line for line in lines if line[7] == ":"]
    assert [line[:7] for line in months] == ["2022-12", "2023-01", "2023-02"]
    assert months[1].startswith("2023-01: 31 export days (31 loaded; seh_locaties.csv: ")
    assert {line[:10] for line in lines if line not in months} == malformed_days
