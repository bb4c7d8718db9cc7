"""Each export file parsed once per ``seh-stops run``, while each verification still reads it.

The CLI verifies every day before it starts the ingestion run (to report the days it cannot
load), and the ingestion asset verifies every day again, because it must not trust whoever
started the run: it reads the files itself and checks them against the manifest. Reading and
hashing a file costs a fifth of parsing it (docs/performance.md), so inside
:func:`parse_each_file_once` the parse of a file's bytes is kept by the file's name and the
SHA-256 of its bytes, and the next verification that reads the same bytes takes it instead of
parsing them again. The SHA-256 is the one each verification computes to check the manifest;
a parse is a function of the bytes alone, so the second verification is as strict as before.

Bounded: parses are kept for files of at most ``limit_bytes`` together (the first ones, as
the ingestion keeps the first days it verified), each handed out once, and everything is
dropped when the block ends. Outside the block (the UI's runs, the tests' own calls) nothing
is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from seh_stops.lpz.csv_file import ParsedFile, parse_export_csv


class _Kept:
    def __init__(self, limit_bytes: int) -> None:
        self.budget = limit_bytes
        self.parsed: dict[tuple[str, str], ParsedFile] = {}


_kept: ContextVar[_Kept | None] = ContextVar("parsed_once", default=None)


@contextmanager
def parse_each_file_once(limit_bytes: int) -> Iterator[None]:
    """Keep parses for the verifications inside this block (see the module's docstring)."""
    token = _kept.set(_Kept(limit_bytes))
    try:
        yield
    finally:
        _kept.reset(token)


def parse_export_csv_once(
    name: str, content: bytes, sha256: str, columns: tuple[str, ...]
) -> ParsedFile:
    """``parse_export_csv`` of ``content`` (file ``name``, whose SHA-256 is ``sha256``): a parse
    kept from an earlier verification in this block, or a new one, kept for the next
    verification while the block's budget lasts."""
    kept = _kept.get()
    if kept is None:
        return parse_export_csv(name, content, columns)
    earlier = kept.parsed.pop((name, sha256), None)
    if earlier is not None:
        return earlier
    result = parse_export_csv(name, content, columns)
    if len(content) <= kept.budget:
        kept.parsed[(name, sha256)] = result
        kept.budget -= len(content)
    return result
