"""Names fixed by the LPZ export contract v1 (specification, sections 1-3).

One home for the file and column names, so the reader, the simulator and the tests cannot
drift apart. File names come only from here, never from a manifest: no path read or fetched
can escape the export folder or base URL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

CONTRACT_VERSION = "1"

LOCATIONS_FILE = "seh_locaties.csv"
MUTATIONS_FILE = "seh_statusmutaties.csv"
MANIFEST_FILE = "manifest.json"
DATA_FILES: tuple[str, ...] = (LOCATIONS_FILE, MUTATIONS_FILE)

LOCATION_COLUMNS: tuple[str, ...] = (
    "locatie_id",
    "locatie_naam",
    "ziekenhuis",
    "roaz_regio",
    "seh_module_actief",
    "actief_sinds",
    "traumacentrum_level1",
)

MUTATION_COLUMNS: tuple[str, ...] = (
    "mutatie_id",
    "locatie_id",
    "status",
    "stoptype",
    "specialisme",
    "ingang",
    "gepland_einde",
    "geregistreerd_op",
    "vervangt_mutatie_id",
    "toelichting",
)

COLUMNS_BY_FILE: dict[str, tuple[str, ...]] = {
    LOCATIONS_FILE: LOCATION_COLUMNS,
    MUTATIONS_FILE: MUTATION_COLUMNS,
}

# The reference timezone of export days, months and local midnights.
TIMEZONE = "Europe/Amsterdam"


def manifest_object(
    day: date, generated_on: str, files: Mapping[str, tuple[bytes, int]]
) -> dict[str, object]:
    """The ``manifest.json`` object of an export day (specification, section 1.1).

    ``files`` maps each listed file name to its bytes and its number of data rows. The
    pipeline only reads manifests; the simulator and the tests write them with this one
    function, so what they write cannot drift from what the reader verifies.
    """
    return {
        "contractversie": CONTRACT_VERSION,
        "exportdatum": day.isoformat(),
        "gegenereerd_op": generated_on,
        "bestanden": [
            {"naam": name, "rijen": rows, "sha256": hashlib.sha256(data).hexdigest()}
            for name, (data, rows) in files.items()
        ],
    }
