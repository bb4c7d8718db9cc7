"""The ``seh-stops`` command: the pipeline without the UI.

Every mistake gets one line on stderr that names the argument and says what to do, and no
traceback unless ``--debug``: argparse's usage errors (:mod:`cli.arguments`, exit 2), the
checks each command makes before it starts a Dagster run (:mod:`cli.preflight`, exit 2 for the
command line, 1 for a data dir that lacks a first step), and library errors, turned into one
line here at the edge (exit 1).

``tests/unit/test_cli.py`` runs every command with the mistakes a user is likely to make. A new
command or option joins that table when it lands: the test fails for a command or an option
the table does not list.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from cli import arguments, preflight
from cli.compare import add_compare_command
from cli.preflight import UsageError
from cli.publish import add_publish_command, run_delivery
from seh_stops import settings

DEMO_FIRST_DAY = date(2022, 12, 31)
DEMO_LAST_DAY = date(2023, 2, 3)  # January 2023 plus the three grace days of section 7
DEMO_MONTH = "2023-01"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    misplaced = arguments.misplaced_option(argv, list(_commands(parser)))
    if misplaced:
        parser.error(misplaced)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # named by the command's parser, not the top-level one argparse would use
        _commands(parser)[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    if not args.debug:  # beta notices about Dagster's API are for developers, not operators
        warnings.filterwarnings("ignore", message=".*is currently in beta")
    settings.use_data_dir(args.data_dir)
    try:
        preflight.check_data_dir()
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except UsageError as exc:  # the command line asks for what cannot be done
        if args.debug:
            raise
        prog = _commands(parser)[args.command].prog
        print(arguments.usage_error_line(prog, str(exc)), file=sys.stderr)
        return arguments.USAGE_EXIT
    except Exception as exc:  # the edge: one clear line unless --debug
        if args.debug:
            raise
        message = arguments.one_line(str(exc)) or type(exc).__name__
        print(f"seh-stops {args.command}: {message}", file=sys.stderr)
        return 1


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The sub-command parsers by name."""
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


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

    parser = arguments.OneLineParser(
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
    simulate.add_argument(
        "--from", dest="first", type=arguments.day, required=True, help="first day"
    )
    simulate.add_argument("--to", dest="last", type=arguments.day, required=True, help="last day")
    simulate.add_argument("--out", type=Path, required=True, help="folder to write days into")
    simulate.add_argument(
        "--seed", type=arguments.whole_number, default=2023, help="random seed (default 2023)"
    )
    simulate.add_argument(
        "--scale",
        type=arguments.scale,
        default=1,
        help="copies of the Dutch world: k x 83 locations with distinct ids (default 1)",
    )
    simulate.add_argument(
        "--dirty",
        action="store_true",
        help="add to some days a few rows of each kind the specification quarantines or keeps "
        "with a finding (conflicting re-send, unknown status, bad timestamp, forbidden "
        "fields, a day late): findings, not a broken export",
    )
    simulate.set_defaults(handler=_simulate)

    run = commands.add_parser(
        "run",
        parents=[common],
        help="load new and corrected export days and rebuild everything downstream",
        description="Load the export days at the source that are new or corrected since the "
        "last run (or every day of --from..--to, loaded again) through Dagster, then rebuild "
        "staging, episodes and marts with dbt.",
    )
    run.add_argument(
        "--source",
        default=None,
        help="folder of YYYY-MM-DD export days, or an http(s):// base URL serving them "
        "(bearer token from $LPZ_EXPORT_TOKEN, private CA from $LPZ_EXPORT_CA_BUNDLE), or "
        "archive:<folder> to rebuild from the raw archive "
        f"(default: ${settings.EXPORT_SOURCE_ENV} or <data dir>/exports)",
    )
    run.add_argument("--from", dest="first", type=arguments.day, help="first export day to load")
    run.add_argument("--to", dest="last", type=arguments.day, help="last export day to load")
    run.set_defaults(handler=_run)

    report = commands.add_parser(
        "report",
        parents=[common],
        help="print a month's or a quarter's table per ROAZ region",
        description="Print the monthly or the quarterly table per ROAZ region from the warehouse.",
    )
    period = report.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", type=arguments.month, help="the month, YYYY-MM")
    period.add_argument(
        "--quarter", type=arguments.quarter, help="the quarter, YYYY-QN (specification, 10)"
    )
    report.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="table: like the LNAZ appendix, as computed now; csv: for a month the section-7 "
        "CSV of the latest delivered revision, or the table computed now as revisie 1 when "
        "the month was never delivered; for a quarter the section-10 CSV of the figures "
        "computed now, numbered as the publication holds them (the latest revision's number, "
        "the next when the figures changed, 1 when never published)",
    )
    report.set_defaults(handler=_report)

    deliver = commands.add_parser(
        "deliver",
        parents=[common],
        help="deliver a month to the ministry (specification, section 7)",
        description="Write the month's delivery folder (CSV, Excel, HTML report, manifest) "
        "through Dagster, if the month is due: a new revision only when its figures changed. "
        "Prints the folder that holds the month's current delivery.",
    )
    deliver.add_argument("--month", required=True, type=arguments.month, help="the month, YYYY-MM")
    deliver.add_argument(
        "--preliminary",
        action="store_true",
        help="deliver a month that is not due yet as a marked preliminary (voorlopig-N)",
    )
    deliver.set_defaults(handler=_deliver)
    add_compare_command(commands, common)
    add_publish_command(commands, common)

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="simulate January 2023, run the pipeline, print the table",
        description="Simulate January 2023 (with its grace days) into <data dir>/exports, run "
        "the pipeline and print the month's table.",
    )
    demo.add_argument(
        "--seed", type=arguments.whole_number, default=2023, help="random seed (default 2023)"
    )
    demo.add_argument(
        "--dirty", action="store_true", help="add dirty rows, as simulate --dirty, to show findings"
    )
    demo.set_defaults(handler=_demo)
    return parser


