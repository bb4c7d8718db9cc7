"""What a checkpoint run found, summarised for people: pure code, no GX and no Dagster.

A GX validation result (its JSON dict) becomes a :class:`SuiteOutcome`: the failed
expectations in words, with example values, and sample rows looked up in the validated frame
by the key columns GX reports. The free text of ``toelichting`` never appears in a summary: it
may name staff and must not leave the raw layer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from seh_stops.quality.conditions import CONDITION_COLUMNS

# Columns whose values never appear in a summary, a check's metadata or an alert.
NEVER_SHOWN = frozenset({"toelichting"})
SAMPLE_ROWS_PER_EXPECTATION = 5
EXAMPLE_VALUES = 5
SEVERITY_ORDER = {"critical": 2, "warning": 1, "info": 0}
# An expectation's ``meta["blocks"]``: "at_scale" ones warn on isolated rows and block only a
# day broken at scale (``seh_stops.quality.scale``); "never" ones warn whatever their count.
BLOCKS_AT_SCALE = "at_scale"
BLOCKS_NEVER = "never"
DAY_COLUMN = "export_datum"


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation that did not hold, in words a data engineer can act on."""

    expectation: str
    columns: str
    severity: str
    notes: str
    unexpected_count: int | None = None
    examples: list[Any] = field(default_factory=list)
    error: str | None = None
    blocks: str | None = None  # meta["blocks"]: BLOCKS_AT_SCALE, BLOCKS_NEVER or None
    unexpected_by_day: dict[str, int] = field(default_factory=dict)
    # (export day, recordnummer) of every flagged row: a day's distinct quarantined rows
    flagged_rows: frozenset[tuple[str, Any]] = field(default=frozenset(), repr=False)

    def describe(self) -> str:
        """One line: what failed, how often, examples."""
        what = f"{self.expectation} on {self.columns}" if self.columns else self.expectation
        if self.error:
            return f"{what}: could not be evaluated ({self.error})"
        count = "" if self.unexpected_count is None else f": {self.unexpected_count} row(s)"
        examples = f", e.g. {', '.join(map(repr, self.examples))}" if self.examples else ""
        return f"{what}{count}{examples}"


@dataclass(frozen=True)
class SuiteOutcome:
    """What one checkpoint run found on one frame."""

    suite: str
    rows_checked: int
    evaluated: int
    failures: list[FailedExpectation]
    sample_rows: list[dict[str, Any]]
    data_docs_url: str | None = None
    rows_by_day: dict[str, int] = field(default_factory=dict)  # frame rows per export day

    @property
    def success(self) -> bool:
        return not self.failures

    @property
    def severity(self) -> str | None:
        """The most severe failure (critical > warning > info), None when all passed."""
        if not self.failures:
            return None
        return max((f.severity for f in self.failures), key=lambda s: SEVERITY_ORDER.get(s, 2))

    @property
    def critical(self) -> bool:
        return self.severity == "critical"


def summarise(
    suite: str, validation: dict[str, Any], frame: pd.DataFrame, data_docs_url: str | None
) -> SuiteOutcome:
    """Turn a GX validation result (JSON dict) into failures and sample rows of ``frame``."""
    results = validation.get("results", [])
    failed = [r for r in results if not r.get("success")]
    return SuiteOutcome(
        suite=suite,
        rows_checked=len(frame),
        evaluated=len(results),
        failures=[_failure(r) for r in failed],
        sample_rows=_sample_rows(failed, frame),
        data_docs_url=data_docs_url,
        rows_by_day=_rows_by_day(frame),
    )


def _rows_by_day(frame: pd.DataFrame) -> dict[str, int]:
    if DAY_COLUMN not in frame.columns:
        return {}
    return {str(day): int(n) for day, n in frame.groupby(DAY_COLUMN).size().items()}


def _failure(result: dict[str, Any]) -> FailedExpectation:
    config = result.get("expectation_config", {})
    details = result.get("result", {}) or {}
    exception = result.get("exception_info", {}) or {}
    examples = details.get("partial_unexpected_list")
    if examples is None and "observed_value" in details:
        examples = [details["observed_value"]]
    flagged = frozenset(
        (str(entry[DAY_COLUMN]), entry.get("recordnummer"))
        for entry in details.get("unexpected_index_list") or []
        if isinstance(entry, dict) and DAY_COLUMN in entry
    )
    by_day: dict[str, int] = {}
    for day, _ in flagged:
        by_day[day] = by_day.get(day, 0) + 1
    return FailedExpectation(
        expectation=config.get("type", "?"),
        columns=_columns(config),
        severity=str(config.get("severity") or "critical"),
        notes=str(config.get("notes") or ""),
        unexpected_count=details.get("unexpected_count"),
        examples=list(dict.fromkeys(map(_hashable, examples or [])))[:EXAMPLE_VALUES],
        error=exception.get("exception_message") if exception.get("raised_exception") else None,
        blocks=(config.get("meta") or {}).get("blocks"),
        unexpected_by_day=by_day,
        flagged_rows=flagged,
    )


