"""The e-mail that tells the ministry and LNAZ that a delivered month has a new revision.

:func:`revision_mail` builds the message; :func:`send_revision_mail` sends it through the
alerts' SMTP client with the ``alert_mailer`` resource's settings (``SEH_SMTP_HOST``, ``_PORT``,
``_STARTTLS``, ``_USER``, ``_PASSWORD``, ``SEH_ALERT_FROM``) to ``SEH_DELIVERY_TO``: the
ministry's and LNAZ's addresses, comma-separated. Without a host or recipients nothing is sent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from seh_stops.alerts.config import SmtpSettings
from seh_stops.alerts.smtp import send_message
from seh_stops.delivery.report_page import STATUS_LABELS, month_name

DELIVERY_TO_ENV = "SEH_DELIVERY_TO"


def revision_mail(
    month: str,
    revisie: int,
    changes: Sequence[dict],
    folder: Path,
    sender: str = "seh-stops@localhost",
    recipients: Sequence[str] = (),
    comparison_regions: Sequence[str] = (),
) -> EmailMessage:
    """The announcement of revision ``revisie`` of ``month``: which regions, old and new."""
    lines = [
        "Geachte heer, mevrouw,",
        "",
        f"De levering van de SEH-stops per ROAZ-regio over {month_name(month)} is gewijzigd door "
        "later ontvangen gegevens uit het LPZ (een late registratie, een intrekking of een "
        f"gecorrigeerde exportdag). Revisie {revisie} staat naast revisie {revisie - 1}; die "
        "blijft ongewijzigd bewaard.",
        "",
        "Gewijzigde regio's (oud -> nieuw):",
    ]
    for change in changes:
        lines.append(f"- {change['roaz_regio']}: {_describe(change['oud'], change['nieuw'])}")
    if not changes:
        lines.append("- geen (de cijfers per regionale afspraak zijn gelijk gebleven)")
    if comparison_regions:
        # Specification, section 9.3: the comparison file is part of the delivery
        lines += [
            "",
            "De vergelijkbare cijfers (referentiedefinitie en gelijktijdige stops) zijn "
            f"gewijzigd voor: {', '.join(comparison_regions)}.",
        ]
    lines += [
        "",
        f"De nieuwe revisie staat in: {folder}",
        "Daar staan ook het CSV-bestand, de Excel-tabel, het rapport en het manifest met alle "
        "wijzigingen.",
        "",
        "Dit bericht is automatisch verstuurd door seh-stops.",
    ]
    message = EmailMessage()
    message["Subject"] = f"SEH-stops {month}: revisie {revisie} vervangt revisie {revisie - 1}"
    message["From"] = sender
    if recipients:
        message["To"] = ", ".join(recipients)
    message["Message-ID"] = make_msgid(domain="seh-stops")
    message.set_content("\n".join(lines) + "\n")
    return message


def delivery_recipients(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The addresses in ``SEH_DELIVERY_TO``."""
    text = (environ if environ is not None else os.environ).get(DELIVERY_TO_ENV) or ""
    return tuple(address.strip() for address in text.split(",") if address.strip())


def send_revision_mail(
    settings: SmtpSettings | None,
    month: str,
    revisie: int,
    changes: Sequence[dict],
    folder: Path,
    comparison_regions: Sequence[str] = (),
) -> str:
    """Send the announcement through the alerts' mail server; returns what happened, in words.

    ``settings`` come from the ``alert_mailer`` resource (``None``: no host configured). Raises
    when the server refuses (``AlertNotSent``): the caller decides how loud that is.
    """
    recipients = delivery_recipients()
    if settings is None or not recipients:
        return f"niet verstuurd: SEH_SMTP_HOST of {DELIVERY_TO_ENV} is niet ingesteld"
    message = revision_mail(
        month, revisie, changes, folder, settings.sender, recipients, comparison_regions
    )
    delivery = send_message(settings, message, recipients)
    refused = f"; geweigerd: {', '.join(delivery.refused)}" if delivery.refused else ""
    return f"verstuurd aan {', '.join(delivery.recipients)}{refused}"


def _describe(old: dict | None, new: dict | None) -> str:
    def figures(values: dict | None) -> str:
        if values is None:
            return "niet in de levering"
        stops = values["aantal_stops"]
        minutes = values["totale_duur_minuten"]
        status = STATUS_LABELS.get(values["registratiestatus"], values["registratiestatus"])
        if stops is None:
            return f"{status}, geen cijfers"
        return f"{stops} stops, {minutes} minuten, {status}"

    return f"{figures(old)} -> {figures(new)}"
