"""Run config cannot send a secret elsewhere, nor point the pipeline at a source of its choosing.

Anyone who can launch a run in the Dagster UI writes its run config. These tests launch the
code location's own jobs with the run config such a person could write, aimed at a real server
on 127.0.0.1 that records every request and its ``Authorization`` header, and check that the
run is refused and the server received nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from dagster import DagsterInstance, DagsterInvalidConfigError

from orchestration.resources.export_source import (
    ALLOWED_SOURCES_ENV,
    ExportSourceNotAllowed,
    ExportSourceResource,
    allow_operator_source,
)
from seh_stops import settings
from seh_stops.alerts.config import PASSWORD_ENV
from seh_stops.lpz.http_source import TOKEN_ENV, HttpExportSource
from tests.http_servers import RecordingServer

SECRET = "smtp-password-that-must-stay-home"
TOKEN = "lpz-token-that-goes-to-the-lpz-only"
DAY = date(2023, 1, 9)


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A deployment with secrets in its environment and a folder as its configured source."""
    for variable in ("SEH_DATA_DIR", "SEH_WAREHOUSE_PATH"):
        monkeypatch.setenv(variable, "")
    settings.use_data_dir(tmp_path / "data")
    configured = tmp_path / "exports"
    configured.mkdir()
    monkeypatch.setenv(settings.EXPORT_SOURCE_ENV, str(configured))
    monkeypatch.setenv(PASSWORD_ENV, SECRET)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.delenv(ALLOWED_SOURCES_ENV, raising=False)
    from orchestration.definitions import defs

    return defs


@pytest.fixture
def attacker():
    with RecordingServer() as server:
        yield server


def launch(defs, job: str, run_config: dict):
    return defs.resolve_job_def(job).execute_in_process(
        run_config=run_config,
        instance=DagsterInstance.ephemeral(),
        tags={"dagster/partition": DAY.isoformat()} if job == "ingest_export_days" else {},
        raise_on_error=False,
    )


def test_run_config_cannot_name_a_variable_as_the_bearer_token(deployment, attacker):
    hostile = {"location": attacker.url, "bearer_token": {"env": PASSWORD_ENV}}
    with pytest.raises(DagsterInvalidConfigError, match="bearer_token"):
        launch(
            deployment, "ingest_export_days", {"resources": {"export_source": {"config": hostile}}}
        )
    assert attacker.requests == []


def test_run_config_cannot_point_the_source_at_another_server(deployment, attacker):
    config = {"resources": {"export_source": {"config": {"location": attacker.url}}}}
    result = launch(deployment, "ingest_export_days", config)
    assert not result.success
    failures = " ".join(
        event.event_specific_data.error.to_string()
        for event in result.all_events
        if event.is_step_failure
    )
    assert "is not allowed" in failures and ALLOWED_SOURCES_ENV in failures
    assert attacker.requests == []  # not even a request without the token


def test_run_config_cannot_name_another_local_folder(deployment, tmp_path):
    elsewhere = tmp_path / "not-the-source"
    elsewhere.mkdir()
    resource = ExportSourceResource(location=str(elsewhere))
    with pytest.raises(ExportSourceNotAllowed, match="is not allowed"):
        resource.open()


def test_run_config_cannot_redirect_the_mail_or_its_password(deployment, attacker):
    port = attacker.url.split(":")[2].split("/")[0]
    hostile = {"host": "127.0.0.1", "port": port, "password": {"env": TOKEN_ENV}}
    with pytest.raises(DagsterInvalidConfigError):
        launch(deployment, "transform", {"resources": {"alert_mailer": {"config": hostile}}})
    assert attacker.requests == []


def test_the_allowlist_in_the_environment_admits_a_second_source(deployment, attacker, monkeypatch):
    monkeypatch.setenv(ALLOWED_SOURCES_ENV, f"/some/other/folder, {attacker.url}/")
    opened = ExportSourceResource(location=attacker.url).open()
    assert isinstance(opened, HttpExportSource)
    assert opened.read(DAY, "manifest.json") == b"{}"
    # the deployment trusts what it lists with the token: the token of the environment
    assert attacker.requests == [(f"/lpz/{DAY.isoformat()}/manifest.json", f"Bearer {TOKEN}")]


def test_the_command_line_may_name_a_folder_but_not_an_unlisted_url(deployment, attacker, tmp_path):
    folder = tmp_path / "operator-folder"
    folder.mkdir()
    allow_operator_source(folder)  # what `seh-stops run --source <folder>` does
    assert ExportSourceResource(location=str(folder)).open().describe() == str(folder.resolve())
    with pytest.raises(ExportSourceNotAllowed, match=ALLOWED_SOURCES_ENV):
        allow_operator_source(attacker.url)
    with pytest.raises(ExportSourceNotAllowed):
        ExportSourceResource(location=attacker.url).open()
    assert attacker.requests == []


def test_seh_stops_run_refuses_an_unlisted_url_before_any_request(deployment, attacker):
    from cli.runner import run_pipeline

    with pytest.raises(ExportSourceNotAllowed):
        run_pipeline(attacker.url, DAY, DAY, progress=lambda message: None)
    assert attacker.requests == []
