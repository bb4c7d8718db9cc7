"""The real ``seh-stops`` CLI in a process group of its own, timed by its progress lines, and
killed with SIGKILL at a chosen moment.

A crash is simulated the hard way: ``os.killpg(pgid, SIGKILL)`` ends the CLI and every child
it started (the dbt subprocess) at once, without a chance to clean up, as a power cut or the
OOM killer would. The CLI prints a progress line when it starts a stage (``Verifying``,
``Running dbt build``, ``Done``), so a kill can be aimed at a moment inside a stage.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from seh_stops import settings

# Progress lines (stderr) that open each stage of `seh-stops run`.
VERIFYING = "Verifying "
DBT_BUILD = "Running dbt build"
DONE = "Done: "
# Variables of the developer's or CI's shell that would point the CLI elsewhere.
_FOREIGN_ENV = ("DAGSTER_HOME", "SEH_DELIVERY_DIR", "SEH_SMTP_HOST", "LPZ_EXPORT_SOURCE")


@dataclass(frozen=True)
class Kill:
    """Kill the process ``offset`` seconds after the progress line that starts with
    ``marker`` appeared, or after a new file matching ``new_entry_glob`` appeared in the folder
    ``new_entry_in`` (the Dagster instance's per-run event logs: a run started), or else after
    the process started."""

    marker: str | None
    offset: float
    new_entry_in: Path | None = None
    new_entry_glob: str = "*"


@dataclass
class Attempt:
    """One CLI invocation: its exit code, its timed progress lines, and whether it was killed."""

    args: list[str]
    returncode: int | None = None
    killed: bool = False
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, line)
    stdout: str = ""
    elapsed: float = 0.0
    ended_at: float = 0.0  # wall clock (time.time()) when the process had ended

    def seen(self, prefix: str) -> float | None:
        """Seconds from the start to the first progress line starting with ``prefix``."""
        for moment, line in self.lines:
            if line.startswith(prefix):
                return moment
        return None

    def stage_at_kill(self) -> str:
        """The last stage the process had announced when it was killed."""
        last = "startup"
        for _, line in self.lines:
            for prefix, stage in ((VERIFYING, "ingestion"), (DBT_BUILD, "dbt"), (DONE, "done")):
                if line.startswith(prefix):
                    last = stage
        return last

    def output(self) -> str:
        return "\n".join(line for _, line in self.lines) + "\n" + self.stdout


def cli_env() -> dict[str, str]:
    """The environment for the CLI: this one, without variables that would redirect it."""
    env = {key: value for key, value in os.environ.items() if key not in _FOREIGN_ENV}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


def run_cli(args: list[str], data_dir: Path, kill: Kill | None = None) -> Attempt:
    """Run ``seh-stops <args> --data-dir <data_dir>``; with ``kill``, SIGKILL its process group.

    Returns once the whole process group is gone, so the next attempt never meets a dying dbt
    that still holds the warehouse file.
    """
    attempt = Attempt(args=list(args))
    watched = kill.new_entry_in if kill is not None else None
    entries_before = _entries(watched, kill.new_entry_glob) if watched else set()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args, "--data-dir", str(data_dir)],
        cwd=settings.REPO_ROOT,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill reaches dbt too
    )
    marker_seen = threading.Event()

    def read_stderr() -> None:
        for line in process.stderr:
            attempt.lines.append((time.monotonic() - started, line.rstrip("\n")))
            if kill is not None and kill.marker and line.startswith(kill.marker):
                marker_seen.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    stdout_parts: list[str] = []
    stdout_reader = threading.Thread(
        target=lambda: stdout_parts.append(process.stdout.read()), daemon=True
    )
    stdout_reader.start()
    if kill is not None:
        _kill_when_due(process, kill, marker_seen, started, entries_before)
    attempt.returncode = process.wait(timeout=600)
    attempt.ended_at = time.time()
    # a kill that met a process on its way out does not count: only a death by SIGKILL does
    attempt.killed = attempt.returncode == -signal.SIGKILL
    reader.join(timeout=30)
    stdout_reader.join(timeout=30)
    attempt.stdout = "".join(stdout_parts)
    attempt.elapsed = time.monotonic() - started
    _wait_for_group_gone(process.pid)
    return attempt


def _kill_when_due(
    process: subprocess.Popen,
    kill: Kill,
    marker_seen: threading.Event,
    started: float,
    entries_before: set[Path],
) -> None:
    if kill.marker is not None:
        while not marker_seen.wait(timeout=0.01):
            if process.poll() is not None:
                return  # ended before the stage began: nothing to kill
        base = time.monotonic()
    elif kill.new_entry_in is not None:
        while not _entries(kill.new_entry_in, kill.new_entry_glob) - entries_before:
            if process.poll() is not None:
                return
            time.sleep(0.01)
        base = time.monotonic()
    else:
        base = started
    delay = base + kill.offset - time.monotonic()
    if delay > 0:
        try:
            process.wait(timeout=delay)
            return  # finished before the kill was due
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def _entries(folder: Path, pattern: str) -> set[Path]:
    return set(folder.glob(pattern)) if folder.exists() else set()


def _wait_for_group_gone(pgid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _group_members(pgid):
            return
        time.sleep(0.05)
    raise AssertionError(f"process group {pgid} still alive {timeout} s after the CLI ended")


def _group_members(pgid: int) -> list[int]:
    """Living processes of the group. Zombies do not count: a container's init may never reap
    the orphans, and a zombie holds no file lock."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel, zombies included
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        return [pgid]
    members = []
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members
