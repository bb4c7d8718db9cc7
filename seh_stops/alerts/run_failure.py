"""The data engineers' mail about a failed Dagster run: which job, which run, why, where to look."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from seh_stops.alerts.compose import dutch_moment
from seh_stops.alerts.config import SmtpSettings
from seh_stops.alerts.smtp import Delivery, send_message

# Enough of an error to recognise it in the inbox; the whole stack is in the Dagster UI.
MAX_ERROR_LINES = 15
MAX_ERROR_CHARS = 3000


def compose_run_failure_mail(
    *,
    job_name: str,
    run_id: str,
    errors: Sequence[str],
    ui_url: str,
    sender: str,
    recipients: Sequence[str],
    failed_at: datetime | None = None,
) -> EmailMessage:
    """A plain-text mail naming the job, the run, the first lines of each error and the UI link."""
    failed_at = failed_at or datetime.now(UTC)
    link = f"{ui_url.rstrip('/')}/runs/{run_id}"
    lines = [
        "Beste data engineers,",
        "",
        f"Een run van seh-stops is mislukt op {dutch_moment(failed_at)} (Nederlandse tijd).",
        "",
        f"   Job:     {job_name}",
        f"   Run:     {run_id}",
        f"   Details: {link}",
        "",
        "Foutmelding (eerste regels):",
        "",
    ]
    for error in errors or ["(Dagster gaf geen foutmelding; zie de run in de Dagster UI)"]:
        lines += [f"   {line}" for line in first_lines(error)]
        lines.append("")
    lines += [
        "De gegevens van eerdere, geslaagde stappen blijven staan. Open de run in de Dagster UI",
        "(dagster dev of seh-stops ui) voor de volledige melding en start hem opnieuw wanneer de",
        "oorzaak is verholpen.",
        "",
        "--",
        "Automatisch bericht van seh-stops (sensor engineer_run_failure_alert).",
    ]
    message = EmailMessage()
    message["Subject"] = f"[seh-stops] Run mislukt: {job_name} ({run_id[:8]})"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(failed_at.astimezone(UTC))
    message["Message-ID"] = make_msgid("seh-stops-run", domain=sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines) + "\n")
    return message


def first_lines(error: str) -> list[str]:
    """The first lines of an error text, cut off with a note when there is more."""
    text = error.strip()
    clipped = text[:MAX_ERROR_CHARS]
    lines = clipped.splitlines()[:MAX_ERROR_LINES]
    if len(lines) < len(text.splitlines()) or len(clipped) < len(text):
        lines.append("[...]")
    return lines


def send_run_failure_alert(
    settings: SmtpSettings,
    *,
    job_name: str,
    run_id: str,
    errors: Sequence[str],
    failed_at: datetime | None = None,
    tls_context: ssl.SSLContext | None = None,
) -> Delivery:
    """Mail the data engineers (``SEH_ALERT_TO_ENGINEERS``) that a run failed."""
    recipients = settings.recipients("engineers")
    message = compose_run_failure_mail(
        job_name=job_name,
        run_id=run_id,
        errors=[settings.redact(error) for error in errors],
        ui_url=settings.dagster_ui_url,
        sender=settings.sender,
        recipients=recipients,
        failed_at=failed_at,
    )
    return send_message(settings, message, recipients, tls_context=tls_context)
