"""A dbt process that imports dbt-core and parses the project while a CLI run loads its days,
and then runs that run's ``dbt build`` on the manifest it holds.

Every ``dbt`` command starts a new Python process that imports dbt-core and parses the
project (partially, from the data dir's state) before it does anything: seconds of every
run's fixed cost, spent while the run waits (docs/performance.md). ``seh-stops run`` starts
this worker before its definitions load, so the import and the parse run on the second core
while the run loads and checks the export days. dagster-dbt then starts ``seh-stops-dbt``
(:func:`client`) instead of ``dbt``: it hands its command line, environment, working folder
and output streams to the worker over a Unix socket and exits with the worker's exit code, so
dagster-dbt sees a dbt process like any other (its JSON lines, its exit code, its artifacts in
the target path). Without a worker the client is plain ``dbt``.

The worker runs the command exactly as the ``dbt`` executable would, and gives it the manifest
it parsed only where that is provably the manifest the command would parse itself
(:func:`parse_again_because`): a ``dbt build`` with the same project files, the same values
of the environment variables the parse read (dbt's own ``DBT_*`` settings, but for the output
folders dagster-dbt sets per invocation, and every variable dbt recorded the parse reading)
and no option that changes what is parsed. Otherwise the command parses as usual. A worker
serves one command.

Light on imports (the standard library only, dbt-core inside the worker process) so the CLI
starts it before anything heavy loads.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.dbt_parse import (
    DBT_STATE_FOLDER,
    PARTIAL_PARSE_FILE,
    dbt_executable,
    parse_state_path,
)
from seh_stops import settings
from seh_stops.durable import make_folders
from seh_stops.processes import process_exists
from seh_stops.settings import DBT_PROJECT_DIR

# Set by the CLI for the runs of its process: the worker's folder (its socket and target path).
WORKER_ENV = "SEH_DBT_WORKER"
WORKER_PREFIX = "worker-"
SOCKET_NAME = "dbt.sock"
CLIENT_EXECUTABLE = "seh-stops-dbt"
# What dagster-dbt sets for each invocation (where its output goes, how it is printed): they
# differ between the worker's parse and the build without changing what a parse produces.
PER_INVOCATION_ENV = frozenset(
    {
        "DAGSTER_DBT_CLI",
        "DBT_LOG_FORMAT",
        "DBT_LOG_PATH",
        "DBT_SEND_ANONYMOUS_USAGE_STATS",
        "DBT_TARGET_PATH",
        "PYTHONLEGACYWINDOWSSTDIO",
        "PYTHONUNBUFFERED",
        WORKER_ENV,
    }
)
# Options that change what dbt parses (the project, the profile and target, the variables).
PARSE_OPTIONS = frozenset({"--vars", "--target", "-t", "--profile", "--project-dir"})
# A parse takes seconds; a worker that has not started the command after this is given up on.
START_TIMEOUT_SECONDS = 300
STARTED = b"s"
MESSAGE_LIMIT = 4 * 1024 * 1024


# --- the CLI's side: starting and stopping the worker -------------------------------------


class DbtWorker:
    """The worker of one CLI process: started in its own folder in the data dir
    (``dbt/worker-<pid>``), announced to dbt's client through ``SEH_DBT_WORKER``, and
    stopped, with its folder, by :meth:`stop`.

    A run that is refused before it builds leaves the data dir as it was: the folders this
    makes are removed again when they are left empty, and the worker's partial-parse state
    reaches the data dir only through the build it runs.
    """

    def __init__(self) -> None:
        state_folder = settings.data_dir() / DBT_STATE_FOLDER
        self.folder = state_folder / f"{WORKER_PREFIX}{os.getpid()}"
        _remove_leftovers(state_folder)
        self._made = [f for f in (self.folder, *self.folder.parents) if not f.exists()]
        make_folders(self.folder)
        self.folder.chmod(stat.S_IRWXU)  # the socket takes commands: the owner's only
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "orchestration.dbt_worker", str(self.folder)],
            cwd=DBT_PROJECT_DIR,
            # the project and profile folders as dagster-dbt sets them for the build
            env={
                **os.environ,
                "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
                "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            },
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.environ[WORKER_ENV] = str(self.folder)

    def stop(self) -> None:
        """End the worker (it is idle or done by now) and remove its folder."""
        if os.environ.get(WORKER_ENV) == str(self.folder):
            del os.environ[WORKER_ENV]
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        shutil.rmtree(self.folder, ignore_errors=True)
        for folder in self._made[1:]:
            with contextlib.suppress(OSError):  # not empty: it holds what a build kept
                folder.rmdir()

    def __enter__(self) -> DbtWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _remove_leftovers(state_folder: Path) -> None:
    """The folders of workers whose CLI process was killed (a worker ends with it), and of
    the parses ahead that earlier versions started the same way."""
    if not state_folder.is_dir():
        return
    for prefix in (WORKER_PREFIX, "parse-ahead-"):
        for folder in state_folder.glob(f"{prefix}*"):
            pid = folder.name.removeprefix(prefix)
            if pid.isdigit() and not process_exists(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def executable_for_runs() -> str:
    """What dagster-dbt starts as ``dbt``: ``seh-stops-dbt`` of this virtualenv (beside its
    ``dbt``) in a process that has a worker, else the virtualenv's ``dbt`` (the UI's and the
    daemon's runs)."""
    if os.environ.get(WORKER_ENV):
        return str(Path(dbt_executable()).with_name(CLIENT_EXECUTABLE))
    return dbt_executable()


