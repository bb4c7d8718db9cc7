"""Parsing the dbt project: the executable, the data dir's partial-parse state, and a parse
started ahead of the build.

Light on imports (no Dagster, no dbt-core) on purpose: the CLI starts the parse ahead before it
loads the definitions, so that the parse runs while they load.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from seh_stops import settings
from seh_stops.durable import make_folders, write_durably
from seh_stops.processes import process_exists
from seh_stops.settings import DBT_PROJECT_DIR

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# In the data dir: the partial-parse state made for its warehouse, and the target folder of
# each dbt invocation (artifacts and dbt's own log; removed after a build that succeeded).
DBT_STATE_FOLDER = "dbt"
PARSE_AHEAD_PREFIX = "parse-ahead-"
# A full parse takes seconds; one that takes longer than this is not waited for.
PARSE_AHEAD_TIMEOUT_SECONDS = 300


def parse_state_path() -> Path:
    """The data dir's dbt partial-parse state (``dbt/partial_parse.msgpack``).

    dbt accepts a saved parse only for the profile it was made with, and the profile holds the
    warehouse path, which names the data dir: a state shared by every data dir (the project's
    ``target/``) was rejected in each new one, and every first run there parsed the whole
    project (docs/performance.md). Kept beside the warehouse it was made for, the state is
    valid for every later run in that data dir, and data dirs that are used in turn (the test
    suite's, the benchmark's) do not undo each other's.
    """
    return settings.data_dir() / DBT_STATE_FOLDER / PARTIAL_PARSE_FILE


def invocation_target_path(run_id: str) -> Path:
    """A target folder of its own for one dbt invocation of run ``run_id``, in the data dir,
    seeded with the data dir's partial-parse state (dagster-dbt would seed it with the
    project's, made for another warehouse)."""
    folder = settings.data_dir() / DBT_STATE_FOLDER / f"build-{run_id[:8]}-{uuid.uuid4().hex[:7]}"
    make_folders(folder)
    state = parse_state_path()
    if state.exists():
        shutil.copyfile(state, folder / PARTIAL_PARSE_FILE)
    return folder


def keep_partial_parse_state(invocation_target_path: Path) -> None:
    """Keep the partial-parse state of a finished dbt invocation for the next one in this
    data dir, so it parses only what changed. Written durably (a temporary name and a
    rename), so a concurrent invocation never copies half a file."""
    state = invocation_target_path / PARTIAL_PARSE_FILE
    if state.exists():
        make_folders(parse_state_path().parent)
        write_durably(parse_state_path(), state.read_bytes())


class ParseAhead:
    """``dbt parse`` in the background for a data dir without a partial-parse state yet.

    A full parse costs a few seconds of a run's fixed cost, in a process of its own; started
    when the CLI starts, it runs on the second core while the run loads and checks the export
    days, and the dbt build then parses only what changed. :meth:`finish` waits for it and
    keeps its state; a failed parse keeps nothing (the build parses, and reports, itself).
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._made: list[Path] = []
        state_folder = settings.data_dir() / DBT_STATE_FOLDER
        self._folder = state_folder / f"{PARSE_AHEAD_PREFIX}{os.getpid()}"
        _remove_leftovers(state_folder)
        if parse_state_path().exists():
            return
        # the folders this makes, removed again by stop() when they are left empty: a run
        # that is refused before it starts leaves the data dir as it was
        self._made = [f for f in (self._folder, *self._folder.parents) if not f.exists()]
        make_folders(self._folder)
        self._process = subprocess.Popen(
            [
                dbt_executable(),
                *("--log-level-file", "none", "parse", "--quiet"),
                *("--profiles-dir", str(DBT_PROJECT_DIR)),
            ],
            cwd=DBT_PROJECT_DIR,
            env={
                **os.environ,
                "DBT_TARGET_PATH": str(self._folder),
                "DBT_LOG_PATH": str(self._folder),  # dbt makes the folder even without a file log
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def started(self) -> bool:
        return self._process is not None

    def finish(self) -> None:
        """Wait for the parse and keep its state (nothing to wait for when none started)."""
        if self._process is None:
            return
        try:
            if self._process.wait(timeout=PARSE_AHEAD_TIMEOUT_SECONDS) == 0:
                keep_partial_parse_state(self._folder)
        except subprocess.TimeoutExpired:
            self.stop()
        finally:
            self._process = None
            shutil.rmtree(self._folder, ignore_errors=True)

    def stop(self) -> None:
        """End the parse without keeping anything (the run stopped before its build)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        shutil.rmtree(self._folder, ignore_errors=True)
        for folder in self._made[1:]:
            with contextlib.suppress(OSError):  # not empty: it holds what a build kept
                folder.rmdir()


def _remove_leftovers(state_folder: Path) -> None:
    """The folders of parses ahead whose CLI process was killed (a parse never outlives it
    otherwise)."""
    if not state_folder.is_dir():
        return
    for folder in state_folder.glob(f"{PARSE_AHEAD_PREFIX}*"):
        pid = folder.name.removeprefix(PARSE_AHEAD_PREFIX)
        if pid.isdigit() and not process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def dbt_executable() -> str:
    """The ``dbt`` of this virtualenv: the one whose version the project pins."""
    # sys.prefix is the virtualenv even when the interpreter path was resolved past its symlink
    # (Dagster's code server is started that way).
    in_venv = Path(sys.prefix) / "bin" / "dbt"
    if in_venv.exists():
        return str(in_venv)
    return shutil.which("dbt") or "dbt"
