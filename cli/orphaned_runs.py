"""Runs that a killed ``seh-stops`` process left marked as going on for ever.

``seh-stops run`` and ``seh-stops deliver`` execute their Dagster runs in their own process.
When that process dies (SIGKILL, the OOM killer, a power cut), nothing reports the run's end:
it stays ``STARTED`` in the data dir's instance. That is more than a wrong line in the UI. The
queue of the UI and daemon (``run_queue.max_concurrent_runs: 1`` in ``dagster.yaml``) counts
it as running, so with the same ``DAGSTER_HOME`` no queued run, the 07:00 delivery included,
would ever start again. Every CLI command therefore first marks such runs as failed.

A run is taken as orphaned only when it was executed in a CLI process (it has no code-location
origin: the UI's and daemon's runs have one and are watched by the daemon's run monitoring) and
the process that started it (the pid of its start event) no longer exists. The CLI's instance
is the SQLite one inside the data dir, so that process ran on this machine. A pid that was
reused by another process leaves the run as it is, which is the safe side.
"""

from __future__ import annotations

from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from seh_stops.processes import process_exists

_GOING_ON = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]


def fail_orphaned_runs(instance: DagsterInstance) -> list[str]:
    """Mark every run whose CLI process is gone as FAILURE; return their run ids."""
    failed = []
    for run in instance.get_runs(filters=RunsFilter(statuses=_GOING_ON)):
        if run.remote_job_origin is not None:
            continue  # launched by the UI or the daemon: not ours to judge
        pid = _start_pid(instance, run)
        if pid is None or process_exists(pid):
            continue
        instance.report_run_failed(
            run,
            message=(
                f"The process that executed this run (pid {pid}) is gone: it was killed or "
                "crashed before the run finished. Every write of the pipeline is a transaction "
                "or a write-then-rename, so nothing is half done: run the same seh-stops "
                "command again (docs/operations.md, 'Crashes and reruns')."
            ),
        )
        failed.append(run.run_id)
    return failed


def _start_pid(instance: DagsterInstance, run: DagsterRun) -> int | None:
    """The pid of the process that started the run (None before it started)."""
    records = instance.get_records_for_run(
        run.run_id, of_type=DagsterEventType.RUN_START, limit=1
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is not None and event.pid is not None:
            return event.pid
    return None
