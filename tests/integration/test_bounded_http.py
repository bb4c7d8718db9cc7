"""The HTTP export source against hostile servers on 127.0.0.1: it never hangs, never decodes a
bomb, never reads more than a file's cap, and never sends its token over plain http elsewhere.

A read that might hang runs in a thread; the test waits a generous while for it and fails if it
is still running (a read without a total deadline would go on for hours).
"""

from __future__ import annotations

import threading
import zlib
from datetime import date

import pytest
from dagster import DagsterInstance, SkipReason, build_sensor_context

from orchestration.resources import ExportSourceResource, WarehouseResource
from seh_stops import settings
from seh_stops.lpz.export_day import IncompleteExportDay, verify_export_day
from seh_stops.lpz.http_source import (
    DEADLINE_ENV,
    TOKEN_ENV,
    ExportSourceUnavailable,
    HttpExportSource,
)
from seh_stops.lpz.inventory import reason_phrase
from seh_stops.lpz.limits import MAX_MANIFEST_BYTES_ENV, RefusedFile
from seh_stops.lpz.source import ExportSourceError, open_source
from tests.http_servers import Canned, RecordingServer, TrickleServer

DAY = date(2023, 1, 9)
TOKEN = "bounded-http-test-token"
PATIENCE_SECONDS = 60  # far beyond the 1 s deadline; a hanging read never gets here


def read_in_thread(source: HttpExportSource, name: str = "manifest.json") -> BaseException:
    """What reading ``name`` raised; fails the test if the read is still running."""
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            source.read(DAY, name)
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(PATIENCE_SECONDS)
    assert not reader.is_alive(), "the read is still running: no total deadline"
    assert outcome, "the read returned a trickled answer"
    return outcome[0]


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_trickling_server_is_cut_off_at_the_deadline(in_headers):
    with TrickleServer(in_headers=in_headers) as server:
        source = HttpExportSource(server.url, deadline_seconds=1, max_retries=0)
        error = read_in_thread(source)
        assert isinstance(error, ExportSourceUnavailable)
        assert "no complete answer within 1 s" in str(error) and DEADLINE_ENV in str(error)
        assert server.sent < server.length  # it was far from done
        assert server.closed.wait(5)  # and the connection is gone, not left hanging


def test_the_deadline_is_retried_like_a_timeout_and_then_reported():
    delays: list[float] = []
    with TrickleServer(in_headers=False) as server:
        source = HttpExportSource(
            server.url, deadline_seconds=0.5, max_retries=1, sleep=delays.append
        )
        error = read_in_thread(source)
    assert isinstance(error, ExportSourceUnavailable) and "failed 2 time(s)" in str(error)
    assert len(delays) == 1


def gzip_bomb(decoded_bytes: int) -> bytes:
    """A gzip body of ``decoded_bytes`` zero bytes, built without holding them in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decoded_bytes // len(block))]
    return b"".join(parts) + compressor.flush()


def test_a_gzip_bomb_is_refused_without_decoding_it():
    bomb = gzip_bomb(300 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # 300 MB decoded from well under 1 MB
    canned = Canned(body=bomb, headers={"Content-Encoding": "gzip"})
    with RecordingServer(canned) as server:
        source = HttpExportSource(server.url, max_retries=0)
        with pytest.raises(RefusedFile, match="compressed by the server") as refused:
            source.read(DAY, "seh_statusmutaties.csv")
        with pytest.raises(IncompleteExportDay) as incomplete:
            verify_export_day(source, DAY)
    assert "Content-Encoding 'gzip'" in str(refused.value)
    assert reason_phrase(incomplete.value) == "manifest.json: gecomprimeerd antwoord geweigerd"


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "streamed"])
def test_a_body_beyond_the_cap_is_refused(announced, monkeypatch):
    monkeypatch.setenv(MAX_MANIFEST_BYTES_ENV, "1000")
    canned = Canned(body=b" " * 5000 + b"{}", content_length=announced)
    with RecordingServer(canned) as server:
        source = HttpExportSource(server.url, max_retries=0)
        with pytest.raises(RefusedFile, match="larger than 1000 bytes") as refused:
            source.read(DAY, "manifest.json")
        assert MAX_MANIFEST_BYTES_ENV in str(refused.value)
        # a published but refused manifest still counts as published, so the day is reported
        assert source.list_days(DAY, DAY) == [DAY]
        with pytest.raises(IncompleteExportDay) as incomplete:
            verify_export_day(source, DAY)
    assert reason_phrase(incomplete.value) == "manifest.json is groter dan toegestaan"


def test_a_body_within_the_cap_is_read_whole():
    body = b"x" * 300_000  # several chunks
    with RecordingServer(Canned(body=body, content_length=False)) as server:
        assert HttpExportSource(server.url).read(DAY, "seh_locaties.csv") == body


def test_a_token_goes_over_plain_http_to_loopback_only(monkeypatch):
    for url in ("http://lpz.example/export", "http://10.1.2.3/export", "http://[::ffff:1.2.3.4]"):
        with pytest.raises(ExportSourceError, match="plain HTTP") as raised:
            HttpExportSource(url, token=TOKEN)
        assert TOKEN not in str(raised.value)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with pytest.raises(ExportSourceError, match="https://"):
        open_source("http://lpz.example/export")
    HttpExportSource("https://lpz.example/export", token=TOKEN)  # TLS: fine
    HttpExportSource("http://lpz.example/export")  # no token: nothing to leak
    with RecordingServer() as server:  # loopback: a test server or a local proxy
        HttpExportSource(server.url, token=TOKEN).read(DAY, "manifest.json")
        HttpExportSource(server.url.replace("127.0.0.1", "localhost")).read(DAY, "manifest.json")
    assert [authorization for _, authorization in server.requests] == [f"Bearer {TOKEN}", None]


def test_the_export_sensor_uses_the_bounded_client(tmp_path, monkeypatch):
    for variable in ("SEH_DATA_DIR", "SEH_WAREHOUSE_PATH"):
        monkeypatch.setenv(variable, "")
    data_dir = settings.use_data_dir(tmp_path / "data")
    monkeypatch.setenv(DEADLINE_ENV, "1")
    from orchestration.definitions import defs

    sensor = defs.get_sensor_def("lpz_export_sensor")
    with TrickleServer(in_headers=True) as server:
        monkeypatch.setenv(settings.EXPORT_SOURCE_ENV, server.url)
        context = build_sensor_context(
            instance=DagsterInstance.ephemeral(),
            resources={
                "export_source": ExportSourceResource(max_retries=0),
                "warehouse": WarehouseResource(path=str(data_dir / "warehouse.duckdb")),
            },
            definitions=defs,
        )
        outcome: list[object] = []
        tick = threading.Thread(target=lambda: outcome.append(sensor(context)), daemon=True)
        tick.start()
        tick.join(PATIENCE_SECONDS)
        assert not tick.is_alive(), "the sensor tick still waits for the server"
    (result,) = outcome
    assert isinstance(result, SkipReason)
    assert "not now, tried again next tick" in result.skip_message
    assert "no complete answer within 1 s" in result.skip_message
