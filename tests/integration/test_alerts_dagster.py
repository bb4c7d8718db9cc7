"""The alert asset and the run-failure sensor in Dagster, against a real SMTP server."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetKey,
    Backoff,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    RetryPolicy,
    SkipReason,
    asset,
    build_run_status_sensor_context,
    job,
    materialize,
    op,
)

from orchestration.assets.alerts import build_lnaz_dq_alert, lnaz_dq_alert
from orchestration.resources.mail import AlertMailerResource
from orchestration.resources.warehouse import WarehouseResource
from orchestration.run_failures import error_text
from orchestration.sensors import engineer_run_failure_alert
from seh_stops.alerts.config import ALL_ENV_VARS
from tests.alert_findings import EUREGIO, MIDDEN, ledger_rows, write_findings
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

USER, PASSWORD = "seh-stops", "Dagster-geheim-5519"
FAST_RETRY = RetryPolicy(max_retries=3, delay=0.05, backoff=Backoff.EXPONENTIAL)


@pytest.fixture
def server():
    with smtp_server(login=(USER, PASSWORD)) as running:
        yield running


@pytest.fixture
def mail_env(monkeypatch, server):
    """The alert variables as an operator would set them, pointing at the test server."""
    for name in ALL_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    values = {
        "SEH_SMTP_HOST": "127.0.0.1",
        "SEH_SMTP_PORT": str(server.port),
        "SEH_SMTP_STARTTLS": "nee",
        "SEH_SMTP_USER": USER,
        "SEH_SMTP_PASSWORD": PASSWORD,
        "SEH_SMTP_TIMEOUT_SECONDS": "5",
        "SEH_ALERT_FROM": "seh-stops@lnaz.nl",
        "SEH_ALERT_TO_LNAZ": "kwaliteit@lnaz.nl",
        "SEH_ALERT_TO_ENGINEERS": "data@lnaz.nl, beheer@lnaz.nl",
        "SEH_DAGSTER_UI_URL": "http://dagster.lnaz.local:3000",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def resources(warehouse: Path, mailer: AlertMailerResource | None = None) -> dict:
    return {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "alert_mailer": mailer or AlertMailerResource.from_env(),
    }


def everything_dagster_recorded(instance: DagsterInstance, run_id: str) -> str:
    """Every event message, the events themselves and the run's config, as one text."""
    records = instance.all_logs(run_id)
    run = instance.get_run_by_id(run_id)
    return "\n".join([str(record) for record in records] + [str(run.run_config), str(run.tags)])


def test_asset_is_declared_as_reviewed():
    spec = next(iter(lnaz_dq_alert.specs))
    assert spec.key == AssetKey("lnaz_dq_alert")
    assert spec.group_name == "quality"
    assert spec.kinds == {"email"}
    assert spec.owners == ["team:lnaz-data"]
    assert {dep.asset_key for dep in spec.deps} == {AssetKey("dq_bevindingen")}
    policy = lnaz_dq_alert.op.retry_policy
    assert policy.max_retries == 3 and policy.backoff == Backoff.EXPONENTIAL


def test_materialize_sends_the_digest_without_leaking_the_password(tmp_path, server, mail_env):
    warehouse = tmp_path / "warehouse.duckdb"
    write_findings(warehouse, [EUREGIO, MIDDEN])
    instance = DagsterInstance.ephemeral()
    result = materialize([lnaz_dq_alert], resources=resources(warehouse), instance=instance)
    assert result.success
    (materialization,) = result.asset_materializations_for_node("lnaz_dq_alert")
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert metadata["status"] == "verzonden"
    assert (metadata["opened_sent"], metadata["resolved_sent"]) == (2, 0)
    assert metadata["recipients"] == 1 and metadata["recipient_addresses"] == "kwaliteit@lnaz.nl"
    assert server.inbox.logins == [USER]
    (mail,) = server.inbox.received
    assert "ROAZ-regio Euregio - januari 2023" in mail.text
    assert PASSWORD not in everything_dagster_recorded(instance, result.run_id)
    assert PASSWORD not in repr(AlertMailerResource.from_env())

    again = materialize([lnaz_dq_alert], resources=resources(warehouse), instance=instance)
    assert again.success and len(server.inbox.received) == 1


def test_a_failing_server_is_retried_until_it_accepts(tmp_path, server, mail_env):
    warehouse = tmp_path / "warehouse.duckdb"
    write_findings(warehouse, [EUREGIO])
    server.inbox.refuse_next = 2
    result = materialize([build_lnaz_dq_alert(FAST_RETRY)], resources=resources(warehouse))
    assert result.success
    retries = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY]
    assert len(retries) == 2
    assert server.inbox.refused == 2 and len(server.inbox.received) == 1
    assert ledger_rows(warehouse) == [(EUREGIO.bevinding_id, "geopend")]


