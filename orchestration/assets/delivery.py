"""Stage 5, delivery: the monthly section-7 delivery to the ministry, one partition per month,
and LNAZ's quarterly publication (section 10), one partition per quarter.

All rules live in ``seh_stops/delivery/``; this module decides the day to judge by, turns
a refusal into a Dagster Failure and reports what was delivered. Both assets share it.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    MonthlyPartitionsDefinition,
    StaticPartitionsDefinition,
    asset,
)
from pydantic import Field

from orchestration.resources import WarehouseResource
from orchestration.resources.mail import AlertMailerResource
from seh_stops import settings
from seh_stops.delivery.deliver import deliver_month
from seh_stops.delivery.due import today_in_amsterdam
from seh_stops.delivery.folders import delivery_root, publication_root
from seh_stops.delivery.mail import send_publication_mail, send_revision_mail
from seh_stops.delivery.publish import publish_quarter
from seh_stops.delivery.quarter_figures import QUARTER_COLUMNS
from seh_stops.delivery.revisions import AlreadyDue, NotDue, Outcome
from seh_stops.delivery.table import read_delivery_csv
from seh_stops.lpz.contract import TIMEZONE

MART = AssetKey("agg_seh_stops_regio_maand")
# the comparison file of specification, section 9.3 is part of every revision folder
COMPARISON_MART = AssetKey("agg_seh_stops_vergelijking_maand")
QUARTER_MART = AssetKey("agg_seh_stops_regio_kwartaal")

# Calendar months in Europe/Amsterdam from the month of the first export-day partition on; the
# current month is a partition too (end_offset=1), so that it can be delivered as preliminary.
delivery_months = MonthlyPartitionsDefinition(
    start_date=datetime.strptime(settings.first_export_day(), "%Y-%m-%d").replace(day=1),
    timezone=TIMEZONE,
    fmt="%Y-%m",
    end_offset=1,
)


def quarters_through(first_day: date, today: date) -> list[str]:
    """The quarters (YYYY-QN) from the one of ``first_day`` to the one after ``today``'s."""
    first = first_day.year * 4 + (first_day.month - 1) // 3
    last = today.year * 4 + (today.month - 1) // 3 + 1
    return [f"{index // 4:04d}-Q{index % 4 + 1}" for index in range(first, last + 1)]


# Calendar quarters in Europe/Amsterdam, written YYYY-QN like the publication folders (Dagster's
# time-window partitions can only name a quarter by a strftime format, which has no quarter):
# from the first export day's quarter to the one after today's, as of when the code location
# loads. The current quarter is a partition so that it can be published as preliminary; a
# code location reloaded at least once a quarter (every deploy, every restart) knows the next.
publication_quarters = StaticPartitionsDefinition(
    quarters_through(
        date.fromisoformat(settings.first_export_day()),
        datetime.now(ZoneInfo(TIMEZONE)).date(),
    )
)


class DeliveryConfig(Config):
    """How to deliver the month or publish the quarter; the defaults are what the schedules
    do."""

    voorlopig: bool = Field(
        default=False,
        description="Deliver a period that is not due yet as a marked preliminary (voorlopig-N "
        "folder, _VOORLOPIG file names, revisie 0). Refused for a period that is due.",
    )
    peildatum: str | None = Field(
        default=None,
        description="The day (YYYY-MM-DD) on which to judge whether the period is due; default "
        "today in Europe/Amsterdam. The schedule passes its tick's day.",
    )


@asset(
    partitions_def=delivery_months,
    deps=[MART, COMPARISON_MART],
    group_name="delivery",
    kinds={"python", "csv"},
    owners=["team:lnaz-data"],
    description=(
        "The monthly delivery to the ministry (specification, section 7): a "
        "YYYY-MM/revisie-N/ folder with the CSV, the comparison file of specification, section 9.3 "
        "(vergelijking_YYYY-MM.csv), an Excel table, a one-page HTML report and manifest.json, "
        "in the "
        "delivery location (SEH_DELIVERY_DIR, default <data dir>/levering). Refuses a month "
        "that is not due unless forced as preliminary (voorlopig). Unchanged figures make no new "
        "revision; changed ones make revision N+1 beside N, listed in the manifest and mailed."
    ),
)
def ministry_delivery(
    context: AssetExecutionContext,
    config: DeliveryConfig,
    warehouse: WarehouseResource,
    alert_mailer: AlertMailerResource,
) -> MaterializeResult:
    month = context.partition_key
    _refuse_stale_marts(context, warehouse, MART)
    try:
        with warehouse.read_connection() as con:
            outcome = deliver_month(
                con, month, delivery_root(), _judged_on(config), preliminary=config.voorlopig
            )
    except (NotDue, AlreadyDue) as refusal:
        raise Failure(description=str(refusal)) from None
    context.log.info(outcome.describe())
    metadata = _metadata(outcome)
    metadata["gewijzigde_regios_vergelijking"] = [
        change["roaz_regio"] for change in outcome.comparison_changes
    ]
    changed = outcome.changes or outcome.comparison_changes
    if outcome.new and changed and not outcome.revision.preliminary:
        metadata["e-mail"] = _announce(context, outcome, alert_mailer)
    return MaterializeResult(metadata=metadata)


