"""The CLI's surface: every command documented, every likely mistake answered in one line.

``BAD_INVOCATIONS`` runs the real ``seh-stops`` (``cli.main.main``, in this process) with the
mistakes a user is likely to type, command by command. For each it checks the exit status (2
for a wrong command line, 1 for a data dir that lacks a first step), exactly one line on stderr
that names the argument and says what to do, no traceback, and that nothing was written: no
Dagster run storage, no warehouse, no export day (every refusal comes before any run starts).

When a command or an option lands, add its mistakes to the table:
``test_the_table_covers_every_command_and_option`` fails until a command and each of its
options that takes a value have at least one row.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from cli.main import build_parser, main
from cli.preflight import UsageError
from seh_stops import settings

_ENVIRONMENT = (
    settings.DATA_DIR_ENV,
    settings.WAREHOUSE_PATH_ENV,
    settings.EXPORT_SOURCE_ENV,
    settings.FIRST_EXPORT_DAY_ENV,
    "DAGSTER_HOME",
)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


@dataclass(frozen=True)
class Bad:
    """One mistake: the arguments (``{name}`` is a path of :func:`places`), the exit status,
    and what the one line must say (the argument it names, and what to do)."""

    argv: tuple[str, ...]
    code: int
    says: tuple[str, ...]


def bad(argv: str, code: int, *says: str) -> Bad:
    return Bad(tuple(argv.split()), code, says)


USAGE = 2  # the command line is wrong
NOT_READY = 1  # the data dir lacks a first step
RUN_FIRST = "run `seh-stops run --source DIR` (or `seh-stops demo`) with this data dir first"
DAYS = "pass --source with the folder that holds the YYYY-MM-DD export-day folders"
SIM = "simulate --from 2023-03-01 --to 2023-03-02 --out {out}"
RUN = "run --data-dir {data} --source {source}"

BAD_INVOCATIONS = {
    "no command": bad("", USAGE, "required: COMMAND", "seh-stops --help"),
    "unknown command": bad("frobnicate", USAGE, "COMMAND: invalid choice: 'frobnicate'"),
    "option before the command": bad(
        "--data-dir {data} report --month 2023-01", USAGE, "--data-dir goes after the command"
    ),
    # simulate
    "simulate without arguments": bad("simulate", USAGE, "required: --from, --to, --out"),
    "simulate open range": bad(
        "simulate --from 2023-03-01 --out {out}", USAGE, "required: --to", "--help"
    ),
    "simulate reversed range": bad(
        "simulate --from 2023-03-05 --to 2023-03-01 --out {out}",
        USAGE,
        "--from 2023-03-05 is after --to 2023-03-01",
        "give the first day with --from",
    ),
    "simulate malformed day": bad(
        "simulate --from 2023-3-1 --to 2023-03-02 --out {out}",
        USAGE,
        "argument --from: '2023-3-1' is not a day of the form YYYY-MM-DD",
    ),
    "simulate day not in the calendar": bad(
        "simulate --from 2023-02-28 --to 2023-02-30 --out {out}",
        USAGE,
        "argument --to: '2023-02-30' is not a day of the calendar",
        "give a real day",
    ),
    "simulate out is a file": bad(
        "simulate --from 2023-03-01 --to 2023-03-02 --out {file}",
        USAGE,
        "--out {file} is a file, not a folder",
        "pass --out with a folder",
    ),
    "simulate out inside a file": bad(
        "simulate --from 2023-03-01 --to 2023-03-02 --out {file}/days",
        USAGE,
        "--out {file}/days lies inside the file {file}",
        "pass --out with a folder",
    ),
    "simulate scale 0": bad(SIM + " --scale 0", USAGE, "argument --scale: '0' is not a whole"),
    "simulate seed not a number": bad(
        SIM + " --seed x", USAGE, "argument --seed: 'x' is not a whole number"
    ),
    "simulate data dir is a file": bad(
        SIM + " --data-dir {file}", USAGE, "--data-dir {file} is a file, not a folder"
    ),
    "simulate month option": bad(
        SIM + " --month 2023-01", USAGE, "unrecognized arguments: --month", "simulate --help"
    ),
    # run
    "run reversed range": bad(
        RUN + " --from 2023-03-05 --to 2023-03-01",
        USAGE,
        "--from 2023-03-05 is after --to 2023-03-01",
        "give the first day with --from",
    ),
    "run open range after the source's days": bad(
        RUN + " --from 2023-03-05",
        USAGE,
        "no export day at {source} from --from 2023-03-05 on (the last there is 2023-03-01)",
        "give an earlier --from",
    ),
    "run open range before the source's days": bad(
        RUN + " --to 2023-02-05",
        USAGE,
        "up to --to 2023-02-05 (the first there is 2023-03-01)",
        "give a later --to",
    ),
    "run before the first export day": bad(
        RUN + " --from 2019-03-05 --to 2023-03-01",
        USAGE,
        "--from 2019-03-05 is before the first export day 2022-01-01",
        "SEH_FIRST_EXPORT_DAY",
    ),
    "run in the future": bad(
        RUN + " --from 2023-03-01 --to 2203-03-01",
        USAGE,
        "--to 2203-03-01 is after yesterday",
        "give an earlier day",
    ),
    "run malformed day": bad(RUN + " --to 01-03-2023", USAGE, "argument --to: '01-03-2023'"),
    "run source is a file": bad(
        "run --data-dir {data} --source {file}", USAGE, "--source {file} is a file", DAYS
    ),
    "run source does not exist": bad(
        "run --data-dir {data} --source {nowhere}", USAGE, "--source {nowhere} does not", DAYS
    ),
    "run default source does not exist": bad(
        "run --data-dir {data}", USAGE, "no --source was given", "{data}/exports does not", DAYS
    ),
    "run ftp source": bad(
        "run --data-dir {data} --source ftp://lpz.example.nl/exports",
        USAGE,
        "--source is an ftp:// URL",
        "only http:// and https://",
    ),
    "run URL without host": bad(
        "run --data-dir {data} --source https://", USAGE, "--source is an https:// URL without"
    ),
    "run URL with a bad port": bad(
        "run --data-dir {data} --source https://lpz.example.nl:84x3/seh",
        USAGE,
        "--source has a port that is not a number",
    ),
    "run URL missing a slash": bad(
        "run --data-dir {data} --source https:/lpz.example.nl/seh",
        USAGE,
        "does not exist",
        "a URL starts with http:// or https://",
    ),
    "run archive that does not exist": bad(
        "run --data-dir {data} --source archive:{nowhere}",
        USAGE,
        "--source archive:{nowhere}: the archive folder does not exist",
        "archive:{data}/archive",
    ),
    "run data dir is a file": bad(
        "run --data-dir {file} --source {source}", USAGE, "--data-dir {file} is a file"
    ),
    # report
    "report without month or quarter": bad(
        "report --data-dir {data}", USAGE, "one of the arguments --month --quarter is required"
    ),
    "report month and quarter": bad(
        "report --data-dir {data} --month 2023-01 --quarter 2023-Q1",
        USAGE,
        "argument --quarter: not allowed with argument --month",
    ),
    "report quarter 5": bad(
        "report --data-dir {data} --quarter 2023-Q5",
        USAGE,
        "argument --quarter: '2023-Q5' has no quarter 5",
        "N from 1 to 4",
    ),
    "report malformed quarter": bad(
        "report --data-dir {data} --quarter 2023-1", USAGE, "argument --quarter: '2023-1' is not"
    ),
    "report quarter with a small q": bad(
        "report --data-dir {data} --quarter 2023-q1", USAGE, "with a capital Q, as 2023-Q1"
    ),
    "report quarter without warehouse": bad(
        "report --data-dir {data} --quarter 2023-Q1",
        NOT_READY,
        "--data-dir {data} holds no warehouse yet",
        RUN_FIRST,
    ),
    "report quarter without marts": bad(
        "report --data-dir {unbuilt} --quarter 2023-Q1 --format csv",
        NOT_READY,
        "the warehouse in --data-dir {unbuilt} has no marts",
        RUN_FIRST,
    ),
    "report month 13": bad(
        "report --data-dir {data} --month 2023-13", USAGE, "argument --month: '2023-13' has no"
    ),
    "report month 00": bad("report --data-dir {data} --month 2023-00", USAGE, "MM from 01 to 12"),
    "report malformed month": bad(
        "report --data-dir {data} --month jan-2023", USAGE, "argument --month: 'jan-2023'"
    ),
    "report a day for a month": bad(
        "report --data-dir {data} --month 2023-01-01", USAGE, "of the form YYYY-MM"
    ),
    "report unknown format": bad(
        "report --data-dir {data} --month 2023-01 --format xml",
        USAGE,
        "argument --format: invalid choice: 'xml'",
    ),
    "report data dir does not exist": bad(
        "report --data-dir {nowhere} --month 2023-01",
        NOT_READY,
        "--data-dir {nowhere} does not exist",
        RUN_FIRST,
    ),
    "report without warehouse": bad(
        "report --data-dir {data} --month 2023-01",
        NOT_READY,
        "--data-dir {data} holds no warehouse yet",
        RUN_FIRST,
    ),
    "report without marts": bad(
        "report --data-dir {unbuilt} --month 2023-01 --format csv",
        NOT_READY,
        "the warehouse in --data-dir {unbuilt} has no marts",
        RUN_FIRST,
    ),
    # compare
    "compare without month": bad("compare --data-dir {data}", USAGE, "required: --month"),
    "compare month 13": bad(
        "compare --data-dir {data} --month 2023-13", USAGE, "argument --month: '2023-13' has no"
    ),
    "compare malformed month": bad(
        "compare --data-dir {data} --month 2023/01", USAGE, "argument --month: '2023/01'"
    ),
    "compare unknown format": bad(
        "compare --data-dir {data} --month 2023-01 --format xlsx",
        USAGE,
        "argument --format: invalid choice: 'xlsx'",
    ),
    "compare without warehouse": bad(
        "compare --data-dir {data} --month 2023-01",
        NOT_READY,
        "--data-dir {data} holds no warehouse yet",
        RUN_FIRST,
    ),
    "compare without marts": bad(
        "compare --data-dir {unbuilt} --month 2023-01 --format csv",
        NOT_READY,
        "the warehouse in --data-dir {unbuilt} has no marts",
        RUN_FIRST,
    ),
    # deliver
    "deliver without month": bad("deliver --data-dir {data}", USAGE, "required: --month"),
    "deliver malformed month": bad(
        "deliver --data-dir {data} --month 2023-1", USAGE, "argument --month: '2023-1'"
    ),
    "deliver month before the first": bad(
        "deliver --data-dir {data} --month 2019-01",
        USAGE,
        "--month 2019-01 is not a delivery month",
        "give one of 2022-01 ..",
    ),
    "deliver month far ahead": bad(
        "deliver --data-dir {data} --month 2999-01", USAGE, "--month 2999-01 is not a delivery"
    ),
    "deliver without warehouse": bad(
        "deliver --data-dir {data} --month 2023-01",
        NOT_READY,
        "--data-dir {data} holds no warehouse yet",
        RUN_FIRST,
    ),
    "deliver data dir does not exist": bad(
        "deliver --data-dir {nowhere} --month 2023-01 --preliminary",
        NOT_READY,
        "--data-dir {nowhere} does not exist",
        RUN_FIRST,
    ),
    "deliver without marts": bad(
        "deliver --data-dir {unbuilt} --month 2023-01",
        NOT_READY,
        "the warehouse in --data-dir {unbuilt} has no marts",
    ),
    # publish
    "publish without quarter": bad("publish --data-dir {data}", USAGE, "required: --quarter"),
    "publish a month": bad(
        "publish --data-dir {data} --quarter 2023-03",
        USAGE,
        "argument --quarter: '2023-03' is not a quarter of the form YYYY-QN",
    ),
    "publish month option": bad(
        "publish --data-dir {data} --quarter 2023-Q1 --month 2023-01",
        USAGE,
        "unrecognized arguments: --month",
    ),
    "publish quarter before the first": bad(
        "publish --data-dir {data} --quarter 2019-Q1",
        USAGE,
        "--quarter 2019-Q1 is not a publication quarter",
        "give one of 2022-Q1 ..",
    ),
    "publish quarter far ahead": bad(
        "publish --data-dir {data} --quarter 2999-Q4", USAGE, "--quarter 2999-Q4 is not a"
    ),
    "publish without warehouse": bad(
        "publish --data-dir {data} --quarter 2023-Q1",
        NOT_READY,
        "--data-dir {data} holds no warehouse yet",
        RUN_FIRST,
    ),
    "publish data dir does not exist": bad(
        "publish --data-dir {nowhere} --quarter 2023-Q1 --preliminary",
        NOT_READY,
        "--data-dir {nowhere} does not exist",
        RUN_FIRST,
    ),
    "publish without marts": bad(
        "publish --data-dir {unbuilt} --quarter 2023-Q1",
        NOT_READY,
        "the warehouse in --data-dir {unbuilt} has no marts",
    ),
    # demo
    "demo seed not a number": bad("demo --data-dir {data} --seed abc", USAGE, "--seed: 'abc'"),
    "demo data dir is a file": bad("demo --data-dir {file}", USAGE, "--data-dir {file} is a"),
    "demo data dir inside a file": bad(
        "demo --data-dir {file}/data", USAGE, "--data-dir {file}/data lies inside the file"
    ),
}


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``main`` exports the data dir to the environment (for dbt): undo it after each test."""
    for name in _ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def places(root: Path) -> dict[str, str]:
    """The paths the table refers to, made under ``root``."""
    data = root / "data"  # a data dir where nothing was run
    data.mkdir()
    source = root / "exports"  # a folder with one export day
    (source / "2023-03-01").mkdir(parents=True)
    file = root / "notes.txt"
    file.write_text("not a folder\n")
    unbuilt = root / "unbuilt"  # a warehouse whose first dbt build never finished
    unbuilt.mkdir()
    duckdb.connect(str(unbuilt / "warehouse.duckdb")).close()
    names = {"data": data, "source": source, "file": file, "unbuilt": unbuilt}
    names |= {"nowhere": root / "nowhere", "out": root / "simulated"}
    return {name: str(path) for name, path in names.items()}


