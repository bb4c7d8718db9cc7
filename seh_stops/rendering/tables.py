"""Tables with one column per region, laid out for a template (``macros.html.j2``).

The pages show figures that Python already has as rows; this turns rows and a list of lines
(label, how to write the value) into plain cells, so a template only writes markup. Every
cell carries its region's ``registratiestatus``: the page greys out or tints it from that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar


class RegionRow(Protocol):
    """What a column needs: its region and the region's registration status."""

    @property
    def roaz_regio(self) -> str: ...

    @property
    def registratiestatus(self) -> str: ...


Row = TypeVar("Row", bound=RegionRow)


@dataclass(frozen=True)
class Cell:
    text: str
    status: str  # the region's registratiestatus, the cell's CSS class


@dataclass(frozen=True)
class Line:
    label: str  # the row header (``<th scope="row">``)
    cells: Sequence[Cell]
    css: str | None = None  # the row's CSS class


@dataclass(frozen=True)
class RegionTable:
    regions: Sequence[str]  # the column headers (``<th scope="col">``)
    lines: Sequence[Line]
    css: str | None = None  # the table's CSS class


def region_table(
    rows: Sequence[Row],
    lines: Sequence[tuple[str, Callable[[Row], str]]],
    *,
    line_css: Callable[[int], str | None] = lambda index: None,
    css: str | None = None,
) -> RegionTable:
    """``rows`` (one per region) as columns, ``lines`` as the table's rows, in their order.

    ``line_css`` gives the CSS class of the line at an index (None: no class).
    """
    return RegionTable(
        regions=[row.roaz_regio for row in rows],
        lines=[
            Line(label, [Cell(value(row), row.registratiestatus) for row in rows], line_css(i))
            for i, (label, value) in enumerate(lines)
        ],
        css=css,
    )
