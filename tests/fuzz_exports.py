"""Generators of broken LPZ export days, for the fuzz tests.

A generated day starts as a well-formed export in all the forms the contract allows (headers
in any order, extra columns, CRLF or LF, a BOM, quoting where needed or everywhere, blank
lines, hostile but valid values: separators, quotes, line breaks, NUL, emoji, impossible
timestamps) and then gets at most one breakage: a truncated file, another encoding, invalid
bytes, a stray separator or quote, a missing or repeated column, an empty file, a huge field,
malformed records, or a manifest that lies (counts, hashes, names such as ``../x``, types,
version, day, ``gegenereerd_op``, not JSON at all).

Every :class:`FuzzedDay` says what the contract requires of it, worked out here from how it was
built and never by running the code under test: it must load (and then which values each
record carries, where the breakage leaves them known), it must be refused (and with which of the
documented reason phrases of ``seh_stops/lpz/inventory.py``), or either, when only the
parser can tell (a stray quote may land inside a quoted field).

The builders are plain functions, so the integration test can draw a fixed handful of days
from the same generators without Hypothesis.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from hypothesis import event
from hypothesis import strategies as st

from seh_stops.lpz.contract import (
    COLUMNS_BY_FILE,
    DATA_FILES,
    LOCATIONS_FILE,
    MANIFEST_FILE,
    MUTATIONS_FILE,
    manifest_object,
)
from seh_stops.lpz.inventory import MISSING_MANIFEST_REASON

# --- the documented reason phrases (seh_stops/lpz/inventory.py, docs/data-quality.md) ---


def sha_reason(name: str) -> str:
    return f"{name}: SHA-256 wijkt af van het manifest"


def absent_reason(name: str) -> str:
    return f"{name} ontbreekt"


def rows_reason(name: str) -> str:
    return f"{name}: aantal rijen wijkt af"


def utf8_reason(name: str) -> str:
    return f"{name}: geen geldige UTF-8"


def quoting_reason(name: str) -> str:
    return f"{name}: ongeldige aanhalingstekens"


def empty_reason(name: str) -> str:
    return f"{name}: leeg bestand zonder kopregel"


def header_reason(name: str) -> str:
    return f"{name}: kopregel mist of herhaalt een kolom"


JSON_REASON = "manifest.json is geen geldig JSON-object"
VERSION_REASON = "manifest.json: contractversie is niet 1"
DAY_REASON = "manifest.json: exportdatum is niet de dag van de map"
GENERATED_REASON = "manifest.json: gegenereerd_op ongeldig"
LISTING_REASON = "manifest.json: bestandenlijst ongeldig"
MISSING_REASON = MISSING_MANIFEST_REASON


class Outcome(StrEnum):
    """What the contract requires of a generated day."""

    COMPLETE = "complete"  # must verify and load
    REFUSED = "refused"  # must be refused with one of the listed reasons
    EITHER = "either"  # complete, or refused with one of the listed reasons


# --- one CSV file, built from fields --------------------------------------------------------


@dataclass(frozen=True)
class CsvFile:
    """An export CSV file as the LPZ meant it: a header and rows of fields, and its layout.

    A row whose length differs from the header's is a malformed record (quarantined, never
    lost). ``blank_after`` holds the row indexes after which a blank line follows (blank lines
    are not records; -1 is before the first row).
    """

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line_ending: str = "\n"
    bom: bool = False
    quote_all: bool = False
    blank_after: frozenset[int] = frozenset()
    final_line_ending: bool = True

    def to_bytes(self) -> bytes:
        lines = [self._line(self.header)]
        if -1 in self.blank_after:
            lines.append("")
        for index, row in enumerate(self.rows):
            lines.append(self._line(row))
            if index in self.blank_after:
                lines.append("")
        text = "".join(line + self.line_ending for line in lines)
        if not self.final_line_ending and not self.blank_after:
            # quoting keeps every line break of a value inside quotes: this is the terminator
            text = text.removesuffix(self.line_ending)
        return ("\ufeff" if self.bom else "").encode() + text.encode("utf-8")

    def _line(self, fields: tuple[str, ...]) -> str:
        """One record as section 1 writes it: quoted when a field holds ``;``, ``"`` or a line
        break (also a lone CR, which Python's csv writer leaves unquoted with an LF
        terminator), or everywhere; a lone empty field is ``""``, else it were a blank line."""
        if fields == ("",):
            return '""'
        return ";".join(
            '"' + value.replace('"', '""') + '"'
            if self.quote_all or any(mark in value for mark in ';"\r\n')
            else value
            for value in fields
        )

    @property
    def record_count(self) -> int:
        return len(self.rows)

    def well_formed(self) -> list[tuple[int, tuple[str, ...]]]:
        """(record number, values in contract column order) of the rows with the header's
        field count."""
        positions = [self.header.index(column) for column in COLUMNS_BY_FILE[self.name]]
        return [
            (number, tuple(row[position] for position in positions))
            for number, row in enumerate(self.rows, start=1)
            if len(row) == len(self.header)
        ]

    def malformed(self) -> list[tuple[int, tuple[str, ...]]]:
        """(record number, fields) of the rows with another field count than the header."""
        return [
            (number, row)
            for number, row in enumerate(self.rows, start=1)
            if len(row) != len(self.header)
        ]


# --- one export day -------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class FuzzedDay:
    """A generated export day: its files as published and what must become of it.

    ``files`` maps each contract file to its bytes, or None when it is not published.
    ``expected`` holds, for a day that must (or may) load, the CSV files whose every record
    must be read back exactly; a file whose values a breakage made unknowable is left out.
    ``rows_in`` is the number of records the LPZ put in each CSV file (the manifest's honest
    ``rijen``), the left-hand side of the accounting.
    """

    day: date
    breakage: str
    files: dict[str, bytes | None]
    outcome: Outcome
    reasons: frozenset[str] = frozenset()
    expected: dict[str, CsvFile] = field(default_factory=dict)
    rows_in: dict[str, int] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Short enough for a failure report: the breakage and the file sizes (Hypothesis
        prints the reproducing blob for the bytes)."""
        sizes = {
            name: None if content is None else len(content) for name, content in self.files.items()
        }
        return (
            f"FuzzedDay({self.day.isoformat()}, breakage={self.breakage!r}, "
            f"outcome={self.outcome.value}, sizes={sizes}, reasons={sorted(self.reasons)})"
        )

    def write(self, root: Path) -> Path:
        folder = root / self.day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in self.files.items():
            if content is not None:
                (folder / name).write_bytes(content)
        return folder


