"""Stage 4, alerts: the findings that opened or resolved since the last digest, mailed to LNAZ."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Backoff,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)

from orchestration.resources.mail import AlertMailerResource
from orchestration.resources.warehouse import WarehouseResource
from seh_stops.alerts import (
    AlertConfigError,
    FindingsUnavailable,
    LnazAlertOutcome,
    send_lnaz_digest,
)
from seh_stops.alerts.config import HOST_ENV

# A mail server that is down gets four attempts over 3.5 minutes (30 s, 60 s, 120 s apart).
# The data assets upstream are committed before this asset runs; only this asset fails.
ALERT_RETRY_POLICY = RetryPolicy(max_retries=3, delay=30, backoff=Backoff.EXPONENTIAL)


def build_lnaz_dq_alert(retry_policy: RetryPolicy = ALERT_RETRY_POLICY) -> AssetsDefinition:
    """The ``lnaz_dq_alert`` asset; tests build it with a retry delay of a fraction of a second."""

    @asset(
        name="lnaz_dq_alert",
        deps=[AssetKey("dq_bevindingen")],
        group_name="quality",
        kinds={"email"},
        owners=["team:lnaz-data"],
        retry_policy=retry_policy,
        description=(
            "One digest e-mail to LNAZ (SEH_ALERT_TO_LNAZ) with every finding of "
            "marts.dq_bevindingen that opened or resolved since the last digest: region, period, "
            "what is wrong and what LNAZ can do. Each finding is mailed once when it opens and "
            "once when it resolves; alerts.verzonden_bevindingen records what was sent, written "
            "only after the mail server accepted the mail. Nothing new: no mail. No "
            "SEH_SMTP_HOST: skipped, and the findings wait for the first run with a mail server. "
            "A failing mail server fails (and retries) only this asset."
        ),
    )
    def lnaz_dq_alert(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        alert_mailer: AlertMailerResource,
    ) -> MaterializeResult:
        try:
            settings = alert_mailer.settings()
            with warehouse.write_connection() as con:
                outcome = send_lnaz_digest(con, settings)
        except (AlertConfigError, FindingsUnavailable) as problem:
            # Retrying cannot fix a setting or a missing table: fail at once, with the fix.
            raise Failure(description=str(problem), allow_retries=False) from None
        context.log.info(describe(outcome))
        if outcome.refused:
            context.log.warning(
                f"the mail server refused {', '.join(outcome.refused)}; the other recipients "
                "received the digest"
            )
        return MaterializeResult(metadata=alert_metadata(outcome))

    return lnaz_dq_alert


lnaz_dq_alert = build_lnaz_dq_alert()


def describe(outcome: LnazAlertOutcome) -> str:
    """The log line of an attempt."""
    changes = f"{outcome.geopend} opened and {outcome.opgelost} resolved finding(s)"
    if outcome.status == "verzonden":
        return f"sent the LNAZ digest ({changes}) to {len(outcome.recipients)} recipient(s)"
    if outcome.status == "overgeslagen":
        return (
            f"LNAZ alert skipped: {HOST_ENV} is not set, so no mail server is configured; "
            f"{changes} wait for the first run with a mail server"
        )
    return f"no LNAZ digest: no finding opened or resolved ({outcome.open_bevindingen} open)"


def alert_metadata(outcome: LnazAlertOutcome) -> dict[str, object]:
    """What the UI shows: counts and recipients, never a password."""
    return {
        "status": outcome.status,
        "opened_sent": outcome.geopend if outcome.status == "verzonden" else 0,
        "resolved_sent": outcome.opgelost if outcome.status == "verzonden" else 0,
        "opened_waiting": outcome.geopend if outcome.status == "overgeslagen" else 0,
        "resolved_waiting": outcome.opgelost if outcome.status == "overgeslagen" else 0,
        "open_findings": outcome.open_bevindingen,
        "recipients": len(outcome.recipients),
        "recipient_addresses": ", ".join(outcome.recipients),
        "refused_addresses": ", ".join(outcome.refused),
        "subject": outcome.subject or "",
        "message_id": MetadataValue.text(outcome.message_id or ""),
    }
