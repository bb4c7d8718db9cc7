"""Stage 1, ingestion: LPZ export days into the raw layer of the warehouse."""

from datetime import date

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.partitions import add_metadata_per_partition, export_days
from orchestration.resources import ExportSourceResource, WarehouseResource
from seh_stops import settings
from seh_stops.batching import consecutive_batches
from seh_stops.days import day_ranges
from seh_stops.lpz.contract import DATA_FILES
from seh_stops.lpz.export_day import (
    ExportDayNotLoadable,
    ExportDaySummary,
    LoadableExportDay,
    verify_export_day,
)
from seh_stops.lpz.loader import LoadResult, load_export_days
from seh_stops.lpz.parse_store import parse_store

# Verified days wait in memory for their load while their files total at most this many bytes
# (their parses wait on disk, in the parse store). Beyond it a day is read again right before
# it is loaded (read and hashed, not parsed), so a backfill of years needs the memory of one
# load batch, not of all days (docs/performance.md); a night or a Dutch-scale year stays far
# below it and is fetched from the source once per check, which matters over HTTP.
KEEP_VERIFIED_BYTES = 64 * 2**20
# Every log line is an event in Dagster's event log (about 10 ms each in SQLite): a range of
# more than a month logs one line per month, and a line for each day that is not a plain
# first load (a correction, a stale or unchanged version, quarantined rows).
DAILY_LOG_LINES_UP_TO = 31
# Days are loaded in batches of about this many bytes of files, one transaction each: a
# DuckDB commit costs milliseconds whatever it holds (thousands of them in a backfill of
# years), and a batch of parsed files takes about ten times its size in memory.
LOAD_BATCH_BYTES = 16 * 2**20


@asset(
    partitions_def=export_days,
    backfill_policy=BackfillPolicy.single_run(),
    group_name="ingestion",
    kinds={"python", "duckdb"},
    owners=["team:lnaz-data"],
    description=(
        "One LPZ export day (seh_locaties.csv, seh_statusmutaties.csv, manifest.json) verified "
        "against its manifest, archived as received and loaded into the warehouse's raw schema "
        "with lineage. A range of days is one run; if any day of the range is missing or "
        "incomplete, nothing is loaded and the run says which day and why. A correction (later "
        "gegenereerd_op) becomes the day's current version; the older one stays archived."
    ),
)
def lpz_export_day(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    export_source: ExportSourceResource,
) -> MaterializeResult:
    source = export_source.open()
    days = [date.fromisoformat(key) for key in context.partition_keys]
    # every file parsed once: the verifications below and the load take the stored parse
    # (inside `seh-stops run`, the runner's), and memory holds one load batch of files
    with parse_store(settings.data_dir()):
        log = _verify_and_load(context, warehouse, source, days)
    # each day's materialization holds that day's figures; the range's event metadata
    # (MaterializeResult) is only a small summary, copied into every day's event
    add_metadata_per_partition(
        context, {result.day: day_metadata(result) for result in log.results}
    )
    return MaterializeResult(metadata=load_metadata(log.results))


def _verify_and_load(
    context: AssetExecutionContext, warehouse: WarehouseResource, source, days: list[date]
) -> "_LoadLog":
    """Verify every day of the range, then load them in batches; nothing when one is unfit."""
    checked, problems, kept = _verify(source, days, KEEP_VERIFIED_BYTES)
    if problems:
        raise Failure(
            description=(
                f"{len(problems)} of {len(days)} export day(s) cannot be loaded, so nothing was "
                "loaded: " + "; ".join(str(problem) for problem in problems) + ". Load the "
                "complete days on their own, and these once the LPZ publishes them complete."
            ),
            metadata={"not_loadable": {p.day.isoformat(): p.reason for p in problems}},
        )
    log = _LoadLog(context, [summary.day for summary in checked])
    with warehouse.write_connection() as con:
        for batch in _batches(checked, LOAD_BATCH_BYTES):
            export_days, changed = [], None
            for summary in batch:
                try:
                    export_days.append(
                        kept.pop(summary.day, None) or _verify_again(source, summary)
                    )
                except Failure as failure:  # changed at the source: load the days before it
                    changed = failure
                    break
            for result in load_export_days(con, export_days, settings.archive_dir()):
                log.loaded(result)
            if changed:
                raise changed
    return log


def _batches(checked: list[ExportDaySummary], batch_bytes: int) -> list[list[ExportDaySummary]]:
    """Consecutive days, cut where their files would pass ``batch_bytes`` (at least one day)."""
    return consecutive_batches(checked, lambda summary: summary.size_bytes, batch_bytes)


class _LoadLog:
    """The ingestion's log lines: one per day, or for a range of more than a month one per
    month plus one per noteworthy day (every line is an event in Dagster's event log)."""

    def __init__(self, context: AssetExecutionContext, days: list[date]) -> None:
        self.context = context
        self.days = days
        self.by_month = len(days) > DAILY_LOG_LINES_UP_TO
        self.results: list[LoadResult] = []
        self.month: list[LoadResult] = []

    def loaded(self, result: LoadResult) -> None:
        self.results.append(result)
        if not self.by_month or _noteworthy(result):
            self.context.log.info(_describe(result))
        if not self.by_month:
            return
        self.month.append(result)
        position = len(self.results)
        following = self.days[position] if position < len(self.days) else None
        if following is None or following.strftime("%Y-%m") != result.day[:7]:
            self.context.log.info(_describe_month(result.day[:7], self.month))
            self.month = []


