"""Idempotency: the same export days loaded in another order, in overlapping ranges or twice
give the same warehouse as one run over all of them.

One data dir gets the small range's last three days first, then its first four (so the day
they share is loaded twice, and earlier days arrive after later ones), then the whole range
again. After the second run every table and view (raw, staging, intermediate, marts,
reference, alerts) must hash as after the single uninterrupted run of the shared
``reference_run``; after the third, nothing may change at all.

Left out of the hashes, as in the crash-safety test: the moments of loading, verifying and
finding, and the data dir's path (``tests/warehouse_state.py``). One more difference is by
design: ``marts.dq_bevindingen`` is the findings' memory. While only the later days were
loaded, the earlier days of the month were missing and their findings opened; they resolved
when those days arrived and stay recorded as closed. So the open findings must be the same as
after the single run, and the closed ones are history that the single run never went through.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from orchestration import settings
from orchestration.runner import run_pipeline
from tests.integration.conftest import SMALL_FIRST_DAY, SMALL_LAST_DAY, ReferenceRun
from tests.warehouse_state import differences, warehouse_digests

OPEN_FINDINGS_ONLY = {"marts.dq_bevindingen": "is_open"}


def open_findings_digests(warehouse: Path, data_dir: Path) -> dict[str, str]:
    return warehouse_digests(warehouse, data_dir, where=OPEN_FINDINGS_ONLY)


def test_later_days_first_overlapping_and_repeated_ranges_give_the_same_warehouse(
    reference_run: ReferenceRun, tmp_path: Path
):
    data_dir = settings.use_data_dir(tmp_path / "data")
    warehouse = data_dir / "warehouse.duckdb"
    exports = str(reference_run.exports)
    shared_day = SMALL_FIRST_DAY + timedelta(days=3)  # in both ranges
    quiet = {"progress": lambda message: None}

    later = run_pipeline(exports, shared_day, SMALL_LAST_DAY, **quiet)
    earlier = run_pipeline(exports, SMALL_FIRST_DAY, shared_day, **quiet)
    assert later.checks_failed == [] and earlier.checks_failed == []
    assert later.days_loaded[0] == earlier.days_loaded[-1] == shared_day

    expected = open_findings_digests(reference_run.warehouse, reference_run.data_dir)
    assert differences(expected, open_findings_digests(warehouse, data_dir)) == {}

    before = warehouse_digests(warehouse, data_dir)
    again = run_pipeline(exports, SMALL_FIRST_DAY, SMALL_LAST_DAY, **quiet)
    assert again.checks_failed == []
    assert differences(before, warehouse_digests(warehouse, data_dir)) == {}