def _columns(config: dict[str, Any]) -> str:
    """The column(s) a finding names: the contract column of a rule stated on a helper column
    (``meta["columns"]``, see ``seh_stops.quality.suites``), else the expectation's own."""
    named = (config.get("meta") or {}).get("columns")
    if named:
        return str(named)
    kwargs = config.get("kwargs", {})
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return ""


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def _sample_rows(failed: list[dict[str, Any]], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Up to a few rows per failed expectation, looked up by the key columns GX reported.

    Rows come from ``frame`` itself (GX reports only keys), without the never-shown columns
    and the conditional rules' helper columns (they repeat a column the row shows), each
    tagged with the expectation that flagged it.
    """
    samples: list[dict[str, Any]] = []
    if frame.empty:
        return samples
    hidden = NEVER_SHOWN | CONDITION_COLUMNS
    shown = [c for c in frame.columns if c not in hidden]
    for result in failed:
        details = result.get("result", {}) or {}
        keys = details.get("unexpected_index_column_names") or []
        found = details.get("unexpected_index_list") or []
        if not keys or not found or not set(keys) <= set(frame.columns):
            continue
        wanted = {tuple(entry.get(k) for k in keys) for entry in found}
        mask = frame[keys].apply(tuple, axis=1).isin(wanted)
        rows = frame.loc[mask, shown].head(SAMPLE_ROWS_PER_EXPECTATION)
        flagged_by = _flag(result)
        for row in json.loads(rows.to_json(orient="records", date_format="iso")):
            samples.append({"flagged_by": flagged_by, **row})
    return samples


def _flag(result: dict[str, Any]) -> str:
    config = result.get("expectation_config", {})
    columns = _columns(config)
    return f"{config.get('type', '?')}({columns})"


def merge_outcomes(parts: list[SuiteOutcome]) -> SuiteOutcome:
    """One suite's outcome over frames validated one after another (chunks of export days,
    or of episodes).

    Valid for suites whose expectations hold per row or per chunk key (export day, episode),
    never across chunks: then a failure's row count is the sum over the chunks. Examples and
    sample rows keep the first few found; the Data Docs link is the first failing chunk's page.
    """
    if not parts:
        raise ValueError("merge_outcomes needs at least one outcome")
    failures: dict[tuple, FailedExpectation] = {}
    for part in parts:
        for failure in part.failures:
            key = (failure.expectation, failure.columns, failure.severity, failure.notes)
            seen = failures.get(key)
            failures[key] = failure if seen is None else _merged(seen, failure)
    samples: list[dict[str, Any]] = []
    per_flag: dict[str, int] = {}
    for part in parts:
        for row in part.sample_rows:
            flag = str(row.get("flagged_by"))
            if per_flag.get(flag, 0) < SAMPLE_ROWS_PER_EXPECTATION:
                per_flag[flag] = per_flag.get(flag, 0) + 1
                samples.append(row)
    failing = [part for part in parts if part.failures]
    return SuiteOutcome(
        suite=parts[0].suite,
        rows_checked=sum(part.rows_checked for part in parts),
        evaluated=max(part.evaluated for part in parts),
        failures=list(failures.values()),
        sample_rows=samples,
        data_docs_url=(failing or parts[-1:])[0].data_docs_url,
        rows_by_day=_summed([part.rows_by_day for part in parts]),
    )


def _summed(counts: list[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in counts:
        for key, count in part.items():
            total[key] = total.get(key, 0) + count
    return total


def _merged(first: FailedExpectation, later: FailedExpectation) -> FailedExpectation:
    counts = [c for c in (first.unexpected_count, later.unexpected_count) if c is not None]
    examples = list(dict.fromkeys([*first.examples, *later.examples]))[:EXAMPLE_VALUES]
    return FailedExpectation(
        expectation=first.expectation,
        columns=first.columns,
        severity=first.severity,
        notes=first.notes,
        unexpected_count=sum(counts) if counts else None,
        examples=examples,
        error=first.error or later.error,
        blocks=first.blocks,
        unexpected_by_day=_summed([first.unexpected_by_day, later.unexpected_by_day]),
        flagged_rows=first.flagged_rows | later.flagged_rows,
    )


def describe_outcomes(outcomes: list[SuiteOutcome]) -> str:
    """A few readable lines: which suites passed, and every failed expectation with why."""
    lines = []
    for outcome in outcomes:
        if outcome.success:
            lines.append(
                f"{outcome.suite}: all {outcome.evaluated} expectations hold "
                f"({outcome.rows_checked} rows)."
            )
            continue
        lines.append(
            f"{outcome.suite}: {len(outcome.failures)} of {outcome.evaluated} expectations "
            f"failed ({outcome.rows_checked} rows):"
        )
        for failure in sorted(outcome.failures, key=lambda f: -SEVERITY_ORDER.get(f.severity, 2)):
            why = f" ({failure.notes})" if failure.notes else ""
            lines.append(f"- [{failure.severity}] {failure.describe()}{why}")
    return "\n".join(lines)
