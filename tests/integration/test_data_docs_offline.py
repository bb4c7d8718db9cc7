"""GX Data Docs render offline and call nowhere: real pages of a real run, in real Chromium.

A copy of the simulated January run gets one more export day, a broken one: its blocking GX
check fails, so the Data Docs hold January's passing validations and a failing one. The index,
the failing validation result (the page the check's metadata links to) and a suite are opened
in headless Chromium (Debian's package) with every request outside file:// refused and
recorded. Every generated page is scanned for references to the internet. The fetch of the
assets at set-up is shown against a registry mirror on 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import tarfile
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlparse

import pytest
from dagster import DagsterEventType, RunsFilter

from cli.runner import PipelineFailed, instance, run_pipeline
from seh_stops import settings
from seh_stops.lpz.contract import LOCATIONS_FILE
from seh_stops.quality import data_docs_assets
from seh_stops.quality.data_docs_assets import AssetFetchError, NpmPackage
from seh_stops.quality.suites import all_suites
from tests.exportdays import mutation_line, write_day
from tests.offline_browser import needs_chromium, offline_browser

BROKEN = date(2023, 2, 4)  # the day after the simulated range
SUITE = "raw_seh_statusmutaties"
STATUS_EXPECTATION = "values must belong to this set: stop open ingetrokken"


def at(clock: str) -> str:
    return f"{BROKEN.isoformat()}T{clock}+01:00"


@pytest.fixture(scope="module")
def broken_run(january_run, tmp_path_factory):
    """The January data dir, copied, plus a broken export day whose quality gate fails."""
    data_dir = tmp_path_factory.mktemp("data_docs") / "data"
    shutil.copytree(january_run.data_dir, data_dir)
    exports = data_dir / "exports"
    last = exports / "2023-02-03" / LOCATIONS_FILE
    register = last.read_text(encoding="utf-8").splitlines()[1:]
    location = register[0].split(";")[0]
    write_day(
        exports,
        BROKEN,
        locations=register,
        mutations=[
            # a status the contract does not know, on most of the day's rows: broken at
            # scale, so the gate blocks (one such row alone would be a warning)
            *(
                mutation_line(f"KAPOT{n}", location, status="Stop", ingang=at(f"0{n}:00:00"),
                              geregistreerd_op=at(f"0{n}:00:00"))
                for n in range(1, 6)
            ),
            mutation_line("HEEL1", location, ingang=at("11:00:00"),
                          geregistreerd_op=at("11:00:00")),
        ],
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as env:
        for variable in ("SEH_DATA_DIR", "SEH_WAREHOUSE_PATH"):
            env.setenv(variable, "")  # restored afterwards: use_data_dir sets them
        settings.use_data_dir(data_dir)
        with pytest.raises(PipelineFailed, match="great_expectations"):
            run_pipeline(str(exports), progress=lambda message: None)
        with instance() as dagster_instance:
            [record] = dagster_instance.get_run_records(
                RunsFilter(job_name="ingest_export_days"), limit=1
            )
            [event] = dagster_instance.all_logs(
                record.dagster_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
            )
    yield {
        "site": data_dir / "gx" / "data_docs",
        "check": event.dagster_event.event_specific_data,
    }


def path_of(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def test_the_check_links_to_the_local_page_of_its_failing_validation(broken_run):
    check = broken_run["check"]
    assert not check.passed
    url = check.metadata[f"data_docs/{SUITE}"].value
    assert url.startswith("file://")
    page = path_of(url)
    assert page.is_file()
    assert page.relative_to(broken_run["site"]).parts[:2] == ("validations", SUITE)
    # the page of the broken day: its failing row, by the key columns GX reports
    assert BROKEN.isoformat() in page.read_text(encoding="utf-8")


# An external reference a reader clicks: an <a> element's href. Nothing else may name one.
_LINK_HREF = re.compile(r"""<a\b[^>]*?\bhref=(["'])(?:https?:)?//[^"']*\1""", re.IGNORECASE)
_EXTERNAL = re.compile(r"""https?://[^\s"'<>)]+|(?:src|href)=["']//[^"']*""", re.IGNORECASE)


def test_no_generated_page_refers_to_the_internet_but_by_a_link(broken_run):
    pages = sorted(broken_run["site"].rglob("*.html"))
    kinds = {page.relative_to(broken_run["site"]).parts[0] for page in pages}
    assert kinds == {"index.html", "expectations", "validations"}
    found = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "static/vendor/" in text
        rest = _LINK_HREF.sub("<a>", text)
        references = _EXTERNAL.findall(rest)
        if references:
            found[str(page)] = sorted(set(references))
    assert found == {}


@needs_chromium
def test_index_validation_and_suite_render_offline_in_chromium(broken_run, tmp_path):
    site = broken_run["site"]
    validation = path_of(broken_run["check"].metadata[f"data_docs/{SUITE}"].value)
    failed: list[str] = []
    errors: list[str] = []
    with offline_browser(1400, 1000) as (context, refused):
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto((site / "index.html").as_uri(), wait_until="load")
        results = page.locator("table", has=page.get_by_text("Run Time", exact=True))
        results.locator("tbody tr").first.wait_for()
        index_rows = results.locator("tbody tr").all_inner_texts()
        index_text = page.inner_text("body")
        page.screenshot(path=str(tmp_path / "index.png"), full_page=True)

        page.goto(validation.as_uri(), wait_until="load")
        page.get_by_text("Unexpected Value", exact=True).first.wait_for()
        validation_text = page.inner_text("body")
        validation_rows = page.locator("table tbody tr").count()
        failing = page.locator("tr").filter(has_text=STATUS_EXPECTATION).last
        failing_text = failing.inner_text()
        page.screenshot(path=str(tmp_path / "validation.png"), full_page=True)

        page.goto((site / "expectations" / f"{SUITE}.html").as_uri(), wait_until="load")
        page.get_by_text(STATUS_EXPECTATION).first.wait_for()
        suite_text = page.inner_text("body")
        scripts = page.evaluate("() => [typeof jQuery, typeof jQuery.fn.bootstrapTable]")

    assert refused == [], "the pages asked for something outside file://"
    assert failed == [] and errors == [], (failed, errors)
    # the index lists every suite
    for suite in ("raw_seh_locaties", SUITE, "fct_stop_episodes", "agg_seh_stops_regio_maand"):
        assert suite in index_text
    # a row per validation result, the newest (the broken day's) first; ten to a page
    results_count = len(list((site / "validations").rglob("*.html")))
    assert f"of {results_count} rows" in index_text
    assert len(index_rows) == min(results_count, 10)
    assert SUITE in index_rows[0]
    # the failing expectation of the status column, with the row GX found (by its keys)
    assert validation_rows > 5 and "Failed" in validation_text
    assert "5 unexpected values found" in failing_text
    assert "Stop" in failing_text and BROKEN.isoformat() in failing_text  # the sample row
    # the suite: every expectation in words, with the page's scripts loaded
    count = len(next(spec for spec in all_suites() if spec.name == SUITE).expectations)
    assert f"currently contains {count} total Expectations" in suite_text
    assert scripts == ["function", "function"]


# -- the set-up step against a registry on 127.0.0.1 ---------------------------------------


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class _Registry(BaseHTTPRequestHandler):
    tarballs: ClassVar[dict[str, bytes]] = {}
    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        data = self.tarballs.get(self.path)
        self.send_response(200 if data else 404)
        self.end_headers()
        self.wfile.write(data or b"")

    def log_message(self, *args) -> None:
        pass


def test_setup_fetches_checks_and_unpacks_pinned_packages_once(tmp_path, monkeypatch):
    good = _tarball({"dist/lib.min.js": b"window.lib = 1;", "README.md": b"not wanted"})
    package = NpmPackage("@scope/lib", "1.2.3", _integrity(good), ("dist/lib.min.js",))
    tampered = NpmPackage("other", "0.1.0", _integrity(b"what was pinned"), ("x.js",))
    _Registry.tarballs = {"/@scope/lib/-/lib-1.2.3.tgz": good, "/other/-/other-0.1.0.tgz": good}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    registry = f"http://127.0.0.1:{server.server_port}"
    try:
        monkeypatch.setattr(data_docs_assets, "PACKAGES", (package,))
        assert data_docs_assets.fetch_all(tmp_path, registry) == ["lib-1.2.3"]
        assert (tmp_path / "lib-1.2.3" / "dist" / "lib.min.js").read_bytes() == b"window.lib = 1;"
        assert not (tmp_path / "lib-1.2.3" / "README.md").exists()
        assert data_docs_assets.fetch_all(tmp_path, registry) == []  # present: no request
        assert len(_Registry.requested) == 1

        monkeypatch.setattr(data_docs_assets, "PACKAGES", (tampered,))
        with pytest.raises(AssetFetchError, match="does not match its pinned sha512"):
            data_docs_assets.fetch_all(tmp_path, registry)
        assert not (tmp_path / "other-0.1.0").exists()
    finally:
        server.shutdown()
        server.server_close()