def generated_on(day: date) -> str:
    """The simulator's habit: 02:30 local the next morning."""
    return f"{(day + timedelta(days=1)).isoformat()}T02:30:00+01:00"


def manifest_dict(
    day: date, contents: dict[str, bytes], rijen: dict[str, int], generated: str
) -> dict:
    return manifest_object(
        day, generated, {name: (data, rijen[name]) for name, data in contents.items()}
    )


def to_json_bytes(manifest: object) -> bytes:
    return json.dumps(manifest, ensure_ascii=False).encode("utf-8")


def complete_day(
    day: date,
    locations: CsvFile,
    mutations: CsvFile,
    breakage: str = "none",
    generated: str | None = None,
) -> FuzzedDay:
    """A day with an honest manifest: it must load, every value as written."""
    csvs = {LOCATIONS_FILE: locations, MUTATIONS_FILE: mutations}
    contents = {name: file.to_bytes() for name, file in csvs.items()}
    rijen = {name: file.record_count for name, file in csvs.items()}
    manifest = manifest_dict(day, contents, rijen, generated or generated_on(day))
    return FuzzedDay(
        day=day,
        breakage=breakage,
        files={**contents, MANIFEST_FILE: to_json_bytes(manifest)},
        outcome=Outcome.COMPLETE,
        expected=csvs,
        rows_in=rijen,
    )


def with_file_bytes(
    base: FuzzedDay,
    name: str,
    content: bytes | None,
    *,
    breakage: str,
    outcome: Outcome,
    reasons: Sequence[str] = (),
    honest_hash: bool = True,
    keep_values: bool = False,
) -> FuzzedDay:
    """``base`` with file ``name`` replaced by ``content`` (None: not published).

    ``honest_hash``: the LPZ hashed what it published (a writer fault), so the manifest's
    SHA-256 follows the new bytes while ``rijen`` keeps the records the LPZ meant to write;
    otherwise the manifest stays as it was (a transfer or copy fault).
    """
    files = dict(base.files)
    files[name] = content
    if honest_hash and content is not None:
        manifest = json.loads(files[MANIFEST_FILE])
        for entry in manifest["bestanden"]:
            if entry["naam"] == name:
                entry["sha256"] = hashlib.sha256(content).hexdigest()
        files[MANIFEST_FILE] = to_json_bytes(manifest)
    expected = dict(base.expected)
    if not keep_values:
        expected.pop(name, None)
    return replace(
        base,
        breakage=breakage,
        files=files,
        outcome=outcome,
        reasons=frozenset(reasons),
        expected=expected,
    )


