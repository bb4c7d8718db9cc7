"""Idempotency: the same export days loaded in another order and in overlapping ranges give the
same warehouse as one run over all of them.

One data dir gets the small range's last three days first, then its first four: earlier days
arrive after later ones, and the day the two ranges share is loaded twice. Afterwards every
table and view (raw, staging, intermediate, marts, reference, alerts) must hash as after the
single uninterrupted CLI run of the shared ``reference_run``. (Loading the whole range again and
again is what the crash-safety test does between its kills.)

Left out of the hashes, as in the crash-safety test: the moments of loading, verifying and
finding, and the data dir's path (``tests/warehouse_state.py``). The findings' memory
(``marts.dq_bevindingen``) is compared whole: in this order no finding opens and resolves on the
way. A gap loaded later would leave the missing day's finding recorded as resolved, which is
history, not a difference (docs/operations.md, "Crashes and reruns").
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cli.runner import run_pipeline
from seh_stops import settings
from tests.integration.conftest import SMALL_FIRST_DAY, SMALL_LAST_DAY, ReferenceRun
from tests.warehouse_state import differences, warehouse_digests


def test_later_days_first_and_overlapping_ranges_give_the_same_warehouse(
    reference_run: ReferenceRun, tmp_path: Path
):
    data_dir = settings.use_data_dir(tmp_path / "data")
    exports = str(reference_run.exports)
    shared_day = SMALL_FIRST_DAY + timedelta(days=3)  # in both ranges

    later = run_pipeline(exports, shared_day, SMALL_LAST_DAY, progress=lambda message: None)
    earlier = run_pipeline(exports, SMALL_FIRST_DAY, shared_day, progress=lambda message: None)

    assert later.checks_failed == [] and earlier.checks_failed == []
    assert later.days_loaded[0] == earlier.days_loaded[-1] == shared_day
    tables = warehouse_digests(data_dir / "warehouse.duckdb", data_dir)
    assert len(tables) == len(reference_run.tables) > 30
    assert differences(reference_run.tables, tables) == {}
