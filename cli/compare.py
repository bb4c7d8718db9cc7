"""``seh-stops compare``: the comparison of specification, section 9 for one month.

A command of its own module, so ``cli/main.py`` only registers it.
"""

from __future__ import annotations

import argparse
import sys

from cli import arguments, preflight
from seh_stops import settings


def add_compare_command(commands, common: argparse.ArgumentParser) -> None:
    """Register ``compare`` on the ``seh-stops`` sub-command parser."""
    compare = commands.add_parser(
        "compare",
        parents=[common],
        help="print a month's figures under the regional and the reference definition",
        description="Print every region's own figures beside its figures under the one "
        "reference definition, and the minutes during which several of its SEH locations "
        "were in stop at once (specification, section 9).",
    )
    compare.add_argument("--month", required=True, type=arguments.month, help="the month, YYYY-MM")
    compare.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="table: regions as columns, the regional and reference rows one above the "
        "other; csv: the section-9.3 file of the latest delivered revision, or the file "
        "computed now when the month was never delivered",
    )
    compare.set_defaults(handler=compare_handler)


def compare_handler(args: argparse.Namespace) -> int:
    from seh_stops.delivery.comparison import (
        comparison_month_csv,
        comparison_table,
        month_comparison,
    )
    from seh_stops.delivery.folders import delivery_root

    preflight.require_marts()
    if args.format == "csv":
        sys.stdout.write(
            comparison_month_csv(settings.warehouse_path(), args.month, delivery_root())
        )
    else:
        print(comparison_table(month_comparison(settings.warehouse_path(), args.month)))
    return 0
