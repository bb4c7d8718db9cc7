"""Reading one export CSV file the way specification, sections 1 and 8 define it.

UTF-8 (a BOM is allowed), ``;`` separator, RFC 4180 quoting, CRLF or LF, first line the
header, columns matched by header name in any order, extra columns ignored. A file that cannot
be read as a whole (bad encoding, broken quoting, a missing or repeated contract column) makes
the export day incomplete: :class:`UnreadableFile`. A field may be as long as the file. A
single record with another field count than the header is not fatal: it is returned as a
malformed record for the quarantine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple


class UnreadableFile(ValueError):
    """The file cannot be read under the contract; the day that holds it is incomplete."""


class Record(NamedTuple):
    """One CSV record: where it starts in the file and its values by contract column.

    A named tuple, not a dataclass: a backfill builds millions, and a tuple is made in a
    third of the time."""

    line_number: int  # physical line where the record starts (the header is line 1)
    record_number: int  # 1-based position among the data records
    values: tuple[str, ...]  # in the order of the contract's columns


@dataclass(frozen=True)
class MalformedRecord:
    """A record whose field count differs from the header's (quarantined as malformed_row)."""

    line_number: int
    record_number: int
    fields: tuple[str, ...]
    expected_fields: int

    @property
    def detail(self) -> str:
        return f"expected {self.expected_fields} fields, got {len(self.fields)}"

    @property
    def fields_json(self) -> str:
        return json.dumps(list(self.fields), ensure_ascii=False)


@dataclass(frozen=True)
class ParsedFile:
    """A readable export file: its well-formed and its malformed records."""

    name: str
    records: list[Record] = field(default_factory=list)
    malformed: list[MalformedRecord] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        """Data records, header and blank lines excluded: what the manifest's ``rijen`` counts."""
        return len(self.records) + len(self.malformed)

    @property
    def well_formed_count(self) -> int:
        return len(self.records)

    @property
    def malformed_count(self) -> int:
        return len(self.malformed)


def parse_export_csv(name: str, content: bytes, columns: tuple[str, ...]) -> ParsedFile:
    """Parse ``content`` of the export file ``name`` against its contract ``columns``.

    Raises :class:`UnreadableFile` with a message that names the file and the problem.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{name}: not valid UTF-8 (byte {exc.start})") from exc
    text = text.removeprefix("\ufeff")
    _allow_fields_up_to(len(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    try:
        header, positions = _read_header(name, reader, columns)
        parsed = ParsedFile(name=name)
        width, pick, add = len(header), _picker(positions), parsed.records.append
        number, line_after_previous = 0, reader.line_num + 1
        for fields in reader:
            start, line_after_previous = line_after_previous, reader.line_num + 1
            if not fields:  # a blank line is not a record
                continue
            number += 1
            if len(fields) == width:
                add(Record(start, number, pick(fields)))
            else:
                parsed.malformed.append(MalformedRecord(start, number, tuple(fields), width))
    except csv.Error as exc:
        raise UnreadableFile(f"{name}: broken quoting near line {reader.line_num} ({exc})") from exc
    return parsed


def _picker(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The contract's values of a record, in contract order (itemgetter: C speed)."""
    if len(positions) == 1:  # itemgetter of one item returns the item, not a tuple
        return lambda fields: (fields[positions[0]],)
    return itemgetter(*positions)


def _allow_fields_up_to(length: int) -> None:
    """Let the csv module read a field as long as the whole file.

    The contract sets no size limit on a field, and a long ``toelichting`` is no reason to
    refuse a day; the csv module's default limit (128 KiB) would report it as an error. The
    file is in memory already, and quoting that never closes still fails at the end of the
    file, so the limit protects nothing here. (It is process-wide; it only ever grows.)
    """
    if csv.field_size_limit() < length:
        csv.field_size_limit(length)


def _read_header(
    name: str, reader: csv._reader, columns: tuple[str, ...]
) -> tuple[list[str], list[int]]:
    """The header and, for each contract column, its position in the header."""
    header = next(reader, None)
    while header == []:  # leading blank lines
        header = next(reader, None)
    if header is None:
        raise UnreadableFile(f"{name}: the file is empty (no header line)")
    repeated = sorted({column for column in columns if header.count(column) > 1})
    if repeated:
        raise UnreadableFile(f"{name}: header repeats column(s) {', '.join(repeated)}")
    missing = [column for column in columns if column not in header]
    if missing:
        raise UnreadableFile(f"{name}: header lacks column(s) {', '.join(missing)}")
    return header, [header.index(column) for column in columns]
