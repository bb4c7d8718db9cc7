"""The raw archive is the source of truth: a lost warehouse is rebuilt from it, the same.

Real runs: three days are loaded and one of them corrected; then the warehouse is removed and
rebuilt with the archive as the source (``archive:<folder>``). The marts come out identical,
with the corrected version as the day's current one.
"""

from __future__ import annotations

from datetime import date

import duckdb

from cli.runner import run_pipeline
from seh_stops import settings
from seh_stops.lpz.source import ArchiveSource
from tests.exportdays import location_line, stop_line, write_day

DAYS = [date(2023, 1, 9), date(2023, 1, 10), date(2023, 1, 11)]
REGISTER = [location_line("SEH0001", "Noord"), location_line("SEH0002", "Midden")]
MARTS = ("fct_stop_episodes", "agg_seh_stops_regio_maand", "dq_quarantaine")


def snapshot(warehouse) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {mart: con.execute(f"select * from marts.{mart} order by all").fetchall()
                  for mart in MARTS}  # fmt: skip
        tables["durations"] = con.execute(
            "select locatie_id, duur_seconden from marts.fct_stop_episodes "
            "where definitie = 'regionaal' order by begin_at"
        ).fetchall()
        tables["current_versions"] = con.execute(
            "select export_datum, max(gegenereerd_op) from raw.export_versies group by 1 order by 1"
        ).fetchall()
        return tables
    finally:
        con.close()


def test_a_lost_warehouse_is_rebuilt_from_the_archive(tmp_path, monkeypatch):
    for variable in ("SEH_DATA_DIR", "SEH_WAREHOUSE_PATH"):
        monkeypatch.setenv(variable, "")  # restored after the test: use_data_dir sets them
    data_dir = settings.use_data_dir(tmp_path / "data")
    exports = tmp_path / "exports"
    quiet = lambda message: None  # noqa: E731
    for number, day in enumerate(DAYS):
        locatie = REGISTER[number % 2].split(";")[0]
        mutations = [stop_line(f"M{number}", locatie, f"{day}T10:00:00", f"{day}T11:15:00")]
        write_day(exports, day, locations=REGISTER, mutations=mutations)
    run_pipeline(str(exports), progress=quiet)
    corrected = [stop_line("M1", "SEH0002", f"{DAYS[1]}T10:00:00", f"{DAYS[1]}T13:00:00")]
    write_day(
        exports,
        DAYS[1],
        locations=REGISTER,
        mutations=corrected,
        generated_on="2023-01-12T09:00:00+01:00",
    )
    run_pipeline(str(exports), progress=quiet)
    before = snapshot(data_dir / "warehouse.duckdb")
    assert before["current_versions"][1] == (DAYS[1], "2023-01-12T09:00:00+01:00")
    assert before["durations"] == [("SEH0001", 4500), ("SEH0002", 10800), ("SEH0001", 4500)]

    archive = settings.archive_dir()
    assert ArchiveSource(archive).list_days() == DAYS
    (data_dir / "warehouse.duckdb").unlink()
    run_pipeline(f"archive:{archive}", progress=quiet)
    assert snapshot(data_dir / "warehouse.duckdb") == before
