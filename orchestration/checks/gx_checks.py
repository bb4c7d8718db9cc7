"""Great Expectations checkpoints as Dagster asset checks.

One check per guarded asset, named ``great_expectations``: the raw rows of the export days an
ingestion run loaded, and the two marts. A failed ``critical`` expectation fails the check with
severity ERROR, and because the checks are blocking, Dagster then skips everything downstream
of the asset in that run; ``warning`` expectations fail it with severity WARN, which blocks
nothing. A raw expectation on rows the specification quarantines is a warning on isolated
rows and critical only on a day broken at scale (``seh_stops.quality.scale``, thresholds from
``seh_stops.quality.thresholds``). The metadata holds the failing expectations, sample rows
(never ``toelichting``) and a link to the run's Data Docs page.

No ``from __future__ import annotations`` here: Dagster inspects the context annotation.
"""

import functools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from orchestration.assets.ingestion import lpz_export_day
from orchestration.resources import WarehouseResource
from seh_stops.days import day_ranges
from seh_stops.processes import remove_leftover_folders
from seh_stops.quality import frames
from seh_stops.quality.gx_context import (
    build_data_docs,
    data_docs_index_url,
    load_context,
)
from seh_stops.quality.outcomes import SuiteOutcome, describe_outcomes, merge_outcomes
from seh_stops.quality.scale import by_scale
from seh_stops.quality.thresholds import thresholds
from seh_stops.quality.workers import validate_all, workers_for

CHECK_NAME = "great_expectations"
RAW_SUITES = {"raw_seh_locaties": "seh_locaties", "raw_seh_statusmutaties": "seh_statusmutaties"}
# The raw rows of a backfill are validated in chunks of whole export days of at most this many
# rows: every raw expectation holds per row or per export day, so the merged outcome equals
# one run over all rows, and a backfill of years needs the memory of one chunk (about 1 GiB
# in pandas and GX) per process validating, not of all its rows. A night, or a Dutch-scale
# decade, is one chunk; a larger check validates its chunks in worker processes
# (seh_stops.quality.workers).
RAW_ROWS_PER_CHUNK = 500_000
# The episodes mart is validated in chunks of at most this many episodes, for the same reason
# (frames.write_chunks): its frame grows with every night of history. At scale its chunks go
# to worker processes too.
MART_ROWS_PER_CHUNK = 500_000
# DuckDB's memory while it computes and spills that frame, in the Dagster process: it spills
# beyond this (at 100 x 10 years, 13.6 million episodes: 40 s at 1GB, 24 s at 4GB, where the
# Dagster process grows as large as the dbt build's DuckDB; docs/performance.md).
CHECK_FRAME_MEMORY_LIMIT = "1GB"
FRAMES_FOLDER_PREFIX = ".gx-frames-"
MAX_SAMPLE_ROWS = 25


@dataclass(frozen=True)
class MartFrames:
    """How to build each chunk's frame of a mart (picklable where there is more than one
    chunk, for ``validate_all``'s workers), and the rows of all chunks together."""

    builds: list[Callable[[], pd.DataFrame]]
    rows: int


# The frames of a mart, valid while the context is open (a spilled frame is removed after it)
FrameReader = Callable[[WarehouseResource], AbstractContextManager[MartFrames]]


