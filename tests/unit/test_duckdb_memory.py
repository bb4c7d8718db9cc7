"""DuckDB's memory is bounded on the writing connections (dbt's is set in profiles.yml)."""

from __future__ import annotations

import pytest

from orchestration import settings
from orchestration.resources.warehouse import WarehouseResource


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
