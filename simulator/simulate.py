"""The day stream: plan a month when the stream enters it, write each export day in turn.

Only the current month's plan and the rows registered in the next few days are in memory
(late registrations, re-sends and conflicts reach at most three days ahead), so the run
scales with the length of a month, not of the simulated period. A run at `--scale k` keeps
k copies of the Dutch world (k x 83 locations) side by side: each copy is its own day
stream with its own random stream and id tag, and each export day interleaves the k streams'
rows of that day. Copy 0 is exactly the world of scale 1, so scale 1 writes the same bytes
as it always did, and memory grows with k times one month, never with the number of years.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from seh_stops.lpz.contract import LOCATION_COLUMNS
from simulator.figures import FigureBook, PlannedFigures
from simulator.ids import IdAllocator
from simulator.model import PlacedSlot
from simulator.planner import Planner
from simulator.render import Renderer, Row
from simulator.seeds import SEEDS_DIR, SeedTables, load_seed_tables
from simulator.summary import SimulationSummary
from simulator.timeutil import day_range, local_date, local_midnight
from simulator.world import Location, World, build_world, replica_tag
from simulator.writer import write_export_day

# The LPZ publishes an export day early the next morning.
GENERATED_AFTER_MIDNIGHT = timedelta(hours=2, minutes=30)


def location_row(location: Location) -> tuple[str, ...]:
    record = {
        "locatie_id": location.locatie_id,
        "locatie_naam": location.locatie_naam,
        "ziekenhuis": location.ziekenhuis,
        "roaz_regio": location.roaz_regio,
        "seh_module_actief": "ja" if location.seh_module_actief else "nee",
        "actief_sinds": location.actief_sinds.isoformat() if location.actief_sinds else "",
        "traumacentrum_level1": "ja" if location.traumacentrum_level1 else "nee",
    }
    return tuple(record[column] for column in LOCATION_COLUMNS)


@dataclass
class _Stream:
    """One copy of the world and what its day stream has produced so far."""

    world: World
    book: FigureBook
    renderer: Renderer
    days: Iterator[list[Row]]
    complete_months: list[str] = field(default_factory=list)
    noise: dict[str, dict[str, int]] = field(default_factory=dict)


def _open_stream(
    seeds: SeedTables, first_day: date, last_day: date, seed: int, replica: int
) -> _Stream:
    """Copy `replica` of the world and its lazily planned day stream."""
    label: int | str = seed if replica == 0 else f"{seed}{replica_tag(replica)}"
    world = build_world(seeds, first_day, random.Random(f"{label}:world"), replica)
    ids = IdAllocator(replica_tag(replica))
    planner = Planner(seeds, world, first_day, last_day, label, ids)
    stream = _Stream(
        world=world,
        book=FigureBook(local_midnight(last_day + timedelta(days=1))),
        renderer=Renderer(ids, label),
        days=iter(()),
    )
    stream.days = _day_rows(stream, planner, first_day, last_day)
    return stream


def _day_rows(
    stream: _Stream, planner: Planner, first_day: date, last_day: date
) -> Iterator[list[Row]]:
    """The rows of each export day of one copy of the world, planning a month on entry."""
    pending: dict[date, list[Row]] = defaultdict(list)
    by_day: dict[date, list[PlacedSlot]] = {}
    carry: tuple[PlacedSlot, ...] = ()
    for day in day_range(first_day, last_day):
        if day == first_day or day.day == 1:
            plan = planner.plan_month(day, carry)
            carry = plan.carry_out
            stream.book.add(plan.slots)
            stream.noise[plan.key] = dict(sorted(plan.noise.items()))
            if plan.complete:
                stream.complete_months.append(plan.key)
            by_day = defaultdict(list)
            for slot in plan.slots:
                by_day[local_date(slot.start)].append(slot)
        for slot in sorted(by_day.pop(day, []), key=lambda s: (s.start, s.location_id)):
            for row in stream.renderer.render(slot):
                if not day <= row.export_day <= last_day:
                    raise AssertionError(
                        f"row {row.mutatie_id} for {row.export_day} planned on {day}"
                    )
                pending[row.export_day].append(row)
        yield pending.pop(day, [])
    if pending or by_day:
        raise AssertionError("rows or slots left over after the last day")


def simulate(
    first_day: date,
    last_day: date,
    out_dir: Path,
    seed: int = 2023,
    scale: int = 1,
    seeds_dir: Path = SEEDS_DIR,
) -> SimulationSummary:
    """Write export days `first_day` .. `last_day` into `out_dir/YYYY-MM-DD/`.

    Deterministic for a seed: the same arguments write the same bytes. `scale` k writes k
    copies of the Dutch world (k x 83 locations with distinct ids, the same regions); each
    day is written as soon as it is generated, so a scaled run of years holds only about a
    month per copy in memory. The planned figures and noise are the sums over the copies.
    """
    if last_day < first_day:
        raise ValueError(f"last day {last_day} is before first day {first_day}")
    if scale < 1:
        raise ValueError(f"scale must be a whole number of at least 1, not {scale}")
    out_dir = Path(out_dir)
    seeds = load_seed_tables(seeds_dir)
    streams = [_open_stream(seeds, first_day, last_day, seed, r) for r in range(scale)]
    register = [location_row(loc) for stream in streams for loc in stream.world.locations]

    rows_per_day: dict[date, dict[str, int]] = {}
    for day in day_range(first_day, last_day):
        day_rows = [row for stream in streams for row in next(stream.days)]
        rows = sorted(day_rows, key=lambda r: (r.registered, r.mutatie_id))
        generated_at = local_midnight(day + timedelta(days=1)) + GENERATED_AFTER_MIDNIGHT
        rows_per_day[day] = write_export_day(
            out_dir, day, register, [r.values for r in rows], generated_at
        )
    for stream in streams:  # run each stream to its end: it checks nothing is left over
        next(stream.days, None)

    world = streams[0].world
    return SimulationSummary(
        out_dir=out_dir,
        first_day=first_day,
        last_day=last_day,
        seed=seed,
        days_written=tuple(rows_per_day),
        rows_per_day=rows_per_day,
        planned_figures={
            m: _summed_figures(streams, m, world.regions) for m in streams[0].complete_months
        },
        registering_regions=world.registering_regions,
        noise=_summed_noise(streams),
        quarantined=tuple(
            sorted(
                (q for stream in streams for q in stream.renderer.quarantined),
                key=lambda q: (q.export_day, q.mutatie_id),
            )
        ),
        scale=scale,
    )


def _summed_figures(
    streams: list[_Stream], month: str, regions: tuple[str, ...]
) -> dict[str, PlannedFigures]:
    """A month's planned figures over all copies of the world (they never interact)."""
    per_copy = [stream.book.month(month, regions) for stream in streams]
    return {
        region: PlannedFigures(
            sum(f[region].stops for f in per_copy), sum(f[region].seconds for f in per_copy)
        )
        for region in regions
    }


def _summed_noise(streams: list[_Stream]) -> dict[str, dict[str, int]]:
    """Noise kinds per month, summed over the copies, in the order of the first copy."""
    total: dict[str, Counter[str]] = {}
    for stream in streams:
        for month, kinds in stream.noise.items():
            total.setdefault(month, Counter()).update(kinds)
    return {month: dict(sorted(kinds.items())) for month, kinds in total.items()}
