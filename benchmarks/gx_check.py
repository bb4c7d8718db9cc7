"""The raw GX check alone, on the same warehouse, for the working tree and a baseline.

The raw check (``orchestration.checks.gx_checks.lpz_export_day_expectations``) reads the
frames of the checked export days from DuckDB in chunks, validates them with GX and builds
their Data Docs pages. This measures those three phases (and the imports before them) in a
fresh process per tree and repetition, interleaved tree by tree, on the newest export day
(a night) and on every loaded day (a backfill), without Dagster, so that a change to the
suites or the frames is measured side by side in one run. The warehouse is loaded once, by
the real loader, from a folder of export days (``seh-stops simulate``).

The baseline is a git ref, checked out and set up once under the work dir as for
``benchmarks.run --baseline`` (``benchmarks/trees.py``: its own virtualenv and GX context).
Usage (docs/performance.md):

    .venv/bin/seh-stops simulate --from 2016-01-01 --to 2025-12-31 --out /tmp/gx/exports
    .venv/bin/python -m benchmarks.gx_check --exports /tmp/gx/exports --work-dir /tmp/gx \\
        --baseline main
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
from datetime import date
from pathlib import Path

from benchmarks.trees import WORKING_TREE, Tree, baseline_tree

# Runs in the measured tree's process (its code first on the path): the check's own steps.
_MEASURE = r"""
import json, sys, time
from datetime import date
start = time.perf_counter()
import duckdb
from orchestration.checks.gx_checks import RAW_ROWS_PER_CHUNK, RAW_SUITES
from seh_stops.quality import frames
from seh_stops.quality.gx_context import build_data_docs, load_context, validate
warehouse, scope = sys.argv[1], sys.argv[2]
try:  # the check's own jobs and workers
    from orchestration.checks.gx_checks import raw_frames
    from orchestration.resources import WarehouseResource
    from seh_stops.quality.workers import validate_all, workers_for
    def chunk_jobs():
        return raw_frames(WarehouseResource(path=warehouse), chunks)
except ImportError:  # a tree from before the worker processes: one process validates
    def validate_all(jobs, context, workers):
        return [validate(suite, build(), context) for suite, build in jobs]
    def workers_for(chunks, rows):
        return 1
    def chunk_jobs():
        for chunk in chunks:
            for suite, table in RAW_SUITES.items():
                def build(table=table, chunk=chunk):
                    with duckdb.connect(warehouse, read_only=True) as con:
                        return frames.raw_frame(con, table, chunk)
                yield suite, build
context = load_context()
phases = {"imports and context": time.perf_counter() - start}
with duckdb.connect(warehouse, read_only=True) as con:
    loaded = [row[0] for row in con.execute(
        "select distinct export_datum from raw.export_versies order by 1").fetchall()]
    days = loaded[-1:] if scope == "night" else loaded
    counts = frames.raw_row_counts(con, days)
chunks = frames.chunk_days(days, counts, RAW_ROWS_PER_CHUNK)
workers = workers_for(len(chunks), sum(counts.values()))
began = time.perf_counter()
validated = validate_all(chunk_jobs(), context, workers)
phases["read frames and GX validation"] = time.perf_counter() - began
began = time.perf_counter()
outcomes = build_data_docs(context, validated)
phases["Data Docs"] = time.perf_counter() - began
rows = sum(item.outcome.rows_checked for item in validated)
findings = sorted(
    (o.suite, f.expectation, f.columns, f.unexpected_count) for o in outcomes for f in o.failures
)
print(json.dumps({"phases": phases, "rows": rows, "chunks": len(chunks), "workers": workers,
                  "findings": findings}))
"""


def load_warehouse(exports: Path, work: Path) -> Path:
    """The warehouse of every export day in ``exports``, loaded once by the real loader."""
    import duckdb

    from seh_stops.lpz.export_day import verify_export_day
    from seh_stops.lpz.loader import ensure_raw_schema, load_export_day
    from seh_stops.lpz.source import LocalFolderSource

    warehouse = work / "warehouse.duckdb"
    done = work / "loaded.json"
    if done.exists():
        return warehouse
    warehouse.unlink(missing_ok=True)
    source = LocalFolderSource(exports)
    days = sorted(date.fromisoformat(folder.name) for folder in exports.iterdir())
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        for day in days:
            load_export_day(con, verify_export_day(source, day), work / "archive")
    done.write_text(json.dumps({"days": len(days)}))
    return warehouse


def measure(tree: Tree, warehouse: Path, scope: str, data_dir: Path) -> dict:
    """One fresh process of ``tree``: the check's phases in seconds."""
    shutil.rmtree(data_dir, ignore_errors=True)
    env = tree.env(
        {
            **os.environ,
            "SEH_DATA_DIR": str(data_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    done = subprocess.run(
        [str(tree.bin / "python"), "-c", _MEASURE, str(warehouse), scope],
        cwd=tree.root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", type=Path, required=True, help="simulated export days")
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--baseline", metavar="REF", help="also measure this git ref, interleaved")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    warehouse = load_warehouse(args.exports, work)
    trees = [WORKING_TREE]
    if args.baseline:
        trees.insert(0, baseline_tree(args.baseline, work, lambda line: print(line, flush=True)))
    results: dict[str, dict[str, list[dict]]] = {}
    for scope in ("night", "backfill"):
        for repeat in range(args.repeats):
            for tree in trees:
                result = measure(tree, warehouse, scope, work / f"data-{tree.slug}")
                results.setdefault(scope, {}).setdefault(tree.label, []).append(result)
                print(scope, repeat, tree.label, json.dumps(result["phases"]), flush=True)
    (work / "gx_check.json").write_text(json.dumps(results, indent=1))
    print(markdown(results))


def markdown(results: dict[str, dict[str, list[dict]]]) -> str:
    """Median seconds per phase, trees side by side, and whether their findings agree."""
    lines = []
    for scope, by_tree in results.items():
        labels = list(by_tree)
        first = by_tree[labels[0]][0]
        lines += [
            f"\n{scope}: {first['rows']} rows, {first['chunks']} chunk(s), GX workers "
            + ", ".join(f"{t} {by_tree[t][0].get('workers', 1)}" for t in labels)
            + "; findings agree: "
            f"{len({json.dumps(r['findings']) for runs in by_tree.values() for r in runs}) == 1}",
            "| phase | " + " | ".join(labels) + " |",
            "|---|" + "---:|" * len(labels),
        ]
        for phase in first["phases"]:
            medians = [statistics.median(r["phases"][phase] for r in by_tree[t]) for t in labels]
            cells = [f"{median:.2f} s" for median in medians]
            lines.append(f"| {phase} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
