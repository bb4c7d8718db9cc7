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
from datetime import date, datetime, timedelta

from dagster import (
    AssetCheckSeverity,
    DagsterInstance,
    DagsterRunStatus,
    Definitions,
    ExecuteInProcessResult,
    JobDefinition,
)

from cli.orphaned_runs import fail_orphaned_runs
from cli.preflight import UsageError
from orchestration.assets.ingestion import verify_days
from orchestration.partitions import one_planned_event_per_range
from orchestration.resources.export_source import allow_operator_source
from orchestration.resources.export_source import run_config as export_source_run_config
from seh_stops import settings
from seh_stops.days import contiguous_blocks
from seh_stops.lpz.export_day import ExportDayNotLoadable
from seh_stops.lpz.http_source import HttpExportSource, yesterday
from seh_stops.lpz.parse_store import parse_store
from seh_stops.lpz.pending import (
    http_probe_start,
    loaded_versions,
    pending_days,
    published_days,
)
from seh_stops.lpz.source import ExportSource, open_source
from seh_stops.warehouse import open_read_only

Progress = Callable[[str], None]
# The CLI shows concise progress lines instead of Dagster's full console log.
QUIET_RUN_CONFIG = {"loggers": {"progress": {}}}


# What to do when a blocking check stops the run (isolated dirty rows never do: they warn).
BROKEN_EXPORT_ADVICE = (
    " -- the export looks broken at scale, so dbt did not run and the figures are unchanged. "
    "Read the check's failing expectations and sample rows (Dagster UI: asset check "
    "lpz_export_day great_expectations, or the Data Docs under <data dir>/gx/data_docs), then "
    "ask the LPZ for a corrected export of the day (a later gegenereerd_op replaces it); to "
    "build the figures over the day as it is, with its rows quarantined, run `seh-stops run` "
    "again."
)


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
    checks_failed: list[str] = field(default_factory=list)  # severity ERROR: figures at risk
    checks_warned: list[str] = field(default_factory=list)  # severity WARN: findings, not faults
    # rows of the loaded days in marts.dq_quarantaine, per reason, after the rebuild
    quarantined: dict[str, int] = field(default_factory=dict)
    kept_with_finding: int = 0  # mutations of the loaded days registered on another day

    def describe_quarantine(self) -> str:
        """One line: how many rows of the loaded days were quarantined, and why."""
        if not self.days_loaded:
            return "Quarantine: no export day loaded in this run."
        total = sum(self.quarantined.values())
        why = ", ".join(f"{count} {reason}" for reason, count in self.quarantined.items())
        kept = (
            f"; {self.kept_with_finding} mutation(s) kept with a finding (registered on "
            "another day than their export day)"
            if self.kept_with_finding
            else ""
        )
        return (
            f"Quarantined {total} row(s) of the {len(self.days_loaded)} loaded export day(s)"
            + (f": {why}" if why else "")
            + f"{kept}. Details: marts.dq_quarantaine and marts.dq_bevindingen."
        )


def instance() -> DagsterInstance:
    """The data dir's Dagster instance, with the repository's ``dagster.yaml`` in place, and
    without runs that a killed CLI process left STARTED (they would block the run queue)."""
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings.REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    dagster_instance = DagsterInstance.from_config(str(home))
    fail_orphaned_runs(dagster_instance)
    return dagster_instance


def run_pipeline(
    source_location: str,
    first: date | None = None,
    last: date | None = None,
    progress: Progress = print,
) -> RunSummary:
    """Load the new and corrected export days at the source (or every day of ``first..last``),
    then rebuild everything downstream with dbt.

    ``source_location`` is what the operator gave on the command line: a local folder is
    allowed for the runs of this process, a URL only when the deployment's environment allows
    it (the bearer token would go to it).
    """
    allow_operator_source(source_location)
    source = open_source(source_location)
    days = _days_at_source(source, first, last, progress)
    if not days and (first is None) != (last is None):
        # an open range beyond the source's days: refused before a run rebuilds on nothing
        raise UsageError(_nothing_in_open_range(source, first, last))
    if first is None and last is None:
        # Without a range only new and corrected days are loaded (an explicit range reloads).
        days = pending_days(source, days, _loaded_versions())
        if not days:
            progress(f"No new or corrected export day at {source.describe()}.")
    defs = _definitions()
    # the ingestion asset verifies the days again, reading every file, and takes the parse of
    # the bytes verified here instead of parsing them again (seh_stops/lpz/parse_store.py)
    with parse_store(settings.data_dir()):
        return _verify_load_and_build(defs, source, source_location, days, progress)


def _verify_load_and_build(
    defs: Definitions,
    source: ExportSource,
    source_location: str,
    days: list[date],
    progress: Progress,
) -> RunSummary:
    progress(f"Verifying {len(days)} export day(s) at {source.describe()} ...")
    verified, problems = verify_days(source, days)
    summary = RunSummary(not_loadable=problems)
    for problem in problems:
        progress(f"  not loaded: {problem}")

    with instance() as dagster_instance:
        ingest = defs.resolve_job_def("ingest_export_days")
        for block in contiguous_blocks([export_day.day for export_day in verified]):
            progress(f"Loading export days {block[0]} .. {block[-1]} ({len(block)} days) ...")
            # a range is planned with one event, not one per day; a single day (a night) keeps
            # its per-partition event, so its partition shows as failed when its run fails
            with one_planned_event_per_range(len(block) > 1):
                result = _ingest(ingest, source_location, block, dagster_instance)
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
    summary.quarantined, summary.kept_with_finding = quarantine_of(summary.days_loaded)
    return summary


