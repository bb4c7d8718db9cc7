"""The month's table as an Excel workbook, which is what ministry staff open.

Sheet ``Tabel`` has the LNAZ appendix layout (regions as columns) with the normalised figures;
sheet ``Gegevens`` has the CSV's rows and columns plus the normalised figures, for filtering.
Empty cells, never 0, where a region is niet_geregistreerd. Text cells are always strings,
never formulas.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from seh_stops.delivery.comparison import LINES as COMPARISON_LINES
from seh_stops.delivery.comparison import ComparisonRow, ReferenceDefinition, explanation
from seh_stops.delivery.month_figures import RegionMonth
from seh_stops.delivery.report_page import STATUS_LABELS, month_name
from seh_stops.delivery.table import DELIVERY_COLUMNS

# the attribute behind each of the comparison's lines, so cells hold numbers, not text
_COMPARISON_ATTRIBUTES = (
    ("aantal_seh_locaties", "0"),
    ("aantal_stops_regionaal", "0"),
    ("aantal_stops_referentie", "0"),
    ("totale_duur_minuten_regionaal", "0"),
    ("totale_duur_minuten_referentie", "0"),
    ("minuten_per_locatie_per_dag_regionaal", "0.00"),
    ("minuten_per_locatie_per_dag_referentie", "0.00"),
    ("procent_seh_uren_in_stop_regionaal", "0.00"),
    ("procent_seh_uren_in_stop_referentie", "0.00"),
    ("minuten_gelijktijdig_2plus", "0"),
    ("minuten_gelijktijdig_helft", "0"),
)
_PER_DAY, _SHARE = "minuten_per_locatie_per_dag", "procent_seh_uren_in_stop"
_BOLD = Font(bold=True)
_WARNING = Font(bold=True, color="FFFFFF")
_WARNING_FILL = PatternFill("solid", fgColor="B00020")


def delivery_workbook(
    rows: Sequence[RegionMonth],
    revisie: int,
    title_suffix: str,
    preliminary: bool,
    generated_at: datetime,
    comparison: Sequence[ComparisonRow] = (),
    definition: ReferenceDefinition | None = None,
) -> bytes:
    """The ``.xlsx`` bytes; the document's dates are the delivery's, so no other time leaks in."""
    workbook = Workbook()
    table = workbook.active
    table.title = "Tabel"
    table["A1"] = f"SEH-stops per ROAZ-regio, {month_name(rows[0].maand)} ({title_suffix})"
    table["A1"].font = Font(bold=True, size=14)
    next_row = 2
    if preliminary:
        table["A2"] = "VOORLOPIG - dit is geen definitieve levering"
        table["A2"].font, table["A2"].fill = _WARNING, _WARNING_FILL
        next_row = 3
    header_row = next_row + 1
    table.cell(header_row, 1, "")
    for column, row in enumerate(rows, start=2):
        cell = table.cell(header_row, column, row.roaz_regio)
        cell.font, cell.alignment = _BOLD, Alignment(wrap_text=True, horizontal="center")
    lines = (
        ("Aantal SEH-locaties", lambda r: r.aantal_seh_locaties, "0"),
        ("Aantal stops", lambda r: r.aantal_stops, "0"),
        ("Totale duur stops (minuten)", lambda r: r.totale_duur_minuten, "0"),
        (
            "Minuten in stop per SEH-locatie per dag",
            _decimal("minuten_per_locatie_per_dag"),
            "0.00",
        ),
        ("Aandeel SEH-uren in stop (%)", _decimal("procent_seh_uren_in_stop"), "0.00"),
        ("Registratiestatus", lambda r: STATUS_LABELS[r.registratiestatus], "@"),
    )
    for offset, (label, value, number_format) in enumerate(lines, start=1):
        table.cell(header_row + offset, 1, label)
        for column, row in enumerate(rows, start=2):
            cell = table.cell(header_row + offset, column, value(row))
            cell.number_format = number_format
            cell.alignment = Alignment(horizontal="right")
    table.column_dimensions["A"].width = 40
    for column in range(2, len(rows) + 2):
        table.column_dimensions[get_column_letter(column)].width = 14

    data = workbook.create_sheet("Gegevens")
    extra = (_PER_DAY, _SHARE)
    data.append([*DELIVERY_COLUMNS, *extra])
    for cell in data[1]:
        cell.font = _BOLD
    for row in rows:
        data.append(
            [
                row.maand,
                row.roaz_regio,
                row.registratiestatus,
                row.aantal_seh_locaties,
                row.aantal_stops,
                row.totale_duur_minuten,
                revisie,
                *(_decimal(name)(row) for name in extra),
            ]
        )
    for column in range(1, len(DELIVERY_COLUMNS) + len(extra) + 1):
        data.column_dimensions[get_column_letter(column)].width = 22

    if comparison:
        _comparison_sheet(workbook, comparison, definition)

    for sheet in workbook.worksheets:
        _text_as_text(sheet)
    moment = generated_at.astimezone(UTC).replace(tzinfo=None)
    workbook.properties.creator = "seh-stops"
    workbook.properties.created = workbook.properties.modified = moment
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_as_text(sheet: Worksheet) -> None:
    """Every text cell stored as a string, never as a formula.

    openpyxl writes any string that starts with ``=`` as a formula, which Excel evaluates when
    the file is opened. No free text reaches the workbook today; should a region name or label
    ever start with ``=``, it is still shown as the text it is.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _decimal(attribute: str):
    """A float for Excel (which has no decimal type), or None for an empty cell."""

    def value(row: RegionMonth) -> float | None:
        number = getattr(row, attribute)
        return None if number is None else float(number)

    return value


def _comparison_sheet(
    workbook: Workbook, rows: Sequence[ComparisonRow], definition: ReferenceDefinition | None
) -> None:
    """Sheet ``Vergelijking``: the second table (specification, section 9) under its
    explanation, laid out like ``Tabel``; the figures as the report shows them."""
    sheet = workbook.create_sheet("Vergelijking")
    sheet["A1"] = "Vergelijkbare cijfers: eigen afspraak en referentiedefinitie"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = explanation(definition)
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(rows) + 1)
    sheet.row_dimensions[2].height = 90
    for column, row in enumerate(rows, start=2):
        cell = sheet.cell(4, column, row.roaz_regio)
        cell.font, cell.alignment = _BOLD, Alignment(wrap_text=True, horizontal="center")
    lines = zip(COMPARISON_LINES, _COMPARISON_ATTRIBUTES, strict=True)
    for offset, ((label, _), (attribute, number_format)) in enumerate(lines, start=5):
        sheet.cell(offset, 1, label)
        for column, row in enumerate(rows, start=2):
            value = getattr(row, attribute)
            number = float(value) if isinstance(value, Decimal) else value
            cell = sheet.cell(offset, column, number)
            cell.number_format = number_format
            cell.alignment = Alignment(horizontal="right")
    sheet.column_dimensions["A"].width = 44
    for column in range(2, len(rows) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 14
