"""Handing a mail to the SMTP server: STARTTLS when configured, login when a user is set.

Any failure becomes :class:`AlertNotSent` with a message that says what to check; its text is
built here, with the password blanked out, and the original exception is not chained, so no
server reply or library message can carry a secret into a log.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from seh_stops.alerts.config import (
    CA_FILE_ENV,
    HOST_ENV,
    PASSWORD_ENV,
    PORT_ENV,
    USER_ENV,
    AlertConfigError,
    SmtpSettings,
)


class AlertNotSent(RuntimeError):
    """The mail server did not accept the alert; nothing was recorded as sent."""


@dataclass(frozen=True)
class Delivery:
    """A mail the server accepted, and the recipients it refused (if it refused only some)."""

    message_id: str
    recipients: tuple[str, ...]
    refused: dict[str, str] = field(default_factory=dict)


def send_message(
    settings: SmtpSettings,
    message: EmailMessage,
    recipients: Sequence[str],
    tls_context: ssl.SSLContext | None = None,
) -> Delivery:
    """Deliver ``message`` to ``recipients``, or raise :class:`AlertNotSent`.

    ``tls_context`` defaults to the system's trusted CAs plus ``SEH_SMTP_CA_FILE``. A server that
    accepts the mail for some recipients and refuses others has accepted it: the refused
    addresses are returned, and resending would only duplicate it for the others.
    """
    where = settings.describe()
    if settings.starttls and tls_context is None:
        tls_context = _default_tls_context(settings)
    smtp = None
    try:
        try:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=tls_context)
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            refused = smtp.send_message(message, settings.sender, list(recipients))
        except smtplib.SMTPAuthenticationError as exc:
            problem = (
                f"the server refused the login of {settings.user} ({_reply(exc)}); check "
                f"{USER_ENV} and {PASSWORD_ENV}"
            )
        except smtplib.SMTPNotSupportedError as exc:
            problem = (
                f"the server does not support a step it was asked for ({exc}); for STARTTLS set "
                f"SEH_SMTP_STARTTLS=nee only on a trusted network, for a login unset {USER_ENV}"
            )
        except smtplib.SMTPRecipientsRefused as exc:
            refusals = "; ".join(f"{a}: {_reply_of(*r)}" for a, r in exc.recipients.items())
            problem = f"the server refused every recipient ({refusals})"
        except smtplib.SMTPResponseException as exc:
            problem = f"the server answered {_reply(exc)}"
        except ssl.SSLError as exc:
            problem = (
                f"STARTTLS failed ({exc.__class__.__name__}: {exc}); if the server uses a private "
                "CA, point SEH_SMTP_CA_FILE to its certificate"
            )
        except (smtplib.SMTPException, OSError) as exc:
            problem = (
                f"{exc.__class__.__name__}: {exc}; check {HOST_ENV} and {PORT_ENV} and that the "
                "server is reachable"
            )
        else:
            return Delivery(
                message_id=str(message.get("Message-ID", "")),
                recipients=tuple(recipients),
                refused={address: _reply_of(*reply) for address, reply in refused.items()},
            )
    finally:
        if smtp is not None:
            _close(smtp)
    raise AlertNotSent(settings.redact(f"the alert was not sent via {where}: {problem}."))


def _default_tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """The system's trusted CAs, plus the private CA of ``SEH_SMTP_CA_FILE`` when set."""
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise AlertConfigError(
            f"{CA_FILE_ENV} is {settings.ca_file!r}, which is not a readable PEM certificate "
            f"({exc.__class__.__name__}); point it to the CA certificate of the mail server"
        ) from None


def _close(smtp: smtplib.SMTP) -> None:
    """Say goodbye politely; a server that hangs up first changes nothing."""
    try:
        if smtp.sock is not None:
            smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return _reply_of(exc.smtp_code, exc.smtp_error)


def _reply_of(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()
