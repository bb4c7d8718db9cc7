"""The ledger of alerted findings, and sending the LNAZ digest against it.

``alerts.verzonden_bevindingen`` holds one row per finding per alert that reported it: opened
(``geopend``) or resolved (``opgelost``). The rows of a digest are written in one transaction
after the mail server accepted the mail, so a failing server leaves the ledger as it was and the
next attempt sends the same digest. Only if the warehouse itself fails between the server's
acceptance and the commit would a digest be sent twice; it is never lost.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import duckdb

from seh_stops.alerts.compose import compose_digest_mail
from seh_stops.alerts.config import SmtpSettings
from seh_stops.alerts.digest import FINDING_COLUMNS, Bevinding, Digest, build_digest
from seh_stops.alerts.smtp import AlertNotSent, send_message

FINDINGS_TABLE = "marts.dq_bevindingen"
LEDGER_TABLE = "alerts.verzonden_bevindingen"

LEDGER_DDL = f"""
create schema if not exists alerts;
create table if not exists {LEDGER_TABLE} (
    bevinding_id varchar not null,
    gebeurtenis varchar not null check (gebeurtenis in ('geopend', 'opgelost')),
    verzonden_at timestamptz not null,
    message_id varchar not null,
    ontvangers varchar not null,
    soort varchar not null,
    ernst varchar not null,
    roaz_regio varchar,
    periode varchar not null
);
"""


class FindingsUnavailable(RuntimeError):
    """``marts.dq_bevindingen`` is not in the warehouse yet."""


@dataclass(frozen=True)
class LnazAlertOutcome:
    """What one attempt did: sent a digest, found nothing new, or skipped (no mail server)."""

    status: Literal["verzonden", "niets_nieuw", "overgeslagen"]
    geopend: int = 0
    opgelost: int = 0
    open_bevindingen: int = 0
    recipients: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    message_id: str | None = None
    subject: str | None = None


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``alerts`` schema and the ledger table when they are missing."""
    con.execute(LEDGER_DDL)


def read_findings(con: duckdb.DuckDBPyConnection) -> list[Bevinding]:
    """Every finding, open or resolved, with only the columns an alert may show."""
    try:
        rows = con.execute(f"select {', '.join(FINDING_COLUMNS)} from {FINDINGS_TABLE}").fetchall()
    except duckdb.CatalogException as exc:
        raise FindingsUnavailable(
            f"{FINDINGS_TABLE} is not in the warehouse ({exc.__class__.__name__}); materialize "
            "dq_bevindingen first (seh-stops run builds it)"
        ) from exc
    return [Bevinding(**dict(zip(FINDING_COLUMNS, row, strict=True))) for row in rows]


def alerted_open_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The findings whose last alert said "geopend".

    Alerts of one finding alternate (geopend, opgelost, geopend, ...), so counting them tells
    the last one without trusting the order of the timestamps.
    """
    rows = con.execute(
        f"""
        select bevinding_id
        from {LEDGER_TABLE}
        group by bevinding_id
        having count(*) filter (where gebeurtenis = 'geopend')
            > count(*) filter (where gebeurtenis = 'opgelost')
        """
    ).fetchall()
    return {bevinding_id for (bevinding_id,) in rows}


def record_sent(
    con: duckdb.DuckDBPyConnection,
    digest: Digest,
    *,
    message_id: str,
    recipients: tuple[str, ...],
    sent_at: datetime,
) -> None:
    """One ledger row per finding of a digest the mail server accepted."""
    rows = [
        (
            finding.bevinding_id,
            event,
            sent_at,
            message_id,
            ", ".join(recipients),
            finding.soort,
            finding.ernst,
            finding.roaz_regio,
            finding.periode,
        )
        for event, findings in (("geopend", digest.geopend), ("opgelost", digest.opgelost))
        for finding in findings
    ]
    con.executemany(f"insert into {LEDGER_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def send_lnaz_digest(
    con: duckdb.DuckDBPyConnection,
    settings: SmtpSettings | None,
    *,
    now: datetime | None = None,
    tls_context: ssl.SSLContext | None = None,
) -> LnazAlertOutcome:
    """Mail LNAZ the findings that opened or resolved since the last digest, then record them.

    ``tls_context`` replaces the default STARTTLS context (system CAs plus SEH_SMTP_CA_FILE).

    ``settings`` is ``None`` when no mail server is configured: nothing is sent or recorded,
    and the outcome says how many findings wait. Raises
    :class:`~seh_stops.alerts.smtp.AlertNotSent` when the server does not accept the mail;
    the ledger is then unchanged.
    """
    now = now or datetime.now(UTC)
    ensure_ledger(con)
    con.begin()
    try:
        findings = read_findings(con)
        digest = build_digest(findings, alerted_open_ids(con))
        counts = {
            "geopend": len(digest.geopend),
            "opgelost": len(digest.opgelost),
            "open_bevindingen": sum(finding.is_open for finding in findings),
        }
        if digest.is_empty:
            con.rollback()
            return LnazAlertOutcome("niets_nieuw", **counts)
        if settings is None:
            con.rollback()
            return LnazAlertOutcome("overgeslagen", **counts)
        recipients = settings.recipients("lnaz")
        message = compose_digest_mail(
            digest, sender=settings.sender, recipients=recipients, now=now
        )
        try:
            delivery = send_message(settings, message, recipients, tls_context=tls_context)
        except AlertNotSent as exc:
            raise AlertNotSent(
                f"{exc} Nothing was recorded as sent, so the next attempt sends the same digest."
            ) from None
        record_sent(con, digest, message_id=delivery.message_id, recipients=recipients, sent_at=now)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return LnazAlertOutcome(
        "verzonden",
        **counts,
        recipients=recipients,
        refused=tuple(delivery.refused),
        message_id=delivery.message_id,
        subject=str(message["Subject"]),
    )