# --- the decision: the parsed manifest, or a parse of the command's own ------------------


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> list[list[object]]:
    """Every file of the dbt project that a parse reads (all but dbt's own output folders),
    with its size and modification time."""
    skipped = {"target", "logs", "dbt_packages"}
    found: list[list[object]] = []
    for root, folders, files in os.walk(project_dir):
        folders[:] = sorted(f for f in folders if not (root == str(project_dir) and f in skipped))
        for name in sorted(files):
            path = Path(root) / name
            with contextlib.suppress(FileNotFoundError):
                info = path.stat()
                found.append([str(path.relative_to(project_dir)), info.st_size, info.st_mtime_ns])
    return found


def parse_again_because(
    args: Sequence[str],
    env: Mapping[str, str],
    cwd: str,
    parsed: ParsedFor,
    project_dir: Path = DBT_PROJECT_DIR,
) -> str | None:
    """Why the command must parse itself instead of using the worker's manifest, or None when
    the manifest is exactly the one it would parse: a ``dbt build`` from the project folder,
    with the same project files, the same values of the environment variables the parse read,
    and no option that changes the parse."""
    if "build" not in args:
        return "only a dbt build uses the manifest parsed ahead"
    if Path(cwd) != project_dir:
        return f"the command runs in {cwd}, not in the dbt project"
    for position, arg in enumerate(args):
        option, _, value = arg.partition("=")
        if option in PARSE_OPTIONS:
            return f"{option} changes what dbt parses"
        if option == "--profiles-dir":
            value = value or (args[position + 1] if position + 1 < len(args) else "")
            if Path(value) != project_dir:
                return "--profiles-dir names another profile"
    names = parsed.env_names(env)
    changed = sorted(name for name in names if env.get(name) != parsed.env.get(name))
    if changed:
        return f"the environment differs in {', '.join(changed[:5])}"
    if project_fingerprint(project_dir) != parsed.fingerprint:
        return "a file of the dbt project changed since the parse"
    return None


@dataclass
class ParsedFor:
    """What the worker's parse depended on: the project's files, the environment, and the
    names of the variables in it that dbt read (its engine's ``DBT_*`` settings, and what the
    profile, ``dbt_project.yml`` and the project's files read with ``env_var``, as dbt records
    them for its own partial parsing). None: unknown, every variable counts."""

    fingerprint: list[list[object]]
    env: dict[str, str]
    read: frozenset[str] | None = None

    def env_names(self, other: Mapping[str, str]) -> set[str]:
        names = set(self.env) | set(other)
        if self.read is not None:
            names = {n for n in names if n.startswith("DBT_")} | self.read
        return names - PER_INVOCATION_ENV


# --- the worker process ---------------------------------------------------------------------