def _simulate(args: argparse.Namespace) -> int:
    from simulator import simulate

    preflight.check_range(args.first, args.last)
    preflight.check_folder_to_write(args.out, "--out", "a folder to write the export days into")
    summary = simulate(args.first, args.last, args.out, seed=args.seed, scale=args.scale)
    print(summary.describe())
    if args.dirty:
        _add_dirty_rows(args.out, summary, args.seed, print)
    return 0


def _add_dirty_rows(out: Path, summary, seed: int, show) -> None:
    from simulator.dirty import add_dirty_rows

    added = add_dirty_rows(out, list(summary.days_written), seed=seed)
    show(f"Added {len(added)} dirty row(s), each quarantined or kept with a finding:")
    for row in added:
        show(f"  {row.describe()}")


def _run(args: argparse.Namespace) -> int:
    from seh_stops.lpz.http_source import yesterday

    preflight.check_export_days(args.first, args.last, yesterday())
    source = preflight.export_source(args.source)
    from orchestration.dbt_worker import DbtWorker

    # dbt imports and parses the project on the second core while the definitions load and
    # the days load, and then runs the build (orchestration/dbt_worker.py).
    with DbtWorker():
        from cli.runner import run_pipeline

        summary = run_pipeline(source, args.first, args.last, progress=_progress)
    _progress(
        f"Done: {len(summary.days_loaded)} export day(s) loaded, "
        f"{len(summary.not_loadable)} not loadable, {summary.materialized} assets materialized, "
        f"{summary.checks_passed} checks passed, {len(summary.checks_failed)} failed, "
        f"{len(summary.checks_warned)} with warnings."
    )
    _progress(summary.describe_quarantine())
    for failed in summary.checks_failed:
        _progress(f"  check failed: {failed}")
    for warned in summary.checks_warned:
        _progress(f"  check warns (see the findings): {warned}")
    # Warnings are data-quality findings the pipeline handled (quarantine, registration
    # status): they reach LNAZ as findings and do not make the run fail.
    return 1 if summary.checks_failed else 0


def _report(args: argparse.Namespace) -> int:
    from seh_stops.delivery.folders import delivery_root
    from seh_stops.delivery.month_figures import appendix_table, month_csv, read_month

    if getattr(args, "quarter", None):
        return _report_quarter(args)
    preflight.require_marts()
    if args.format == "csv":
        sys.stdout.write(month_csv(settings.warehouse_path(), args.month, delivery_root()))
    else:
        print(appendix_table(read_month(settings.warehouse_path(), args.month)))
    return 0


def _report_quarter(args: argparse.Namespace) -> int:
    from seh_stops.delivery.folders import publication_root
    from seh_stops.delivery.publish import current_quarter_csv
    from seh_stops.delivery.quarter_figures import quarter_table, query_quarter
    from seh_stops.warehouse import open_read_only

    preflight.require_marts(preflight.QUARTER_MART_TABLE)
    con = open_read_only(settings.warehouse_path())
    try:
        if args.format == "csv":
            sys.stdout.write(current_quarter_csv(con, args.quarter, publication_root()))
        else:
            print(quarter_table(query_quarter(con, args.quarter)))
    finally:
        con.close()
    return 0


def _deliver(args: argparse.Namespace) -> int:
    from orchestration.assets.delivery import delivery_months

    preflight.check_delivery_month(args.month, delivery_months.get_partition_keys())
    preflight.require_marts()  # before any run: a run would fail inside its step
    print(run_delivery("deliver_month", "ministry_delivery", args.month, args.preliminary))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from simulator import simulate

    exports = settings.data_dir() / "exports"
    _progress(f"Simulating export days {DEMO_FIRST_DAY} .. {DEMO_LAST_DAY} into {exports} ...")
    simulation = simulate(DEMO_FIRST_DAY, DEMO_LAST_DAY, exports, seed=args.seed)
    if args.dirty:
        _add_dirty_rows(exports, simulation, args.seed, _progress)
    args.source, args.first, args.last = str(exports), None, None
    status = _run(args)
    print()
    args.month, args.quarter, args.format = DEMO_MONTH, None, "table"
    return _report(args) or status


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def console() -> NoReturn:
    """The console script: :func:`main`, then an exit that skips Python's final collection.

    After a run the process holds Dagster's definitions, dbt's manifest and Great
    Expectations' context, and the interpreter's own exit spends about a second collecting
    them (docs/performance.md). When only daemon threads are left, this runs the exit
    handlers (log handlers flushed, temporary folders removed: everything ``sys.exit`` would
    run), flushes the standard streams and ends the process. Every file the pipeline writes is
    closed (most written durably) and every warehouse connection closed before ``main``
    returns. A non-daemon thread still running gets the ordinary exit, which waits for it.
    Only the installed ``seh-stops`` command exits this way; ``python -m cli.main`` (under a
    profiler, say) exits as usual.
    """
    code = main()
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(not thread.daemon for thread in others):
        sys.exit(code)
    atexit._run_exitfuncs()  # what interpreter shutdown runs first; then nothing is left to do
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)


if __name__ == "__main__":
    # the ordinary exit: `python -m cProfile -m cli.main ...` writes its profile after this
    sys.exit(main())