def with_manifest(
    base: FuzzedDay,
    content: bytes | None,
    *,
    breakage: str,
    outcome: Outcome,
    reasons: Sequence[str] = (),
) -> FuzzedDay:
    files = {**base.files, MANIFEST_FILE: content}
    return replace(
        base, breakage=breakage, files=files, outcome=outcome, reasons=frozenset(reasons)
    )


def edit_manifest(
    base: FuzzedDay,
    edit: Callable[[dict], object],
    *,
    breakage: str,
    outcome: Outcome,
    reasons: Sequence[str] = (),
) -> FuzzedDay:
    """``base`` with its manifest dict changed by ``edit`` (which returns the new manifest)."""
    manifest = json.loads(base.files[MANIFEST_FILE])
    return with_manifest(
        base,
        to_json_bytes(edit(manifest)),
        breakage=breakage,
        outcome=outcome,
        reasons=reasons,
    )


def entry_of(manifest: dict, name: str) -> dict:
    return next(entry for entry in manifest["bestanden"] if entry["naam"] == name)


def readable_reasons(name: str) -> list[str]:
    """What a file that may have stopped being readable can be refused for."""
    return [
        rows_reason(name),
        quoting_reason(name),
        utf8_reason(name),
        empty_reason(name),
        header_reason(name),
    ]


# --- field values -----------------------------------------------------------------------------

REGIONS = (
    "Noord",
    "Noord-Holland/Flevoland",
    "Midden",
    "Oost",
    "West",
    "Zuidwest",
    "Zwolle",
    "Euregio",
    "Brabant",
    "Limburg",
)
# Characters that break naive CSV handling, plus non-ASCII, NUL and a BOM inside a value.
HOSTILE_CHARACTERS = list(";\"\r\n \t\x00\\'éëüß€\u2028\ufeff😀")
IMPOSSIBLE_TIMESTAMPS = (
    "2023-13-01T10:00:00+01:00",  # month 13
    "2023-00-10T10:00:00+01:00",  # month 0
    "2023-01-10T24:00:00+01:00",  # 24:00
    "2023-02-30T10:00:00+01:00",  # 30 February
    "2023-02-29T10:00:00+01:00",  # not a leap year
    "2023-01-10T10:60:00+01:00",
    "2023-01-10T10:00:60+01:00",
    "2023-01-10T10:00:00+24:00",  # offsets beyond the contract
    "2023-01-10T10:00:00+01:60",
    "2023-01-10T10:00:00-99:99",
    "2023-01-10T10:00:00+0100",
    "2023-01-10T10:00:00",
    "2023-01-10T10:00:00.5+01:00",
    "2023-01-10 10:00:00+01:00",
    "2023-01-10t10:00:00z",
    "0000-01-01T00:00:00Z",  # dates out of range
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:30:00Z",
    "\uff12\uff10\uff12\uff13-01-10T10:00:00+01:00",  # fullwidth digits
    " 2023-01-10T10:00:00+01:00",
    "2023-01-10T10:00:00+01:00 ",
)
IMPOSSIBLE_DATES = ("2023-02-30", "2023-13-01", "0000-01-01", "2023-1-1", "20230101", "9999-12-31")

hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE_CHARACTERS), st.characters(codec="utf-8")),
    max_size=12,
)


@st.composite
def valid_timestamps(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=datetime(2022, 1, 1), max_value=datetime(2024, 12, 31)))
    offset = draw(st.sampled_from(["+01:00", "+02:00", "Z", "-00:00", "+05:45", "-11:00"]))
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + offset


timestamps = st.one_of(
    valid_timestamps(), st.sampled_from(IMPOSSIBLE_TIMESTAMPS), st.just(""), hostile_text
)
dates = st.one_of(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
    st.sampled_from(IMPOSSIBLE_DATES),
    st.just(""),
)
location_ids = st.one_of(st.sampled_from(["SEH0001", "SEH0002", "SEH0003", ""]), hostile_text)
yes_no = st.one_of(st.sampled_from(["ja", "nee", "JA", "Nee", " ja", ""]), hostile_text)

