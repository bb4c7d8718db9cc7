"""The Dagster UI as people see it: `dagster dev`, runs launched over GraphQL, pages in Chromium.

Starts `dagster dev` on a free loopback port with its own data dir, launches the ingestion of
three simulated export days and the dbt build through the webserver's GraphQL API (queued and
executed by the daemon, as a click in the UI would), then opens the asset graph and an asset
page in headless Chromium (Debian's package; browser downloads fail offline) and saves
screenshots under the test's temporary directory.
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

from orchestration.settings import REPO_ROOT

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


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
RUN_STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"


def _launch_and_wait(base: str, job: str, tags: dict[str, str], timeout: float = 300) -> None:
    params = {
        "selector": {
            "repositoryLocationName": LOCATION,
            "repositoryName": "__repository__",
            "jobName": job,
        },
        "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in tags.items()]},
    }
    launched = _graphql(base, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _graphql(base, RUN_STATUS, {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            assert status == "SUCCESS", f"{job} run {run_id} ended {status}"
            return
        time.sleep(1)
    raise AssertionError(f"{job} run {run_id} did not finish in {timeout} s")


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory):
    """A running `dagster dev` (webserver + daemon) over a fresh data dir; yields its URL."""
    from orchestration.simulator import simulate

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
        _launch_and_wait(
            base,
            "ingest_export_days",
            {
                "dagster/asset_partition_range_start": "2023-01-09",
                "dagster/asset_partition_range_end": "2023-01-11",
            },
        )
        _launch_and_wait(base, "transform", {})
        yield base, root
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_runs_launched_through_graphql_materialize_the_pipeline(dagster_ui):
    base, _ = dagster_ui
    data = _graphql(
        base,
        """{ assetNodes { assetKey { path } groupName
             assetMaterializations(limit: 1) { runId } } }""",
    )
    materialized = {
        node["assetKey"]["path"][-1] for node in data["assetNodes"] if node["assetMaterializations"]
    }
    assert {"lpz_export_day", "fct_stop_episodes", "agg_seh_stops_regio_maand"} <= materialized


def test_the_asset_graph_and_an_asset_page_render_in_chromium(dagster_ui):
    from playwright.sync_api import sync_playwright

    base, root = dagster_ui
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
        page.get_by_text("fct_stop_episodes").first.wait_for(timeout=60_000)
        page.screenshot(path=str(root / "asset-graph.png"))
        graph_text = page.inner_text("body")
        page.goto(f"{base}/assets/agg_seh_stops_regio_maand", wait_until="networkidle")
        page.get_by_text("Latest materialization").first.wait_for(timeout=60_000)
        page.screenshot(path=str(root / "asset-page.png"))
        asset_text = page.inner_text("body")
        browser.close()
    for name in ("fct_stop_episodes", "int_stop_ketens", "seh_referentie", "marts", "intermediate"):
        assert name in graph_text
    assert "agg_seh_stops_regio_maand" in asset_text
    assert "ago" in asset_text.split("Latest materialization", 1)[1][:40]  # e.g. "3 minutes ago"
    assert (root / "asset-graph.png").stat().st_size > 10_000
