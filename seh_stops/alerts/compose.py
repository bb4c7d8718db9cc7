"""The LNAZ digest as an e-mail: Dutch plain text, with the same content as simple HTML.

Per finding the mail names the region, the period, what is wrong (the mart's ``detail``) and
what LNAZ can do (``advies``). It shows only the columns of ``marts.dq_bevindingen`` listed in
:data:`seh_stops.alerts.digest.FINDING_COLUMNS`, never anything read from the raw exports.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from seh_stops.alerts.digest import Bevinding, Digest, dutch_date

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
_WIDTH = 78
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def digest_subject(digest: Digest) -> str:
    """``[seh-stops] Datakwaliteit: 2 nieuwe bevindingen (1 kritiek), 1 opgelost``."""
    parts = []
    if digest.geopend:
        count = len(digest.geopend)
        part = f"{count} nieuwe {'bevinding' if count == 1 else 'bevindingen'}"
        if digest.kritiek_geopend:
            part += f" ({digest.kritiek_geopend} kritiek)"
        parts.append(part)
    if digest.opgelost:
        count = len(digest.opgelost)
        parts.append(
            f"{count} {'bevinding' if count == 1 else 'bevindingen'} opgelost"
            if not parts
            else f"{count} opgelost"
        )
    return "[seh-stops] Datakwaliteit: " + ", ".join(parts)


def compose_digest_mail(
    digest: Digest, *, sender: str, recipients: Sequence[str], now: datetime | None = None
) -> EmailMessage:
    """One mail with every opened and resolved finding of ``digest``."""
    now = now or datetime.now(UTC)
    message = EmailMessage()
    message["Subject"] = digest_subject(digest)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = make_msgid("seh-stops", domain=sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(digest_text(digest, now))
    message.add_alternative(digest_html(digest, now), subtype="html")
    return message


def digest_text(digest: Digest, now: datetime) -> str:
    """The plain-text body."""
    lines = [
        "Beste collega's van LNAZ,",
        "",
        *_wrap(_intro(now)),
    ]
    if digest.geopend:
        lines += ["", *_heading(f"NIEUWE BEVINDINGEN ({len(digest.geopend)})")]
        for number, finding in enumerate(digest.geopend, start=1):
            lines += ["", *_opened_text(number, finding)]
    if digest.opgelost:
        lines += ["", *_heading(f"OPGELOSTE BEVINDINGEN ({len(digest.opgelost)})")]
        for number, finding in enumerate(digest.opgelost, start=1):
            lines += ["", *_resolved_text(number, finding)]
    lines += ["", "--", *_wrap(_FOOTER)]
    return "\n".join(lines) + "\n"


def digest_html(digest: Digest, now: datetime) -> str:
    """The same content as simple HTML (one table per section, no images, no scripts)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl"><body style="font-family: sans-serif; font-size: 14px;">',
        "<p>Beste collega's van LNAZ,</p>",
        f"<p>{_e(_intro(now))}</p>",
    ]
    if digest.geopend:
        parts.append(f"<h2>Nieuwe bevindingen ({len(digest.geopend)})</h2>")
        parts.append(
            _table(
                ("Ernst", "Regio", "Periode", "Wat is er mis", "Wat kan LNAZ doen", "Kenmerk"),
                [
                    (f.ernst, f.regio, f.periode, _clean(f.detail), _clean(f.advies), _ref(f))
                    for f in digest.geopend
                ],
            )
        )
    if digest.opgelost:
        parts.append(f"<h2>Opgeloste bevindingen ({len(digest.opgelost)})</h2>")
        parts.append(
            _table(
                ("Regio", "Periode", "Wat was er mis", "Laatst gezien", "Kenmerk"),
                [
                    (f.regio, f.periode, _clean(f.detail), _seen(f.laatst_gezien_at), _ref(f))
                    for f in digest.opgelost
                ],
            )
        )
    parts += [f"<p style='color: #555;'>{_e(_FOOTER)}</p>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _intro(now: datetime) -> str:
    return (
        f"Na de verwerking van de SEH-statusexports van het LPZ op {dutch_moment(now)} is de "
        "datakwaliteit gecontroleerd. Dit bericht meldt alleen wat sinds het vorige bericht is "
        "veranderd: elke bevinding wordt één keer gemeld als ze ontstaat en één keer als ze is "
        "opgelost."
    )


_FOOTER = (
    "Dit is een automatisch bericht van seh-stops. Elke bevinding staat met haar kenmerk in de "
    "tabel marts.dq_bevindingen van het warehouse; daar is ook te zien of ze nog open is."
)


def _opened_text(number: int, finding: Bevinding) -> list[str]:
    return [
        f"{number}. {finding.ernst.upper()} - {finding.regio} - {finding.periode}",
        *_field("Wat is er mis", finding.detail),
        *_field("Wat kan LNAZ doen", finding.advies),
        *_field("Soort", _facts(finding)),
    ]


def _resolved_text(number: int, finding: Bevinding) -> list[str]:
    return [
        f"{number}. {finding.regio} - {finding.periode}",
        *_field("Wat was er mis", finding.detail),
        *_field("Opgelost", f"niet meer gezien na {_seen(finding.laatst_gezien_at)}"),
        *_field("Kenmerk", _ref(finding)),
    ]


def _facts(finding: Bevinding) -> str:
    facts = [finding.soort]
    if finding.aantal is not None:
        facts.append(f"aantal {finding.aantal}")
    facts.append(f"eerst gezien {_seen(finding.eerst_gezien_at)}")
    facts.append(f"kenmerk {_ref(finding)}")
    return "; ".join(facts)


def _field(label: str, value: str) -> list[str]:
    prefix = f"   {label + ':':<19}"
    return textwrap.wrap(
        _clean(value) or "-",
        width=_WIDTH,
        initial_indent=prefix,
        subsequent_indent=" " * len(prefix),
        break_long_words=False,
        break_on_hyphens=False,
    )


def _heading(text: str) -> list[str]:
    return [text, "=" * len(text)]


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, width=_WIDTH)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cell = "border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top;"
    head = "".join(f'<th style="{cell}">{_e(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{cell}">{_e(value)}</td>' for value in row) + "</tr>"
        for row in rows
    )
    return f'<table style="border-collapse: collapse;"><tr>{head}</tr>{body}</table>'


def _clean(text: str | None) -> str:
    """One line of text: control characters (line breaks included) become a single space."""
    return _CONTROL.sub(" ", text or "").strip()


def _ref(finding: Bevinding) -> str:
    return _clean(finding.bevinding_id)


def _seen(moment: datetime | None) -> str:
    return dutch_moment(moment) if moment is not None else "onbekend"


def dutch_moment(moment: datetime) -> str:
    """``3 februari 2023 07:10`` in Dutch local time (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(LOCAL_TZ)
    return f"{dutch_date(local.date())} {local:%H:%M}"


def _e(text: str) -> str:
    return html.escape(text, quote=True)