def test_a_dead_server_fails_only_the_alert_and_keeps_the_data(tmp_path, server, mail_env):
    warehouse = tmp_path / "warehouse.duckdb"

    @asset(name="dq_bevindingen")
    def findings_stand_in() -> None:
        write_findings(warehouse, [EUREGIO, MIDDEN])

    server.inbox.refuse = True
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [findings_stand_in, build_lnaz_dq_alert(FAST_RETRY)],
        resources=resources(warehouse),
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [
        AssetKey("dq_bevindingen")
    ]
    (failure,) = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE]
    assert failure.step_key == "lnaz_dq_alert"
    reported = error_text(failure.event_specific_data.error)
    assert reported.startswith(" (Exceeded max_retries of 3): seh_stops.alerts.smtp.AlertNotSent")
    assert "554 5.3.0" in reported
    assert server.inbox.refused == 4  # one attempt and three retries
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.dq_bevindingen").fetchone() == (2,)
    assert ledger_rows(warehouse) == []
    assert PASSWORD not in everything_dagster_recorded(instance, result.run_id)


def test_no_host_skips_with_a_log_line(tmp_path, monkeypatch):
    for name in ALL_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    warehouse = tmp_path / "warehouse.duckdb"
    write_findings(warehouse, [EUREGIO])
    instance = DagsterInstance.ephemeral()
    result = materialize([lnaz_dq_alert], resources=resources(warehouse), instance=instance)
    assert result.success
    messages = [record.user_message for record in instance.all_logs(result.run_id)]
    assert any("LNAZ alert skipped: SEH_SMTP_HOST is not set" in m for m in messages)
    assert ledger_rows(warehouse) == []


def test_a_setting_mistake_fails_at_once_without_retries(tmp_path, server, mail_env, monkeypatch):
    monkeypatch.delenv("SEH_ALERT_TO_LNAZ")
    warehouse = tmp_path / "warehouse.duckdb"
    write_findings(warehouse, [EUREGIO])
    result = materialize(
        [build_lnaz_dq_alert(FAST_RETRY)], resources=resources(warehouse), raise_on_error=False
    )
    assert not result.success
    assert not [e for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY]
    (failure,) = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE]
    assert "SEH_ALERT_TO_LNAZ" in error_text(failure.event_specific_data.error)


@op
def load_that_breaks() -> None:
    raise RuntimeError("export day 2023-01-17 is incomplete\nsecond line\nthird line")


@job
def nightly_load() -> None:
    load_that_breaks()


def failed_run_context(mailer: AlertMailerResource):
    instance = DagsterInstance.ephemeral()
    result = nightly_load.execute_in_process(instance=instance, raise_on_error=False)
    return build_run_status_sensor_context(
        sensor_name="engineer_run_failure_alert",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"alert_mailer": mailer},
    ).for_run_failure()


def test_run_failure_sensor_mails_the_engineers(server, mail_env):
    context = failed_run_context(AlertMailerResource.from_env())
    assert engineer_run_failure_alert(context) is None
    (mail,) = server.inbox.received
    assert mail.rcpt_tos == ["data@lnaz.nl", "beheer@lnaz.nl"]
    assert mail.message["Subject"].startswith("[seh-stops] Run mislukt: nightly_load (")
    run_id = context.dagster_run.run_id
    assert f"http://dagster.lnaz.local:3000/runs/{run_id}" in mail.text
    assert "load_that_breaks: RuntimeError: export day 2023-01-17 is incomplete" in mail.text
    assert PASSWORD not in mail.message.as_string()


def test_run_failure_sensor_skips_without_a_host(monkeypatch):
    for name in ALL_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    outcome = engineer_run_failure_alert(failed_run_context(AlertMailerResource.from_env()))
    assert isinstance(outcome, SkipReason)
    assert "SEH_SMTP_HOST is not set" in outcome.skip_message


def test_wiring_loads_with_and_without_mail_settings(tmp_path, mail_env, monkeypatch):
    """The wiring the code location uses: asset, sensor and resource, as in definitions.py."""
    defs = Definitions(
        assets=[lnaz_dq_alert],
        sensors=[engineer_run_failure_alert],
        resources=resources(tmp_path / "warehouse.duckdb"),
    )
    Definitions.validate_loadable(defs)
    for name in ALL_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    Definitions.validate_loadable(
        Definitions(
            assets=[lnaz_dq_alert],
            sensors=[engineer_run_failure_alert],
            resources=resources(tmp_path / "warehouse.duckdb"),
        )
    )
