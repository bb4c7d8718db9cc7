"""The LNAZ digest against a real SMTP server on 127.0.0.1, with a real DuckDB ledger."""

from __future__ import annotations

import logging
import ssl
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
import trustme

from seh_stops.alerts import AlertConfigError, AlertNotSent, SmtpSettings, send_lnaz_digest
from seh_stops.alerts.run_failure import send_run_failure_alert
from tests.alert_findings import EUREGIO, MIDDEN, MISSING_DAY, ledger_rows, write_findings
from tests.smtp_server import free_port, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

USER, PASSWORD = "seh-stops", "Zeer-geheim-8472"


def settings_for(port: int, **extra: str) -> SmtpSettings:
    return SmtpSettings.from_env(
        {
            "SEH_SMTP_HOST": "127.0.0.1",
            "SEH_SMTP_PORT": str(port),
            "SEH_SMTP_STARTTLS": "nee",
            "SEH_SMTP_USER": USER,
            "SEH_SMTP_PASSWORD": PASSWORD,
            "SEH_SMTP_TIMEOUT_SECONDS": "5",
            "SEH_ALERT_FROM": "seh-stops@lnaz.nl",
            "SEH_ALERT_TO_LNAZ": "kwaliteit@lnaz.nl, roaz-secretariaat@lnaz.nl",
            "SEH_ALERT_TO_ENGINEERS": "data@lnaz.nl",
            **extra,
        }
    )


def alert(warehouse: Path, settings: SmtpSettings | None, **kwargs):
    with duckdb.connect(str(warehouse)) as con:
        con.execute("set TimeZone = 'UTC'")
        return send_lnaz_digest(con, settings, **kwargs)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def server():
    with smtp_server(login=(USER, PASSWORD)) as running:
        yield running


def test_digest_with_opened_and_resolved_is_sent_once(warehouse, server):
    settings = settings_for(server.port)
    write_findings(warehouse, [EUREGIO, MIDDEN])
    first = alert(warehouse, settings)
    assert first.status == "verzonden" and (first.geopend, first.opgelost) == (2, 0)

    # Midden resolves, a day goes missing: one digest with both.
    write_findings(warehouse, [EUREGIO, replace(MIDDEN, is_open=False), MISSING_DAY])
    second = alert(warehouse, settings)
    assert (second.geopend, second.opgelost) == (1, 1)

    assert server.inbox.logins == [USER, USER]
    assert len(server.inbox.received) == 2
    mail = server.inbox.received[1]
    assert mail.rcpt_tos == ["kwaliteit@lnaz.nl", "roaz-secretariaat@lnaz.nl"]
    assert mail.message["Subject"] == (
        "[seh-stops] Datakwaliteit: 1 nieuwe bevinding (1 kritiek), 1 opgelost"
    )
    text = " ".join(mail.text.split())
    assert "alle regio's - exportdag 17 januari 2023" in text
    assert MISSING_DAY.detail in text and MISSING_DAY.advies in text
    assert "OPGELOSTE BEVINDINGEN (1)" in text
    assert "ROAZ-regio Midden - januari 2023" in text and MIDDEN.detail in text
    assert "Euregio" not in text  # reported in the first digest, still open: not repeated
    assert MISSING_DAY.advies in mail.html
    first_rows, second_rows = ledger_rows(warehouse)[:2], ledger_rows(warehouse)[2:]
    assert sorted(first_rows) == sorted(
        [(EUREGIO.bevinding_id, "geopend"), (MIDDEN.bevinding_id, "geopend")]
    )
    assert sorted(second_rows) == sorted(
        [(MISSING_DAY.bevinding_id, "geopend"), (MIDDEN.bevinding_id, "opgelost")]
    )


def test_no_changes_sends_nothing(warehouse, server):
    settings = settings_for(server.port)
    write_findings(warehouse, [EUREGIO])
    alert(warehouse, settings)
    again = alert(warehouse, settings)
    assert again.status == "niets_nieuw" and again.open_bevindingen == 1
    assert len(server.inbox.received) == 1


def test_a_reopened_finding_is_sent_again(warehouse, server):
    settings = settings_for(server.port)
    write_findings(warehouse, [EUREGIO])
    alert(warehouse, settings)
    write_findings(warehouse, [replace(EUREGIO, is_open=False)])
    alert(warehouse, settings)
    write_findings(warehouse, [EUREGIO])
    reopened = alert(warehouse, settings)
    assert (reopened.geopend, reopened.opgelost) == (1, 0)
    subjects = [mail.message["Subject"] for mail in server.inbox.received]
    assert subjects == [
        "[seh-stops] Datakwaliteit: 1 nieuwe bevinding (1 kritiek)",
        "[seh-stops] Datakwaliteit: 1 bevinding opgelost",
        "[seh-stops] Datakwaliteit: 1 nieuwe bevinding (1 kritiek)",
    ]
    assert [event for _, event in ledger_rows(warehouse)] == ["geopend", "opgelost", "geopend"]


