"""Sensors: a failed run is mailed to the data engineers."""

from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    SkipReason,
    run_failure_sensor,
)

from orchestration.alerts import send_run_failure_alert
from orchestration.alerts.config import HOST_ENV
from orchestration.resources.mail import AlertMailerResource


@run_failure_sensor(
    name="engineer_run_failure_alert",
    description=(
        "Mails the data engineers (SEH_ALERT_TO_ENGINEERS) when a run of this code location "
        "fails: the job, the run, the first lines of each error and a link to the run in the "
        "Dagster UI (SEH_DAGSTER_UI_URL). Skips when SEH_SMTP_HOST is not set."
    ),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
def engineer_run_failure_alert(
    context: RunFailureSensorContext, alert_mailer: AlertMailerResource
) -> SkipReason | None:
    run = context.dagster_run
    settings = alert_mailer.settings()
    if settings is None:
        reason = f"run {run.run_id} of {run.job_name} failed; no mail sent: {HOST_ENV} is not set"
        context.log.info(reason)
        return SkipReason(reason)
    delivery = send_run_failure_alert(
        settings, job_name=run.job_name, run_id=run.run_id, errors=failure_messages(context)
    )
    context.log.info(
        f"mailed the failure of run {run.run_id} to {len(delivery.recipients)} data engineer(s)"
    )
    return None


def failure_messages(context: RunFailureSensorContext) -> list[str]:
    """Each failed step's error (``step: Type: message``), else the run's failure message."""
    messages = []
    for event in context.get_step_failure_events():
        error = getattr(event.event_specific_data, "error", None)
        if error is not None:
            messages.append(f"{event.step_key}{error_text(error)}")
    if not messages and context.failure_event.message:
        messages.append(context.failure_event.message)
    return messages


def error_text(error) -> str:
    """``: Type: message`` of the error the step's code raised, with Dagster's notes before it.

    Dagster wraps that error (in a step-execution error, or a retry error saying the retries
    ran out); the innermost cause is what went wrong, a wrapper's own message is kept only when
    it says something (``(Exceeded max_retries of 3)``).
    """
    texts = []
    while error is not None:
        texts.append(error.message.strip())
        error = error.cause
    notes = "".join(f" ({text})" for text in texts[:-1] if not text.startswith("dagster."))
    return f"{notes}: {texts[-1]}"
