"""Shared fixtures: one real pipeline run over the simulated January 2023.

A Dagster + dbt run costs seconds, so the integration tests that only read its results share
one session-scoped run (simulated exports -> Dagster -> dbt -> DuckDB file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.runner import RunSummary
from seh_stops import settings
from simulator import SimulationSummary

DEMO_SEED = 2023

# Every dbt build in the test suite also runs dbt's unit tests (the rules' SQL, rule by rule);
# production builds leave them out (orchestration/assets/transform.py).
os.environ.setdefault("SEH_DBT_UNIT_TESTS", "1")


@dataclass(frozen=True)
class PipelineRun:
    """A finished pipeline run: where its files are and what the runner reported."""

    data_dir: Path
    exports: Path
    simulation: SimulationSummary
    summary: RunSummary

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"


@pytest.fixture(scope="session")
def january_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """Simulate 2022-12-31 .. 2023-02-03 and run the whole pipeline on it, once."""
    from cli.main import DEMO_FIRST_DAY, DEMO_LAST_DAY
    from cli.runner import run_pipeline
    from simulator import simulate

    data_dir = tmp_path_factory.mktemp("january") / "data"
    settings.use_data_dir(data_dir)
    exports = data_dir / "exports"
    simulation = simulate(DEMO_FIRST_DAY, DEMO_LAST_DAY, exports, seed=DEMO_SEED)
    summary = run_pipeline(str(exports), progress=lambda message: None)
    return PipelineRun(data_dir, exports, simulation, summary)