def serve(folder: Path) -> int:
    """Parse the project, then run one dbt command handed over on the socket in ``folder``."""
    os.chdir(folder)  # a relative socket name: Unix socket paths are limited to 108 bytes
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(SOCKET_NAME)
    listener.listen(1)  # a client that comes during the parse waits in the backlog
    parent = os.getppid()
    parsed = ParsedFor(fingerprint=project_fingerprint(), env=dict(os.environ))
    manifest = _parse(folder, parsed)
    listener.settimeout(1.0)
    while True:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:  # the CLI process ended
                return 0
            continue
        with connection:
            if _peer(connection)[1] != os.getuid():
                continue
            return _run_command(connection, folder, manifest, parsed)


def _parse(folder: Path, parsed: ParsedFor) -> object | None:
    """``dbt parse`` in this process, from the data dir's partial-parse state; the manifest
    (and in ``parsed`` what it read), or None when the parse failed (the command then parses,
    and reports, itself)."""
    from dbt.cli.main import dbtRunner

    if parse_state_path().exists():
        shutil.copyfile(parse_state_path(), folder / PARTIAL_PARSE_FILE)
    os.environ["DBT_LOG_PATH"] = str(folder)  # dbt makes the folder even without a file log
    os.chdir(DBT_PROJECT_DIR)
    try:
        result = dbtRunner().invoke(
            [
                *("--log-level-file", "none", "parse", "--quiet"),
                *("--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(folder)),
            ]
        )
        if not result.success:
            return None
        manifest = result.result
        try:
            parsed.read = frozenset(manifest.env_vars) | _profile_and_project_env_names()
        except Exception:  # dbt's internals moved (tests/integration/test_dbt_worker.py)
            parsed.read = None
        return manifest
    finally:
        del os.environ["DBT_LOG_PATH"]
        os.chdir(folder)


def _profile_and_project_env_names() -> frozenset[str]:
    """The variables the profile and ``dbt_project.yml`` read, rendered as dbt renders them
    for a command (it keeps the names for its partial parsing)."""
    from dbt.config.runtime import load_profile, load_project

    profile = load_profile(str(DBT_PROJECT_DIR), {})
    project = load_project(str(DBT_PROJECT_DIR), False, profile, {})
    return frozenset(profile.profile_env_vars) | frozenset(project.project_env_vars)


def _run_command(
    connection: socket.socket, folder: Path, manifest: object | None, parsed: ParsedFor
) -> int:
    message, fds = _receive(connection)
    request = json.loads(message)
    args, env, cwd = request["args"], request["env"], request["cwd"]
    reason = parse_again_because(args, env, cwd, parsed)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    for fd, target in zip(fds, (1, 2), strict=True):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdout.reconfigure(line_buffering=True, write_through=True)
    sys.stderr.reconfigure(line_buffering=True, write_through=True)
    connection.sendall(STARTED)
    # the client ended (killed): stop the command, as dbt stops on Ctrl-C
    finished = threading.Event()
    threading.Thread(
        target=_interrupt_when_closed, args=(connection, finished), daemon=True
    ).start()
    if reason is not None:
        if "build" in args:  # where the manifest was expected: say why it was not used
            print(f"seh-stops-dbt: dbt parses for this command: {reason}", flush=True)
        manifest = None
    elif manifest is not None:
        _hand_over_parse_state(folder, env)
    code = _dbt_main(args, manifest)
    finished.set()  # from here on the client may close: that is no reason to interrupt
    sys.stdout.flush()
    sys.stderr.flush()
    with open(os.devnull, "wb") as devnull:  # the client's streams end with the command
        os.dup2(devnull.fileno(), 1)
        os.dup2(devnull.fileno(), 2)
    with contextlib.suppress(OSError):
        connection.sendall(struct.pack("!i", code))
    return 0


def _hand_over_parse_state(folder: Path, env: Mapping[str, str]) -> None:
    """Put the worker's partial-parse state where the command's own parse would have written
    it (its target path), for the caller to keep as dbt's state for the data dir
    (``keep_partial_parse_state``): the state dagster-dbt seeded the folder with may be the
    project's own, made for another warehouse, and must not be kept instead."""
    target = env.get("DBT_TARGET_PATH")
    if target and (folder / PARTIAL_PARSE_FILE).exists():
        destination = Path(target) / PARTIAL_PARSE_FILE
        make_folders(destination.parent)
        shutil.copyfile(folder / PARTIAL_PARSE_FILE, destination)


def _dbt_main(args: list[str], manifest: object | None) -> int:
    """The command as the ``dbt`` executable runs it (its exit codes: 0, 1 for failed nodes
    or tests, 2 for errors), with ``manifest`` when there is one."""
    from dbt.cli.main import cli

    try:
        cli.main(
            args=args,
            prog_name="dbt",
            standalone_mode=True,
            obj={"manifest": manifest, "callbacks": [], "dbt_runner_command_args": args},
        )
    except SystemExit as exit_:
        if exit_.code is None:
            return 0
        return exit_.code if isinstance(exit_.code, int) else 1
    except KeyboardInterrupt:
        return 130
    return 0


def _interrupt_when_closed(connection: socket.socket, finished: threading.Event) -> None:
    """Ctrl-C for the command when its client ends before it (killed, say)."""
    with contextlib.suppress(OSError):
        if connection.recv(1) == b"" and not finished.is_set():
            os.kill(os.getpid(), signal.SIGINT)


def _peer(connection: socket.socket) -> tuple[int, int]:
    """The pid and uid of the process at the other end of the socket."""
    credentials = connection.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
    )
    pid, uid, _gid = struct.unpack("3i", credentials)
    return pid, uid


