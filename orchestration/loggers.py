"""Short progress lines for people running the pipeline from the CLI.

Dagster's console logger prints every engine event; at the terminal a data engineer wants to
see which export days loaded, which dbt models were built and which checks failed. This
logger prints just that, one line each, to stderr.
"""

from __future__ import annotations

import logging
import sys

from dagster import DagsterEventType, Field, InitLoggerContext, logger
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata

_USER_MESSAGES_FROM = {"lpz_export_day", "lpz_export_inventaris"}  # one line per export day


class _ProgressHandler(logging.Handler):
    step_failures = True  # set per run by the logger's config

    def emit(self, record: logging.LogRecord) -> None:
        line = progress_line(record, step_failures=self.step_failures)
        if line:
            print(line, file=sys.stderr, flush=True)


def progress_line(record: logging.LogRecord, step_failures: bool = True) -> str | None:
    """The line to show for a Dagster log record, or None to stay quiet."""
    if not has_log_record_metadata(record):
        return None
    meta = get_log_record_metadata(record)
    event = meta.get("dagster_event")
    if event is None:
        step = meta.get("step_key") or ""
        return f"  {meta['orig_message']}" if step in _USER_MESSAGES_FROM else None
    if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
        key = event.asset_key.to_user_string()
        return None if key in _USER_MESSAGES_FROM else f"  built {key}"
    if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
        data = event.event_specific_data
        if not data.passed:
            key = data.asset_check_key
            return f"  check FAILED {key.asset_key.to_user_string()}: {key.name}"
    if event.event_type == DagsterEventType.STEP_FAILURE and step_failures:
        return f"  step {event.step_key} failed"
    return None


@logger(
    config_schema={
        "step_failures": Field(
            bool,
            default_value=True,
            description="Print a line per failed step. `seh-stops deliver` turns it off: its "
            "one step's failure is the single line it prints itself.",
        )
    },
    description="Concise progress for the seh-stops CLI: loaded days, built assets, failures.",
)
def progress_logger(init_context: InitLoggerContext) -> logging.Logger:
    progress = logging.getLogger("seh_stops.progress")
    progress.setLevel(logging.DEBUG)  # Dagster logs its events at DEBUG
    progress.propagate = False
    if not progress.handlers:
        progress.addHandler(_ProgressHandler())
    for handler in progress.handlers:
        if isinstance(handler, _ProgressHandler):
            handler.step_failures = init_context.logger_config["step_failures"]
    return progress
