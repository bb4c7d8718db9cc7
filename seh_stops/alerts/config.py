"""Where alerts go: the SMTP server, the sender and the recipients, from environment variables.

No ``SEH_SMTP_HOST`` means no mail server is configured: alerts are skipped (and the findings
wait, unsent, for the first run that has one). Everything else is checked when a host is set,
and a mistake is reported with the variable to fix. The password is kept out of ``repr`` and is
never part of an error message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Literal

HOST_ENV = "SEH_SMTP_HOST"
PORT_ENV = "SEH_SMTP_PORT"
STARTTLS_ENV = "SEH_SMTP_STARTTLS"
USER_ENV = "SEH_SMTP_USER"
PASSWORD_ENV = "SEH_SMTP_PASSWORD"
CA_FILE_ENV = "SEH_SMTP_CA_FILE"
TIMEOUT_ENV = "SEH_SMTP_TIMEOUT_SECONDS"
FROM_ENV = "SEH_ALERT_FROM"
TO_LNAZ_ENV = "SEH_ALERT_TO_LNAZ"
TO_ENGINEERS_ENV = "SEH_ALERT_TO_ENGINEERS"
DAGSTER_UI_URL_ENV = "SEH_DAGSTER_UI_URL"

ALL_ENV_VARS = (
    HOST_ENV,
    PORT_ENV,
    STARTTLS_ENV,
    USER_ENV,
    PASSWORD_ENV,
    CA_FILE_ENV,
    TIMEOUT_ENV,
    FROM_ENV,
    TO_LNAZ_ENV,
    TO_ENGINEERS_ENV,
    DAGSTER_UI_URL_ENV,
)

DEFAULT_PORT = 587
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_DAGSTER_UI_URL = "http://localhost:3000"
_YES = {"ja", "true", "yes", "1", "aan", "on"}
_NO = {"nee", "false", "no", "0", "uit", "off"}

Audience = Literal["lnaz", "engineers"]


class AlertConfigError(ValueError):
    """The alert settings are incomplete or malformed; the message names the variable to fix."""


@dataclass(frozen=True)
class SmtpSettings:
    """A configured mail server and who receives which alert."""

    host: str
    sender: str
    port: int = DEFAULT_PORT
    starttls: bool = True
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    lnaz_recipients: tuple[str, ...] = ()
    engineer_recipients: tuple[str, ...] = ()
    dagster_ui_url: str = DEFAULT_DAGSTER_UI_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str | None] | None = None) -> SmtpSettings | None:
        """The settings from ``SEH_SMTP_*`` and ``SEH_ALERT_*``; ``None`` when no host is set.

        ``environ`` defaults to ``os.environ``; the Dagster resource passes its own fields
        under the same names, so both read one set of rules.
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        host = get(HOST_ENV)
        if host is None:
            return None
        user, password = get(USER_ENV), env.get(PASSWORD_ENV) or None
        if password and not user:
            raise AlertConfigError(
                f"{PASSWORD_ENV} is set but {USER_ENV} is not: set the SMTP user name too, or "
                f"unset {PASSWORD_ENV} when the mail server needs no login"
            )
        if user and not password:
            raise AlertConfigError(
                f"{USER_ENV} is set but {PASSWORD_ENV} is not: set the SMTP password, or unset "
                f"{USER_ENV} when the mail server needs no login"
            )
        sender = get(FROM_ENV)
        if sender is None:
            raise AlertConfigError(
                f"{HOST_ENV} is set but {FROM_ENV} is not: set the sender address of the alerts, "
                "for example seh-stops@lnaz.nl"
            )
        return cls(
            host=host,
            sender=_address(sender, FROM_ENV),
            port=_port(get(PORT_ENV)),
            starttls=_yes_no(get(STARTTLS_ENV), STARTTLS_ENV, default=True),
            user=user,
            password=password,
            ca_file=get(CA_FILE_ENV),
            timeout_seconds=_timeout(get(TIMEOUT_ENV)),
            lnaz_recipients=_addresses(get(TO_LNAZ_ENV), TO_LNAZ_ENV),
            engineer_recipients=_addresses(get(TO_ENGINEERS_ENV), TO_ENGINEERS_ENV),
            dagster_ui_url=get(DAGSTER_UI_URL_ENV) or DEFAULT_DAGSTER_UI_URL,
        )

    def recipients(self, audience: Audience) -> tuple[str, ...]:
        """Who receives the alerts of ``audience``; an error when nobody is configured.

        A configured mail server without recipients is a mistake, not a reason to stay silent.
        """
        found = self.lnaz_recipients if audience == "lnaz" else self.engineer_recipients
        if not found:
            name = TO_LNAZ_ENV if audience == "lnaz" else TO_ENGINEERS_ENV
            raise AlertConfigError(
                f"{HOST_ENV} is set but {name} is empty: set it to one or more comma-separated "
                "e-mail addresses"
            )
        return found

    def describe(self) -> str:
        """The server as logs may show it: host, port, TLS and user, never the password."""
        tls = "STARTTLS" if self.starttls else "no TLS"
        login = f", login as {self.user}" if self.user else ""
        return f"{self.host}:{self.port} ({tls}{login})"

    def redact(self, text: str) -> str:
        """``text`` with the password blanked out, for anything that leaves this module."""
        if self.password:
            text = text.replace(self.password, "********")
        return text


def _port(value: str | None) -> int:
    if value is None:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise AlertConfigError(f"{PORT_ENV} must be a port number such as 587, not {value!r}")
    return int(value)


def _timeout(value: str | None) -> float:
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise AlertConfigError(f"{TIMEOUT_ENV} must be a positive number of seconds, not {value!r}")
    return seconds


def _yes_no(value: str | None, name: str, *, default: bool) -> bool:
    if value is None:
        return default
    if value.lower() in _YES:
        return True
    if value.lower() in _NO:
        return False
    raise AlertConfigError(f"{name} must be ja or nee (or true/false), not {value!r}")


def _address(value: str, name: str) -> str:
    """One plain e-mail address (``naam@domein``); display names and line breaks are refused."""
    _, address = parseaddr(value)
    if (
        address != value
        or address.count("@") != 1
        or not all(address.split("@"))
        or any(char.isspace() or char in ",;<>\"'" for char in address)
    ):
        raise AlertConfigError(
            f"{name} holds {value!r}, which is not a plain e-mail address such as naam@lnaz.nl"
        )
    return address


def _addresses(value: str | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(_address(part.strip(), name) for part in value.split(",") if part.strip())
