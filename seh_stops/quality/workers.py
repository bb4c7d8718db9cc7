"""Validating the chunks of a large check on more than one core.

GX validates a pandas frame in one thread, and a backfill's raw check is tens of chunks (89
at 100 x the Netherlands over ten years, about ten minutes in one process). Chunks are
independent: every raw expectation holds per row or per export day, and a chunk holds whole
days (``orchestration.checks.gx_checks``); so are the episodes mart's (a chunk holds whole
episode ids, and the helper columns are computed over the whole mart before it is split). So
each chunk's frames are built and validated by worker processes that each load the GX context
once and open the warehouse read-only as the check does, or read the mart's spilled chunk
(building a frame is a third of a chunk's time, and handing a built frame to a process would
cost as much again in pickling); the results come back in the order of the chunks, so merging
them gives what one process gives. The workers store the validation
results in the data dir's GX stores, where the check's own context finds them to build the
Data Docs once.

A check of one chunk (a night) or of a few rows validates in its own process: starting a
worker (a fresh interpreter importing pandas and GX, about 4 s) costs more than it saves there.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from seh_stops import settings
from seh_stops.quality.gx_context import Validated, load_context, validate

if TYPE_CHECKING:
    from great_expectations.data_context import FileDataContext

GX_WORKERS_ENV = "SEH_GX_WORKERS"
# Each worker holds one chunk in pandas and GX (about 1 GiB at 500,000 rows) besides the
# check's own process, so the default stays small whatever the machine's size.
DEFAULT_MAX_WORKERS = 4
# Below this many rows the check validates in its own process: a worker's start (about 4 s)
# would cost more than it saves (GX takes about 12 us a raw row, building the frame 5 us).
MIN_ROWS_FOR_WORKERS = 500_000

_worker_context: FileDataContext | None = None  # a worker's GX context, loaded at its start


def max_workers() -> int:
    """How many worker processes a check may start: ``SEH_GX_WORKERS``, or the usable cores
    up to ``DEFAULT_MAX_WORKERS``. 1 validates every chunk in the check's own process."""
    text = (os.environ.get(GX_WORKERS_ENV) or "").strip()
    if not text:
        return max(1, min(len(os.sched_getaffinity(0)), DEFAULT_MAX_WORKERS))
    if not text.isdigit() or int(text) < 1:
        raise ValueError(
            f"{GX_WORKERS_ENV}={text[:20]!r} is not a number of processes: set it to 1 or more "
            "(1 validates in the check's own process), or unset it for the usable cores"
        )
    return int(text)


def workers_for(chunks: int, rows: int) -> int:
    """The worker processes for a check of ``chunks`` chunks holding ``rows`` rows in all:
    none (1) for one chunk or fewer than ``MIN_ROWS_FOR_WORKERS`` rows."""
    if chunks < 2 or rows < MIN_ROWS_FOR_WORKERS:
        return 1
    return min(chunks, max_workers())


def validate_all(
    jobs: Iterable[tuple[str, Callable[[], pd.DataFrame]]],
    context: FileDataContext,
    workers: int,
) -> list[Validated]:
    """Validate suite ``suite`` on the frame ``build()`` returns, for every ``(suite, build)``
    of ``jobs``, in their order.

    With ``workers`` above 1 the jobs go to that many worker processes (``build`` must be
    picklable: a module-level function or a ``functools.partial`` of one), at most one more
    than ``workers`` handed out at a time, so memory holds a frame per worker. ``context``
    validates in this process when ``workers`` is 1.
    """
    if workers <= 1:
        return [validate(suite, build(), context) for suite, build in jobs]
    validated: list[Validated] = []
    pending: deque[Future[Validated]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers,
        # a fresh interpreter: the check's process runs Dagster's threads, which a fork copies
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(str(settings.data_dir()),),
    ) as pool:
        for suite, build in jobs:
            pending.append(pool.submit(_validate, suite, build))
            while len(pending) > workers:
                validated.append(pending.popleft().result())
        validated.extend(future.result() for future in pending)
    return validated


def _start_worker(data_dir: str) -> None:
    global _worker_context
    _worker_context = load_context(data_dir=Path(data_dir))


def _validate(suite: str, build: Callable[[], pd.DataFrame]) -> Validated:
    assert _worker_context is not None, "the pool's initializer loads the context"
    return validate(suite, build(), _worker_context)
