"""Running the pipeline through Dagster without the UI (what ``seh-stops run`` does).

The work is split in the runs Dagster requires: the daily-partitioned ingestion can only be
materialized in a run of its own (one run per contiguous range of loadable days, thanks to its
single-run backfill policy), then one run rebuilds everything downstream with dbt. Runs execute
in this process but are recorded in the data dir's Dagster instance, so they show in the UI.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
from dagster import DagsterInstance, DagsterRunStatus, Definitions, ExecuteInProcessResult

from orchestration import settings
from orchestration.assets.ingestion import verify_days
from orchestration.lpz.export_day import ExportDayNotLoadable
from orchestration.lpz.http_source import HttpExportSource, yesterday
from orchestration.lpz.source import ExportSource, open_source
from orchestration.resources.export_source import run_config as export_source_run_config
from orchestration.resources.warehouse import open_read_only

Progress = Callable[[str], None]
# The CLI shows concise progress lines instead of Dagster's full console log.
QUIET_RUN_CONFIG = {"loggers": {"progress": {}}}
# An HTTP source cannot list its days: without --from, `run` re-probes this many days before
# the last loaded one, so that a correction published in the meantime is loaded too.
HTTP_RECHECK_DAYS = 7


class PipelineFailed(RuntimeError):
    """A Dagster run of the pipeline failed; the message says which step and why."""


@dataclass
class RunSummary:
    """What a pipeline invocation did, for the CLI's closing summary."""

    days_loaded: list[date] = field(default_factory=list)
    not_loadable: list[ExportDayNotLoadable] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)
    materialized: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)


def instance() -> DagsterInstance:
    """The data dir's Dagster instance, with the repository's ``dagster.yaml`` in place."""
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings.REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    return DagsterInstance.from_config(str(home))


def run_pipeline(
    source_location: str,
    first: date | None = None,
    last: date | None = None,
    progress: Progress = print,
) -> RunSummary:
    """Load the export days found at the source (or in ``first..last``), then run dbt."""
    source = open_source(source_location)
    days = _days_at_source(source, first, last, progress)
    defs = _definitions()
    progress(f"Verifying {len(days)} export day(s) at {source.describe()} ...")
    verified, problems = verify_days(source, days)
    summary = RunSummary(not_loadable=problems)
    for problem in problems:
        progress(f"  not loaded: {problem}")

    with instance() as dagster_instance:
        ingest = defs.resolve_job_def("ingest_export_days")
        for block in _contiguous_blocks([export_day.day for export_day in verified]):
            progress(f"Loading export days {block[0]} .. {block[-1]} ({len(block)} days) ...")
            result = ingest.execute_in_process(
                run_config={
                    **QUIET_RUN_CONFIG,
                    # env references for the token and CA bundle, never their values
                    "resources": {"export_source": export_source_run_config(source_location)},
                },
                instance=dagster_instance,
                tags={
                    "dagster/asset_partition_range_start": block[0].isoformat(),
                    "dagster/asset_partition_range_end": block[-1].isoformat(),
                },
                raise_on_error=False,
            )
            _record(summary, result, "ingestion")
            summary.days_loaded.extend(block)
        log_path = settings.data_dir() / "logs" / "dbt_build.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        progress(f"Running dbt build (staging, episodes, marts, tests; log: {log_path}) ...")
        # dbt's own console lines go to the log file; the progress logger shows the essentials.
        with log_path.open("w", encoding="utf-8") as log, redirect_stdout(log):
            result = defs.resolve_job_def("transform").execute_in_process(
                run_config={
                    **QUIET_RUN_CONFIG,
                    "resources": {"export_source": export_source_run_config(source_location)},
                },
                instance=dagster_instance,
                raise_on_error=False,
            )
        _record(summary, result, "transform (inventory, dbt build, alerts)")
    return summary


def _definitions() -> Definitions:
    """The code location's definitions, on an up-to-date dbt manifest."""
    from orchestration.dbt import prepare_manifest

    prepare_manifest()
    from orchestration.definitions import defs

    return defs


def _days_at_source(
    source: ExportSource, first: date | None, last: date | None, progress: Progress = print
) -> list[date]:
    """All days at the source, or every day of the asked range (absent ones are reported).

    A folder lists its days. HTTP cannot list: without a range the runner probes from
    :data:`HTTP_RECHECK_DAYS` before the last loaded day (so recent corrections are picked up),
    or from the first partition day on an empty warehouse, up to yesterday.
    """
    if not isinstance(source, HttpExportSource):
        return _days_to_load(source.list_days(), first, last)
    if first is not None and last is not None:
        return _range(first, last)
    end = last or yesterday()
    start = first or _http_probe_start(end)
    progress(f"Probing {source.describe()} for export days {start} .. {end} ...")
    return _days_to_load(source.list_days(start, end), first, last)


def _http_probe_start(end: date) -> date:
    """Where probing starts without --from: a few days before the last loaded day."""
    last_loaded = last_loaded_day()
    if last_loaded is None:
        return date.fromisoformat(settings.first_export_day())
    return min(last_loaded - timedelta(days=HTTP_RECHECK_DAYS), end)


def last_loaded_day() -> date | None:
    """The latest export day in the warehouse's raw layer, or None when nothing is loaded."""
    path = settings.warehouse_path()
    if not path.exists():
        return None
    con = open_read_only(path)
    try:
        row = con.execute("select max(export_datum) from raw.export_versies").fetchone()
    except duckdb.CatalogException:  # a warehouse without the raw layer yet
        return None
    finally:
        con.close()
    return row[0] if row else None


def _range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def _days_to_load(available: list[date], first: date | None, last: date | None) -> list[date]:
    """All days at the source, or every day of the asked range (absent ones are reported)."""
    if first is None and last is None:
        return available
    start = first or (available[0] if available else last)
    end = last or (available[-1] if available else first)
    if start is None or end is None or start > end:
        return []
    return _range(start, end)


def _contiguous_blocks(days: list[date]) -> list[list[date]]:
    """Consecutive days grouped together: one ingestion run covers one partition range."""
    blocks: list[list[date]] = []
    for day in sorted(days):
        if blocks and day - blocks[-1][-1] == timedelta(days=1):
            blocks[-1].append(day)
        else:
            blocks.append([day])
    return blocks


def _record(summary: RunSummary, result: ExecuteInProcessResult, step: str) -> None:
    """Add a run's outcome to the summary; raise :class:`PipelineFailed` when it failed."""
    summary.run_ids.append(result.run_id)
    summary.materialized += len(result.get_asset_materialization_events())
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            summary.checks_passed += 1
        else:
            key = evaluation.asset_check_key
            summary.checks_failed.append(f"{key.asset_key.to_user_string()}: {key.name}")
    if result.dagster_run.status != DagsterRunStatus.SUCCESS:
        failures = [event.message or "" for event in result.all_events if event.is_failure]
        detail = failures[-1] if failures else "see the run in the Dagster UI"
        raise PipelineFailed(f"{step} failed (run {result.run_id}): {detail}")
