"""Writing one export day exactly in the contract's format, atomically.

Files go to a temporary name in the day's folder and are renamed into place, the manifest
last: a reader that sees a manifest sees complete files (and a reader that comes early sees
no manifest, hence an incomplete day, never a half-written one). An existing manifest is
removed first, so a day that is being rewritten never looks complete with stale files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from seh_stops.lpz.contract import (
    LOCATION_COLUMNS,
    LOCATIONS_FILE,
    MANIFEST_FILE,
    MUTATION_COLUMNS,
    MUTATIONS_FILE,
    manifest_object,
)
from simulator.timeutil import format_timestamp

NEEDS_QUOTES = (";", '"', "\n", "\r")


def csv_field(value: str) -> str:
    """RFC 4180 quoting, only where section 1 requires it."""
    if any(char in value for char in NEEDS_QUOTES):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> tuple[bytes, int]:
    """UTF-8 without BOM, `;`-separated, LF line ends, header first; returns (bytes, rows)."""
    lines = [";".join(csv_field(c) for c in columns)]
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"row has {len(row)} fields, header has {len(columns)}")
        lines.append(";".join(csv_field(v) for v in row))
    return ("\n".join(lines) + "\n").encode("utf-8"), len(lines) - 1


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def write_export_day(
    out_dir: Path,
    day: date,
    locations: Sequence[Sequence[str]],
    mutations: Sequence[Sequence[str]],
    generated_at: datetime,
) -> dict[str, int]:
    """Write `out_dir/YYYY-MM-DD/` and return the data rows per file."""
    folder = out_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST_FILE).unlink(missing_ok=True)
    written: dict[str, tuple[bytes, int]] = {}
    for name, columns, rows in (
        (LOCATIONS_FILE, LOCATION_COLUMNS, locations),
        (MUTATIONS_FILE, MUTATION_COLUMNS, mutations),
    ):
        data, count = csv_bytes(columns, rows)
        _write_atomic(folder / name, data)
        written[name] = (data, count)
    manifest = manifest_object(day, format_timestamp(generated_at), written)
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    _write_atomic(folder / MANIFEST_FILE, text.encode("utf-8"))
    return {name: count for name, (_, count) in written.items()}
