"""Export days over HTTP(S): ``{base}/YYYY-MM-DD/<file>``, optionally behind a bearer token.

The LPZ serves the same paths as the local folder. HTTP has no directory listing, so
:meth:`HttpExportSource.list_days` probes each day's ``manifest.json`` over a range of days.

Failure kinds, each a clear :class:`~seh_stops.lpz.source.ExportSourceError`:

- 404: the file is not (yet) published. :meth:`~HttpExportSource.read` returns None; that is
  normal, the day is reported as missing and loaded once it is published.
- 401/403: :class:`ExportSourceAuthError`, check ``LPZ_EXPORT_TOKEN``. Never retried.
- any other 4xx: :class:`ExportSourceRequestError`. Never retried.
- connection errors, timeouts, broken transfers and 5xx: retried with exponential backoff, then
  :class:`ExportSourceUnavailable`.
- TLS verification failures: :class:`ExportSourceTLSError`, set ``LPZ_EXPORT_CA_BUNDLE`` for a
  private CA. Never retried. Verification cannot be switched off.

The token never appears in logs, in exception messages or their causes (errors are raised
outside the ``except`` block that caught the library error, so they carry no ``__context__``
that holds the request and its headers), nor in :meth:`~HttpExportSource.describe`. Credentials
in the URL itself (``user:password@`` or a query string) are refused for the same reason.
File names come only from the contract, so no request can leave the base URL's folder.

Every request is bounded (:mod:`seh_stops.lpz.http_transport`): a total deadline
(``LPZ_EXPORT_DEADLINE_SECONDS``, retried like a timeout), no compressed bodies, and the size
caps of :mod:`seh_stops.lpz.limits`; a refused file makes its day incomplete. A token is sent
over https only, or over http to a loopback address.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from seh_stops.lpz.contract import DATA_FILES, MANIFEST_FILE, TIMEZONE
from seh_stops.lpz.http_settings import (
    CA_BUNDLE_ENV,
    DEADLINE_ENV,
    TOKEN_ENV,
    check_base_url,
    check_ca_bundle,
    check_token,
    check_token_transport,
    deadline_from_env,
)
from seh_stops.lpz.http_transport import Deadline, bounded_body, bounded_session
from seh_stops.lpz.limits import RefusedFile, max_bytes
from seh_stops.lpz.source import ExportSourceError

# Without a range, list_days() probes this many days up to yesterday.
DEFAULT_PROBE_DAYS = 14
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_RETRIES = 4
DEFAULT_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0

_ALLOWED_FILES = frozenset((*DATA_FILES, MANIFEST_FILE))
_USER_AGENT = "seh-stops (LPZ export reader)"

logger = logging.getLogger(__name__)


class ExportSourceAuthError(ExportSourceError):
    """The server refused the credentials (401/403)."""


class ExportSourceTLSError(ExportSourceError):
    """The server's TLS certificate could not be verified."""


class ExportSourceUnavailable(ExportSourceError):
    """Connection errors, timeouts or 5xx responses that outlasted the retries."""


class ExportSourceRequestError(ExportSourceError):
    """The server refused the request with a 4xx other than 401, 403 and 404."""


def yesterday(timezone: str = TIMEZONE) -> date:
    """The latest export day that can be published: yesterday in Europe/Amsterdam."""
    return datetime.now(ZoneInfo(timezone)).date() - timedelta(days=1)


