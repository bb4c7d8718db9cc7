"""A real SMTP server on 127.0.0.1 for the alert tests (aiosmtpd), with an inbox to read.

The server speaks real SMTP on a free port: optional AUTH (so a login really happens), optional
STARTTLS with a test CA, and a switch that makes it refuse every message with a 554 reply.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    """One accepted message: the envelope and the parsed mail."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str | None:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else None


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps accepted messages, or refuses them while ``refuse`` is set.

    ``refuse_next`` refuses only that many messages, then accepts again (a server that recovers).
    """

    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse: bool = False
    refuse_next: int = 0
    refused: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse or self.refuse_next > 0:
            self.refuse_next = max(0, self.refuse_next - 1)
            self.refused += 1
            return "554 5.3.0 Mail system temporarily out of order"
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(
    *,
    login: tuple[str, str] | None = None,
    tls_context: ssl.SSLContext | None = None,
) -> Iterator[SmtpServer]:
    """Run a server until the block ends.

    With ``login`` the server requires AUTH with exactly that user and password (over plain
    SMTP unless ``tls_context`` is given, in which case STARTTLS comes first).
    """
    inbox = Inbox()
    options: dict[str, object] = {}
    if login is not None:
        user, password = login

        def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()
            )
            if ok:
                inbox.logins.append(user)
            return AuthResult(success=ok, handled=False)

        options.update(
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=tls_context is not None,
        )
    if tls_context is not None:
        options.update(tls_context=tls_context, require_starttls=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield SmtpServer(controller.port, inbox)
    finally:
        controller.stop()