VALUE_STRATEGIES: dict[str, st.SearchStrategy[str]] = {
    "locatie_id": location_ids,
    "locatie_naam": hostile_text,
    "ziekenhuis": hostile_text,
    "roaz_regio": st.one_of(st.sampled_from(REGIONS), hostile_text),
    "seh_module_actief": yes_no,
    "actief_sinds": dates,
    "traumacentrum_level1": yes_no,
    "mutatie_id": st.one_of(st.sampled_from(["M1", "M2", "M3", ""]), hostile_text),
    "status": st.one_of(st.sampled_from(["stop", "open", "ingetrokken", "Stop", ""]), hostile_text),
    "stoptype": st.one_of(
        st.sampled_from(["volledig", "ambulance", "specialisme", "time-out", ""]), hostile_text
    ),
    "specialisme": st.one_of(st.sampled_from(["", "cardiologie"]), hostile_text),
    "ingang": timestamps,
    "gepland_einde": timestamps,
    "geregistreerd_op": timestamps,
    "vervangt_mutatie_id": st.one_of(st.sampled_from(["", "M1", "M2"]), hostile_text),
    "toelichting": hostile_text,
}


@st.composite
def csv_files(draw: st.DrawFn, name: str, max_rows: int = 4) -> CsvFile:
    """A well-formed export file: any column order, extra columns, any allowed layout."""
    columns = COLUMNS_BY_FILE[name]
    extras = draw(
        # (a BOM is stripped from the file's start: "\ufefflocatie_id" first would be a repeat)
        st.lists(hostile_text.filter(lambda text: text.lstrip("\ufeff") not in columns), max_size=2)
    )
    header = tuple(draw(st.permutations([*columns, *extras])))
    row = st.tuples(*(VALUE_STRATEGIES.get(column, hostile_text) for column in header))
    rows = tuple(draw(st.lists(row, max_size=max_rows)))
    return CsvFile(
        name=name,
        header=header,
        rows=rows,
        line_ending=draw(st.sampled_from(["\n", "\r\n"])),
        bom=draw(st.booleans()),
        quote_all=draw(st.booleans()),
        blank_after=frozenset(
            draw(st.lists(st.integers(min_value=-1, max_value=max(len(rows) - 1, -1))))
        ),
        final_line_ending=draw(st.booleans()),
    )


@st.composite
def with_malformed_rows(draw: st.DrawFn, file: CsvFile) -> CsvFile:
    """``file`` with some rows given too few or too many fields (quarantined, not fatal)."""
    if not file.rows:
        return file
    width = len(file.header)
    rows = list(file.rows)
    for index in draw(st.sets(st.integers(0, len(rows) - 1), min_size=1)):
        if draw(st.booleans()):
            rows[index] = rows[index][: draw(st.integers(1, width - 1))]
        else:
            rows[index] = rows[index] + tuple(draw(st.lists(hostile_text, min_size=1, max_size=3)))
    return replace(file, rows=tuple(rows))


