"""Helpers for the delivery tests: run the asset through Dagster, read what it wrote."""

from __future__ import annotations

import html
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from dagster import Definitions, ExecuteInProcessResult, build_schedule_context, materialize

from cli.runner import instance
from orchestration.assets.delivery import lnaz_publication, ministry_delivery
from orchestration.resources import WarehouseResource
from orchestration.resources.mail import AlertMailerResource
from orchestration.run_failures import step_failure_text
from orchestration.schedules import lnaz_publication_schedule, ministry_delivery_schedule

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def deliver(
    month: str, peildatum: str | None = None, voorlopig: bool = False
) -> ExecuteInProcessResult:
    """Materialize one month of ``ministry_delivery`` on the data dir's Dagster instance."""
    return _materialize(ministry_delivery, month, peildatum, voorlopig)


def publish(
    quarter: str, peildatum: str | None = None, voorlopig: bool = False
) -> ExecuteInProcessResult:
    """Materialize one quarter of ``lnaz_publication`` on the data dir's Dagster instance."""
    return _materialize(lnaz_publication, quarter, peildatum, voorlopig)


def _materialize(asset, partition: str, peildatum: str | None, voorlopig: bool):
    config: dict[str, object] = {"voorlopig": voorlopig}
    if peildatum:
        config["peildatum"] = peildatum
    with instance() as dagster_instance:
        return materialize(
            [asset],
            partition_key=partition,
            instance=dagster_instance,
            resources={
                "warehouse": WarehouseResource(),
                "alert_mailer": AlertMailerResource.from_env(),
            },
            run_config={"ops": {asset.key.to_user_string(): {"config": config}}},
            raise_on_error=False,
        )


def metadata(result: ExecuteInProcessResult) -> dict[str, object]:
    """The delivery's materialization metadata as plain values."""
    [event] = result.get_asset_materialization_events()
    return {key: value.value for key, value in event.materialization.metadata.items()}


def failure(result: ExecuteInProcessResult) -> str:
    """The description of the asset's Failure."""
    [event] = [event for event in result.all_events if event.is_step_failure]
    return step_failure_text(event)


def schedule_requests(day_and_hour: datetime, quarters: bool = False) -> list[tuple[str, str]]:
    """(month, reason) of every run the daily delivery schedule requests at that moment; with
    ``quarters``, (quarter, reason) of the publication schedule's."""
    asset, schedule = (
        (lnaz_publication, lnaz_publication_schedule)
        if quarters
        else (ministry_delivery, ministry_delivery_schedule)
    )
    defs = Definitions(
        assets=[asset],
        schedules=[schedule],
        resources={"warehouse": WarehouseResource(), "alert_mailer": AlertMailerResource()},
    )
    # Both as context managers, inner one closed first: the evaluation context enters an
    # instance of its own, and closing it late would leave Dagster's current defs-state storage
    # pointing at a closed instance for every later test.
    with (
        instance() as dagster_instance,
        build_schedule_context(
            instance=dagster_instance,
            scheduled_execution_time=day_and_hour.replace(tzinfo=AMSTERDAM),
            repository_def=defs.get_repository_def(),
            resources={"warehouse": WarehouseResource()},
        ) as context,
    ):
        result = schedule.evaluate_tick(context)
    return [
        (request.partition_key, request.tags["seh/aanleiding"])
        for request in result.run_requests or []
    ]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a delivered folder, by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def delivered_texts(root: Path) -> dict[str, str]:
    """The text of every delivered file under ``root``; an .xlsx as all its XML parts."""
    texts = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as workbook:
                texts[str(path)] = "\n".join(
                    workbook.read(name).decode("utf-8") for name in workbook.namelist()
                )
        else:
            texts[str(path)] = path.read_text(encoding="utf-8")
    return texts


def identifying_values(warehouse: Path) -> set[str]:
    """What must never leave the warehouse: every location id, location and hospital name of
    the register, and every free-text remark, also as HTML/XML would escape them."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        values = {
            value
            for (value,) in con.execute(
                "select locatie_id from raw.seh_locaties union select locatie_naam from "
                "raw.seh_locaties union select ziekenhuis from raw.seh_locaties union "
                "select toelichting from raw.seh_statusmutaties"
            ).fetchall()
            if value
        }
    finally:
        con.close()
    return values | {html.escape(value) for value in values}