def verify_days(
    source, days: list[date]
) -> tuple[list[ExportDaySummary], list[ExportDayNotLoadable]]:
    """Verify every day first, so that a range loads either completely or not at all.

    Returns what verification found, not the files: holding every parsed day of a backfill of
    years at once would take gigabytes (inside a parse store, the parses wait on disk).
    """
    checked, problems, _ = _verify(source, days, keep_bytes=0)
    return checked, problems


def _verify(
    source, days: list[date], keep_bytes: int
) -> tuple[list[ExportDaySummary], list[ExportDayNotLoadable], dict[date, LoadableExportDay]]:
    """Verify every day; keep the verified days of the first ones up to `keep_bytes` of files."""
    checked, problems, kept = [], [], {}
    budget = keep_bytes
    for day in days:
        try:
            export_day = verify_export_day(source, day)
        except ExportDayNotLoadable as problem:
            problems.append(problem)
            continue
        summary = export_day.summary()
        checked.append(summary)
        if summary.size_bytes <= budget:
            kept[day] = export_day
            budget -= summary.size_bytes
    return checked, problems, kept


def _verify_again(source, summary: ExportDaySummary) -> LoadableExportDay:
    """Read a day again right before loading it (its files' bytes, for the archive, checked
    against the manifest again); it was complete a moment ago."""
    try:
        return verify_export_day(source, summary.day)
    except ExportDayNotLoadable as problem:
        raise Failure(
            description=(
                f"{problem} (it changed at the source during this run). The days before it "
                "are loaded, each a complete version; run again once the LPZ has finished "
                "publishing it."
            ),
        ) from problem


def load_metadata(results: list[LoadResult]) -> dict[str, object]:
    """The range's summary, in every day's materialization beside the day's own figures
    (:func:`day_metadata`): how many days, their span and outcomes, and rows per file.

    Small on purpose: Dagster copies it into the event of every partition of the range, so a
    table of every day here would make a backfill's events grow with the square of its days.
    """
    metadata: dict[str, object] = {
        "range/export_days": len(results),
        "range/days": day_ranges([date.fromisoformat(r.day) for r in results]) or "none",
        "range/outcomes": MetadataValue.json(
            {
                outcome: sum(r.outcome.value == outcome for r in results)
                for outcome in ("loaded", "replaced", "unchanged", "stale")
            }
        ),
    }
    for name, (rows, quarantined) in _file_totals(results).items():
        stem = name.removesuffix(".csv")
        metadata[f"range/rows_loaded/{stem}"] = rows
        metadata[f"range/rows_quarantined/{stem}"] = quarantined
    return metadata


def day_metadata(result: LoadResult) -> dict[str, object]:
    """One export day's own figures in its partition's materialization: what happened to the
    version (loaded, replaced, unchanged, stale), which version is current, rows per file."""
    metadata: dict[str, object] = {
        "outcome": result.outcome.value,
        "version_id": result.version_id,
        "current_version_id": result.current_version_id or result.version_id,
    }
    for name in DATA_FILES:
        stem = name.removesuffix(".csv")
        metadata[f"rows_loaded/{stem}"] = result.rows.get(name, 0)
        metadata[f"rows_quarantined/{stem}"] = result.quarantined.get(name, 0)
    return metadata


def _describe(result: LoadResult) -> str:
    if result.outcome.value in ("unchanged", "stale"):
        return (
            f"{result.day}: version {result.version_id} {result.outcome.value}; "
            f"current version stays {result.current_version_id}"
        )
    counts = ", ".join(
        f"{name}: {result.rows[name]} rows, {result.quarantined[name]} quarantined"
        for name in DATA_FILES
    )
    return f"{result.day}: {result.outcome.value} {result.version_id} ({counts})"


def _noteworthy(result: LoadResult) -> bool:
    return result.outcome.value != "loaded" or any(result.quarantined.values())


def _describe_month(month: str, results: list[LoadResult]) -> str:
    outcomes = ", ".join(
        f"{sum(r.outcome.value == outcome for r in results)} {outcome}"
        for outcome in ("loaded", "replaced", "unchanged", "stale")
        if any(r.outcome.value == outcome for r in results)
    )
    counts = ", ".join(
        f"{name}: {rows} rows, {quarantined} quarantined"
        for name, (rows, quarantined) in _file_totals(results).items()
    )
    return f"{month}: {len(results)} export days ({outcomes}; {counts})"


def _file_totals(results: list[LoadResult]) -> dict[str, tuple[int, int]]:
    """Per contract data file: rows loaded and rows quarantined over ``results``."""
    return {
        name: (
            sum(r.rows.get(name, 0) for r in results),
            sum(r.quarantined.get(name, 0) for r in results),
        )
        for name in DATA_FILES
    }
