"""How the ``seh-stops`` command line is read: one line per mistake, naming the argument.

argparse answers a usage error with the usage synopsis and then the error, several lines an
operator has to read past. :class:`OneLineParser` prints only the error, with a pointer to the
command's ``--help``, and exits 2 like argparse does. The value types below refuse what they
cannot use with a message that says what to write instead.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

USAGE_EXIT = 2  # the command line is wrong (argparse's own code); 1: the command failed
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_QUARTER = re.compile(r"\d{4}-[Qq]\d")
COMMON_OPTIONS = ("--data-dir", "--debug")


def one_line(text: str) -> str:
    """``text`` on one line: a message with line breaks (DuckDB's, Dagster's) is joined."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def usage_error_line(prog: str, message: str) -> str:
    """The single line a usage error prints: who, what, and where the help is."""
    return f"{prog}: error: {one_line(message)} (see {prog} --help)"


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr, without the synopsis.

    Sub-commands made with ``add_subparsers().add_parser`` are of this class too (argparse
    uses the parent parser's class), so ``seh-stops run --from x`` names ``seh-stops run``.
    """

    def error(self, message: str) -> NoReturn:
        print(usage_error_line(self.prog, message), file=sys.stderr)
        raise SystemExit(USAGE_EXIT)


def misplaced_option(argv: Sequence[str], commands: Sequence[str]) -> str | None:
    """The message for ``seh-stops --debug run ...``: the common options belong to each
    command, after its name (argparse would call them unrecognized, or take the next word
    for the command)."""
    for word in argv:
        if word in commands or word in ("-h", "--help"):
            return None
        option = word.split("=", 1)[0]
        if option in COMMON_OPTIONS:
            return (
                f"{option} goes after the command's name, for example "
                f"`seh-stops run {option}{' DIR' if option == '--data-dir' else ''} ...`"
            )
    return None


def day(text: str) -> date:
    """A calendar day written YYYY-MM-DD (not the other forms ``date.fromisoformat`` takes)."""
    if not _DAY.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day of the form YYYY-MM-DD (for example 2023-01-31)"
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day of the calendar: give a real day as YYYY-MM-DD"
        ) from None


def month(text: str) -> str:
    """A month written YYYY-MM with MM from 01 to 12."""
    if not _MONTH.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a month of the form YYYY-MM (for example 2023-01)"
        )
    if not 1 <= int(text[5:]) <= 12:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no month {text[5:]}: give the month as YYYY-MM with MM from 01 to 12"
        )
    return text


def quarter(text: str) -> str:
    """A calendar quarter written YYYY-QN with N from 1 to 4 (``2023-Q1``)."""
    if not _QUARTER.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a quarter of the form YYYY-QN (for example 2023-Q1)"
        )
    if text[5] != "Q":
        raise argparse.ArgumentTypeError(
            f"{text!r}: write the quarter with a capital Q, as {text[:5]}Q{text[6]}"
        )
    if not 1 <= int(text[6]) <= 4:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no quarter {text[6]}: give the quarter as YYYY-QN with N from 1 to 4"
        )
    return text


def whole_number(text: str) -> int:
    """Any whole number (a random seed)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number (for example 2023)"
        ) from None


def scale(text: str) -> int:
    """A whole number of at least 1 (copies of the simulated world)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value
