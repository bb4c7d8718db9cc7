"""The Dagster UI as people see it: `dagster dev`, unattended runs, pages in Chromium.

Starts `dagster dev` on a free loopback port with its own data dir and an export folder of
three simulated days, and lets the daemon do what it does every night: the export sensor
launches the ingestion, the run-status sensor the rebuild after it. The runs are followed over
the webserver's GraphQL API; then the asset graph, an asset page and the automation page are
opened in headless Chromium (Debian's package; browser downloads fail offline), with
screenshots saved under the test's temporary directory.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from seh_stops.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
LOCATION = "orchestration.definitions"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(base: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    assert "errors" not in body, body
    return body["data"]


RUNS = """
{ runsOrError(limit: 20) { ... on Runs { results {
    runId jobName status tags { key value } } } } }
"""


def _wait_for_the_sensors(base: str, timeout: float = 420) -> list[dict]:
    """Wait until the sensors' ingestion run and the rebuild after it have succeeded."""
    deadline = time.monotonic() + timeout
    runs: list[dict] = []
    while time.monotonic() < deadline:
        runs = _graphql(base, RUNS)["runsOrError"]["results"]
        failed = [run for run in runs if run["status"] in ("FAILURE", "CANCELED")]
        assert not failed, failed
        done = {run["jobName"] for run in runs if run["status"] == "SUCCESS"}
        if {"ingest_export_days", "transform"} <= done:
            return runs
        time.sleep(2)
    raise AssertionError(f"the sensors' runs did not finish in {timeout} s: {runs}")


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory):
    """A running `dagster dev` (webserver + daemon) over a fresh data dir; yields its URL."""
    from simulator import simulate

    root = tmp_path_factory.mktemp("ui")
    data_dir = root / "data"
    exports = data_dir / "exports"
    simulate(date(2023, 1, 9), date(2023, 1, 11), exports)
    home = data_dir / "dagster_home"
    home.mkdir(parents=True)
    shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = {
        **os.environ,
        "SEH_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(home),
        "LPZ_EXPORT_SOURCE": str(exports),
    }
    env.pop("SEH_WAREHOUSE_PATH", None)
    log = (root / "dagster-dev.log").open("w")
    dagster = Path(sys.prefix) / "bin" / "dagster"
    process = subprocess.Popen(
        [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGINT stops webserver and daemon
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(
                        "dagster dev did not start:\n" + (root / "dagster-dev.log").read_text()
                    ) from None
                time.sleep(1)
        runs = _wait_for_the_sensors(base)
        yield base, root, runs
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_the_sensors_load_the_new_days_and_rebuild_without_a_hand_started_run(dagster_ui):
    base, _, runs = dagster_ui
    tags = {run["jobName"]: {tag["key"]: tag["value"] for tag in run["tags"]} for run in runs}
    ingestion = tags["ingest_export_days"]
    assert ingestion["dagster/sensor_name"] == "lpz_export_sensor"
    assert (
        ingestion["dagster/asset_partition_range_start"],
        ingestion["dagster/asset_partition_range_end"],
    ) == ("2023-01-09", "2023-01-11")
    assert tags["transform"]["dagster/sensor_name"] == "transform_after_ingestion"
    assert [run["jobName"] for run in runs].count("ingest_export_days") == 1
    data = _graphql(
        base,
        """{ assetNodes { assetKey { path } groupName
             assetMaterializations(limit: 1) { runId } } }""",
    )
    materialized = {
        node["assetKey"]["path"][-1] for node in data["assetNodes"] if node["assetMaterializations"]
    }
    assert {"lpz_export_day", "fct_stop_episodes", "agg_seh_stops_regio_maand"} <= materialized


def test_every_step_of_a_launched_run_executes_in_its_run_worker(dagster_ui):
    """The daemon's runs execute as `seh-stops run` does, one process per run: no step gets a
    process of its own that loads the code location again (docs/decisions.md)."""
    from dagster import DagsterInstance

    _, root, runs = dagster_ui
    with DagsterInstance.from_config(str(root / "data" / "dagster_home")) as instance:
        for run in runs:
            if run["jobName"] not in ("ingest_export_days", "transform"):
                continue
            events = [
                entry.dagster_event
                for entry in instance.all_logs(run["runId"])
                if entry.dagster_event is not None
            ]
            kinds = {event.event_type_value for event in events}
            assert "STEP_SUCCESS" in kinds and "STEP_WORKER_STARTING" not in kinds, kinds
            # the run worker's pid on every step's events (the planned events have none)
            started = {event.pid for event in events if event.event_type_value == "STEP_START"}
            assert len(started) == 1 and None not in started, (run["jobName"], started)


def _text_once_rendered(page, after: str, expected: str, seconds: float = 60) -> str:
    """The page's text once ``expected`` shows within 40 characters after ``after``: the UI
    renders the label first and fills in the value (here the relative time) from a later
    query. Returns the last text read when the time is up, for the assertion to show."""
    deadline = time.monotonic() + seconds
    while True:
        text = page.inner_text("body")
        if expected in text.split(after, 1)[-1][:40] or time.monotonic() > deadline:
            return text
        page.wait_for_timeout(500)


def test_the_asset_graph_and_an_asset_page_render_in_chromium(dagster_ui):
    from playwright.sync_api import sync_playwright

    base, root, _ = dagster_ui
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(
            f"{base}/assets/agg_seh_stops_regio_maand?view=lineage&lineageDepth=3",
            wait_until="networkidle",
        )
        skip = page.get_by_role("button", name="Skip")  # the first-visit community dialog
        if skip.count():
            skip.click()
        # the month mart reads the period figures, which read the episodes (two steps up)
        page.get_by_text("int_stop_episodes").first.wait_for(timeout=60_000)
        page.screenshot(path=str(root / "asset-graph.png"))
        graph_text = page.inner_text("body")
        page.goto(f"{base}/assets/agg_seh_stops_regio_maand", wait_until="networkidle")
        page.get_by_text("Latest materialization").first.wait_for(timeout=60_000)
        asset_text = _text_once_rendered(page, after="Latest materialization", expected="ago")
        page.screenshot(path=str(root / "asset-page.png"))
        page.goto(f"{base}/automation", wait_until="networkidle")
        page.get_by_text("lpz_export_sensor").first.wait_for(timeout=60_000)
        page.screenshot(path=str(root / "automation.png"))
        automation_text = page.inner_text("body")
        browser.close()
    lineage = ("int_stop_episodes", "int_stop_ketens", "seh_referentie")
    for name in (*lineage, "marts", "episodes"):
        assert name in graph_text
    assert "agg_seh_stops_regio_maand" in asset_text
    assert "ago" in asset_text.split("Latest materialization", 1)[1][:40]  # e.g. "3 minutes ago"
    assert (root / "asset-graph.png").stat().st_size > 10_000
    for name in ("lpz_export_sensor", "transform_after_ingestion", "nightly_transform"):
        assert name in automation_text
