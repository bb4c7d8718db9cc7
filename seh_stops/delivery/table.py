"""The section-7 CSV form: writing it, reading a delivered one back, comparing the two.

The month's delivery CSV (section 7) and the quarter's publication CSV (section 10) share the
form and the comparison; they differ only in their columns. The comparison is on the delivered
text, not on the warehouse: a revision is "unchanged" when the CSV that would be written now
holds, region by region, exactly the values of the latest delivered CSV (the ``revisie`` column
aside).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
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
    return write_csv(
        DELIVERY_COLUMNS,
        (
            [
                row.maand,
                row.roaz_regio,
                row.registratiestatus,
                row.aantal_seh_locaties,
                figure(row.aantal_stops),
                figure(row.totale_duur_minuten),
                revisie,
            ]
            for row in rows
        ),
    )


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Any CSV in the section-7 form: UTF-8 text, ``;``, LF, minimal quoting, a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def read_delivery_csv(text: str, header: Sequence[str] = DELIVERY_COLUMNS) -> list[dict[str, str]]:
    """The rows of a delivered CSV as text values, keyed by its column names (``header``)."""
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if tuple(reader.fieldnames or ()) != tuple(header):
        raise ValueError(
            f"not a delivered CSV of this kind: header {reader.fieldnames!r}, "
            f"expected {';'.join(header)}"
        )
    return list(reader)


def figures_by_region(
    text: str,
    header: Sequence[str] = DELIVERY_COLUMNS,
    figure_columns: Sequence[str] = FIGURE_COLUMNS,
) -> dict[str, dict[str, str]]:
    """Region -> its compared values (status, locations, stops, minutes...), in CSV order."""
    return {
        row["roaz_regio"]: {column: row[column] for column in figure_columns}
        for row in read_delivery_csv(text, header)
    }


def changes(
    old_csv: str,
    new_csv: str,
    header: Sequence[str] = DELIVERY_COLUMNS,
    figure_columns: Sequence[str] = FIGURE_COLUMNS,
) -> list[dict[str, object]]:
    """Per changed region its old and new figures and status (the manifest's ``wijzigingen``).

    A region that appears or disappears (a change of the reference list) is a change too,
    with ``null`` on the side where it is absent. ``header`` and ``figure_columns`` name the
    CSV's columns and those compared (default: the month's section-7 CSV).
    """
    old = figures_by_region(old_csv, header, figure_columns)
    new = figures_by_region(new_csv, header, figure_columns)
    regions = [*new, *(regio for regio in old if regio not in new)]
    return [
        {
            "roaz_regio": regio,
            "oud": _typed(old.get(regio), figure_columns),
            "nieuw": _typed(new.get(regio), figure_columns),
        }
        for regio in regions
        if old.get(regio) != new.get(regio)
    ]


def region_columns_table(title: str, regions: Sequence[str], body: list[list[str]]) -> str:
    """A plain-text table with one column per region, like the LNAZ appendix: ``body`` holds
    one line per figure, its label first."""
    header = ["", *regions]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    return "\n".join([title, "", render(header), *(render(line) for line in body)])


def figure(value: int | None) -> str:
    """A figure as the CSV writes it: empty (not 0) when there is none."""
    return "" if value is None else str(value)


def _typed(values: dict[str, str] | None, columns: Sequence[str]) -> dict[str, object] | None:
    if values is None:
        return None
    return {
        column: values[column] if column == "registratiestatus" else _integer(values[column])
        for column in columns
    }


def _integer(text: str) -> int | None:
    return int(text) if text else None