def tree(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def invoke(argv: list[str]) -> int:
    """``main`` as the console script sees it: argparse's exits become the status."""
    try:
        return main(argv)
    except SystemExit as exited:
        return exited.code if isinstance(exited.code, int) else 1


@pytest.mark.parametrize("case", BAD_INVOCATIONS.values(), ids=BAD_INVOCATIONS.keys())
def test_a_bad_invocation_gets_one_line_and_starts_nothing(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    paths = places(tmp_path)
    before = tree(tmp_path)
    code = invoke([word.format(**paths) for word in case.argv])
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == case.code, captured.err
    assert len(lines) == 1, captured.err
    [line] = lines
    command = case.argv[0] if case.argv and not case.argv[0].startswith("-") else ""
    if command in _subcommands():
        assert line.startswith(f"seh-stops {command}: "), line
    else:
        assert line.startswith("seh-stops: error: "), line
    for text in case.says:
        assert text.format(**paths) in line, line
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert tree(tmp_path) == before  # no Dagster run storage, no warehouse, no export day


def test_the_table_covers_every_command_and_option():
    covered: dict[str, set[str]] = {}
    for case in BAD_INVOCATIONS.values():
        if case.argv:
            covered.setdefault(case.argv[0], set()).update(case.argv)
    for name, command in _subcommands().items():
        assert name in covered, f"add the likely mistakes with `seh-stops {name}` to the table"
        for action in command._actions:
            if action.nargs == 0 or not action.option_strings:
                continue  # flags (--debug, --preliminary, --help) take no value to get wrong
            used = covered[name] | {word.split("=")[0] for word in covered[name]}
            assert used & set(action.option_strings), (
                f"add a mistake with `seh-stops {name} {action.option_strings[0]}` to the table"
            )


def test_every_command_and_option_has_help_text():
    commands = _subcommands()
    assert set(commands) == {"simulate", "run", "report", "deliver", "compare", "publish", "demo"}
    for name, command in commands.items():
        assert command.description, f"{name} has no description"
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings} has no help"


@pytest.mark.parametrize("argv", [["--help"], *([name, "--help"] for name in _subcommands())])
def test_help_still_shows_the_usage(argv, capsys):
    assert invoke(argv) == 0
    captured = capsys.readouterr()
    prog = " ".join(["seh-stops", *argv[:-1]])
    assert captured.out.startswith(f"usage: {prog} [-h]")
    assert captured.err == ""


def test_debug_shows_the_refusal_as_a_traceback(tmp_path):
    argv = ["run", "--debug", "--data-dir", str(tmp_path), "--from", "2023-03-05"]
    with pytest.raises(UsageError, match="--from 2023-03-05 is after --to 2023-03-01"):
        main([*argv, "--to", "2023-03-01"])


def test_the_console_script_refuses_both_reported_cases_in_one_line(tmp_path):
    """The two invocations the issue was about, as a process: deliver on a data dir where
    nothing ran, and run with a reversed range; neither leaves anything in the data dir."""
    data = tmp_path / "data"
    exports = tmp_path / "exports"
    (exports / "2023-03-01").mkdir(parents=True)
    data.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in _ENVIRONMENT}
    for argv, says in (
        (["deliver", "--month", "2023-01"], "holds no warehouse yet"),
        (
            ["run", "--source", str(exports), "--from", "2023-03-05", "--to", "2023-03-01"],
            "--from 2023-03-05 is after --to 2023-03-01",
        ),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", *argv, "--data-dir", str(data)],
            cwd=settings.REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode != 0
        assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and "dagster._core" not in done.stderr
        assert list(data.iterdir()) == []


# The console script (``cli.main.console``) with ``main`` replaced by what a run leaves behind:
# output still buffered in a pipe, an exit handler, an object that only Python's final clean-up
# would finalize, and (with THREAD) a non-daemon thread still at work.
EXIT_SCRIPT = """
import atexit, os, sys, threading, time
from pathlib import Path
import cli.main

class LeftOver:
    def __del__(self):
        os.write(2, b"finalized at interpreter shutdown")

left_over = LeftOver()

def main():
    sys.stdout.write("last line, still in the buffer")
    atexit.register(lambda: Path(sys.argv[1], "atexit").write_text("ran"))
    if os.environ.get("THREAD"):
        def late_write():
            time.sleep(0.5)
            Path(sys.argv[1], "thread").write_text("done")
        threading.Thread(target=late_write).start()
    return 3

cli.main.main = main
cli.main.console()
"""


@pytest.mark.parametrize("thread", ["", "1"], ids=["daemon threads only", "a non-daemon thread"])
def test_the_console_script_exits_with_the_status_after_the_exit_handlers(tmp_path, thread):
    """The quick exit skips only Python's final clean-up: the status, the buffered output, the
    exit handlers and a running non-daemon thread all come through as with ``sys.exit``."""
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(tmp_path)],
        cwd=settings.REPO_ROOT,
        env={**os.environ, "THREAD": thread},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout == "last line, still in the buffer"
    assert (tmp_path / "atexit").read_text() == "ran"
    if thread:  # the ordinary exit, which waits for the thread and finalizes what is left
        assert (tmp_path / "thread").read_text() == "done"
        assert "finalized at interpreter shutdown" in done.stderr
    else:  # nothing left to wait for: no final collection of what the run left behind
        assert "finalized at interpreter shutdown" not in done.stderr
