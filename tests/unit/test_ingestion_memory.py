"""A backfill keeps the files of its first days in memory within a budget, not those of every
day; their parses wait on disk (tests/integration/test_parse_store.py)."""

from __future__ import annotations

from datetime import date

import pytest
from dagster import Failure

from orchestration.assets import ingestion
from seh_stops.lpz.contract import MUTATIONS_FILE
from seh_stops.lpz.export_day import ExportDaySummary, LoadableExportDay
from seh_stops.lpz.source import LocalFolderSource
from simulator import simulate

FIRST, LAST = date(2023, 1, 10), date(2023, 1, 12)
DAYS = [FIRST, date(2023, 1, 11), LAST]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    exports = tmp_path_factory.mktemp("exports")
    simulate(FIRST, LAST, exports, seed=3)
    return LocalFolderSource(exports)


def test_verify_days_returns_what_it_found_without_the_files(source):
    checked, problems = ingestion.verify_days(source, DAYS)
    assert problems == []
    assert [c.day for c in checked] == DAYS
    assert all(isinstance(c, ExportDaySummary) and c.size_bytes > 0 for c in checked)
    assert checked[0].version_id.startswith("2023-01-10@2023-01-11T02:30:00")


def test_verified_files_are_kept_only_within_the_budget(source):
    checked, _, everything = ingestion._verify(source, DAYS, keep_bytes=10**9)
    assert list(everything) == DAYS
    assert all(isinstance(day, LoadableExportDay) for day in everything.values())
    budget = checked[0].size_bytes  # room for the first day only
    _, _, kept = ingestion._verify(source, DAYS, keep_bytes=budget)
    assert list(kept) == [FIRST]
    _, _, none = ingestion._verify(source, DAYS, keep_bytes=0)
    assert none == {}


def test_a_day_read_again_is_verified_again(source, tmp_path):
    checked, _ = ingestion.verify_days(source, DAYS)
    again = ingestion._verify_again(source, checked[1])
    assert again.version_id == checked[1].version_id
    assert again.files[MUTATIONS_FILE].well_formed_count > 0
    changed = tmp_path / "exports"
    changed.mkdir()
    (changed / LAST.isoformat()).symlink_to(source.root / LAST.isoformat())
    (changed / FIRST.isoformat()).mkdir()  # published no more: no manifest
    with pytest.raises(Failure, match="changed at the source during this run"):
        ingestion._verify_again(LocalFolderSource(changed), checked[0])