def test_a_refusing_server_leaves_the_ledger_and_the_retry_sends_one_mail(warehouse, server):
    settings = settings_for(server.port)
    write_findings(warehouse, [EUREGIO, MIDDEN])
    server.inbox.refuse = True
    with pytest.raises(AlertNotSent, match=r"554 5\.3\.0") as raised:
        alert(warehouse, settings)
    assert "next attempt sends the same digest" in str(raised.value)
    assert ledger_rows(warehouse) == []
    assert server.inbox.received == []

    server.inbox.refuse = False
    retried = alert(warehouse, settings)
    assert (retried.geopend, retried.opgelost) == (2, 0)
    assert len(server.inbox.received) == 1
    assert len(ledger_rows(warehouse)) == 2


def test_no_server_listening_is_a_clear_error(warehouse):
    write_findings(warehouse, [EUREGIO])
    with pytest.raises(AlertNotSent, match="SEH_SMTP_HOST and SEH_SMTP_PORT"):
        alert(warehouse, settings_for(free_port()))
    assert ledger_rows(warehouse) == []


def test_password_never_in_logs_or_errors(warehouse, server, caplog):
    caplog.set_level(logging.DEBUG)
    write_findings(warehouse, [EUREGIO])
    wrong = replace(settings_for(server.port), password="Fout-" + PASSWORD)
    with pytest.raises(AlertNotSent, match="refused the login of seh-stops") as raised:
        alert(warehouse, wrong)
    texts = [str(raised.value), repr(raised.value), repr(wrong), caplog.text]
    texts += [str(raised.value.__cause__), str(raised.value.__context__)]
    assert raised.value.__cause__ is None
    for text in texts:
        assert PASSWORD not in text
    assert ledger_rows(warehouse) == []

    alert(warehouse, settings_for(server.port))
    assert PASSWORD not in caplog.text
    assert PASSWORD not in server.inbox.received[0].message.as_string()


def test_starttls_with_a_private_ca_and_login(warehouse, tmp_path):
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "lnaz-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    write_findings(warehouse, [EUREGIO])
    with smtp_server(login=(USER, PASSWORD), tls_context=server_context) as tls_server:
        settings = settings_for(
            tls_server.port, SEH_SMTP_STARTTLS="ja", SEH_SMTP_CA_FILE=str(ca_file)
        )
        assert alert(warehouse, settings).status == "verzonden"
        assert tls_server.inbox.logins == [USER]
        assert len(tls_server.inbox.received) == 1

        untrusted = replace(settings, ca_file=None)
        write_findings(warehouse, [EUREGIO, MIDDEN])
        with pytest.raises(AlertNotSent, match="SEH_SMTP_CA_FILE"):
            alert(warehouse, untrusted)


def test_an_unreadable_ca_file_is_a_setting_mistake(warehouse, server, tmp_path):
    write_findings(warehouse, [EUREGIO])
    missing = str(tmp_path / "geen-ca.pem")
    settings = settings_for(server.port, SEH_SMTP_STARTTLS="ja", SEH_SMTP_CA_FILE=missing)
    with pytest.raises(AlertConfigError, match="SEH_SMTP_CA_FILE"):
        alert(warehouse, settings)
    assert ledger_rows(warehouse) == []


def test_no_host_skips_and_keeps_findings_waiting(warehouse, server):
    write_findings(warehouse, [EUREGIO, MIDDEN])
    skipped = alert(warehouse, None)
    assert skipped.status == "overgeslagen" and skipped.geopend == 2
    assert ledger_rows(warehouse) == []
    assert alert(warehouse, settings_for(server.port)).geopend == 2


def test_run_failure_alert_reaches_the_engineers(server):
    delivery = send_run_failure_alert(
        settings_for(server.port),
        job_name="transform",
        run_id="abcdef0123456789",
        errors=[f"dbt: RuntimeError: connection string had {PASSWORD} in it"],
    )
    assert delivery.recipients == ("data@lnaz.nl",)
    (mail,) = server.inbox.received
    assert mail.rcpt_tos == ["data@lnaz.nl"]
    assert "abcdef0123456789" in mail.text
    assert PASSWORD not in mail.message.as_string()
