"""The HTTP(S) export source against a real server on 127.0.0.1 that requires a bearer token.

The server serves a folder written with :mod:`tests.exportdays`, counts the requests per path,
and can be told to answer a path with given statuses first (500, 400, 403, ...). HTTPS uses a
test CA from ``trustme``.
"""

from __future__ import annotations

import http.server
import json
import logging
import ssl
import threading
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest
import trustme

from orchestration.resources import ExportSourceResource
from seh_stops import settings
from seh_stops.lpz.contract import DATA_FILES, MANIFEST_FILE
from seh_stops.lpz.export_day import MissingExportDay, verify_export_day
from seh_stops.lpz.http_source import (
    CA_BUNDLE_ENV,
    TOKEN_ENV,
    ExportSourceAuthError,
    ExportSourceRequestError,
    ExportSourceTLSError,
    ExportSourceUnavailable,
    HttpExportSource,
)
from seh_stops.lpz.source import ExportSourceError, open_source
from tests.exportdays import location_line, stop_line, write_day

TOKEN = "s3cr3t-T0ken-for-tests-only"
DAY_1, DAY_2, DAY_3 = date(2023, 1, 9), date(2023, 1, 10), date(2023, 1, 11)
REGISTER = [location_line("SEH0001", "Noord"), location_line("SEH0002", "Oost")]


class ExportServer:
    """A threaded http.server over ``root`` that wants ``Authorization: Bearer <token>``."""

    def __init__(self, root: Path, token: str | None = TOKEN, tls: ssl.SSLContext | None = None):
        self.root = root
        self.token = token
        self.requests: Counter[str] = Counter()
        self.authorized: Counter[str] = Counter()
        self.faults: dict[str, list[int]] = defaultdict(list)
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.root), **kwargs)

            def do_GET(self):
                server.requests[self.path] += 1
                if server.faults[self.path]:
                    self.send_error(server.faults[self.path].pop(0))
                    return
                if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
                    self.send_error(401)
                    return
                server.authorized[self.path] += 1
                super().do_GET()

            def log_message(self, format, *args):  # keep test output clean
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):  # failed TLS handshakes
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/lpz/export"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def path(self, day: date, name: str) -> str:
        return f"/lpz/export/{day.isoformat()}/{name}"

    def __enter__(self) -> ExportServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def exports(tmp_path) -> Path:
    """Two published days under <root>/lpz/export; 2023-01-11 is not published."""
    root = tmp_path / "www"
    folder = root / "lpz" / "export"
    write_day(
        folder,
        DAY_1,
        locations=REGISTER,
        mutations=[stop_line("M1", "SEH0001", "2023-01-09T10:00:00", "2023-01-09T11:00:00")],
    )
    write_day(
        folder,
        DAY_2,
        locations=REGISTER,
        mutations=[stop_line("M2", "SEH0002", "2023-01-10T08:00:00", "2023-01-10T09:30:00")],
    )
    return root


@pytest.fixture
def server(exports):
    with ExportServer(exports) as running:
        yield running


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_bundle(ca, tmp_path) -> Path:
    path = tmp_path / "lpz-test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def tls_server(exports, ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with ExportServer(exports, tls=context) as running:
        yield running


def source(url: str, **options) -> HttpExportSource:
    options.setdefault("token", TOKEN)
    options.setdefault("backoff_seconds", 0.01)
    return HttpExportSource(url, **options)


def assert_no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text


def exception_texts(exc: BaseException) -> list[str]:
    """The message, repr and every chained cause/context of ``exc``."""
    texts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        texts += [str(exc), repr(exc)]
        exc = exc.__cause__ or exc.__context__
    return texts


# -- reading -----------------------------------------------------------------------------------


def test_a_published_day_is_read_and_verified_with_the_token(server):
    export_day = verify_export_day(source(server.url), DAY_1)
    assert export_day.source == server.url
    assert set(export_day.contents) == {MANIFEST_FILE, *DATA_FILES}
    assert server.authorized[server.path(DAY_1, "seh_statusmutaties.csv")] == 1


def test_without_the_token_the_server_says_401_and_the_error_says_to_set_it(server):
    with pytest.raises(ExportSourceAuthError) as raised:
        source(server.url, token=None).read(DAY_1, "manifest.json")
    assert "HTTP 401" in str(raised.value) and TOKEN_ENV in str(raised.value)
    assert server.requests[server.path(DAY_1, "manifest.json")] == 1  # 4xx: never retried


