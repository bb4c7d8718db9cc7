"""The digest builder and the LNAZ mail, without a mail server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from seh_stops.alerts.compose import compose_digest_mail, digest_subject, digest_text
from seh_stops.alerts.digest import Digest, build_digest
from seh_stops.alerts.run_failure import MAX_ERROR_LINES, compose_run_failure_mail, first_lines
from tests.alert_findings import EUREGIO, MIDDEN, MISSING_DAY, finding

NOW = datetime(2023, 2, 3, 6, 30, tzinfo=UTC)


def ids(findings) -> list[str]:
    return [f.bevinding_id for f in findings]


def test_open_findings_not_yet_alerted_are_opened():
    digest = build_digest([EUREGIO, MIDDEN], alerted_open=[])
    assert ids(digest.geopend) == [EUREGIO.bevinding_id, MIDDEN.bevinding_id]
    assert digest.opgelost == ()


def test_findings_alerted_open_and_still_open_are_not_repeated():
    digest = build_digest([EUREGIO], alerted_open=[EUREGIO.bevinding_id])
    assert digest.is_empty


def test_findings_alerted_open_and_now_closed_are_resolved():
    closed = replace(EUREGIO, is_open=False)
    digest = build_digest([closed, MIDDEN], alerted_open=[EUREGIO.bevinding_id])
    assert ids(digest.opgelost) == [EUREGIO.bevinding_id]
    assert ids(digest.geopend) == [MIDDEN.bevinding_id]


def test_a_resolved_finding_that_reopens_is_opened_again():
    # The ledger said geopend, then opgelost: the id is no longer "alerted open".
    digest = build_digest([EUREGIO], alerted_open=[])
    assert ids(digest.geopend) == [EUREGIO.bevinding_id]


def test_a_finding_never_alerted_open_is_not_alerted_resolved():
    digest = build_digest([replace(EUREGIO, is_open=False)], alerted_open=[])
    assert digest.is_empty


def test_critical_first_then_region_with_national_findings_last():
    warning_a = finding("a", ernst="waarschuwing", roaz_regio="Zuid-West")
    critical_z = finding("z", roaz_regio="Oost")
    national = finding("n", roaz_regio=None)
    digest = build_digest([warning_a, national, critical_z], alerted_open=[])
    assert ids(digest.geopend) == ["z", "n", "a"]


def test_period_is_the_day_when_known_else_the_month():
    assert MISSING_DAY.periode == "exportdag 17 januari 2023"
    assert EUREGIO.periode == "januari 2023"
    assert finding("x", maand=None, export_datum=None).periode == "geen vaste periode"
    assert finding("x", maand="2023-12", export_datum=date(2023, 12, 5)).periode == (
        "exportdag 5 december 2023"
    )


def test_region_label():
    assert EUREGIO.regio == "ROAZ-regio Euregio"
    assert MISSING_DAY.regio == "alle regio's"


def test_subject_counts_new_critical_and_resolved():
    both = Digest(geopend=(EUREGIO, MIDDEN), opgelost=(MISSING_DAY,))
    assert digest_subject(both) == (
        "[seh-stops] Datakwaliteit: 2 nieuwe bevindingen (1 kritiek), 1 opgelost"
    )
    assert digest_subject(Digest((MIDDEN,), ())) == "[seh-stops] Datakwaliteit: 1 nieuwe bevinding"
    assert digest_subject(Digest((), (EUREGIO, MIDDEN))) == (
        "[seh-stops] Datakwaliteit: 2 bevindingen opgelost"
    )


def test_text_names_region_period_detail_and_advies():
    text = digest_text(Digest((EUREGIO, MISSING_DAY), (MIDDEN,)), NOW)
    opened, resolved = text.split("OPGELOSTE BEVINDINGEN (1)")
    assert "NIEUWE BEVINDINGEN (2)" in opened
    assert "1. KRITIEK - ROAZ-regio Euregio - januari 2023" in opened
    assert "2. KRITIEK - alle regio's - exportdag 17 januari 2023" in opened
    flat = " ".join(opened.split())
    assert EUREGIO.detail in flat and EUREGIO.advies in flat
    assert MISSING_DAY.detail in flat and MISSING_DAY.advies in flat
    assert "1. ROAZ-regio Midden - januari 2023" in resolved
    assert MIDDEN.detail in " ".join(resolved.split())
    assert MIDDEN.advies not in " ".join(resolved.split())
    assert "3 februari 2023 07:30" in text  # local time (CET) of the run


def test_line_breaks_in_mart_text_cannot_forge_lines_or_headers():
    sneaky = finding("x", detail="eerste regel\r\nSubject: nep\n2. KRITIEK - nep")
    text = digest_text(Digest((sneaky,), ()), NOW)
    assert "\nSubject: nep" not in text
    assert "\n2. KRITIEK" not in text


def test_mail_has_plain_text_and_escaped_html():
    tricky = finding("x", detail="meer dan <5> locaties & zo")
    message = compose_digest_mail(
        Digest((tricky,), ()), sender="seh-stops@lnaz.nl", recipients=["a@lnaz.nl"], now=NOW
    )
    assert message["To"] == "a@lnaz.nl"
    assert message["Message-ID"].endswith("@lnaz.nl>")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "meer dan &lt;5&gt; locaties &amp; zo" in html
    assert "<5>" not in html


def test_run_failure_mail_names_job_run_error_and_link():
    message = compose_run_failure_mail(
        job_name="transform",
        run_id="0123456789abcdef",
        errors=["lnaz_dq_alert: AlertNotSent: the alert was not sent"],
        ui_url="http://dagster.lnaz.local:3000/",
        sender="seh-stops@lnaz.nl",
        recipients=["data@lnaz.nl"],
        failed_at=NOW,
    )
    body = message.get_content()
    assert message["Subject"] == "[seh-stops] Run mislukt: transform (01234567)"
    assert "http://dagster.lnaz.local:3000/runs/0123456789abcdef" in body
    assert "lnaz_dq_alert: AlertNotSent: the alert was not sent" in body


def test_first_lines_cuts_long_errors():
    error = "\n".join(f"regel {n}" for n in range(100))
    lines = first_lines(error)
    assert lines[:2] == ["regel 0", "regel 1"]
    assert len(lines) == MAX_ERROR_LINES + 1 and lines[-1] == "[...]"
    assert first_lines("kort") == ["kort"]