@st.composite
def with_huge_field(draw: st.DrawFn, file: CsvFile) -> CsvFile:
    """``file`` with one value far beyond the csv module's default 128 KiB field limit."""
    unit = draw(st.sampled_from(["x", "é", 'a;"b', "regel\r\n", "😀"]))
    size = draw(st.integers(min_value=140_000, max_value=300_000))
    huge = unit * (size // len(unit))
    column = draw(st.sampled_from(COLUMNS_BY_FILE[file.name]))
    position = file.header.index(column)
    row = list(file.rows[0]) if file.rows else ["" for _ in file.header]
    row[position] = huge
    return replace(file, rows=(tuple(row), *file.rows[1:]))


DAY = date(2023, 3, 1)


@st.composite
def loadable_days(draw: st.DrawFn, day: date = DAY) -> FuzzedDay:
    """Days the contract requires to load: hostile values, malformed rows, huge fields."""
    locations = draw(csv_files(LOCATIONS_FILE))
    mutations = draw(csv_files(MUTATIONS_FILE))
    kind = draw(st.sampled_from(["none", "malformed_rows", "huge_field", "header_only"]))
    target = draw(st.sampled_from(DATA_FILES))
    files = {LOCATIONS_FILE: locations, MUTATIONS_FILE: mutations}
    if kind == "malformed_rows":
        files[target] = draw(with_malformed_rows(files[target]))
    elif kind == "huge_field":
        files[target] = draw(with_huge_field(files[target]))
    elif kind == "header_only":
        files[target] = replace(files[target], rows=(), blank_after=frozenset())
    generated = draw(
        st.sampled_from(
            [generated_on(day), f"{day.isoformat()}T23:59:59Z", f"{day.isoformat()}T23:00:00-00:00"]
        )
    )
    return complete_day(
        day, files[LOCATIONS_FILE], files[MUTATIONS_FILE], f"{kind}:{target}", generated
    )


# --- breakages --------------------------------------------------------------------------------


def truncated(base: FuzzedDay, name: str, keep: int, *, honest_hash: bool) -> FuzzedDay:
    """The file cut after ``keep`` bytes (``keep`` < its length)."""
    content = base.files[name]
    assert content is not None and 0 <= keep < len(content)
    if honest_hash:
        return with_file_bytes(
            base,
            name,
            content[:keep],
            breakage=f"truncated at {keep}, rehashed:{name}",
            outcome=Outcome.EITHER,
            reasons=readable_reasons(name),
        )
    return with_file_bytes(
        base,
        name,
        content[:keep],
        breakage=f"truncated at {keep}:{name}",
        outcome=Outcome.REFUSED,
        reasons=[sha_reason(name)],
        honest_hash=False,
    )


def reencoded(base: FuzzedDay, name: str, encoding: str) -> FuzzedDay:
    """The file written in another encoding (the manifest hashes what was written)."""
    original = base.files[name]
    assert original is not None
    text = original.decode("utf-8")
    content = text.encode(encoding, errors="replace")
    breakage = f"encoded as {encoding}:{name}"
    if content == original:  # plain ASCII in latin-1: nothing changed
        return replace(base, breakage=breakage)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return with_file_bytes(
            base,
            name,
            content,
            breakage=breakage,
            outcome=Outcome.REFUSED,
            reasons=[utf8_reason(name)],
        )
    # valid UTF-8 by accident (UTF-16 of ASCII text: every other byte NUL; '?' replacements)
    return with_file_bytes(
        base,
        name,
        content,
        breakage=breakage,
        outcome=Outcome.EITHER,
        reasons=[header_reason(name), quoting_reason(name), rows_reason(name)],
    )


INVALID_UTF8 = (b"\xff", b"\x80", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80")


def with_invalid_bytes(base: FuzzedDay, name: str, position: int, junk: bytes) -> FuzzedDay:
    original = base.files[name]
    assert original is not None
    position = min(position, len(original))
    return with_file_bytes(
        base,
        name,
        original[:position] + junk + original[position:],
        breakage=f"invalid bytes {junk!r} at {position}:{name}",
        outcome=Outcome.REFUSED,
        reasons=[utf8_reason(name)],
    )


def with_stray_character(base: FuzzedDay, name: str, position: int, character: str) -> FuzzedDay:
    """A ``;`` or ``"`` inserted anywhere in the text, header included."""
    original = base.files[name]
    assert original is not None
    text = original.decode("utf-8")
    position = min(position, len(text))
    content = (text[:position] + character + text[position:]).encode("utf-8")
    return with_file_bytes(
        base,
        name,
        content,
        breakage=f"stray {character!r} at {position}:{name}",
        outcome=Outcome.EITHER,
        reasons=[header_reason(name), quoting_reason(name), rows_reason(name)],
    )


def without_column(base: FuzzedDay, file: CsvFile, column: str) -> FuzzedDay:
    position = file.header.index(column)
    header = file.header[:position] + file.header[position + 1 :]
    rows = tuple(row[:position] + row[position + 1 :] for row in file.rows)
    content = replace(file, header=header, rows=rows).to_bytes()
    return with_file_bytes(
        base,
        file.name,
        content,
        breakage=f"column {column} missing:{file.name}",
        outcome=Outcome.REFUSED,
        reasons=[header_reason(file.name)],
    )


def with_repeated_column(base: FuzzedDay, file: CsvFile, column: str) -> FuzzedDay:
    header = (*file.header, column)
    rows = tuple((*row, "x") for row in file.rows)
    content = replace(file, header=header, rows=rows).to_bytes()
    return with_file_bytes(
        base,
        file.name,
        content,
        breakage=f"column {column} repeated:{file.name}",
        outcome=Outcome.REFUSED,
        reasons=[header_reason(file.name)],
    )


EMPTY_FILES = (b"", b"\xef\xbb\xbf", b"\n", b"\r\n\r\n", b"\xef\xbb\xbf\n")


def emptied(base: FuzzedDay, name: str, content: bytes) -> FuzzedDay:
    """An empty file (or only a BOM and blank lines), listed with 0 rows."""
    day = with_file_bytes(
        base,
        name,
        content,
        breakage=f"empty file {content!r}:{name}",
        outcome=Outcome.REFUSED,
        reasons=[empty_reason(name)],
    )
    manifest = json.loads(day.files[MANIFEST_FILE])
    entry_of(manifest, name)["rijen"] = 0
    return replace(day, files={**day.files, MANIFEST_FILE: to_json_bytes(manifest)})


def unpublished(base: FuzzedDay, name: str) -> FuzzedDay:
    if name == MANIFEST_FILE:
        return with_manifest(
            base,
            None,
            breakage="manifest not published",
            outcome=Outcome.REFUSED,
            reasons=[MISSING_REASON],
        )
    return with_file_bytes(
        base,
        name,
        None,
        breakage=f"not published:{name}",
        outcome=Outcome.REFUSED,
        reasons=[absent_reason(name)],
    )


def lying_row_count(base: FuzzedDay, name: str, delta: int) -> FuzzedDay:
    assert delta != 0
    rijen = base.rows_in[name] + delta

    def edit(manifest: dict) -> dict:
        entry_of(manifest, name)["rijen"] = rijen
        return manifest

    reason = rows_reason(name) if rijen >= 0 else LISTING_REASON
    return edit_manifest(
        base, edit, breakage=f"rijen {rijen}:{name}", outcome=Outcome.REFUSED, reasons=[reason]
    )


def lying_hash(base: FuzzedDay, name: str, how: str) -> FuzzedDay:
    """Another file's hash, a hash one digit short, junk, or (harmless) upper-case hex."""

    def edit(manifest: dict) -> dict:
        entry = entry_of(manifest, name)
        entry["sha256"] = {
            "other": hashlib.sha256(b"another file").hexdigest(),
            "short": entry["sha256"][:-1],
            "junk": "not a hash",
            "empty": "",
            "upper": entry["sha256"].upper(),
        }[how]
        return manifest

    if how == "upper":
        return edit_manifest(base, edit, breakage=f"sha256 {how}:{name}", outcome=base.outcome)
    return edit_manifest(
        base,
        edit,
        breakage=f"sha256 {how}:{name}",
        outcome=Outcome.REFUSED,
        reasons=[sha_reason(name)],
    )


OTHER_NAMES = (
    "../x",
    "../seh_locaties.csv",
    "/etc/passwd",
    "seh_locaties.csv/../x",
    "./seh_statusmutaties.csv",
    "..\\x",
    "SEH_LOCATIES.CSV",
    "manifest.json",
    "seh_locaties.csv ",
    "seh_locaties.csv\x00",
    "x" * 5000,
)


def naming_other_file(base: FuzzedDay, other: str, how: str) -> FuzzedDay:
    """An entry renamed to ``other``, or an extra entry for ``other``."""

    def edit(manifest: dict) -> dict:
        if how == "rename":
            manifest["bestanden"][0]["naam"] = other
        else:
            manifest["bestanden"].append({"naam": other, "rijen": 1, "sha256": "0" * 64})
        return manifest

    return edit_manifest(
        base,
        edit,
        breakage=f"{how} entry {other[:40]!r}",
        outcome=Outcome.REFUSED,
        reasons=[LISTING_REASON],
    )


def listing_changed(base: FuzzedDay, how: str) -> FuzzedDay:
    """The file list duplicated, dropped, mistyped or replaced."""

    def edit(manifest: dict) -> dict:
        entries = manifest["bestanden"]
        if how == "duplicate identical":
            entries.append(dict(entries[0]))
        elif how == "duplicate different":
            entries.append({**entries[0], "rijen": entries[0]["rijen"] + 1})
        elif how == "drop entry":
            entries.pop()
        elif how == "rijen as text":
            entries[0]["rijen"] = str(entries[0]["rijen"])
        elif how == "rijen as float":
            entries[0]["rijen"] = float(entries[0]["rijen"])
        elif how == "rijen as bool":
            entries[0]["rijen"] = True
        elif how == "rijen null":
            entries[0]["rijen"] = None
        elif how == "sha256 as number":
            entries[0]["sha256"] = 12345
        elif how == "naam missing":
            del entries[0]["naam"]
        elif how == "entry is a string":
            entries[0] = "seh_locaties.csv"
        elif how == "bestanden is an object":
            manifest["bestanden"] = {"seh_locaties.csv": entries[0]}
        elif how == "bestanden missing":
            del manifest["bestanden"]
        return manifest

    if how == "duplicate identical":
        return edit_manifest(base, edit, breakage=how, outcome=base.outcome)
    return edit_manifest(
        base, edit, breakage=how, outcome=Outcome.REFUSED, reasons=[LISTING_REASON]
    )


BAD_VERSIONS = (1, "2", "1 ", "v1", None, [1], "MISSING")
BAD_GENERATED = (*IMPOSSIBLE_TIMESTAMPS, "", 20230302, None, "MISSING")


def wrong_value(base: FuzzedDay, key: str, value: object) -> FuzzedDay:
    """contractversie, exportdatum or gegenereerd_op set to ``value`` ("MISSING": absent)."""

    def edit(manifest: dict) -> dict:
        if value == "MISSING":
            del manifest[key]
        else:
            manifest[key] = value
        return manifest

    reason = {
        "contractversie": VERSION_REASON,
        "exportdatum": DAY_REASON,
        "gegenereerd_op": GENERATED_REASON,
    }[key]
    return edit_manifest(
        base, edit, breakage=f"{key} {value!r}", outcome=Outcome.REFUSED, reasons=[reason]
    )


def bad_days(day: date) -> tuple[object, ...]:
    return (
        (day + timedelta(days=1)).isoformat(),
        (day - timedelta(days=365)).isoformat(),
        day.strftime("%Y-%-m-%-d"),
        day.strftime("%Y%m%d"),
        f"{day.isoformat()}T00:00:00+01:00",
        None,
        "MISSING",
    )


def not_json(base: FuzzedDay, how: str, size: int) -> FuzzedDay:
    """A manifest that is no JSON object at all."""
    manifest = base.files[MANIFEST_FILE]
    assert manifest is not None
    content = {
        "truncated": manifest[: size % len(manifest)],
        "utf-16": manifest.decode("utf-8").encode("utf-16"),
        "utf-16-le": manifest.decode("utf-8").encode("utf-16-le"),
        "invalid byte": b"\xff" + manifest,
        "nested": b"[" * size + b"]" * size,
        "nested object": b'[{"a":' * size + b"1" + b"}]" * size,
        # beyond Python's 4300-digit limit for int(): a ValueError, not a JSONDecodeError
        "huge number": b'{"contractversie": "1", "rijen": ' + b"9" * max(size, 4301) + b"}",
        "array": b"[" + manifest + b"]",
        "string": b'"manifest"',
        "null": b"null",
        "empty": b"",
    }[how]
    return with_manifest(
        base,
        content,
        breakage=f"manifest {how} ({size})",
        outcome=Outcome.REFUSED,
        reasons=[JSON_REASON],
    )


def harmless_manifest_change(base: FuzzedDay, how: str) -> FuzzedDay:
    """Changes the contract allows: a BOM, unknown keys, whitespace."""
    manifest = json.loads(base.files[MANIFEST_FILE])
    if how == "bom":
        content = b"\xef\xbb\xbf" + to_json_bytes(manifest)
    elif how == "extra keys":
        content = to_json_bytes({**manifest, "opmerking": "extra", "versie": [1, {"a": None}]})
    else:
        content = json.dumps(manifest, indent=4).encode("utf-8")
    return with_manifest(base, content, breakage=f"manifest {how}", outcome=base.outcome)


BREAKAGES: tuple[str, ...] = (
    "none",
    "truncated",
    "truncated rehashed",
    "reencoded",
    "invalid bytes",
    "stray character",
    "missing column",
    "repeated column",
    "empty file",
    "unpublished",
    "row count",
    "hash",
    "other file",
    "listing",
    "contractversie",
    "exportdatum",
    "gegenereerd_op",
    "not json",
    "harmless manifest",
)


@st.composite
def fuzzed_days(draw: st.DrawFn, kind: str | None = None, day: date = DAY) -> FuzzedDay:
    """A generated day: loadable, then broken in one of :data:`BREAKAGES` (``kind``, or any).

    Tests run one family per parametrized case: Hypothesis favours the first choices of
    ``sampled_from``, so drawing the family too would leave some families with an example or
    two in a CI-sized run.
    """
    base = draw(loadable_days(day))
    csvs = base.expected
    if kind is None:
        kind = draw(st.sampled_from(BREAKAGES))
    event(f"breakage: {kind}")  # pytest --hypothesis-show-statistics shows the mix
    name = draw(st.sampled_from(DATA_FILES))
    content = base.files[name]
    assert content is not None
    if kind == "none":
        return base
    if kind in ("truncated", "truncated rehashed"):
        keep = draw(st.integers(min_value=0, max_value=len(content) - 1))
        return truncated(base, name, keep, honest_hash=kind == "truncated rehashed")
    if kind == "reencoded":
        encoding = draw(st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be"]))
        return reencoded(base, name, encoding)
    if kind == "invalid bytes":
        position = draw(st.integers(min_value=0, max_value=len(content)))
        return with_invalid_bytes(base, name, position, draw(st.sampled_from(INVALID_UTF8)))
    if kind == "stray character":
        position = draw(st.integers(min_value=0, max_value=len(content.decode("utf-8"))))
        return with_stray_character(base, name, position, draw(st.sampled_from([";", '"'])))
    if kind in ("missing column", "repeated column"):
        column = draw(st.sampled_from(COLUMNS_BY_FILE[name]))
        if kind == "missing column":
            return without_column(base, csvs[name], column)
        return with_repeated_column(base, csvs[name], column)
    if kind == "empty file":
        return emptied(base, name, draw(st.sampled_from(EMPTY_FILES)))
    if kind == "unpublished":
        return unpublished(base, draw(st.sampled_from([*DATA_FILES, MANIFEST_FILE])))
    if kind == "row count":
        delta = draw(st.sampled_from([-3, -2, -1, 1, 2, 3, 10**30]))
        if base.rows_in[name] + delta < 0 and draw(st.booleans()):
            delta = -delta
        return lying_row_count(base, name, delta)
    if kind == "hash":
        how = draw(st.sampled_from(["other", "short", "junk", "empty", "upper"]))
        return lying_hash(base, name, how)
    if kind == "other file":
        other = draw(st.one_of(st.sampled_from(OTHER_NAMES), hostile_text))
        if other in DATA_FILES:  # the generated text happens to be a contract name
            other = "../" + other
        return naming_other_file(base, other, draw(st.sampled_from(["rename", "add"])))
    if kind == "listing":
        how = draw(
            st.sampled_from(
                [
                    "duplicate identical",
                    "duplicate different",
                    "drop entry",
                    "rijen as text",
                    "rijen as float",
                    "rijen as bool",
                    "rijen null",
                    "sha256 as number",
                    "naam missing",
                    "entry is a string",
                    "bestanden is an object",
                    "bestanden missing",
                ]
            )
        )
        return listing_changed(base, how)
    if kind == "contractversie":
        return wrong_value(base, "contractversie", draw(st.sampled_from(BAD_VERSIONS)))
    if kind == "exportdatum":
        return wrong_value(base, "exportdatum", draw(st.sampled_from(bad_days(day))))
    if kind == "gegenereerd_op":
        return wrong_value(base, "gegenereerd_op", draw(st.sampled_from(BAD_GENERATED)))
    if kind == "not json":
        how = draw(
            st.sampled_from(
                [
                    "truncated",
                    "utf-16",
                    "utf-16-le",
                    "invalid byte",
                    "nested",
                    "nested object",
                    "huge number",
                    "array",
                    "string",
                    "null",
                    "empty",
                ]
            )
        )
        size = draw(st.sampled_from([1, 5, 999, 5_000, 100_000]))
        return not_json(base, how, size)
    if kind == "harmless manifest":
        how = draw(st.sampled_from(["bom", "extra keys", "indented"]))
        return harmless_manifest_change(base, how)
    raise ValueError(f"unknown breakage {kind!r}: choose one of BREAKAGES")
