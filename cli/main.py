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
from urllib.parse import urlparse
from urllib.request import url2pathname

from cli.compare import add_compare_command
from seh_stops import settings

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
    simulate.add_argument(
        "--scale",
        type=_scale,
        default=1,
        help="copies of the Dutch world: k x 83 locations with distinct ids (default 1)",
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
        help="table: like the LNAZ appendix, as computed now; csv: the section-7 CSV of the "
        "latest delivered revision, or the table computed now as revisie 1 when the month "
        "was never delivered",
    )
    report.set_defaults(handler=_report)

    deliver = commands.add_parser(
        "deliver",
        parents=[common],
        help="deliver a month to the ministry (section 7)",
        description="Write the month's delivery folder (CSV, Excel, HTML report, manifest) "
        "through Dagster, if the month is due: a new revision only when its figures changed. "
        "Prints the folder that holds the month's current delivery.",
    )
    deliver.add_argument("--month", required=True, type=_month, help="the month, YYYY-MM")
    deliver.add_argument(
        "--preliminary",
        action="store_true",
        help="deliver a month that is not due yet as a marked preliminary (voorlopig-N)",
    )
    deliver.set_defaults(handler=_deliver)
    add_compare_command(commands, common)

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


def _scale(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _month(text: str) -> str:
    from seh_stops.delivery.due import check_month

    try:
        return check_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _simulate(args: argparse.Namespace) -> int:
    from simulator import simulate

    summary = simulate(args.first, args.last, args.out, seed=args.seed, scale=args.scale)
    print(summary.describe())
    return 0


def _run(args: argparse.Namespace) -> int:
    from cli.runner import run_pipeline

    source = args.source or settings.export_source_location()
    summary = run_pipeline(source, args.first, args.last, progress=_progress)
    _progress(
        f"Done: {len(summary.days_loaded)} export day(s) loaded, "
        f"{len(summary.not_loadable)} not loadable, {summary.materialized} assets materialized, "
        f"{summary.checks_passed} checks passed, {len(summary.checks_failed)} failed, "
        f"{len(summary.checks_warned)} with warnings."
    )
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

    if args.format == "csv":
        sys.stdout.write(month_csv(settings.warehouse_path(), args.month, delivery_root()))
    else:
        print(appendix_table(read_month(settings.warehouse_path(), args.month)))
    return 0


def _deliver(args: argparse.Namespace) -> int:
    from cli.runner import QUIET_RUN_CONFIG, _definitions, instance
    from orchestration.assets.delivery import delivery_months

    months = delivery_months.get_partition_keys()
    if args.month not in months:
        raise ValueError(
            f"{args.month} is not a delivery month; they run {months[0]} .. {months[-1]}"
        )
    job = _definitions().resolve_job_def("deliver_month")
    config = {"voorlopig": args.preliminary}
    with instance() as dagster_instance:
        result = job.execute_in_process(
            run_config={**QUIET_RUN_CONFIG, "ops": {"ministry_delivery": {"config": config}}},
            partition_key=args.month,
            instance=dagster_instance,
            raise_on_error=False,
        )
    if not result.success:
        raise RuntimeError(_failure_description(result))
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    _progress(metadata["uitkomst"].value)
    print(Path(url2pathname(urlparse(metadata["map"].value).path)))
    return 0


def _failure_description(result) -> str:
    """The reason a Dagster run failed, as the asset put it (a Failure's description)."""
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            if data.user_failure_data is not None and data.user_failure_data.description:
                return data.user_failure_data.description
            return data.error.message.strip() if data.error else event.message
    return f"run {result.run_id} failed; see it in the Dagster UI"


def _demo(args: argparse.Namespace) -> int:
    from simulator import simulate

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
