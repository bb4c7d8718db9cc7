"""The project's seed tables, read at run time so the simulator follows the shipped configuration.

The regional agreements and the reference counts live in `dbt_project/seeds/`; copying their
numbers here would let the simulated data drift from what the pipeline applies. Each table can
hold several rows per region with a `geldig_vanaf`; the row in force on a day is the latest one
that starts on or before it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
AGREEMENTS_FILE = "regio_afspraken.csv"
REFERENCE_FILE = "seh_referentie.csv"

# The stop types of the contract (specification, section 3), in a fixed order so choices are
# deterministic.
STOP_TYPES: tuple[str, ...] = ("volledig", "ambulance", "specialisme", "time-out")


@dataclass(frozen=True)
class Agreement:
    """One region's reporting agreement (specification, section 5), valid from `valid_from`."""

    region: str
    valid_from: date
    counted_types: frozenset[str]
    min_duration_s: int
    extension_is_new_stop: bool
    margin_s: int

    @property
    def uncounted_types(self) -> tuple[str, ...]:
        return tuple(t for t in STOP_TYPES if t not in self.counted_types)


@dataclass(frozen=True)
class Reference:
    """A region of the reference list: its order in the table and its number of SEH locations."""

    region: str
    order: int
    valid_from: date
    locations: int


@dataclass(frozen=True)
class SeedTables:
    agreements: tuple[Agreement, ...]
    references: tuple[Reference, ...]

    @property
    def regions(self) -> tuple[str, ...]:
        """Region names in the order of the reference table (the order of every output)."""
        latest: dict[str, Reference] = {}
        for ref in self.references:
            latest[ref.region] = ref
        return tuple(r.region for r in sorted(latest.values(), key=lambda r: r.order))

    def agreement(self, region: str, day: date) -> Agreement:
        """The agreement of `region` in force on `day`."""
        valid = [a for a in self.agreements if a.region == region and a.valid_from <= day]
        if not valid:
            raise KeyError(f"no agreement for region {region!r} on {day}")
        return max(valid, key=lambda a: a.valid_from)

    def reference_count(self, region: str, day: date) -> int:
        valid = [r for r in self.references if r.region == region and r.valid_from <= day]
        if not valid:
            raise KeyError(f"no reference count for region {region!r} on {day}")
        return max(valid, key=lambda r: r.valid_from).locations


def _yes_no(text: str) -> bool:
    if text not in ("ja", "nee"):
        raise ValueError(f"expected ja/nee, got {text!r}")
    return text == "ja"


def load_seed_tables(seeds_dir: Path = SEEDS_DIR) -> SeedTables:
    """Read both seed tables; a malformed seed is a bug in the project, so it raises."""
    with (seeds_dir / AGREEMENTS_FILE).open(encoding="utf-8", newline="") as handle:
        agreements = tuple(
            Agreement(
                region=row["roaz_regio"],
                valid_from=date.fromisoformat(row["geldig_vanaf"]),
                counted_types=frozenset(row["getelde_stoptypes"].split()),
                min_duration_s=int(row["minimale_stopduur_min"]) * 60,
                extension_is_new_stop=_yes_no(row["verlenging_is_nieuwe_stop"]),
                margin_s=int(row["samenvoegmarge_min"]) * 60,
            )
            for row in csv.DictReader(handle)
        )
    with (seeds_dir / REFERENCE_FILE).open(encoding="utf-8", newline="") as handle:
        references = tuple(
            Reference(
                region=row["roaz_regio"],
                order=int(row["volgorde"]),
                valid_from=date.fromisoformat(row["geldig_vanaf"]),
                locations=int(row["aantal_seh_locaties"]),
            )
            for row in csv.DictReader(handle)
        )
    for agreement in agreements:
        unknown = agreement.counted_types - set(STOP_TYPES)
        if unknown:
            raise ValueError(f"{AGREEMENTS_FILE}: unknown stop types {sorted(unknown)}")
    return SeedTables(agreements=agreements, references=references)
