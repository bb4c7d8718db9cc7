"""Bounded HTTP reads for the export source: a total deadline and a size cap per request.

``requests`` has a timeout per socket read only: a server that sends a byte every few seconds
(in the headers or the body) holds a run, or the export sensor, for ever. And a response body
is read whole, a compressed one decoded without limit (a 293 KB gzip response can become
300 MB). So:

- every request has a deadline for the whole exchange (connect, TLS, headers, body): a
  watchdog shuts down the request's sockets when it passes, which ends any read at once;
- compression is never asked for (``Accept-Encoding: identity``), and a response that is
  compressed anyway is refused, so nothing is ever decoded;
- the body is streamed and given up as soon as it passes the file's cap (the
  ``Content-Length`` is checked first, so an announced giant is not read at all).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from seh_stops.lpz.limits import RefusedFile, too_large

CHUNK_BYTES = 64 * 1024
_watched = threading.local()  # the sockets of the request this thread is making


def _watch(sock: socket.socket | None) -> None:
    sockets = getattr(_watched, "sockets", None)
    if sockets is not None and sock is not None:
        sockets.append(sock)


class _WatchedConnection(HTTPConnection):
    """A connection whose sockets the current request's deadline can shut down."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)  # from the TCP connect on: a TLS handshake can trickle too
        return sock

    def connect(self) -> None:
        super().connect()
        _watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection from an earlier request
        super().request(*args, **kwargs)


class _WatchedTLSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        _watch(self.sock)  # the TLS socket that replaced the plain one

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)
        super().request(*args, **kwargs)


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedTLSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedTLSConnection


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections register their sockets with the running :class:`Deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedTLSPool}


def bounded_session(user_agent: str) -> requests.Session:
    """A session whose requests a :class:`Deadline` can cut off, asking for no compression."""
    session = requests.Session()
    adapter = WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    session.headers["Accept-Encoding"] = "identity"
    return session


class Deadline:
    """``with Deadline(seconds) as deadline:`` around one request; afterwards
    ``deadline.expired`` says whether it was cut off (whatever the library raised then)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        _watched.sockets = self._sockets
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            _watched.sockets = None

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                # closed already, or a plain socket that TLS took over: OSError
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a read blocked in another thread


def bounded_body(response: requests.Response, name: str, limit: int) -> bytes:
    """The body of a 2xx ``response`` for contract file ``name``, at most ``limit`` bytes.

    Raises :class:`RefusedFile` for a compressed response or a body beyond the cap; broken
    transfers raise the library's errors (retried by the caller).
    """
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise RefusedFile(
            name,
            f"compressed by the server (Content-Encoding {encoding[:30]!r}) although only "
            "uncompressed content was asked for; a compressed body is not decoded (it could "
            "unpack to any size): ask the LPZ to serve the exports uncompressed",
        )
    announced = response.headers.get("Content-Length", "").strip()
    if announced.isdigit() and int(announced) > limit:
        raise too_large(name, limit)
    chunks, size = [], 0
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise too_large(name, limit)
        chunks.append(chunk)
    return b"".join(chunks)
