"""The e-mails about new revisions: of a delivered month, and of a published quarter.

:func:`revision_mail` tells the ministry and LNAZ that a delivered month has a new revision;
:func:`publication_mail` sends LNAZ the summary of a quarter's new publication revision
(specification, section 10). Both go through the alerts' SMTP client with the ``alert_mailer``
resource's settings (``SEH_SMTP_HOST``, ``_PORT``, ``_STARTTLS``, ``_USER``, ``_PASSWORD``,
``SEH_ALERT_FROM``): the month's to ``SEH_DELIVERY_TO`` (the ministry's and LNAZ's addresses,
comma-separated), the quarter's to ``SEH_PUBLICATION_TO`` (LNAZ's). Without a host or
recipients nothing is sent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from seh_stops.alerts.config import SmtpSettings
from seh_stops.alerts.smtp import send_message
from seh_stops.delivery.report_page import STATUS_LABELS, month_name

DELIVERY_TO_ENV = "SEH_DELIVERY_TO"
PUBLICATION_TO_ENV = "SEH_PUBLICATION_TO"


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
    subject = f"SEH-stops {month}: revisie {revisie} vervangt revisie {revisie - 1}"
    return _message(subject, sender, recipients, lines)


def publication_mail(
    quarter: str,
    revisie: int,
    rows: Sequence[Mapping[str, object]],
    changes: Sequence[dict],
    folder: Path,
    sender: str = "seh-stops@localhost",
    recipients: Sequence[str] = (),
) -> EmailMessage:
    """The summary of revision ``revisie`` of ``quarter`` for LNAZ: every region's figures
    (``rows``: the section-10 CSV's rows) and, from revision 2 on, what changed."""
    first = revisie == 1
    lines = [
        "Beste collega's,",
        "",
        f"De kwartaalpublicatie van de SEH-stops per ROAZ-regio over {quarter} staat klaar: "
        + ("revisie 1." if first else f"revisie {revisie}, naast revisie {revisie - 1}."),
        "",
        "Per regio (status; stops en minuten volgens de regionale afspraken; volgens de "
        "referentiedefinitie):",
    ]
    for row in rows:
        status = STATUS_LABELS.get(str(row["registratiestatus"]), row["registratiestatus"])
        if row["aantal_stops"] in ("", None):
            lines.append(f"- {row['roaz_regio']}: {status}, geen cijfers")
            continue
        lines.append(
            f"- {row['roaz_regio']}: {status}; {row['aantal_stops']} stops, "
            f"{row['totale_duur_minuten']} minuten; referentie {row['aantal_stops_referentie']} "
            f"stops, {row['totale_duur_minuten_referentie']} minuten"
        )
    if not first:
        lines += ["", f"Gewijzigd ten opzichte van revisie {revisie - 1} (oud -> nieuw):"]
        lines += [
            f"- {change['roaz_regio']}: {_describe(change['oud'], change['nieuw'])}"
            for change in changes
        ]
    lines += [
        "",
        f"De publicatie (CSV-bestand, webpagina en manifest) staat in: {folder}",
        "",
        "Dit bericht is automatisch verstuurd door seh-stops.",
    ]
    subject = f"SEH-stops kwartaalpublicatie {quarter}: revisie {revisie}"
    return _message(subject, sender, recipients, lines)


def delivery_recipients(
    environ: Mapping[str, str] | None = None, variable: str = DELIVERY_TO_ENV
) -> tuple[str, ...]:
    """The addresses in ``SEH_DELIVERY_TO`` (or another variable, ``SEH_PUBLICATION_TO``)."""
    text = (environ if environ is not None else os.environ).get(variable) or ""
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
    return _send(
        settings,
        DELIVERY_TO_ENV,
        lambda sender, recipients: revision_mail(
            month, revisie, changes, folder, sender, recipients, comparison_regions
        ),
    )


def send_publication_mail(
    settings: SmtpSettings | None,
    quarter: str,
    revisie: int,
    rows: Sequence[Mapping[str, object]],
    changes: Sequence[dict],
    folder: Path,
) -> str:
    """Send LNAZ the publication's summary (to ``SEH_PUBLICATION_TO``); as
    :func:`send_revision_mail`, it says what happened and raises when the server refuses."""
    return _send(
        settings,
        PUBLICATION_TO_ENV,
        lambda sender, recipients: publication_mail(
            quarter, revisie, rows, changes, folder, sender, recipients
        ),
    )


def _send(
    settings: SmtpSettings | None,
    variable: str,
    build: Callable[[str, tuple[str, ...]], EmailMessage],
) -> str:
    recipients = delivery_recipients(variable=variable)
    if settings is None or not recipients:
        return f"niet verstuurd: SEH_SMTP_HOST of {variable} is niet ingesteld"
    delivery = send_message(settings, build(settings.sender, recipients), recipients)
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


def _message(
    subject: str, sender: str, recipients: Sequence[str], lines: Sequence[str]
) -> EmailMessage:
    """The one envelope of every delivery and publication mail: plain text, one Message-ID."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    if recipients:
        message["To"] = ", ".join(recipients)
    message["Message-ID"] = make_msgid(domain="seh-stops")
    message.set_content("\n".join(lines) + "\n")
    return message