def _receive(connection: socket.socket) -> tuple[bytes, list[int]]:
    """One length-prefixed message and the file descriptors sent with its first bytes."""
    head, fds, _flags, _address = socket.recv_fds(connection, 4, 2)
    while len(head) < 4:
        head += connection.recv(4 - len(head))
    (length,) = struct.unpack("!I", head)
    if length > MESSAGE_LIMIT:
        raise ValueError(f"a request of {length} bytes")
    body = b""
    while len(body) < length:
        chunk = connection.recv(min(65536, length - len(body)))
        if not chunk:
            raise ConnectionError("the client closed the socket mid-request")
        body += chunk
    return body, list(fds)


# --- the client: the dbt executable dagster-dbt starts ------------------------------------


def client() -> None:
    """``seh-stops-dbt``: run the command in this process's worker, or else be ``dbt``."""
    args = sys.argv[1:]
    folder = os.environ.get(WORKER_ENV)
    if folder:
        code = _through_worker(Path(folder), args)
        if code is not None:
            sys.exit(code)
    os.execv(dbt_executable(), [dbt_executable(), *args])


def _through_worker(folder: Path, args: list[str]) -> int | None:
    """The worker's exit code for the command, or None when no worker started it (then none
    will: a worker that does not start it in time is ended)."""
    cwd = os.getcwd()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.chdir(folder)  # the relative name: socket paths are limited to 108 bytes
        connection.connect(SOCKET_NAME)
    except OSError:
        connection.close()
        return None
    finally:
        os.chdir(cwd)
    with connection:
        pid, uid = _peer(connection)
        if uid != os.getuid():
            return None
        body = json.dumps({"args": args, "env": dict(os.environ), "cwd": cwd}).encode()
        connection.settimeout(START_TIMEOUT_SECONDS)
        try:
            socket.send_fds(connection, [struct.pack("!I", len(body))], [1, 2])
            connection.sendall(body)
            started = connection.recv(1) == STARTED
        except OSError:  # the worker ended, or did not start the command in time
            started = False
        if not started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return None
        connection.settimeout(None)

        def forward(signum: int, _frame: object) -> None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)  # dbt stops on Ctrl-C, as dagster-dbt expects

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        reply = b""
        with contextlib.suppress(OSError):
            while len(reply) < 4:
                chunk = connection.recv(4 - len(reply))
                if not chunk:
                    break
                reply += chunk
        if len(reply) < 4:
            print("seh-stops-dbt: the dbt worker ended before its command did", file=sys.stderr)
            return 2
        (code,) = struct.unpack("!i", reply)
        return code


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
