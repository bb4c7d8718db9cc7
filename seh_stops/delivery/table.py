"""The section-7 CSV of a month: writing it, reading a delivered one back, comparing the two.

The comparison is on the delivered text, not on the warehouse: a revision is "unchanged" when
the CSV that would be written now holds, region by region, exactly the values of the latest
delivered CSV (the ``revisie`` column aside).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Protocol

DELIVERY_COLUMNS = (
    "maand",
    "roaz_regio",
    "registratiestatus",
    "aantal_seh_locaties",
    "aantal_stops",
    "totale_duur_minuten",
    "revisie",
)
# The columns whose values a revision compares and a `wijziging` reports (maand is fixed).
FIGURE_COLUMNS = DELIVERY_COLUMNS[2:6]


class DeliveryRow(Protocol):
    """What the CSV needs of a region's month (``seh_stops.delivery.month_figures.RegionMonth``)."""

    maand: str
    roaz_regio: str
    registratiestatus: str
    aantal_seh_locaties: int
    aantal_stops: int | None
    totale_duur_minuten: int | None


def delivery_csv(rows: Sequence[DeliveryRow], revisie: int = 1) -> str:
    """The section-7 CSV: ``;``, LF, minimal quoting, empty figures when niet_geregistreerd."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(DELIVERY_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.maand,
                row.roaz_regio,
                row.registratiestatus,
                row.aantal_seh_locaties,
                figure(row.aantal_stops),
                figure(row.totale_duur_minuten),
                revisie,
            ]
        )
    return buffer.getvalue()


def read_delivery_csv(text: str) -> list[dict[str, str]]:
    """The rows of a delivered CSV as text values, keyed by the section-7 column names."""
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if tuple(reader.fieldnames or ()) != DELIVERY_COLUMNS:
        raise ValueError(
            f"not a section-7 delivery CSV: header {reader.fieldnames!r}, "
            f"expected {';'.join(DELIVERY_COLUMNS)}"
        )
    return list(reader)


def figures_by_region(text: str) -> dict[str, dict[str, str]]:
    """Region -> its compared values (status, locations, stops, minutes), in CSV order."""
    return {
        row["roaz_regio"]: {column: row[column] for column in FIGURE_COLUMNS}
        for row in read_delivery_csv(text)
    }


def changes(old_csv: str, new_csv: str) -> list[dict[str, object]]:
    """Per changed region its old and new figures and status (the manifest's ``wijzigingen``).

    A region that appears or disappears (a change of the reference list) is a change too,
    with ``null`` on the side where it is absent.
    """
    old, new = figures_by_region(old_csv), figures_by_region(new_csv)
    regions = [*new, *(regio for regio in old if regio not in new)]
    return [
        {"roaz_regio": regio, "oud": _typed(old.get(regio)), "nieuw": _typed(new.get(regio))}
        for regio in regions
        if old.get(regio) != new.get(regio)
    ]


def figure(value: int | None) -> str:
    """A figure as the CSV writes it: empty (not 0) when there is none."""
    return "" if value is None else str(value)


def _typed(values: dict[str, str] | None) -> dict[str, object] | None:
    if values is None:
        return None
    return {
        column: values[column] if column == "registratiestatus" else _integer(values[column])
        for column in FIGURE_COLUMNS
    }


def _integer(text: str) -> int | None:
    return int(text) if text else None
