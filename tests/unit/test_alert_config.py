"""Alert settings from environment variables."""

from __future__ import annotations

import pytest

from seh_stops.alerts.config import AlertConfigError, SmtpSettings

BASE = {
    "SEH_SMTP_HOST": "smtp.lnaz.nl",
    "SEH_ALERT_FROM": "seh-stops@lnaz.nl",
    "SEH_ALERT_TO_LNAZ": "kwaliteit@lnaz.nl, roaz@lnaz.nl",
}


def test_no_host_means_not_configured():
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"SEH_SMTP_HOST": "  ", "SEH_ALERT_FROM": "x@y.nl"}) is None


def test_defaults_and_recipient_lists():
    settings = SmtpSettings.from_env(BASE)
    assert settings.port == 587 and settings.starttls and settings.user is None
    assert settings.recipients("lnaz") == ("kwaliteit@lnaz.nl", "roaz@lnaz.nl")


@pytest.mark.parametrize(
    ("value", "expected"), [("ja", True), ("NEE", False), ("true", True), ("false", False)]
)
def test_starttls_accepts_dutch_and_english(value, expected):
    assert SmtpSettings.from_env({**BASE, "SEH_SMTP_STARTTLS": value}).starttls is expected


@pytest.mark.parametrize(
    ("extra", "names"),
    [
        ({"SEH_SMTP_PORT": "smtp"}, "SEH_SMTP_PORT"),
        ({"SEH_SMTP_PORT": "70000"}, "SEH_SMTP_PORT"),
        ({"SEH_SMTP_STARTTLS": "misschien"}, "SEH_SMTP_STARTTLS"),
        ({"SEH_SMTP_TIMEOUT_SECONDS": "-1"}, "SEH_SMTP_TIMEOUT_SECONDS"),
        ({"SEH_ALERT_FROM": ""}, "SEH_ALERT_FROM"),
        ({"SEH_ALERT_FROM": "a@b.nl\r\nBcc: x@y.nl"}, "SEH_ALERT_FROM"),
        ({"SEH_ALERT_TO_LNAZ": "kwaliteit@lnaz.nl, geen-adres"}, "SEH_ALERT_TO_LNAZ"),
        ({"SEH_SMTP_USER": "seh"}, "SEH_SMTP_PASSWORD"),
    ],
)
def test_mistakes_name_the_variable_to_fix(extra, names):
    with pytest.raises(AlertConfigError, match=names):
        SmtpSettings.from_env({**BASE, **extra})


def test_missing_recipients_is_an_error_once_a_host_is_set():
    settings = SmtpSettings.from_env(BASE)
    with pytest.raises(AlertConfigError, match="SEH_ALERT_TO_ENGINEERS"):
        settings.recipients("engineers")


def test_password_stays_out_of_repr_describe_and_errors():
    secret = "Geheim-w8woord!"
    settings = SmtpSettings.from_env({**BASE, "SEH_SMTP_USER": "seh", "SEH_SMTP_PASSWORD": secret})
    assert settings.password == secret
    assert secret not in repr(settings)
    assert secret not in settings.describe()
    assert settings.redact(f"server said {secret}") == "server said ********"
    with pytest.raises(AlertConfigError) as raised:
        SmtpSettings.from_env({"SEH_SMTP_HOST": "h", "SEH_SMTP_PASSWORD": secret})
    assert secret not in str(raised.value)
