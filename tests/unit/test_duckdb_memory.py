"""DuckDB's memory is bounded on the writing connections (dbt's is set in profiles.yml)."""

from __future__ import annotations

import pytest

from orchestration.resources.warehouse import WarehouseResource
from seh_stops import settings


def test_the_memory_limit_comes_from_the_environment_and_must_be_a_size(monkeypatch):
    monkeypatch.delenv(settings.DUCKDB_MEMORY_LIMIT_ENV, raising=False)
    assert settings.duckdb_memory_limit() == "4GB"
    monkeypatch.setenv(settings.DUCKDB_MEMORY_LIMIT_ENV, "512MiB")
    assert settings.duckdb_memory_limit() == "512MiB"
    monkeypatch.setenv(settings.DUCKDB_MEMORY_LIMIT_ENV, "1GB'; drop schema raw; --")
    with pytest.raises(ValueError, match="not a memory size"):
        settings.duckdb_memory_limit()


def test_the_ingestion_connection_uses_it(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DUCKDB_MEMORY_LIMIT_ENV, "512MiB")
    warehouse = WarehouseResource(path=str(tmp_path / "warehouse.duckdb"))
    with warehouse.write_connection() as con:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "512.0 MiB"


def test_the_dbt_profile_settings_can_be_applied_again_after_duckdb_spilled(tmp_path):
    """dbt-duckdb applies the profile's settings to every cursor it opens during a build. A
    100 x 10-year build spilled to disk, and the next cursor's SET temp_directory failed
    ("Cannot switch temporary directory after the current one has been used"): the profile's
    settings must survive a spill, and DuckDB must still spill beside the warehouse."""
    import duckdb
    import jinja2
    import yaml

    profile = yaml.safe_load((settings.DBT_PROJECT_DIR / "profiles.yml").read_text())
    warehouse = tmp_path / "warehouse.duckdb"
    environment = {"SEH_WAREHOUSE_PATH": str(warehouse), "SEH_DUCKDB_MEMORY_LIMIT": "200MB"}
    render = jinja2.Environment().from_string
    profile_settings = {
        key: render(str(value)).render(
            env_var=lambda name, default="": environment.get(name, default)
        )
        for key, value in profile["seh_stops"]["outputs"]["local"]["settings"].items()
    }

    def apply(cursor: duckdb.DuckDBPyConnection) -> None:  # as dbt-duckdb's initialize_cursor
        for key, value in profile_settings.items():
            cursor.execute(f"SET {key} = '{value}'")

    con = duckdb.connect(str(warehouse))
    try:
        apply(con)
        con.execute("set enable_progress_bar = false")
        con.execute("create table rows as select md5(range::varchar) as s from range(6000000)")
        con.execute("create table sorted as select * from rows order by s")  # spills
        assert (tmp_path / "warehouse.duckdb.tmp").exists()
        apply(con.cursor())
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "190.7 MiB"
    finally:
        con.close()
