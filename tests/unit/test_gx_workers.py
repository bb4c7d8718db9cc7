"""How many processes validate a check's chunks (seh_stops.quality.workers)."""

import os

import pytest

from seh_stops.quality import workers


def test_one_chunk_or_few_rows_validate_in_the_checks_process(monkeypatch):
    monkeypatch.setenv("SEH_GX_WORKERS", "4")
    assert workers.workers_for(1, 10_000_000) == 1
    assert workers.workers_for(3, workers.MIN_ROWS_FOR_WORKERS - 1) == 1


def test_many_rows_use_up_to_one_worker_per_chunk(monkeypatch):
    monkeypatch.setenv("SEH_GX_WORKERS", "4")
    assert workers.workers_for(2, 2_000_000) == 2
    assert workers.workers_for(89, 44_000_000) == 4


def test_the_default_is_the_usable_cores_up_to_a_cap(monkeypatch):
    monkeypatch.delenv("SEH_GX_WORKERS", raising=False)
    cores = len(os.sched_getaffinity(0))
    assert workers.max_workers() == max(1, min(cores, workers.DEFAULT_MAX_WORKERS))


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_setting_says_what_to_set(monkeypatch, value):
    monkeypatch.setenv("SEH_GX_WORKERS", value)
    with pytest.raises(ValueError, match=r"SEH_GX_WORKERS=.*set it to 1 or more"):
        workers.max_workers()
