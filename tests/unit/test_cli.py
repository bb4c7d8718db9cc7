"""The CLI's surface: every command documented, bad input answered without a traceback."""

import argparse

import pytest

from cli.main import build_parser, main


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_and_option_has_help_text():
    commands = _subcommands()
    assert set(commands) == {"simulate", "run", "report", "deliver", "compare", "demo"}
    for name, command in commands.items():
        assert command.description, f"{name} has no description"
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings} has no help"


def test_a_bad_day_is_a_usage_error_not_a_traceback(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["run", "--from", "2023-13-01"])
    assert exited.value.code == 2
    assert "'2023-13-01' is not a day of the form YYYY-MM-DD" in capsys.readouterr().err


def test_a_report_without_warehouse_says_what_to_do(tmp_path, capsys):
    assert main(["report", "--month", "2023-01", "--data-dir", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert "no warehouse at" in error and "seh-stops run --source DIR" in error
    assert "Traceback" not in error


def test_a_source_that_is_not_a_folder_says_what_to_do(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["run", "--source", str(missing), "--data-dir", str(tmp_path)]) == 1
    assert f"export source {missing} is not a directory" in capsys.readouterr().err