class HttpExportSource:
    """Export days under an HTTP(S) base URL, read with one :class:`requests.Session`."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = DEFAULT_MAX_RETRIES,
        deadline_seconds: float | None = None,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        probe_days: int = DEFAULT_PROBE_DAYS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self._token = check_token(token)
        if self._token:
            check_token_transport(self.base_url)
        self._verify: str | bool = check_ca_bundle(ca_bundle)
        self.timeout = (min(DEFAULT_CONNECT_TIMEOUT_SECONDS, timeout_seconds), timeout_seconds)
        self.max_retries = max(0, max_retries)
        self.deadline_seconds = deadline_seconds or deadline_from_env()
        self.backoff_seconds = backoff_seconds
        self.probe_days = max(1, probe_days)
        self._sleep = sleep
        self._session = bounded_session(_USER_AGENT)
        if self._token:
            # requests drops this header when a redirect leaves the host or downgrades to http.
            self._session.headers["Authorization"] = f"Bearer {self._token}"

    def __repr__(self) -> str:  # never the token
        return f"HttpExportSource({self.describe()!r})"

    def describe(self) -> str:
        return self.base_url

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> HttpExportSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def list_days(self, first: date | None = None, last: date | None = None) -> list[date]:
        """The days in ``first..last`` whose manifest is published, oldest first.

        HTTP has no directory listing, so every day of the range is probed. ``last`` defaults
        to yesterday (Europe/Amsterdam), ``first`` to ``probe_days`` days before ``last``.
        """
        end = last or yesterday()
        start = first or end - timedelta(days=self.probe_days - 1)
        days = []
        day = start
        while day <= end:
            try:
                published = self.read(day, MANIFEST_FILE) is not None
            except RefusedFile:  # published, but refused: verification says why
                published = True
            if published:
                days.append(day)
            day += timedelta(days=1)
        return days

    def read(self, day: date, name: str) -> bytes | None:
        """The bytes of ``name`` of ``day``, or None when the server says 404 (not published)."""
        if name not in _ALLOWED_FILES:
            raise ValueError(f"{name!r} is not a file of the LPZ export contract")
        return self._get(f"{self.base_url}/{day.isoformat()}/{name}", name)

    def _get(self, url: str, name: str) -> bytes | None:
        limit = max_bytes(name)
        attempts = self.max_retries + 1
        for attempt in range(1, attempts + 1):
            failure: str | None = None  # why this attempt failed, when it may be retried
            error: ExportSourceError | RefusedFile | None = None  # a failure not retried
            content: bytes | None = None
            status = 0
            with Deadline(self.deadline_seconds) as deadline:
                try:
                    with self._session.get(
                        url, timeout=self.timeout, verify=self._verify, stream=True
                    ) as response:
                        status, why = response.status_code, response.reason
                        if 200 <= status < 300:
                            content = bounded_body(response, name, limit)
                except RefusedFile as refused:
                    error = refused
                except requests.exceptions.SSLError as exc:
                    reason = self._redact(_reason(exc))
                    error = ExportSourceTLSError(
                        f"TLS verification of {url} failed ({reason}). TLS verification is "
                        f"always on; if the LPZ server uses a private CA, set {CA_BUNDLE_ENV} "
                        "to that CA's PEM bundle"
                    )
                except (
                    requests.exceptions.ConnectionError,
                    requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError,
                ) as exc:
                    failure = f"{type(exc).__name__}: {self._redact(_reason(exc))}"
                except requests.exceptions.RequestException as exc:
                    error = ExportSourceError(
                        f"request for {url} could not be made "
                        f"({type(exc).__name__}: {self._redact(_reason(exc))})"
                    )
            if deadline.expired:  # cut off, whatever the library made of it
                error, failure = (
                    None,
                    (
                        f"no complete answer within {self.deadline_seconds:g} s "
                        f"({DEADLINE_ENV}): the server is too slow or trickles its answer"
                    ),
                )
            elif error is None and failure is None:
                if 200 <= status < 300:
                    return content
                if status == 404:
                    return None
                if status >= 500:
                    failure = f"HTTP {status} {why}"
                elif status in (401, 403):
                    error = ExportSourceAuthError(
                        f"{self.base_url} refused access to {url} (HTTP {status} {why}): "
                        + (
                            f"check that {TOKEN_ENV} holds a valid bearer token for this server"
                            if self._token
                            else f"the server requires a bearer token; set {TOKEN_ENV}"
                        )
                    )
                else:
                    error = ExportSourceRequestError(
                        f"{url} answered HTTP {status} {why}; not retried (check the source URL)"
                    )
            if error is not None:
                raise error  # outside the except block: no __context__ with the request
            if attempt == attempts:
                raise ExportSourceUnavailable(
                    f"{url} failed {attempts} time(s), last with {failure}; the LPZ export "
                    "server is unreachable or failing: check the URL and the network, or try "
                    "again later"
                )
            delay = min(self.backoff_seconds * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
            logger.warning(
                "GET %s failed (%s); retry %d of %d in %.1f s",
                url,
                failure,
                attempt,
                self.max_retries,
                delay,
            )
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _redact(self, text: str) -> str:
        """``text`` with the token blanked out, should a library ever echo it."""
        return text.replace(self._token, "***") if self._token else text


def _reason(exc: BaseException) -> str:
    """The innermost readable reason of a requests/urllib3 error (no headers, no request)."""
    reason: object = exc
    for _ in range(5):  # requests wraps urllib3's MaxRetryError, which wraps the real reason
        inner = getattr(reason, "reason", None)  # ssl errors have a str .reason: not followed
        if not isinstance(inner, BaseException):
            inner = None
        if inner is None and isinstance(reason, BaseException) and reason.args:
            candidate = reason.args[0]
            inner = candidate if isinstance(candidate, BaseException) else None
        if inner is None or inner is reason:
            break
        reason = inner
    return str(reason) or type(reason).__name__
