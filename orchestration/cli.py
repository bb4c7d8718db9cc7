"""The ``seh-stops`` command: the pipeline without the UI.

Library errors become one-line messages that say what to do here, at the edge; ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from orchestration import settings

DEMO_FIRST_DAY = date(2022, 12, 31)
DEMO_LAST_DAY = date(2023, 2, 3)  # January 2023 plus the three grace days of section 7
DEMO_MONTH = "2023-01"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.debug:  # beta notices about Dagster's API are for developers, not operators
        warnings.filterwarnings("ignore", message=".*is currently in beta")
    settings.use_data_dir(args.data_dir)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the edge: one clear line unless --debug
        if args.debug:
            raise
        print(f"seh-stops {args.command}: {exc}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every command has help text (a test checks it)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=os.environ.get(settings.DATA_DIR_ENV) or "data",
        help="where the warehouse, raw archive and Dagster instance live "
        f"(default: ${settings.DATA_DIR_ENV} or ./data)",
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")

    parser = argparse.ArgumentParser(
        prog="seh-stops",
        description="LPZ SEH status exports -> stop episodes -> monthly figures per ROAZ region.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    simulate = commands.add_parser(
        "simulate",
        parents=[common],
        help="write simulated LPZ export days to a folder",
        description="Write simulated LPZ export-day folders in the contract's format.",
    )
    simulate.add_argument("--from", dest="first", type=_day, required=True, help="first day")
    simulate.add_argument("--to", dest="last", type=_day, required=True, help="last day")
    simulate.add_argument("--out", type=Path, required=True, help="folder to write days into")
    simulate.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")
    simulate.set_defaults(handler=_simulate)

    run = commands.add_parser(
        "run",
        parents=[common],
        help="load export days and rebuild everything downstream",
        description="Load the export days found at the source (or in --from..--to) through "
        "Dagster, then rebuild staging, episodes and marts with dbt.",
    )
    run.add_argument(
        "--source",
        default=None,
        help=f"folder of YYYY-MM-DD export days (default: ${settings.EXPORT_SOURCE_ENV} "
        "or <data dir>/exports)",
    )
    run.add_argument("--from", dest="first", type=_day, help="first export day to load")
    run.add_argument("--to", dest="last", type=_day, help="last export day to load")
    run.set_defaults(handler=_run)

    report = commands.add_parser(
        "report",
        parents=[common],
        help="print a month's table per ROAZ region",
        description="Print the monthly table per ROAZ region from the warehouse.",
    )
    report.add_argument("--month", required=True, help="the month, YYYY-MM")
    report.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="table: like the LNAZ appendix; csv: the section-7 delivery CSV",
    )
    report.set_defaults(handler=_report)

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="simulate January 2023, run the pipeline, print the table",
        description="Simulate January 2023 (with its grace days) into <data dir>/exports, run "
        "the pipeline and print the month's table.",
    )
    demo.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")
    demo.set_defaults(handler=_demo)
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day of the form YYYY-MM-DD") from None


def _simulate(args: argparse.Namespace) -> int:
    from orchestration.simulator import simulate

    summary = simulate(args.first, args.last, args.out, seed=args.seed)
    print(summary.describe())
    return 0


def _run(args: argparse.Namespace) -> int:
    from orchestration.runner import run_pipeline

    source = args.source or settings.export_source_location()
    summary = run_pipeline(source, args.first, args.last, progress=_progress)
    _progress(
        f"Done: {len(summary.days_loaded)} export day(s) loaded, "
        f"{len(summary.not_loadable)} not loadable, {summary.materialized} assets materialized, "
        f"{summary.checks_passed} checks passed, {len(summary.checks_failed)} failed."
    )
    for failed in summary.checks_failed:
        _progress(f"  check failed: {failed}")
    return 1 if summary.checks_failed else 0


def _report(args: argparse.Namespace) -> int:
    from orchestration.report import appendix_table, delivery_csv, read_month

    rows = read_month(settings.warehouse_path(), args.month)
    if args.format == "csv":
        sys.stdout.write(delivery_csv(rows))
    else:
        print(appendix_table(rows))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from orchestration.simulator import simulate

    exports = settings.data_dir() / "exports"
    _progress(f"Simulating export days {DEMO_FIRST_DAY} .. {DEMO_LAST_DAY} into {exports} ...")
    simulate(DEMO_FIRST_DAY, DEMO_LAST_DAY, exports, seed=args.seed)
    args.source, args.first, args.last = str(exports), None, None
    status = _run(args)
    print()
    args.month, args.format = DEMO_MONTH, "table"
    return _report(args) or status


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