@asset_check(
    asset=lpz_export_day,
    name=CHECK_NAME,
    blocking=True,
    description=(
        "GX suites raw_seh_locaties and raw_seh_statusmutaties on the current version of the "
        "export days this run loaded (or of the latest day when run on its own). A critical "
        "failure blocks everything downstream in the run; a warning does not."
    ),
)
def lpz_export_day_expectations(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    with warehouse.read_connection() as con:
        days = checked_days(context, con)
        rows = frames.raw_row_counts(con, days)
    chunks = frames.chunk_days(days, rows, RAW_ROWS_PER_CHUNK)
    gx_context = load_context()
    workers = workers_for(len(chunks), sum(rows.values()))
    validated = validate_all(raw_frames(warehouse, chunks), gx_context, workers)
    # the Data Docs pages of every chunk and suite, and the site's index, in one build
    parts: dict[str, list[SuiteOutcome]] = {suite: [] for suite in RAW_SUITES}
    for outcome in build_data_docs(gx_context, validated):
        parts[outcome.suite].append(outcome)
    outcomes = [merge_outcomes(suite_parts) for suite_parts in parts.values()]
    limits = thresholds()
    return gx_check_result(
        outcomes,
        {
            "export_days": days_shown(days),
            "chunks": len(chunks),
            "gx_workers": workers,  # processes that validated the chunks (1: this one)
            "blocks_when": (
                f"an expectation fails on more than max({limits.block_floor}, "
                f"{limits.block_share:.2%} of the rows) of a day, or more than max("
                f"{limits.day_floor}, {limits.day_quarantined_share:.0%} of the rows) of a "
                "day are flagged"
            ),
        },
    )


def raw_frames(
    warehouse: WarehouseResource, chunks: list[list[date]]
) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
    """Every raw suite with how to build its frame, chunk after chunk. A frame is built
    where it is validated (in this process or a worker, ``validate_all``), on a short
    read-only connection of its own, so memory holds the chunks being validated only."""
    for chunk in chunks:
        for suite, table in RAW_SUITES.items():
            yield (
                suite,
                functools.partial(
                    frames.read_raw_frame,
                    warehouse.database_path(),
                    table,
                    chunk,
                    warehouse.read_timeout_seconds,
                ),
            )


def days_shown(days: list[date]) -> str:
    """The checked days as ranges ('2023-01-01 .. 2023-01-31, 2023-03-02')."""
    return day_ranges(days) or "none loaded"


def checked_days(context: AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection) -> list[date]:
    """The partitions of the run, or the newest loaded day when the check runs on its own."""
    if context.has_partition_key_range or context.has_partition_key:
        return [date.fromisoformat(key) for key in context.partition_keys]
    latest = frames.latest_export_day(con)
    return [latest] if latest else []


def _mart_check(model: str, read: FrameReader, what: str) -> AssetChecksDefinition:
    """A blocking check running the GX suite named like the mart (Dagster names its op
    ``<model>_great_expectations``) on the frames ``read`` yields, one at a time."""

    @asset_check(
        asset=AssetKey(model),
        name=CHECK_NAME,
        blocking=True,
        description=(
            f"GX suite {model} on the whole mart: {what}. A failure is critical and blocks "
            "everything downstream in the run (no delivery of figures that break them)."
        ),
    )
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        gx_context = load_context()
        with read(warehouse) as mart:
            workers = workers_for(len(mart.builds), mart.rows)
            jobs = ((model, build) for build in mart.builds)
            validated = validate_all(jobs, gx_context, workers)
        parts = build_data_docs(gx_context, validated)  # one build for every chunk
        return gx_check_result(
            [merge_outcomes(parts)], {"chunks": len(parts), "gx_workers": workers}
        )

    return _check


@contextmanager
def fct_stop_episodes_frames(warehouse: WarehouseResource) -> Iterator[MartFrames]:
    """The episodes frame in chunks of at most ``MART_ROWS_PER_CHUNK`` episodes (at least one
    chunk, maybe empty), spilled to a temporary folder in the data dir until the block ends;
    each chunk is read from it where it is validated."""
    data_dir = warehouse.database_path().parent
    remove_leftover_frames(data_dir)
    prefix = f"{FRAMES_FOLDER_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=data_dir) as folder:
        path = Path(folder) / "fct_stop_episodes.parquet"
        with warehouse.read_connection() as con:
            con.execute(f"set memory_limit = '{CHECK_FRAME_MEMORY_LIMIT}'")
            chunks, rows = frames.write_chunks(
                con, frames.FCT_STOP_EPISODES_CHECKED, "episode_id", MART_ROWS_PER_CHUNK, path
            )
        yield MartFrames(
            [functools.partial(frames.read_chunk, path, chunk) for chunk in range(max(chunks, 1))],
            rows,
        )


def remove_leftover_frames(data_dir: Path) -> list[Path]:
    """Remove the spilled frames that checks killed mid-way left in ``data_dir`` (a folder
    names its process: ``.gx-frames-<pid>-...``); a live process's folder stays."""
    return remove_leftover_folders(data_dir, FRAMES_FOLDER_PREFIX)


@contextmanager
def agg_frames(warehouse: WarehouseResource) -> Iterator[MartFrames]:
    """The region x month frame in one piece: ten rows a month, and its completeness helpers
    compare months with each other (so it is validated in the check's process)."""
    with warehouse.read_connection() as con:
        frame = frames.agg_frame(con)
    yield MartFrames([lambda: frame], len(frame))


fct_stop_episodes_expectations = _mart_check(
    "fct_stop_episodes",
    fct_stop_episodes_frames,
    "positive durations, einde_at after begin_at, no overlapping episodes of a location",
)
agg_seh_stops_regio_maand_expectations = _mart_check(
    "agg_seh_stops_regio_maand",
    agg_frames,
    "ten regions every month, no month missing, figures empty exactly when niet_geregistreerd",
)

gx_checks = [
    lpz_export_day_expectations,
    fct_stop_episodes_expectations,
    agg_seh_stops_regio_maand_expectations,
]


def gx_check_result(
    outcomes: list[SuiteOutcome], metadata: dict[str, Any] | None = None
) -> AssetCheckResult:
    """The check result: ERROR on a critical failure, WARN on warnings only, metadata for all.

    Severities are weighed by scale first (per export day, with the environment's
    thresholds): the same on one frame as on merged chunks of whole days.
    """
    limits = thresholds()
    outcomes = [by_scale(outcome, limits) for outcome in outcomes]
    critical = any(outcome.critical for outcome in outcomes)
    failures = [(o.suite, f) for o in outcomes for f in o.failures]
    samples = [{"suite": o.suite, **row} for o in outcomes for row in o.sample_rows]
    result_metadata: dict[str, Any] = {
        **(metadata or {}),
        "rows_checked": MetadataValue.json({o.suite: o.rows_checked for o in outcomes}),
        "failed/critical": sum(f.severity == "critical" for _, f in failures),
        "failed/warning": sum(f.severity != "critical" for _, f in failures),
        "failing_expectations": MetadataValue.md(_failure_table(failures)),
        "sample_rows": MetadataValue.json(samples[:MAX_SAMPLE_ROWS]),
        "data_docs": MetadataValue.url(data_docs_index_url()),
    }
    for outcome in outcomes:
        if outcome.data_docs_url:
            result_metadata[f"data_docs/{outcome.suite}"] = MetadataValue.url(outcome.data_docs_url)
    return AssetCheckResult(
        passed=not failures,
        severity=AssetCheckSeverity.ERROR if critical else AssetCheckSeverity.WARN,
        description=describe_outcomes(outcomes),
        metadata=result_metadata,
    )


def _failure_table(failures: list) -> str:
    if not failures:
        return "Every expectation holds."
    lines = [
        "| suite | severity | expectation | column(s) | rows | examples | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for suite, f in failures:
        examples = ", ".join(f"`{example}`" for example in f.examples) or (f.error or "")
        rows = "" if f.unexpected_count is None else str(f.unexpected_count)
        cells = [suite, f.severity, f.expectation, f.columns, rows, examples, f.notes]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
