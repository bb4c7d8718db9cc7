"""Hand-written export days for tests: exact control over every byte, broken ones included."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from seh_stops.lpz.contract import (
    LOCATION_COLUMNS,
    LOCATIONS_FILE,
    MANIFEST_FILE,
    MUTATION_COLUMNS,
    MUTATIONS_FILE,
    manifest_object,
)

if TYPE_CHECKING:
    from orchestration.resources.export_source import ExportSourceResource

HEADER = {LOCATIONS_FILE: ";".join(LOCATION_COLUMNS), MUTATIONS_FILE: ";".join(MUTATION_COLUMNS)}


def location_line(locatie_id: str = "SEH0001", regio: str = "Noord", actief: str = "ja") -> str:
    since = "2020-01-01" if actief == "ja" else ""
    return f"{locatie_id};SEH Testlocatie;Testziekenhuis;{regio};{actief};{since};nee"


def mutation_line(
    mutatie_id: str = "M1",
    locatie_id: str = "SEH0001",
    status: str = "stop",
    stoptype: str = "volledig",
    ingang: str = "2023-01-10T10:00:00+01:00",
    gepland_einde: str = "",
    geregistreerd_op: str = "2023-01-10T10:01:00+01:00",
    vervangt: str = "",
    toelichting: str = "",
) -> str:
    return ";".join(
        [
            mutatie_id,
            locatie_id,
            status,
            stoptype,
            "",
            ingang,
            gepland_einde,
            geregistreerd_op,
            vervangt,
            toelichting,
        ]
    )


def stop_line(mutatie_id: str, locatie_id: str, start: str, end: str) -> str:
    """A stop from ``start`` to its planned ``end`` (local winter time, ``YYYY-MM-DDTHH:MM:SS``),
    registered at its start."""
    return mutation_line(
        mutatie_id,
        locatie_id,
        ingang=f"{start}+01:00",
        gepland_einde=f"{end}+01:00",
        geregistreerd_op=f"{start}+01:00",
    )


def write_day(
    root: Path,
    day: date,
    locations: list[str] | None = None,
    mutations: list[str] | None = None,
    generated_on: str | None = None,
    raw: dict[str, bytes] | None = None,
    manifest_overrides: dict | None = None,
) -> Path:
    """Write one export day with a correct manifest (unless overridden) and return its folder.

    ``raw`` replaces a file's bytes after they were written, without updating the manifest;
    pass the bytes under the file name to simulate a file that does not match its manifest.
    """
    folder = root / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        LOCATIONS_FILE: "\n".join([HEADER[LOCATIONS_FILE], *(locations or [location_line()])]),
        MUTATIONS_FILE: "\n".join([HEADER[MUTATIONS_FILE], *(mutations or [])]),
    }
    written = {}
    for name, text in contents.items():
        data = (text + "\n").encode("utf-8")
        (folder / name).write_bytes(data)
        written[name] = (data, len([line for line in text.split("\n")[1:] if line]))
    manifest = manifest_object(day, generated_on or f"{day.isoformat()}T23:59:00+01:00", written)
    manifest.update(manifest_overrides or {})
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    for name, data in (raw or {}).items():
        (folder / name).write_bytes(data)
    return folder


def folder_source(path: str | Path) -> ExportSourceResource:
    """The export-source resource for a test folder, allowed the way ``seh-stops run --source``
    allows a folder the operator names on the command line (run config alone cannot)."""
    from orchestration.resources.export_source import ExportSourceResource, allow_operator_source

    allow_operator_source(path)
    return ExportSourceResource(location=str(path))
