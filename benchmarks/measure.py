"""Run one command and report its wall time and peak memory as JSON on stdout.

A fresh process per measurement, so `getrusage(RUSAGE_CHILDREN)` covers exactly the command's
process tree: `ru_maxrss` is the peak resident set of the largest process in it (the Dagster
process, the `dbt build` subprocess it starts, DuckDB inside either). The command's output
goes to the log, each line stamped with the seconds since the start; the CPU seconds of the
tree (user + system) are reported too. Usage:

    python -m benchmarks.measure --log FILE -- COMMAND [ARGS...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import time
from pathlib import Path


def _limit_memory(gib: float | None):
    if gib is None:
        return None
    limit = int(gib * 2**30)

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, required=True, help="file for the command's output")
    parser.add_argument(
        "--memory-limit-gib",
        type=float,
        help="cap the command's address space (RLIMIT_AS): it fails with MemoryError there "
        "instead of the kernel's OOM killer picking a process on the machine",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with args.log.open("w", encoding="utf-8", buffering=1) as log:  # line by line: watchable
        started = time.perf_counter()
        started_at = time.time()  # the epoch, to lay the command's own event times beside it
        # each output line is stamped with the seconds since the start: the log then shows
        # where the time went (verification, ingestion, dbt build)
        with subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=_limit_memory(args.memory_limit_gib),
        ) as child:
            assert child.stdout is not None
            for line in child.stdout:
                log.write(f"[{time.perf_counter() - started:8.1f} s] {line}")
        returncode = child.returncode
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mib": usage.ru_maxrss / 1024,  # KiB on Linux
                # CPU time of the whole tree: less sensitive than wall time to other work on a
                # shared machine, so better for comparing runs of the same code
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "returncode": returncode,
                "started_at": started_at,
            }
        )
    )


if __name__ == "__main__":
    main()
