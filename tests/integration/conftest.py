"""Fixtures shared by the reliability tests (crash safety, idempotency).

Both compare a data dir filled the hard way with one filled by a single uninterrupted run of
the real CLI over the same small simulated range; that reference run is made once per session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.killable_cli import Attempt, run_cli
from tests.warehouse_state import delivery_digests, file_digests, warehouse_digests

# Six simulated export days: the end of January 2023 with its three grace days, so the month
# has episodes (also across the month end, withdrawals and a quarantined row) and is due.
SMALL_FIRST_DAY = date(2023, 1, 29)
SMALL_LAST_DAY = date(2023, 2, 3)
SMALL_MONTH = "2023-01"
SMALL_SEED = 2023


@dataclass(frozen=True)
class ReferenceRun:
    """An uninterrupted ``seh-stops run`` then ``seh-stops deliver`` of the small range."""

    exports: Path
    data_dir: Path
    run: Attempt
    deliver: Attempt
    tables: dict[str, str]  # warehouse_digests
    deliveries: dict[str, str]  # delivery_digests
    archive: dict[str, str]  # file_digests of the raw archive

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"


@pytest.fixture(scope="session")
def small_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small range simulated once; the tests only read these folders."""
    from simulator import simulate

    exports = tmp_path_factory.mktemp("small_range") / "exports"
    simulate(SMALL_FIRST_DAY, SMALL_LAST_DAY, exports, seed=SMALL_SEED)
    return exports


@pytest.fixture(scope="session")
def reference_run(small_exports: Path, tmp_path_factory: pytest.TempPathFactory) -> ReferenceRun:
    data_dir = tmp_path_factory.mktemp("reference") / "data"
    run = run_cli(["run", "--source", str(small_exports)], data_dir)
    assert run.returncode == 0, run.output()
    deliver = run_cli(["deliver", "--month", SMALL_MONTH], data_dir)
    assert deliver.returncode == 0, deliver.output()
    return ReferenceRun(
        exports=small_exports,
        data_dir=data_dir,
        run=run,
        deliver=deliver,
        tables=warehouse_digests(data_dir / "warehouse.duckdb", data_dir),
        deliveries=delivery_digests(data_dir / "levering"),
        archive=file_digests(data_dir / "archive"),
    )
