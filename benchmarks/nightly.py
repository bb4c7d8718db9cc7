"""The nightly run again, alternating between histories, for a ratio that noise cannot fake.

On a shared machine one nightly measurement per history length can differ by a factor of
two from the next. After `benchmarks.run` has left its data dirs, this repeats the nightly
command of each size in turn (1 year, 10 years, 1 year, ...): the export day is loaded
already, so each repetition verifies it, finds it unchanged and rebuilds everything
downstream, which is the nightly work minus one day's insert. It prints the medians per size,
of wall time and of CPU time (which other work on the machine disturbs far less), and
d(10y)/d(1y) from both. Usage:

    .venv/bin/python -m benchmarks.nightly --work-dir /tmp/seh-bench --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import timedelta
from pathlib import Path

from benchmarks.run import BIN, LAST_HISTORY_DAY, Measurement, Size, measure, parse_size
from seh_stops.settings import REPO_ROOT


def nightly_command(size: Size, work: Path) -> list[str]:
    """The benchmark's nightly run of `size`, on the data dir it left behind."""
    folder = work / size.slug
    next_day = (LAST_HISTORY_DAY + timedelta(days=1)).isoformat()
    return [
        str(BIN / "seh-stops"),
        "run",
        "--data-dir",
        str(folder / "data"),
        "--source",
        str(folder / "nightly"),
        "--from",
        next_day,
        "--to",
        next_day,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=REPO_ROOT / "data" / "bench")
    parser.add_argument(
        "--size", dest="sizes", type=parse_size, action="append", help="default 1:1 and 1:10"
    )
    parser.add_argument("--repeats", type=int, default=3, help="rounds over the sizes")
    args = parser.parse_args()
    sizes = args.sizes or [Size(1, 1), Size(1, 10)]
    work = args.work_dir.resolve()
    earliest = min(size.first_day for size in sizes)
    env = {
        **os.environ,
        "SEH_FIRST_EXPORT_DAY": earliest.isoformat(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PYTHONPATH": str(REPO_ROOT),
    }
    times: dict[Size, list[Measurement]] = {size: [] for size in sizes}
    for round_number in range(args.repeats):
        for size in sizes:
            log = work / size.slug / f"nightly-again-{round_number + 1}.log"
            m = measure(nightly_command(size, work), log, env)
            times[size].append(m)
            print(
                f"{size.label}: {m.seconds:.1f} s wall, {m.cpu_seconds:.1f} s CPU, "
                f"{m.peak_rss_mib:.0f} MiB",
                file=sys.stderr,
            )
    lines = [
        "| size | wall time, each run | median | CPU time, each run | median |",
        "|---|---|---:|---|---:|",
    ]
    wall, cpu = {}, {}
    for size, runs in times.items():
        wall[size] = statistics.median(m.seconds for m in runs)
        cpu[size] = statistics.median(m.cpu_seconds for m in runs)
        each_wall = ", ".join(f"{m.seconds:.1f}" for m in runs)
        each_cpu = ", ".join(f"{m.cpu_seconds:.1f}" for m in runs)
        lines.append(
            f"| {size.label} | {each_wall} s | {wall[size]:.1f} s "
            f"| {each_cpu} s | {cpu[size]:.1f} s |"
        )
    for size in sizes:
        one = Size(size.scale, 1)
        if size.years == 10 and one in wall:
            lines.append("")
            lines.append(
                f"d(10y)/d(1y) at scale {size.scale} from the medians: wall time "
                f"{wall[size] / wall[one]:.2f}, CPU time {cpu[size] / cpu[one]:.2f}"
            )
    table = "\n".join(lines) + "\n"
    (work / "nightly-again.md").write_text(table, encoding="utf-8")
    (work / "nightly-again.json").write_text(
        json.dumps({s.slug: [m.__dict__ for m in runs] for s, runs in times.items()}, indent=2),
        encoding="utf-8",
    )
    print(table)


if __name__ == "__main__":
    main()