def test_a_wrong_token_is_refused_without_showing_either_token(server, caplog, capsys):
    wrong = "wrong-token-value-123"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ExportSourceAuthError) as raised:
        source(server.url, token=wrong).read(DAY_1, "manifest.json")
    assert f"check that {TOKEN_ENV} holds a valid bearer token" in str(raised.value)
    captured = capsys.readouterr()
    for text in [*exception_texts(raised.value), caplog.text, captured.out, captured.err]:
        assert wrong not in text and TOKEN not in text


def test_404_is_not_yet_published_and_not_an_error(server):
    http = source(server.url)
    assert http.read(DAY_3, "manifest.json") is None
    assert server.requests[server.path(DAY_3, "manifest.json")] == 1
    with pytest.raises(MissingExportDay, match="2023-01-11 is missing"):
        verify_export_day(http, DAY_3)


def test_5xx_is_retried_with_backoff_until_it_succeeds(server, caplog):
    path = server.path(DAY_1, "manifest.json")
    server.faults[path] = [500, 503]
    delays: list[float] = []
    caplog.set_level(logging.WARNING)
    http = source(server.url, backoff_seconds=0.5, sleep=delays.append)
    manifest = json.loads(http.read(DAY_1, "manifest.json"))
    assert manifest["exportdatum"] == "2023-01-09"
    assert server.requests[path] == 3 and server.authorized[path] == 1
    assert delays == [0.5, 1.0]  # exponential
    assert "HTTP 500" in caplog.text and "retry 1 of" in caplog.text
    assert_no_token(caplog.text)


def test_5xx_that_outlasts_the_retries_is_a_clear_unavailable_error(server):
    path = server.path(DAY_1, "manifest.json")
    server.faults[path] = [502] * 10
    with pytest.raises(ExportSourceUnavailable) as raised:
        source(server.url, max_retries=2).read(DAY_1, "manifest.json")
    assert server.requests[path] == 3
    assert "failed 3 time(s), last with HTTP 502" in str(raised.value)
    assert_no_token(*exception_texts(raised.value))


@pytest.mark.parametrize(
    ("status", "error"), [(400, ExportSourceRequestError), (403, ExportSourceAuthError)]
)
def test_4xx_is_not_retried(server, status, error):
    path = server.path(DAY_1, "manifest.json")
    server.faults[path] = [status, status, status]
    with pytest.raises(error, match=f"HTTP {status}"):
        source(server.url).read(DAY_1, "manifest.json")
    assert server.requests[path] == 1


def test_connection_errors_are_retried_then_reported(caplog):
    delays: list[float] = []
    http = source("http://127.0.0.1:9/lpz", max_retries=2, sleep=delays.append)  # discard port
    with pytest.raises(ExportSourceUnavailable) as raised:
        http.read(DAY_1, "manifest.json")
    assert len(delays) == 2
    assert "unreachable" in str(raised.value) and "ConnectionError" in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__context__ is None
    assert_no_token(*exception_texts(raised.value), caplog.text)


def test_list_days_probes_the_manifests_of_a_range(server):
    assert source(server.url).list_days(DAY_1, DAY_3) == [DAY_1, DAY_2]
    assert server.requests[server.path(DAY_3, "manifest.json")] == 1


def test_only_contract_files_can_be_requested(server):
    with pytest.raises(ValueError, match="not a file of the LPZ export contract"):
        source(server.url).read(DAY_1, "../../etc/passwd")
    assert sum(server.requests.values()) == 0


def test_credentials_in_the_url_are_refused_without_echoing_them():
    with pytest.raises(ExportSourceError) as raised:
        HttpExportSource(f"https://user:{TOKEN}@lpz.example/export")
    assert "contains credentials" in str(raised.value)
    assert_no_token(str(raised.value))
    with pytest.raises(ExportSourceError, match="query string"):
        HttpExportSource(f"https://lpz.example/export?token={TOKEN}")


def test_a_token_with_a_line_break_is_refused_without_echoing_it():
    with pytest.raises(ExportSourceError) as raised:
        HttpExportSource("https://lpz.example/export", token=f"{TOKEN}\nX-Evil: 1")
    assert_no_token(*exception_texts(raised.value))
    # a trailing newline (a token read from a file) is fine
    http = HttpExportSource("https://lpz.example/export", token=f"{TOKEN}\n")
    assert TOKEN not in repr(http) and TOKEN not in http.describe()


