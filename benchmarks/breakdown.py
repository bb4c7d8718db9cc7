"""Where the fixed cost of a run goes: a one-day run on a fresh data dir, phase by phase.

The start-up measurement (``benchmarks.run``) leaves three records of its run behind: the
command's output with every line stamped (``benchmarks.measure``), the Dagster instance in the
data dir (every event of both runs with its time: run creation with its planned events, each
step's start and end, dbt's first result) and the measured wall time. This module lays them
on one time line and cuts it into the phases a reader can act on (imports and definitions,
the runner's verification, run creation, the load, the GX checks, dbt's start and parse and
its build, the mart checks, the alert step); the phases add up to the wall time. The import
cost is measured apart as well (``import_seconds``): in the run it is part of the first phase.

    python -m benchmarks.breakdown DATA_DIR LOG STARTED_AT SECONDS
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# The runner's progress lines that mark a phase boundary (cli/runner.py), as stamped by
# benchmarks.measure: "[    3.8 s] Verifying 1 export day(s) ...".
_STAMPED = re.compile(r"^\[\s*([\d.]+) s\] (.*)$")
PROGRESS_MARKS = {
    "Verifying ": "process start, imports, definitions, dbt manifest check",
    "Loading export days ": "runner: verification of the days (read, SHA-256, parse), instance",
    "Running dbt build ": "end of the ingestion run",
}
# Step keys of the two runs, as a reader knows them.
STEP_LABELS = {
    "lpz_export_day": "ingestion asset: verification again, archive, load",
    "lpz_export_day_great_expectations": "raw GX check (import, context, checkpoints, Data Docs)",
    "lpz_export_inventaris": "inventory asset",
    "lnaz_dq_alert": "alert step",
}
DBT_STEP = "seh_stops_dbt_assets"
DBT_FIRST_RESULT = ("STEP_OUTPUT", "ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION")


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: float


def step_label(step_key: str) -> str:
    if step_key in STEP_LABELS:
        return STEP_LABELS[step_key]
    if step_key.endswith("_great_expectations"):
        return f"GX check on {step_key.removesuffix('_great_expectations')}"
    # Dagster names a step of several asset checks by a hash: the schema and freshness checks
    return "dbt source schema checks (one step of several asset checks)"


def marks_from_log(log: Path, started_at: float) -> list[tuple[float, str]]:
    """(epoch, name of the phase that ends there) for the runner's progress lines."""
    marks = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        stamped = _STAMPED.match(line)
        if not stamped:
            continue
        for prefix, name in PROGRESS_MARKS.items():
            if stamped.group(2).startswith(prefix):
                marks.append((started_at + float(stamped.group(1)), name))
    return marks


def marks_from_instance(dagster_home: Path) -> list[tuple[float, str]]:
    """(epoch, name of the phase that ends there) from every run's event log, oldest first."""
    from dagster import DagsterInstance

    marks: list[tuple[float, str]] = []
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        for run in reversed(instance.get_runs()):
            events = [e for e in instance.all_logs(run.run_id) if e.dagster_event]
            if not events:
                continue
            job = run.job_name
            marks.append((events[0].timestamp, f"{job}: execution plan (before its first event)"))
            dbt_started = False
            for event in events:
                kind = event.dagster_event.event_type_value
                if kind == "PIPELINE_START":
                    marks.append((event.timestamp, f"{job}: run creation (planned events)"))
                elif kind == "STEP_START":
                    marks.append((event.timestamp, f"{job}: Dagster between steps"))
                    dbt_started = event.step_key == DBT_STEP
                elif kind in DBT_FIRST_RESULT and dbt_started and event.step_key == DBT_STEP:
                    marks.append((event.timestamp, "dbt: start and parse (to its first result)"))
                    dbt_started = False
                elif kind == "STEP_SUCCESS" or kind == "STEP_FAILURE":
                    key = event.step_key or ""
                    marks.append(
                        (event.timestamp, "dbt: build" if key == DBT_STEP else step_label(key))
                    )
                elif kind in ("PIPELINE_SUCCESS", "PIPELINE_FAILURE"):
                    marks.append((event.timestamp, f"{job}: Dagster between steps"))
    return marks


def phases(dagster_home: Path, log: Path, started_at: float, seconds: float) -> list[Phase]:
    """The run's phases in order of first appearance, each the sum of its pieces; with the
    closing phase they add up to ``seconds``."""
    marks = marks_from_log(log, started_at) + marks_from_instance(dagster_home)
    return phases_from_marks(marks, started_at, seconds)


def phases_from_marks(
    marks: list[tuple[float, str]], started_at: float, seconds: float
) -> list[Phase]:
    """Cut ``started_at .. started_at + seconds`` at the marks (epoch, name of the phase that
    ends there); a phase that ends at several marks is the sum of its pieces."""
    marks = [*sorted(marks), (started_at + seconds, "summary (quarantine counts), process exit")]
    totals: dict[str, float] = {}
    previous = started_at
    for when, name in marks:
        totals[name] = totals.get(name, 0.0) + max(when - previous, 0.0)
        previous = max(previous, when)
    return [Phase(name, total) for name, total in totals.items()]


def import_seconds(python: str, root: Path) -> dict[str, float]:
    """Import times in a fresh interpreter of the tree: the CLI, then the Dagster definitions
    (dagster, dagster-dbt and the code location), then Great Expectations (a check's first
    cost)."""
    script = (
        "import time; t = time.perf_counter()\n"
        "import cli.main; a = time.perf_counter()\n"
        "from orchestration.definitions import defs; b = time.perf_counter()\n"
        "import great_expectations; c = time.perf_counter()\n"
        "print(a - t, b - a, c - b)\n"
    )
    done = subprocess.run(
        [python, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    cli_s, definitions_s, gx_s = (float(x) for x in done.stdout.split())
    return {"cli": cli_s, "definitions": definitions_s, "great_expectations": gx_s}


def markdown(parts: list[Phase], imports: dict[str, float] | None = None) -> str:
    total = sum(part.seconds for part in parts)
    lines = ["| phase of a one-day run | seconds | share |", "|---|---:|---:|"]
    for part in parts:
        share = part.seconds / total if total else 0.0
        lines.append(f"| {part.name} | {part.seconds:.1f} | {share:.0%} |")
    lines.append(f"| **total** | **{total:.1f}** | |")
    if imports:
        lines.append("")
        lines.append(
            "Imports in a fresh interpreter (part of the first phase, GX of the raw check): "
            + ", ".join(f"{name} {value:.1f} s" for name, value in imports.items())
            + "."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("log", type=Path)
    parser.add_argument("started_at", type=float)
    parser.add_argument("seconds", type=float)
    args = parser.parse_args()
    parts = phases(args.data_dir / "dagster_home", args.log, args.started_at, args.seconds)
    print(markdown(parts, import_seconds(sys.executable, Path.cwd())))


if __name__ == "__main__":
    main()
