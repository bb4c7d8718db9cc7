"""The settings of the HTTP(S) export source, from the deployment's environment, checked.

Each check refuses what would leak the token or bypass a bound, with a message that says what
to change and never echoes a secret.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

from seh_stops.lpz.source import ExportSourceError

TOKEN_ENV = "LPZ_EXPORT_TOKEN"
CA_BUNDLE_ENV = "LPZ_EXPORT_CA_BUNDLE"
# The whole of one request (connect, headers, body): a few MB take seconds on any real link.
DEADLINE_ENV = "LPZ_EXPORT_DEADLINE_SECONDS"
DEFAULT_DEADLINE_SECONDS = 300.0


def token_from_env() -> str | None:
    """``LPZ_EXPORT_TOKEN``, or None when unset or empty."""
    return os.environ.get(TOKEN_ENV) or None


def ca_bundle_from_env() -> str | None:
    """``LPZ_EXPORT_CA_BUNDLE``, or None when unset or empty."""
    return os.environ.get(CA_BUNDLE_ENV) or None


def check_base_url(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ExportSourceError(f"{base_url!r} is not an http:// or https:// URL with a host")
    if parts.username or parts.password:
        # Not echoed: the URL holds a secret.
        raise ExportSourceError(
            f"the export source URL for host {parts.hostname} contains credentials; remove "
            f"them from the URL and put the bearer token in {TOKEN_ENV}"
        )
    if parts.query or parts.fragment:
        raise ExportSourceError(
            f"the export source URL for host {parts.hostname} has a query string or fragment; "
            f"give the base URL that serves YYYY-MM-DD/<file> (a token goes in {TOKEN_ENV})"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def deadline_from_env() -> float:
    """``LPZ_EXPORT_DEADLINE_SECONDS``: the most one request may take, all of it."""
    text = (os.environ.get(DEADLINE_ENV) or "").strip()
    if not text:
        return DEFAULT_DEADLINE_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ExportSourceError(
            f"{DEADLINE_ENV}={text[:40]!r} is not a number of seconds: set it like 300, or "
            f"unset it for the default {DEFAULT_DEADLINE_SECONDS:g}"
        )
    return seconds


def check_token_transport(base_url: str) -> None:
    """A bearer token goes over TLS only, or to this machine (a test or a local proxy)."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" or _is_loopback(parts.hostname or ""):
        return
    raise ExportSourceError(
        f"{TOKEN_ENV} is set, and the export source http://{parts.hostname}... is plain HTTP "
        "to another machine: the token would cross the network readable. Use the https:// "
        f"URL of the LPZ server (or unset {TOKEN_ENV} for a server that needs no token)"
    )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_token(token: str | None) -> str | None:
    if token is None:
        return None
    token = token.strip()
    if not token:
        return None
    # Refuse what requests would refuse with an error that quotes the header value.
    if any(not (0x21 <= ord(char) <= 0x7E) for char in token):
        raise ExportSourceError(
            f"{TOKEN_ENV} contains spaces, line breaks or non-ASCII characters; "
            "it must be the bare bearer token (its value is not shown)"
        )
    return token


def check_ca_bundle(ca_bundle: str | os.PathLike[str] | None) -> str | bool:
    if ca_bundle is None or not str(ca_bundle).strip():
        return True  # the system's (certifi's) trust store; verification is always on
    path = Path(ca_bundle).expanduser()
    if not path.is_file():
        raise ExportSourceError(
            f"the CA bundle {path} ({CA_BUNDLE_ENV}) is not "
            "a file; give the PEM file of the CA that signed the LPZ server's certificate"
        )
    return str(path.resolve())
