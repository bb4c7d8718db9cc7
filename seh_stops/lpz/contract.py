"""Names fixed by the LPZ export contract v1 (shared/lpz-export-contract.md, sections 1-3).

One home for the file and column names, so the reader, the simulator and the tests cannot
drift apart. File names come only from here, never from a manifest: no path read or fetched
can escape the export folder or base URL.
"""

from __future__ import annotations

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