@asset(
    partitions_def=publication_quarters,
    deps=[QUARTER_MART],
    group_name="delivery",
    kinds={"python", "csv", "html"},
    owners=["team:lnaz-data"],
    description=(
        "LNAZ's public quarterly publication (specification, section 10): a "
        "YYYY-QN/revisie-N/ folder with seh_stops_YYYY-QN.csv (both definitions), the public "
        "web page (one self-contained HTML file) and manifest.json, in the publication "
        "location (SEH_PUBLICATION_DIR, default <data dir>/publicatie). A quarter is due when "
        "its last month is; one not due is refused unless forced as preliminary (voorlopig). "
        "Unchanged figures make no new revision; changed ones make revision N+1 beside N. "
        "Every new revision's summary is mailed to LNAZ (SEH_PUBLICATION_TO)."
    ),
)
def lnaz_publication(
    context: AssetExecutionContext,
    config: DeliveryConfig,
    warehouse: WarehouseResource,
    alert_mailer: AlertMailerResource,
) -> MaterializeResult:
    quarter = context.partition_key
    _refuse_stale_marts(context, warehouse, QUARTER_MART)
    try:
        with warehouse.read_connection() as con:
            outcome = publish_quarter(
                con, quarter, publication_root(), _judged_on(config), preliminary=config.voorlopig
            )
    except (NotDue, AlreadyDue) as refusal:
        raise Failure(description=str(refusal)) from None
    context.log.info(outcome.describe())
    metadata = _metadata(outcome)
    if outcome.new and not outcome.revision.preliminary:
        metadata["e-mail"] = _announce_publication(context, outcome, alert_mailer)
    return MaterializeResult(metadata=metadata)


def _judged_on(config: DeliveryConfig) -> date:
    """The day to judge dueness by: the run config's ``peildatum``, else today."""
    return date.fromisoformat(config.peildatum) if config.peildatum else today_in_amsterdam()


def _refuse_stale_marts(
    context: AssetExecutionContext, warehouse: WarehouseResource, mart: AssetKey
) -> None:
    """Fail when export days were loaded after the mart was last built: deliver nothing older
    than the raw layer (the transform run has to finish first)."""
    event = context.instance.get_latest_materialization_event(mart)
    if event is None:
        context.log.warning("no materialization of the mart is recorded; delivering as it is")
        return
    with warehouse.read_connection() as con:
        [(last_load,)] = con.execute("select max(geladen_at) from raw.export_versies").fetchall()
    if last_load is not None and last_load.timestamp() > event.timestamp:
        raise Failure(
            description=(
                f"export days were loaded at {last_load:%Y-%m-%d %H:%M} UTC, after the marts "
                "were last built: run the transform job (or `seh-stops run`) first, then deliver"
            )
        )


def _metadata(outcome: Outcome) -> dict[str, object]:
    revision = outcome.revision
    csv_text = revision.file(".csv").read_text(encoding="utf-8")
    return {
        "uitkomst": outcome.describe(),
        "revisie": revision.number,
        "voorlopig": revision.preliminary,
        "nieuwe_revisie": outcome.new,
        "map": MetadataValue.url(revision.folder.as_uri()),
        "gewijzigde_regios": [change["roaz_regio"] for change in outcome.changes],
        "due": outcome.due.explain(),
        "csv": MetadataValue.md(f"```\n{csv_text}```"),
    }


def _announce(
    context: AssetExecutionContext, outcome: Outcome, alert_mailer: AlertMailerResource
) -> str:
    """Mail the ministry and LNAZ about the new revision; a failure is loud but does not undo
    the delivery (the revision is written, and rerunning would find nothing changed)."""
    revision = outcome.revision
    try:
        return send_revision_mail(
            alert_mailer.settings(),
            outcome.period,
            revision.number,
            outcome.changes,
            revision.folder,
            comparison_regions=[change["roaz_regio"] for change in outcome.comparison_changes],
        )
    except Exception as exc:
        context.log.error(f"revision {revision.number} written, but its e-mail failed: {exc}")
        return f"mislukt: {exc}"


def _announce_publication(
    context: AssetExecutionContext, outcome: Outcome, alert_mailer: AlertMailerResource
) -> str:
    """Mail LNAZ the new publication revision's summary; as :func:`_announce`, a failure is
    loud but leaves the revision written."""
    revision = outcome.revision
    rows = read_delivery_csv(revision.file(".csv").read_text(encoding="utf-8"), QUARTER_COLUMNS)
    try:
        return send_publication_mail(
            alert_mailer.settings(),
            outcome.period,
            revision.number,
            rows,
            outcome.changes,
            revision.folder,
        )
    except Exception as exc:
        context.log.error(f"revision {revision.number} written, but its e-mail failed: {exc}")
        return f"mislukt: {exc}"
