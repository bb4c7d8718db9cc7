"""Dirty rows, as real feeds carry them every week, added to simulated export days.

``seh-stops simulate --dirty`` (and the tests) add to some days a few rows of each kind the
specification quarantines or keeps with a finding (specification, sections 3.2, 3.3 and 8.3):

- a mutation re-sent with a different status (a conflicting duplicate: the first stands);
- a status the contract does not know (``gesloten``);
- an ``ingang`` written ``2023-01-31 18:40`` (no contract timestamp);
- a ``stoptype`` on an ``open``;
- a ``specialisme`` without its stop type;
- a ``stop`` without a ``stoptype``;
- a valid mutation filed a day late (kept, with a finding).

Each added row is quarantined, and a moved row is still the same mutation, so the figures
stay those of the clean simulation: the documented effect is only the quarantine rows and
findings that :class:`DirtyRow` lists. Each kind goes to its own days, ``per_day`` rows a
day: isolated rows (warnings), never a day broken at scale. The days are rewritten with a
correct manifest and the same ``gegenereerd_op``.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from seh_stops.lpz.contract import (
    LOCATIONS_FILE,
    MANIFEST_FILE,
    MUTATION_COLUMNS,
    MUTATIONS_FILE,
)
from simulator.writer import write_export_day

# kind -> (the quarantine reason the pipeline gives it, or None when the row is kept)
DIRTY_KINDS: dict[str, str | None] = {
    "conflicting_resend": "conflicting_duplicate",
    "unknown_status": "invalid_value",
    "ingang_format": "invalid_value",
    "stoptype_on_open": "forbidden_field",
    "specialisme_without_stoptype": "forbidden_field",
    "stop_without_stoptype": "missing_required_field",
    "filed_a_day_late": None,
}
DAYS_PER_KIND = 2
COLUMN = {name: index for index, name in enumerate(MUTATION_COLUMNS)}


@dataclass(frozen=True)
class DirtyRow:
    """A row added (or moved) and what the pipeline must make of it."""

    kind: str
    export_day: date
    mutatie_id: str
    reason: str | None  # quarantine reason; None: kept with a finding

    def describe(self) -> str:
        what = f"quarantined ({self.reason})" if self.reason else "kept with a finding"
        return f"{self.export_day} {self.mutatie_id}: {self.kind}, {what}"


def add_dirty_rows(
    out_dir: Path, days: list[date], seed: int = 2023, per_day: int = 3
) -> list[DirtyRow]:
    """Add ``per_day`` dirty rows of each kind to ``DAYS_PER_KIND`` days of ``days`` (written
    export days in ``out_dir``), each kind on days of its own; return what was added."""
    rng = random.Random(f"{seed}:dirty")
    # the first day has no earlier rows to re-send; the last has no next day to be late into
    usable = sorted(days)[1:-1]
    needed = len(DIRTY_KINDS) * DAYS_PER_KIND
    if len(usable) < needed:
        raise ValueError(f"dirty rows need at least {needed + 2} export days, not {len(days)}")
    chosen = rng.sample(usable, needed)
    added: list[DirtyRow] = []
    for number, kind in enumerate(sorted(DIRTY_KINDS) * DAYS_PER_KIND):
        day = chosen[number]
        added += _inject(out_dir, kind, day, rng, per_day, len(added))
    return added


def _inject(
    out_dir: Path, kind: str, day: date, rng: random.Random, per_day: int, serial: int
) -> list[DirtyRow]:
    rows, locations, generated = _read_day(out_dir, day)
    if kind == "filed_a_day_late":
        return _file_late(out_dir, day, rows, locations, generated, rng, per_day)
    added = []
    registered = {location[0] for location in locations}
    # a registered stop of the day's own rows: the dirty copy fails only in its own way
    stops = [
        row
        for row in rows
        if row[COLUMN["status"]] == "stop"
        and row[COLUMN["locatie_id"]] in registered
        and row[COLUMN["geregistreerd_op"]].startswith(day.isoformat())
    ]
    for offset, original in enumerate(rng.sample(stops, per_day)):
        if kind == "conflicting_resend":
            row = _with(original, status="open", stoptype="", specialisme="", gepland_einde="")
        else:
            row = _new_row(kind, original, f"VUIL{serial + offset + 1:05d}", day)
        rows.append(row)
        added.append(DirtyRow(kind, day, row[COLUMN["mutatie_id"]], DIRTY_KINDS[kind]))
    write_export_day(out_dir, day, locations, rows, generated)
    return added


def _new_row(kind: str, original: list[str], mutatie_id: str, day: date) -> list[str]:
    """A new mutation at the location of ``original``, dirty in the way ``kind`` says."""
    base = _with(original, mutatie_id=mutatie_id, gepland_einde="", vervangt_mutatie_id="")
    base[COLUMN["toelichting"]] = ""
    if kind == "unknown_status":
        return _with(base, status="gesloten", stoptype="", specialisme="")
    if kind == "ingang_format":
        return _with(base, ingang=f"{day.isoformat()} 18:40")
    if kind == "stoptype_on_open":
        return _with(base, status="open", stoptype="volledig", specialisme="")
    if kind == "specialisme_without_stoptype":
        return _with(base, stoptype="volledig", specialisme="cardiologie")
    if kind == "stop_without_stoptype":
        return _with(base, stoptype="", specialisme="")
    raise ValueError(f"unknown dirty kind {kind!r}: use one of {', '.join(DIRTY_KINDS)}")


def _file_late(
    out_dir: Path,
    day: date,
    rows: list[list[str]],
    locations: list[list[str]],
    generated: datetime,
    rng: random.Random,
    per_day: int,
) -> list[DirtyRow]:
    """Move ``per_day`` stops or opens of ``day`` that occur once in the day into the next
    day's export (the register is the same every simulated day)."""
    ids = [row[COLUMN["mutatie_id"]] for row in rows]
    movable = [
        row
        for row in rows
        if row[COLUMN["status"]] in ("stop", "open")
        and ids.count(row[COLUMN["mutatie_id"]]) == 1
        and row[COLUMN["geregistreerd_op"]].startswith(day.isoformat())
    ]
    moved = rng.sample(movable, per_day)
    later = day + timedelta(days=1)
    next_rows, next_locations, next_generated = _read_day(out_dir, later)
    moved_ids = {row[COLUMN["mutatie_id"]] for row in moved}
    if any(row[COLUMN["mutatie_id"]] in moved_ids for row in next_rows):
        raise ValueError(f"a mutation of {day} is already in {later}: pick another seed")
    write_export_day(out_dir, day, locations, [r for r in rows if r not in moved], generated)
    write_export_day(out_dir, later, next_locations, next_rows + moved, next_generated)
    return [DirtyRow("filed_a_day_late", later, row[COLUMN["mutatie_id"]], None) for row in moved]


def _with(row: list[str], **values: str) -> list[str]:
    changed = list(row)
    for column, value in values.items():
        changed[COLUMN[column]] = value
    return changed


def _read_day(out_dir: Path, day: date) -> tuple[list[list[str]], list[list[str]], datetime]:
    folder = out_dir / day.isoformat()
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    generated = datetime.fromisoformat(manifest["gegenereerd_op"])
    return _records(folder / MUTATIONS_FILE), _records(folder / LOCATIONS_FILE), generated


def _records(path: Path) -> list[list[str]]:
    """The data records of a simulated file (RFC 4180, ``;``), without the header."""
    text = path.read_text(encoding="utf-8")
    return [list(record) for record in csv.reader(io.StringIO(text), delimiter=";")][1:]
