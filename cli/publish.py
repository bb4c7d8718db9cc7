"""``seh-stops publish``: LNAZ's quarterly publication (specification, section 10), and the one
way both ``deliver`` and ``publish`` run their delivery asset through Dagster.

A command of its own module, so ``cli/main.py`` only registers it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from cli import arguments, preflight


def add_publish_command(commands, common: argparse.ArgumentParser) -> None:
    """Register ``publish`` on the ``seh-stops`` sub-command parser."""
    publish = commands.add_parser(
        "publish",
        parents=[common],
        help="publish a quarter for LNAZ (specification, section 10)",
        description="Write the quarter's publication folder (CSV, public web page, manifest) "
        "through Dagster, if the quarter is due (its last month is): a new revision only when "
        "its figures changed. Prints the folder that holds the quarter's current publication.",
    )
    publish.add_argument(
        "--quarter", required=True, type=arguments.quarter, help="the quarter, YYYY-QN"
    )
    publish.add_argument(
        "--preliminary",
        action="store_true",
        help="publish a quarter that is not due yet as a marked preliminary (voorlopig-N)",
    )
    publish.set_defaults(handler=publish_handler)


def publish_handler(args: argparse.Namespace) -> int:
    from orchestration.assets.delivery import publication_quarters

    preflight.check_partition(
        "--quarter", args.quarter, "publication quarter", publication_quarters.get_partition_keys()
    )
    preflight.require_marts(preflight.QUARTER_MART_TABLE)
    folder = run_delivery("publish_quarter", "lnaz_publication", args.quarter, args.preliminary)
    print(folder)
    return 0


def run_delivery(job_name: str, asset_name: str, partition: str, preliminary: bool) -> Path:
    """Materialize one partition of a delivery asset on the data dir's Dagster instance; the
    folder that holds the period's current delivery. Says what it did on stderr; a refusal
    (not due, already due) becomes one RuntimeError line."""
    from cli.runner import _definitions, instance

    job = _definitions().resolve_job_def(job_name)
    with instance() as dagster_instance:
        result = job.execute_in_process(
            run_config={
                # the one step's failure is the command's one line (below), not two
                "loggers": {"progress": {"config": {"step_failures": False}}},
                "ops": {asset_name: {"config": {"voorlopig": preliminary}}},
            },
            partition_key=partition,
            instance=dagster_instance,
            raise_on_error=False,
        )
    if not result.success:
        raise RuntimeError(_failure_description(result))
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    print(metadata["uitkomst"].value, file=sys.stderr, flush=True)
    return Path(url2pathname(urlparse(metadata["map"].value).path))


def _failure_description(result) -> str:
    """The reason a Dagster run failed, as the asset put it (a Failure's description), or
    the exception the step raised (not Dagster's wrapper around it)."""
    from orchestration.run_failures import first_step_failure

    reason = first_step_failure(result.all_events)
    return reason or f"run {result.run_id} failed; see it in the Dagster UI"
