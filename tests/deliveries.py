"""Helpers for the delivery tests: run the asset through Dagster, read what it wrote."""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
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
from seh_stops import settings

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The day the LPZ republishes as a correction after January was delivered
CORRECTED_DAY = "2023-01-20"


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


@contextmanager
def using_data_dir(data_dir: Path) -> Iterator[Path]:
    """``data_dir`` as this process's data dir (and dbt's), the previous one restored after."""
    saved = {name: os.environ.get(name) for name in (settings.DATA_DIR_ENV, "SEH_WAREHOUSE_PATH")}
    settings.use_data_dir(data_dir)
    try:
        yield data_dir
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def copy_of_data_dir(source: Path, target: Path) -> Iterator[Path]:
    """``source`` copied to ``target`` without its deliveries, as this process's data dir.

    A test that delivers, corrects and delivers again works on its own copy of the session's
    run, so the other tests keep reading the run as it was.
    """
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("levering"))
    with using_data_dir(target):
        yield target


def free_oost_location(warehouse: Path) -> str:
    """An Oost location with no stop interval and no mutation from 08:00 to 13:00 on the
    corrected day: one more stop there changes Oost's figures by exactly that stop."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        [(locatie_id,)] = con.execute(
            f"""
            with oost as (
                select distinct locatie_id from intermediate.int_seh_locaties_gevalideerd
                where roaz_regio = 'Oost'
            ),
            window_ as (
                select timestamptz '{CORRECTED_DAY} 08:00:00+01:00' as van,
                       timestamptz '{CORRECTED_DAY} 13:00:00+01:00' as tot
            )
            select locatie_id from oost, window_
            where not exists (
                select 1 from intermediate.int_stop_intervallen i
                where i.locatie_id = oost.locatie_id and i.begin_at < tot and i.einde_at > van
            ) and not exists (
                select 1 from intermediate.int_mutaties_effectief m
                where m.locatie_id = oost.locatie_id and m.ingang_at between van and tot
            )
            order by locatie_id limit 1
            """
        ).fetchall()
    finally:
        con.close()
    return locatie_id


def republish_with_late_stop(
    exports: Path, locatie_id: str, mutatie_id: str = "MLATE0001", stoptype: str = "volledig"
) -> None:
    """Publish the corrected day again, complete, with one extra one-hour stop (10:00-11:00
    local) and a later ``gegenereerd_op``: what the LPZ does for a late mutation."""
    folder = exports / CORRECTED_DAY
    mutations = folder / "seh_statusmutaties.csv"
    start, end = f"{CORRECTED_DAY}T10:00:00+01:00", f"{CORRECTED_DAY}T11:00:00+01:00"
    extra = f"{mutatie_id};{locatie_id};stop;{stoptype};;{start};{end};{start};;\n"
    mutations.write_bytes(mutations.read_bytes() + extra.encode("utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["bestanden"]:
        if entry["naam"] == mutations.name:
            entry["rijen"] += 1
            entry["sha256"] = hashlib.sha256(mutations.read_bytes()).hexdigest()
    manifest["gegenereerd_op"] = "2023-02-06T09:15:00+01:00"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
