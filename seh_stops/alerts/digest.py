"""Which findings an alert reports: the ones that opened or resolved since the last alert.

A pure function of two inputs: the findings as ``marts.dq_bevindingen`` holds them now, and the
ids that the ledger says LNAZ last heard of as open. A finding is alerted once when it opens and
once when it resolves; a finding that reopens after its resolution was alerted is alerted again.
A finding that opened and resolved between two alerts was never reported open, so its
resolution is not reported either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from seh_stops.dutch import MONTH_NAMES

# The columns of marts.dq_bevindingen an alert may show. Nothing else reaches a mail: the mart's
# detail and advies are written by the pipeline, never copied from the raw exports.
FINDING_COLUMNS = (
    "bevinding_id",
    "soort",
    "ernst",
    "roaz_regio",
    "export_datum",
    "maand",
    "aantal",
    "detail",
    "advies",
    "eerst_gezien_at",
    "laatst_gezien_at",
    "is_open",
)
_SEVERITY_ORDER = {"kritiek": 0, "waarschuwing": 1}


@dataclass(frozen=True)
class Bevinding:
    """One row of ``marts.dq_bevindingen``."""

    bevinding_id: str
    soort: str
    ernst: str
    roaz_regio: str | None
    export_datum: date | None
    maand: str | None
    aantal: int | None
    detail: str
    advies: str
    eerst_gezien_at: datetime | None
    laatst_gezien_at: datetime | None
    is_open: bool

    @property
    def regio(self) -> str:
        """The region as the mail names it."""
        return f"ROAZ-regio {self.roaz_regio}" if self.roaz_regio else "alle regio's"

    @property
    def periode(self) -> str:
        """The day or month the finding concerns, in Dutch (the day when both are known)."""
        if self.export_datum is not None:
            return f"exportdag {dutch_date(self.export_datum)}"
        if self.maand:
            return dutch_month(self.maand)
        return "geen vaste periode"


@dataclass(frozen=True)
class Digest:
    """What one alert reports; empty when nothing opened or resolved."""

    geopend: tuple[Bevinding, ...]
    opgelost: tuple[Bevinding, ...]

    @property
    def is_empty(self) -> bool:
        return not self.geopend and not self.opgelost

    @property
    def kritiek_geopend(self) -> int:
        return sum(finding.ernst == "kritiek" for finding in self.geopend)


def build_digest(findings: Iterable[Bevinding], alerted_open: Iterable[str]) -> Digest:
    """The findings to report now: opened since last reported, and resolved since reported open.

    ``alerted_open`` holds the ids whose last alert said "geopend". Findings are ordered with
    the critical ones first, then by region, period and kind, so a reader finds their region.
    """
    rows, told_open = list(findings), set(alerted_open)
    geopend = [f for f in rows if f.is_open and f.bevinding_id not in told_open]
    opgelost = [f for f in rows if not f.is_open and f.bevinding_id in told_open]
    return Digest(tuple(sorted(geopend, key=_order)), tuple(sorted(opgelost, key=_order)))


def _order(finding: Bevinding) -> tuple:
    return (
        _SEVERITY_ORDER.get(finding.ernst, len(_SEVERITY_ORDER)),
        finding.roaz_regio is None,
        finding.roaz_regio or "",
        finding.export_datum or date.min,
        finding.maand or "",
        finding.soort,
        finding.bevinding_id,
    )


def dutch_date(day: date) -> str:
    """``15 januari 2023``, independent of the machine's locale."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def dutch_month(maand: str) -> str:
    """``januari 2023`` for ``2023-01``; anything else is shown as it is."""
    year, _, month = maand.partition("-")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return f"{MONTH_NAMES[int(month) - 1]} {year}"
    return maand
