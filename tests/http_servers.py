"""Hostile HTTP servers on 127.0.0.1 for the export source's bounds.

- :class:`RecordingServer` answers every request with one canned response and records each
  request's path and ``Authorization`` header, to show what a client sent (or that it sent
  nothing at all).
- :class:`TrickleServer` is a raw socket server that sends its answer one byte at a time with
  a pause between bytes, in the headers or in the body, and never finishes in time.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Canned:
    """The response a :class:`RecordingServer` gives to every GET."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    content_length: bool = True  # send a Content-Length header (else: close-delimited)


class RecordingServer:
    """``with RecordingServer(canned) as server:``; ``server.requests`` holds
    ``(path, authorization or None)`` for every request received."""

    def __init__(self, canned: Canned | None = None) -> None:
        self.canned = canned or Canned()
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Authorization")))
                canned = server.canned
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                if canned.content_length:
                    self.send_header("Content-Length", str(len(canned.body)))
                self.end_headers()
                # the client may give up (a refused body): fine
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(canned.body)

            def log_message(self, format, *args):  # keep test output clean
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/lpz"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> RecordingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class TrickleServer:
    """A server that trickles: ``in_headers`` sends the status line and then one header byte
    per ``pause`` seconds; otherwise complete headers (with a Content-Length of ``length``)
    and then one body byte per ``pause``. It would take ``length * pause`` seconds to finish.
    ``sent`` counts the bytes it trickled; ``closed`` is set when the client went away."""

    def __init__(self, *, in_headers: bool, pause: float = 0.2, length: int = 100_000) -> None:
        self.in_headers = in_headers
        self.pause = pause
        self.length = length
        self.sent = 0
        self.closed = threading.Event()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/lpz"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)  # the request
            if self.in_headers:
                head, trickled = b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"a" * self.length
            else:
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {self.length}\r\n\r\n".encode()
                trickled = b"x" * self.length
            try:
                connection.sendall(head)
                for byte in trickled:
                    if self._stop.is_set():
                        return
                    connection.sendall(bytes([byte]))
                    self.sent += 1
                    time.sleep(self.pause)
            except OSError:  # the client shut the connection: what the deadline does
                self.closed.set()

    def __enter__(self) -> TrickleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self.thread.join(timeout=5)
        self._listener.close()
