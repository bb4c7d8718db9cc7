"""Parsing the dbt project: the executable and the data dir's partial-parse state.

Light on imports (no Dagster, no dbt-core) on purpose: the CLI's dbt worker
(orchestration/dbt_worker.py) uses it before the definitions load.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path

from seh_stops import settings
from seh_stops.durable import make_folders, write_durably

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# In the data dir: the partial-parse state made for its warehouse, the target folder of each
# dbt invocation (artifacts and dbt's own log; removed after a build that succeeded) and the
# folder of the CLI's dbt worker while it runs.
DBT_STATE_FOLDER = "dbt"


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


def dbt_executable() -> str:
    """The ``dbt`` of this virtualenv: the one whose version the project pins."""
    # sys.prefix is the virtualenv even when the interpreter path was resolved past its symlink
    # (Dagster's code server is started that way).
    in_venv = Path(sys.prefix) / "bin" / "dbt"
    if in_venv.exists():
        return str(in_venv)
    return shutil.which("dbt") or "dbt"