def test_open_source_chooses_http_for_urls_and_reads_the_environment(server, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    http = open_source(server.url + "/")
    assert isinstance(http, HttpExportSource)
    assert http.describe() == server.url
    assert http.read(DAY_2, "manifest.json") is not None


# -- TLS -----------------------------------------------------------------------------------------


def test_https_with_the_test_ca_succeeds(tls_server, ca_bundle):
    assert tls_server.url.startswith("https://")
    export_day = verify_export_day(source(tls_server.url, ca_bundle=ca_bundle), DAY_2)
    assert export_day.day == DAY_2


def test_https_without_the_ca_fails_clearly_and_is_not_retried(tls_server, caplog, capsys):
    delays: list[float] = []
    with pytest.raises(ExportSourceTLSError) as raised:
        source(tls_server.url, sleep=delays.append).read(DAY_2, "manifest.json")
    message = str(raised.value)
    assert "TLS verification" in message and "CERTIFICATE_VERIFY_FAILED" in message
    assert CA_BUNDLE_ENV in message
    assert delays == []
    captured = capsys.readouterr()
    assert_no_token(*exception_texts(raised.value), caplog.text, captured.out, captured.err)


def test_a_ca_bundle_that_is_not_a_file_is_a_clear_error(tmp_path):
    with pytest.raises(ExportSourceError, match="is not a file"):
        HttpExportSource("https://lpz.example", ca_bundle=tmp_path / "nope.pem")


def test_the_resource_reads_token_and_ca_bundle_from_the_environment(
    tls_server, ca_bundle, monkeypatch
):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(CA_BUNDLE_ENV, str(ca_bundle))
    monkeypatch.setenv(settings.EXPORT_SOURCE_ENV, tls_server.url)
    resource = ExportSourceResource()
    # neither the token nor the variable's name is part of the resource's config
    assert TOKEN not in repr(resource) and "bearer_token" not in repr(resource)
    opened = resource.process_config_and_initialize().open()
    assert opened.read(DAY_1, "manifest.json") is not None


# -- end to end ------------------------------------------------------------------------------


def test_run_pipeline_loads_two_days_over_https_and_never_records_the_token(
    tls_server, ca_bundle, tmp_path, monkeypatch, caplog, capsys
):
    from cli.runner import instance, run_pipeline

    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(CA_BUNDLE_ENV, str(ca_bundle))
    monkeypatch.setenv(settings.EXPORT_SOURCE_ENV, tls_server.url)  # a URL must be configured
    data_dir = settings.use_data_dir(tmp_path / "data")
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    summary = run_pipeline(tls_server.url, DAY_1, DAY_3, progress=messages.append)

    assert summary.days_loaded == [DAY_1, DAY_2]
    assert [problem.day for problem in summary.not_loadable] == [DAY_3]
    assert summary.checks_failed == []
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        sources = con.execute("select distinct bron from raw.export_versies").fetchall()
        episodes = con.execute(
            "select locatie_id, duur_seconden from marts.fct_stop_episodes "
            "where definitie = 'regionaal' order by begin_at"
        ).fetchall()
    finally:
        con.close()
    assert sources == [(tls_server.url,)]
    assert episodes == [("SEH0001", 3600), ("SEH0002", 5400)]

    # the token is in no log, message, run config or Dagster event
    captured = capsys.readouterr()
    assert_no_token(caplog.text, captured.out, captured.err, *messages)
    with instance() as dagster_instance:
        for run_id in summary.run_ids:
            run = dagster_instance.get_run_by_id(run_id)
            assert_no_token(json.dumps(run.run_config), json.dumps(run.tags))
            for record in dagster_instance.all_logs(run_id):
                assert_no_token(str(record))
        ingestion = dagster_instance.get_run_by_id(summary.run_ids[0]).run_config
    # the run was given the location only, and the asset did use the token of the environment
    assert ingestion["resources"]["export_source"]["config"] == {"location": tls_server.url}
    mutations = tls_server.path(DAY_1, "seh_statusmutaties.csv")
    assert tls_server.authorized[mutations] == 2  # the runner's check, then the Dagster asset
    for path in (data_dir / "dagster_home").rglob("*"):
        if path.is_file() and path.suffix in (".db", ".yaml", ".log", ".out", ".err", ".json"):
            assert TOKEN.encode() not in path.read_bytes(), path
