"""The benchmark: floor, pipeline, pandas baseline and nightly run on the same files.

For each size (copies of the Dutch world x years of export days) it simulates the export days
once, then measures in separate processes, each with its wall time and peak memory:

  a. floor     plain DuckDB: read_csv over all mutation CSVs, one window query (floor.py)
  b. pipeline  `seh-stops run` on a fresh data dir: a full backfill through Dagster and dbt
  c. pandas    the baseline script (pandas_baseline.py), checked against b's mart: the
               benchmark fails loudly when the region x month tables differ
  d. nightly   `seh-stops run --from D --to D` for the next export day D on top of b's history

and once, at Dutch scale, the start-up cost: a backfill of a single export day. It prints a
markdown table with the ratios b/a, c/b and d(10y)/d(1y), and writes it with the raw numbers
to the work dir. Usage (docs/performance.md):

    .venv/bin/python -m benchmarks.run                      # 1:1, 1:10 and 100:1
    .venv/bin/python -m benchmarks.run --size 1:1 --size 100:2 --work-dir /tmp/seh-bench
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

from benchmarks.agreement import check_agreement, pipeline_table
from seh_stops.lpz.contract import DATA_FILES
from seh_stops.settings import REPO_ROOT

DEFAULT_SIZES = ("1:1", "1:10", "100:1")
# Every size's history ends on this day and its nightly run loads the next one, so the sizes
# differ only in how much history lies before it. The partitions must reach back to the
# first day of the longest history (SEH_FIRST_EXPORT_DAY).
LAST_HISTORY_DAY = date(2025, 12, 31)
BIN = Path(sys.executable).parent


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
    return Measurement(result["seconds"], result["peak_rss_mib"], result["cpu_seconds"])


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
        # folder, and the nightly source links every history day beside it
        nightly.mkdir(parents=True)
        (history / next_day.isoformat()).rename(nightly / next_day.isoformat())
        for day in history.iterdir():
            (nightly / day.name).symlink_to(day.resolve(), target_is_directory=True)
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


def run_size(size: Size, work: Path, env: dict[str, str], progress) -> SizeResult:
    history, nightly, next_day, result = prepare(size, work, env)
    folder = work / size.slug
    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    seh = str(BIN / "seh-stops")
    progress(f"{size.label}: {result.days} days, {sum(result.rows.values())} rows")
    result.steps["floor"] = measure(
        [sys.executable, "-m", "benchmarks.floor", str(history)], folder / "floor.log", env
    )
    progress(f"  a floor    {result.steps['floor'].seconds:8.1f} s")
    result.steps["pipeline"] = measure(
        [seh, "run", "--data-dir", str(data), "--source", str(history)],
        folder / "pipeline.log",
        env,
    )
    progress(f"  b pipeline {result.steps['pipeline'].seconds:8.1f} s")
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
            pipeline_table(data / "warehouse.duckdb"), pd.read_csv(baseline_csv)
        )
        progress(f"    pandas agrees with the pipeline on {result.region_months_compared} rows")
    day = next_day.isoformat()
    result.steps["nightly"] = measure(
        [seh, "run", "--data-dir", str(data), "--source", str(nightly), "--from", day, "--to", day],
        folder / "nightly.log",
        env,
    )
    progress(f"  d nightly  {result.steps['nightly'].seconds:8.1f} s")
    return result


def startup_cost(work: Path, env: dict[str, str]) -> Measurement:
    """A backfill of one export day on a fresh data dir: the pipeline's fixed cost."""
    folder = work / "startup"
    shutil.rmtree(folder, ignore_errors=True)
    exports = folder / "exports"
    day = LAST_HISTORY_DAY.isoformat()
    seh = str(BIN / "seh-stops")
    measure(
        [seh, "simulate", "--from", day, "--to", day, "--out", str(exports)],
        folder / "simulate.log",
        env,
    )
    return measure(
        [seh, "run", "--data-dir", str(folder / "data"), "--source", str(exports)],
        folder / "pipeline.log",
        env,
    )


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

    startup = None if args.no_startup else startup_cost(work, env)
    if startup:
        progress(f"start-up: {cell(startup)}")
    results = [run_size(size, work, env, progress) for size in sizes]
    table = markdown(results, startup, machine_description())
    (work / "results.md").write_text(table, encoding="utf-8")
    (work / "results.json").write_text(
        json.dumps(
            {
                "startup": asdict(startup) if startup else None,
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
