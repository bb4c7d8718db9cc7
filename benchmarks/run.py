"""The benchmark: floor, pipeline, pandas baseline and nightly run on the same files.

For each size (copies of the Dutch world x years of export days) it simulates the export days
once, then measures in separate processes, each with its wall time and peak memory:

  a. floor     plain DuckDB: read_csv over all mutation CSVs, one window query (floor.py)
  b. pipeline  `seh-stops run` on a fresh data dir: a full backfill through Dagster and dbt
  c. pandas    the baseline script (pandas_baseline.py), checked against b's mart: the
               benchmark fails loudly when the region x month tables differ
  d. nightly   `seh-stops run --from D --to D` for the next export day D on top of b's history

and once, at Dutch scale, the start-up cost: a backfill of a single export day, with where its
time goes phase by phase (breakdown.py). It prints a
markdown table with the ratios b/a, c/b and d(10y)/d(1y), and writes it with the raw numbers
to the work dir. With ``--baseline REF`` it also measures b, d and the start-up cost of a git
ref (``trees.py``), interleaved with the working tree's on the same files, and prints the
ratios side by side. Usage (docs/performance.md):

    .venv/bin/python -m benchmarks.run                      # 1:1, 1:10 and 100:1
    .venv/bin/python -m benchmarks.run --size 1:1 --size 100:2 --work-dir /tmp/seh-bench
    .venv/bin/python -m benchmarks.run --size 1:1 --baseline main   # A/B against main
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from benchmarks import breakdown
from benchmarks.agreement import check_agreement, pipeline_table
from benchmarks.trees import WORKING_TREE, Tree, baseline_tree
from seh_stops.lpz.contract import DATA_FILES
from seh_stops.settings import REPO_ROOT

DEFAULT_SIZES = ("1:1", "1:10", "100:1")
# Every size's history ends on this day and its nightly run loads the next one, so the sizes
# differ only in how much history lies before it. The partitions must reach back to the
# first day of the longest history (SEH_FIRST_EXPORT_DAY).
LAST_HISTORY_DAY = date(2025, 12, 31)
BIN = Path(sys.executable).parent
# The steps that run seh-stops itself, and so are measured per tree with --baseline; the floor
# and the pandas baseline are the benchmark's own yardsticks, measured once.
TREE_STEPS = ("pipeline", "nightly")


@dataclass(frozen=True)
class Size:
    """k copies of the Dutch world over `years` years of export days."""

    scale: int
    years: int

    @property
    def label(self) -> str:
        return f"scale {self.scale}, {self.years} year{'s' if self.years > 1 else ''}"

    @property
    def slug(self) -> str:
        return f"s{self.scale}-y{self.years}"

    @property
    def first_day(self) -> date:
        return date(LAST_HISTORY_DAY.year - self.years + 1, 1, 1)


@dataclass
class Measurement:
    seconds: float
    peak_rss_mib: float
    cpu_seconds: float = 0.0
    out_of_memory_gib: float | None = None  # hit this cap (MemoryError) and did not finish
    started_at: float = 0.0  # the epoch at the start (benchmarks.breakdown lines events up)


@dataclass
class SizeResult:
    size: Size
    days: int
    locations: int
    rows: dict[str, int]
    csv_mib: float
    simulate_seconds: float
    steps: dict[str, Measurement] = field(default_factory=dict)
    region_months_compared: int = 0
    baseline_steps: dict[str, Measurement] = field(default_factory=dict)  # with --baseline


class BenchmarkFailed(RuntimeError):
    """A measured command failed; the message names its log."""


def parse_size(text: str) -> Size:
    try:
        scale, years = (int(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not SCALE:YEARS, e.g. 100:1") from None
    if scale < 1 or years < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: scale and years must be at least 1")
    return Size(scale, years)


def measure(
    command: list[str], log: Path, env: dict[str, str], memory_limit_gib: float | None = None
) -> Measurement:
    """Run `command` in a fresh measuring process (benchmarks.measure). With a memory limit,
    a command that runs out of it is a measurement (how long until it failed), not an error."""
    limit = [] if memory_limit_gib is None else ["--memory-limit-gib", str(memory_limit_gib)]
    wrapper = [sys.executable, "-m", "benchmarks.measure", "--log", str(log), *limit, "--"]
    done = subprocess.run(
        [*wrapper, *command], capture_output=True, text=True, env=env, cwd=REPO_ROOT
    )
    if done.returncode != 0:
        raise BenchmarkFailed(f"measuring {command[:3]} failed: {done.stderr.strip()}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["returncode"] != 0 and memory_limit_gib and _ran_out_of_memory(log):
        return Measurement(
            result["seconds"], result["peak_rss_mib"], result["cpu_seconds"], memory_limit_gib
        )
    if result["returncode"] != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise BenchmarkFailed(f"{' '.join(command[:3])} failed, see {log}:\n{tail}")
    return Measurement(
        result["seconds"],
        result["peak_rss_mib"],
        result["cpu_seconds"],
        started_at=result["started_at"],
    )


# How running out of the address-space cap shows in Python, numpy, pandas' C parser (its read
# buffer cannot grow) and DuckDB; any other failure is an error of the benchmark.
OUT_OF_MEMORY_SIGNS = (
    "MemoryError",
    "Unable to allocate",
    "Cannot allocate memory",
    "Calling read(nbytes) on source failed",
    "Out of Memory Error",
)


def _ran_out_of_memory(log: Path) -> bool:
    tail = log.read_text(encoding="utf-8", errors="replace")[-5000:]
    return any(sign in tail for sign in OUT_OF_MEMORY_SIGNS)


def pandas_memory_limit_gib() -> float:
    """Three quarters of the machine: the baseline holds every row in memory at once."""
    return round(0.75 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)


def prepare(size: Size, work: Path, env: dict[str, str]) -> tuple[Path, Path, date, SizeResult]:
    """Simulate the history and the next day once; return (history, nightly source, day)."""
    folder = work / size.slug
    history, nightly = folder / "exports", folder / "nightly"
    next_day = LAST_HISTORY_DAY + timedelta(days=1)
    done_marker = folder / "simulated.json"
    if not done_marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        simulated = measure(
            [
                str(BIN / "seh-stops"),
                "simulate",
                "--from",
                size.first_day.isoformat(),
                "--to",
                next_day.isoformat(),
                "--out",
                str(history),
                "--scale",
                str(size.scale),
            ],
            folder / "simulate.log",
            env,
        )
        # the next day is published only after the history is loaded: it moves to its own
        # folder, and the nightly source holds every history day beside it as hard links (the
        # folder source refuses symbolic links, docs/security.md)
        nightly.mkdir(parents=True)
        (history / next_day.isoformat()).rename(nightly / next_day.isoformat())
        for day in history.iterdir():
            (nightly / day.name).mkdir()
            for file in day.iterdir():
                os.link(file, nightly / day.name / file.name)
        done_marker.write_text(json.dumps({"simulate_seconds": simulated.seconds}))
    days = sorted(p for p in history.iterdir() if p.is_dir())
    rows = dict.fromkeys(DATA_FILES, 0)
    csv_bytes = 0
    for day in days:
        manifest = json.loads((day / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["bestanden"]:
            rows[entry["naam"]] += entry["rijen"]
            csv_bytes += (day / entry["naam"]).stat().st_size
    result = SizeResult(
        size=size,
        days=len(days),
        locations=83 * size.scale,
        rows=rows,
        csv_mib=csv_bytes / 2**20,
        simulate_seconds=json.loads(done_marker.read_text())["simulate_seconds"],
    )
    return history, nightly, next_day, result


def run_size(
    size: Size, work: Path, env: dict[str, str], progress, baseline: Tree | None = None
) -> SizeResult:
    history, nightly, next_day, result = prepare(size, work, env)
    folder = work / size.slug
    trees = [WORKING_TREE] + ([baseline] if baseline else [])
    data = {
        tree: folder / ("data" if tree is WORKING_TREE else f"data-{tree.slug}") for tree in trees
    }
    for path in data.values():
        shutil.rmtree(path, ignore_errors=True)
    progress(f"{size.label}: {result.days} days, {sum(result.rows.values())} rows")
    result.steps["floor"] = measure(
        [sys.executable, "-m", "benchmarks.floor", str(history)], folder / "floor.log", env
    )
    progress(f"  a floor    {result.steps['floor'].seconds:8.1f} s")
    # interleaved, the first tree of each pair alternating: a change of load, and whatever the
    # first of two runs warms for the second (the page cache), falls on both trees alike
    for tree in trees:
        steps = result.steps if tree is WORKING_TREE else result.baseline_steps
        steps["pipeline"] = measure(
            [tree.seh_stops, "run", "--data-dir", str(data[tree]), "--source", str(history)],
            folder / f"pipeline-{tree.slug}.log",
            tree.env(env),
        )
        progress(f"  b pipeline {steps['pipeline'].seconds:8.1f} s  ({tree.label})")
    baseline_csv = folder / "pandas.csv"
    result.steps["pandas"] = measure(
        [
            sys.executable,
            "-m",
            "benchmarks.pandas_baseline",
            str(history),
            "--out",
            str(baseline_csv),
        ],
        folder / "pandas.log",
        env,
        memory_limit_gib=pandas_memory_limit_gib(),
    )
    progress(f"  c pandas   {cell(result.steps['pandas'])}")
    if result.steps["pandas"].out_of_memory_gib is None:
        result.region_months_compared = check_agreement(
            pipeline_table(data[WORKING_TREE] / "warehouse.duckdb"), pd.read_csv(baseline_csv)
        )
        progress(f"    pandas agrees with the pipeline on {result.region_months_compared} rows")
    day = next_day.isoformat()
    for tree in reversed(trees):
        steps = result.steps if tree is WORKING_TREE else result.baseline_steps
        command = [tree.seh_stops, "run", "--data-dir", str(data[tree]), "--source", str(nightly)]
        steps["nightly"] = measure(
            [*command, "--from", day, "--to", day],
            folder / f"nightly-{tree.slug}.log",
            tree.env(env),
        )
        progress(f"  d nightly  {steps['nightly'].seconds:8.1f} s  ({tree.label})")
    return result


def startup_cost(
    work: Path, env: dict[str, str], tree: Tree = WORKING_TREE
) -> tuple[Measurement, list[breakdown.Phase]]:
    """A backfill of one export day on a fresh data dir: the pipeline's fixed cost, and where
    it went (benchmarks.breakdown)."""
    folder = work / "startup"
    exports = folder / "exports"
    day = LAST_HISTORY_DAY.isoformat()
    if not exports.exists():
        measure(
            [WORKING_TREE.seh_stops, "simulate", "--from", day, "--to", day, "--out", str(exports)],
            folder / "simulate.log",
            env,
        )
    data = folder / f"data-{tree.slug}"
    shutil.rmtree(data, ignore_errors=True)
    log = folder / f"pipeline-{tree.slug}.log"
    measured = measure(
        [tree.seh_stops, "run", "--data-dir", str(data), "--source", str(exports)],
        log,
        tree.env(env),
    )
    parts = breakdown.phases(data / "dagster_home", log, measured.started_at, measured.seconds)
    return measured, parts


def cell(m: Measurement | None) -> str:
    if m is None:
        return ""
    if m.out_of_memory_gib is not None:
        return f"out of memory ({m.out_of_memory_gib:g} GiB cap) after {m.seconds:,.1f} s"
    return f"{m.seconds:,.1f} s / {m.peak_rss_mib:,.0f} MiB"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return ""
    return f"{a / b:,.1f}" if a / b >= 1 else f"{a / b:.2f}"


def c_over_b(pandas: Measurement, pipeline: Measurement) -> str:
    if pandas.out_of_memory_gib is not None:
        return f"pandas cannot run (> {pandas.out_of_memory_gib:g} GiB)"
    return ratio(pandas.seconds, pipeline.seconds)


def markdown(results: list[SizeResult], startup: Measurement | None, machine: str) -> str:
    """The results table, the ratios and the targets."""
    lines = [
        f"Machine: {machine}",
        "",
        "| size | locations | export days | mutation rows | register rows | CSV | "
        "a floor | b pipeline | c pandas | d nightly | b/a | c/b |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.steps
        lines.append(
            f"| {r.size.label} | {r.locations:,} | {r.days:,} "
            f"| {r.rows['seh_statusmutaties.csv']:,} | {r.rows['seh_locaties.csv']:,} "
            f"| {r.csv_mib:,.0f} MiB | {cell(s.get('floor'))} | {cell(s.get('pipeline'))} "
            f"| {cell(s.get('pandas'))} | {cell(s.get('nightly'))} "
            f"| {ratio(s['pipeline'].seconds, s['floor'].seconds)} "
            f"| {c_over_b(s['pandas'], s['pipeline'])} |"
        )
    lines.append("")
    if startup:
        lines.append(
            f"Start-up cost (backfill of one export day, fresh data dir): {cell(startup)}."
        )
    by_size = {(r.size.scale, r.size.years): r for r in results}
    for (scale, years), r in sorted(by_size.items()):
        one = by_size.get((scale, 1))
        if years == 10 and one:
            d10, d1 = r.steps["nightly"].seconds, one.steps["nightly"].seconds
            lines.append(f"Nightly at scale {scale}: d(10y)/d(1y) = {d10 / d1:.2f}.")
    for r in results:
        b, a = r.steps["pipeline"].seconds, r.steps["floor"].seconds
        fixed = startup.seconds if startup else 0.0
        agreed = (
            f"pandas agreed with the pipeline on {r.region_months_compared} region-months"
            if r.region_months_compared
            else "pandas ran out of memory, so there was nothing to compare"
        )
        lines.append(
            f"{r.size.label}: b - start-up = {b - fixed:,.1f} s = {(b - fixed) / a:,.1f} x a; "
            f"{agreed}."
        )
    return "\n".join(lines) + "\n"


def comparison(
    results: list[SizeResult], startup: Measurement | None, base: Measurement | None, label: str
) -> str:
    """The working tree beside the baseline, measured in the same run: time and the ratio."""
    lines = [
        f"Side by side with {label} (same files, same run, interleaved):",
        "",
        "| size | step | baseline | working tree | working / baseline |",
        "|---|---|---:|---:|---:|",
    ]
    if startup and base:
        lines.append(
            f"| one export day | start-up | {cell(base)} | {cell(startup)} "
            f"| {ratio(startup.seconds, base.seconds)} |"
        )
    for r in results:
        for step in TREE_STEPS:
            now, before = r.steps[step], r.baseline_steps[step]
            lines.append(
                f"| {r.size.label} | {step} | {cell(before)} | {cell(now)} "
                f"| {ratio(now.seconds, before.seconds)} |"
            )
        if startup and base:
            a = r.steps["floor"].seconds
            marginal_now = (r.steps["pipeline"].seconds - startup.seconds) / a
            marginal_before = (r.baseline_steps["pipeline"].seconds - base.seconds) / a
            lines.append(
                f"| {r.size.label} | (b - start-up) / a | {marginal_before:,.1f} x "
                f"| {marginal_now:,.1f} x | {ratio(marginal_now, marginal_before)} |"
            )
    return "\n".join(lines) + "\n"


def machine_description() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores, {memory_gib:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; load average at the "
        f"end {load:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size",
        dest="sizes",
        type=parse_size,
        action="append",
        help=f"SCALE:YEARS, repeatable (default {' '.join(DEFAULT_SIZES)})",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=REPO_ROOT / "data" / "bench",
        help="where the simulated files, data dirs and logs go (default data/bench)",
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="also measure this git ref (a worktree in the work dir), side by side",
    )
    args = parser.parse_args()
    sizes = args.sizes or [parse_size(text) for text in DEFAULT_SIZES]
    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    earliest = min(size.first_day for size in sizes)
    env = {
        **os.environ,
        "SEH_FIRST_EXPORT_DAY": earliest.isoformat(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PYTHONPATH": str(REPO_ROOT),
    }

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    baseline = baseline_tree(args.baseline, work, progress) if args.baseline else None
    startup = base_startup = None
    parts: dict[str, list[breakdown.Phase]] = {}
    if not args.no_startup:
        if baseline:  # the baseline first here, the working tree first in the next step
            base_startup, parts[baseline.label] = startup_cost(work, env, baseline)
            progress(f"start-up: {cell(base_startup)} ({baseline.label})")
        startup, parts[WORKING_TREE.label] = startup_cost(work, env)
        progress(f"start-up: {cell(startup)}")
    results = [run_size(size, work, env, progress, baseline) for size in sizes]
    table = markdown(results, startup, machine_description())
    if baseline:
        table += "\n" + comparison(results, startup, base_startup, baseline.label)
    for label, tree in (("working tree", WORKING_TREE), ("baseline", baseline)):
        if tree and tree.label in parts:
            imports = breakdown.import_seconds(str(tree.bin / "python"), tree.root)
            table += f"\nWhere the start-up cost goes ({label}):\n\n" + breakdown.markdown(
                parts[tree.label], imports
            )
    (work / "results.md").write_text(table, encoding="utf-8")
    (work / "results.json").write_text(
        json.dumps(
            {
                "startup": asdict(startup) if startup else None,
                "baseline": args.baseline,
                "baseline_startup": asdict(base_startup) if base_startup else None,
                "startup_breakdown": {
                    label: [asdict(part) for part in tree_parts]
                    for label, tree_parts in parts.items()
                },
                "sizes": [asdict(r) for r in results],
            },
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    print(table)


if __name__ == "__main__":
    main()
