"""The simulated LPZ register: the SEH locations of section 5, with fictional names.

The register is built once per run from the reference counts (so the region counts always
match `seh_referentie.csv`) and written unchanged every export day. Regions that did not
register in the LPZ in January 2023 (specification, section 5) are those whose agreements the
minister's letter names as not registering; the simulator keeps that list here because it is a fact
about the simulated world, not a reporting agreement.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from simulator import names
from simulator.seeds import SeedTables

# Specification, section 5, "registers in LPZ (Jan 2023)": nee.
NOT_REGISTERING: frozenset[str] = frozenset({"Euregio", "Brabant", "Limburg"})

# How many register rows are level-1 trauma centres (the Netherlands has about ten).
TRAUMA_CENTRES = 7


@dataclass(frozen=True)
class Location:
    """One row of `seh_locaties.csv`."""

    locatie_id: str
    locatie_naam: str
    ziekenhuis: str
    roaz_regio: str
    seh_module_actief: bool
    actief_sinds: date | None
    traumacentrum_level1: bool


@dataclass(frozen=True)
class World:
    """The register plus the lookups the planner needs."""

    locations: tuple[Location, ...]
    regions: tuple[str, ...]
    unused_location_id: str  # a plausible id that is in no register row (quarantine noise)

    def in_region(self, region: str) -> tuple[Location, ...]:
        return tuple(loc for loc in self.locations if loc.roaz_regio == region)

    @property
    def registering_regions(self) -> tuple[str, ...]:
        return tuple(r for r in self.regions if r not in NOT_REGISTERING)


def _hospital_sizes(rng: random.Random, count: int) -> list[int]:
    """Split a region's locations over hospital organisations of one to three sites."""
    sizes: list[int] = []
    while sum(sizes) < count:
        sizes.append(min(rng.choice((1, 1, 1, 2, 2, 3)), count - sum(sizes)))
    return sizes


def replica_tag(replica: int) -> str:
    """The suffix that keeps ids of copy `replica` of the world apart (`-r001`); copy 0 of a
    scaled run is the world of scale 1 and has none."""
    return f"-r{replica:03d}" if replica else ""


def build_world(seeds: SeedTables, first_day: date, rng: random.Random, replica: int = 0) -> World:
    """Create the register (one copy of the Dutch world) for a run starting on `first_day`.

    A run at `--scale k` builds k copies, `replica` 0 .. k-1, each with its own random stream:
    the same regions and counts, distinct location ids (`SEH0417-r001`), and names marked with
    the copy number, so a scaled register never repeats an id or a name.
    """
    tag = replica_tag(replica)
    mark = f" {replica + 1}" if replica else ""
    counts = {region: seeds.reference_count(region, first_day) for region in seeds.regions}
    total = sum(counts.values())
    numbers = rng.sample(range(100, 10000), total + 1)
    unused = numbers.pop()
    roots = list(names.INVENTED_ROOTS)
    rng.shuffle(roots)

    locations: list[Location] = []
    for region in seeds.regions:
        registering = region not in NOT_REGISTERING
        for size in _hospital_sizes(rng, counts[region]):
            root = roots.pop()
            if size == 1:
                hospital = names.hospital_name(rng.choice(names.SINGLE_SITE_PREFIXES), root) + mark
                sites: list[str | None] = [None]
            else:
                hospital = names.hospital_name(rng.choice(names.MULTI_SITE_PREFIXES), root) + mark
                sites = list(rng.sample(names.SITE_SUFFIXES, size))
            for site in sites:
                since = first_day - timedelta(days=rng.randint(200, 1500)) if registering else None
                locations.append(
                    Location(
                        locatie_id=f"{names.LOCATION_PREFIX}{numbers.pop():04d}{tag}",
                        locatie_naam=names.location_name(root, site) + mark,
                        ziekenhuis=hospital,
                        roaz_regio=region,
                        seh_module_actief=registering,
                        actief_sinds=since,
                        traumacentrum_level1=False,
                    )
                )
    trauma = set(rng.sample(range(len(locations)), TRAUMA_CENTRES))
    locations = [
        Location(**{**loc.__dict__, "traumacentrum_level1": i in trauma})
        for i, loc in enumerate(locations)
    ]
    order = {region: i for i, region in enumerate(seeds.regions)}
    locations.sort(key=lambda loc: (order[loc.roaz_regio], loc.locatie_id))
    return World(
        locations=tuple(locations),
        regions=seeds.regions,
        unused_location_id=f"{names.LOCATION_PREFIX}{unused:04d}{tag}",
    )