def _ingest(
    ingest: JobDefinition, source_location: str, block: list[date], dagster_instance
) -> ExecuteInProcessResult:
    """One ingestion run for the contiguous range ``block``."""
    return ingest.execute_in_process(
        run_config={
            **QUIET_RUN_CONFIG,
            # the location only: the token and CA bundle come from the environment
            "resources": {"export_source": export_source_run_config(source_location)},
        },
        instance=dagster_instance,
        tags={
            "dagster/asset_partition_range_start": block[0].isoformat(),
            "dagster/asset_partition_range_end": block[-1].isoformat(),
        },
        raise_on_error=False,
    )


def quarantine_of(days: list[date]) -> tuple[dict[str, int], int]:
    """Rows of ``days`` quarantined per reason (most first), and mutations kept with a
    registration-date finding, as the rebuilt marts hold them."""
    if not days:
        return {}, 0
    con = open_read_only(settings.warehouse_path())
    try:
        reasons = con.execute(
            """
            select reden, count(*) from marts.dq_quarantaine
            where list_contains(?::date[], export_datum)
            group by reden order by count(*) desc, reden
            """,
            [days],
        ).fetchall()
        (kept,) = con.execute(
            """
            select coalesce(sum(aantal), 0)::integer from marts.dq_bevindingen
            where soort = 'registratiedatum_afwijkend' and is_open
              and list_contains(?::date[], export_datum)
            """,
            [days],
        ).fetchone()
    finally:
        con.close()
    return dict(reasons), kept


def _definitions() -> Definitions:
    """The code location's definitions, on an up-to-date dbt manifest."""
    from orchestration.dbt import prepare_manifest

    prepare_manifest()
    from orchestration.definitions import defs

    return defs


def _days_at_source(
    source: ExportSource, first: date | None, last: date | None, progress: Progress = print
) -> list[date]:
    """The days to look at: every day of the asked range (absent ones are reported), or
    without a range all days a folder holds, or an HTTP source's probe window.

    HTTP cannot list: without a range the runner probes from
    :data:`~seh_stops.lpz.pending.HTTP_RECHECK_DAYS` before the last loaded day (so recent
    corrections are picked up), or from the first partition day on an empty warehouse, up to
    yesterday.
    """
    if first is None and last is None:
        if isinstance(source, HttpExportSource):
            progress(f"Probing {source.describe()} for export days ...")
        return published_days(
            source, last_loaded_day(), date.fromisoformat(settings.first_export_day())
        )
    if not isinstance(source, HttpExportSource):
        return _days_to_load(source.list_days(), first, last)
    if first is not None and last is not None:
        return _range(first, last)
    end = last or yesterday()
    start = first or http_probe_start(
        last_loaded_day(), end, date.fromisoformat(settings.first_export_day())
    )
    progress(f"Probing {source.describe()} for export days {start} .. {end} ...")
    return _days_to_load(source.list_days(start, end), first, last)


def _nothing_in_open_range(source: ExportSource, first: date | None, last: date | None) -> str:
    """Why ``--from`` (or ``--to``) alone found no export day, and what to give instead."""
    known = [] if isinstance(source, HttpExportSource) else source.list_days()
    if first is not None:
        there = f" (the last there is {known[-1]})" if known else ""
        return (
            f"no export day at {source.describe()} from --from {first} on{there}: give an "
            "earlier --from, or leave it out to load the days that are new"
        )
    there = f" (the first there is {known[0]})" if known else ""
    return (
        f"no export day at {source.describe()} up to --to {last}{there}: give a later --to, "
        "or leave it out to load the days that are new"
    )


def last_loaded_day() -> date | None:
    """The latest export day in the warehouse's raw layer, or None when nothing is loaded."""
    return max(_loaded_versions(), default=None)


def _loaded_versions() -> dict[date, datetime]:
    """The current version of each loaded day (empty when there is no warehouse yet)."""
    path = settings.warehouse_path()
    if not path.exists():
        return {}
    con = open_read_only(path)
    try:
        return loaded_versions(con)
    finally:
        con.close()


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


def _record(summary: RunSummary, result: ExecuteInProcessResult, step: str) -> None:
    """Add a run's outcome to the summary; raise :class:`PipelineFailed` when it failed."""
    summary.run_ids.append(result.run_id)
    summary.materialized += len(result.get_asset_materialization_events())
    for evaluation in result.get_asset_check_evaluations():
        key = evaluation.asset_check_key
        name = f"{key.asset_key.to_user_string()}: {key.name}"
        if evaluation.passed:
            summary.checks_passed += 1
        elif evaluation.severity == AssetCheckSeverity.WARN:
            summary.checks_warned.append(name)
        else:
            summary.checks_failed.append(name)
    if result.dagster_run.status != DagsterRunStatus.SUCCESS:
        failures = [event.message or "" for event in result.all_events if event.is_failure]
        detail = failures[-1] if failures else "see the run in the Dagster UI"
        advice = BROKEN_EXPORT_ADVICE if summary.checks_failed else ""
        raise PipelineFailed(f"{step} failed (run {result.run_id}): {detail}{advice}")
