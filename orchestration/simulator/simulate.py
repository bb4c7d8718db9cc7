"""The day stream: plan a month when the stream enters it, write each export day in turn.

Only the current month's plan and the rows registered in the next few days are in memory
(late registrations, re-sends and conflicts reach at most three days ahead), so the run
scales with the length of a month, not of the simulated period.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from orchestration.lpz.contract import LOCATION_COLUMNS
from orchestration.simulator.figures import FigureBook
from orchestration.simulator.ids import IdAllocator
from orchestration.simulator.model import PlacedSlot
from orchestration.simulator.planner import Planner
from orchestration.simulator.render import Renderer, Row
from orchestration.simulator.seeds import SEEDS_DIR, load_seed_tables
from orchestration.simulator.summary import SimulationSummary
from orchestration.simulator.timeutil import day_range, local_date, local_midnight
from orchestration.simulator.world import Location, World, build_world
from orchestration.simulator.writer import write_export_day

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


def simulate(
    first_day: date,
    last_day: date,
    out_dir: Path,
    seed: int = 2023,
    scale: int = 1,
    seeds_dir: Path = SEEDS_DIR,
) -> SimulationSummary:
    """Write export days `first_day` .. `last_day` into `out_dir/YYYY-MM-DD/`.

    Deterministic for a seed: the same arguments write the same bytes. `scale` is the hook
    for more locations (a later issue); only 1 is implemented.
    """
    if last_day < first_day:
        raise ValueError(f"last day {last_day} is before first day {first_day}")
    out_dir = Path(out_dir)
    seeds = load_seed_tables(seeds_dir)
    world: World = build_world(seeds, first_day, random.Random(f"{seed}:world"), scale)
    ids = IdAllocator()
    planner = Planner(seeds, world, first_day, last_day, seed, ids)
    renderer = Renderer(ids, seed)
    book = FigureBook(local_midnight(last_day + timedelta(days=1)))
    register = [location_row(loc) for loc in world.locations]

    pending: dict[date, list[Row]] = defaultdict(list)
    by_day: dict[date, list[PlacedSlot]] = {}
    carry: tuple[PlacedSlot, ...] = ()
    complete_months: list[str] = []
    noise: dict[str, dict[str, int]] = {}
    rows_per_day: dict[date, dict[str, int]] = {}
    for day in day_range(first_day, last_day):
        if day == first_day or day.day == 1:
            plan = planner.plan_month(day, carry)
            carry = plan.carry_out
            book.add(plan.slots)
            noise[plan.key] = dict(sorted(plan.noise.items()))
            if plan.complete:
                complete_months.append(plan.key)
            by_day = defaultdict(list)
            for slot in plan.slots:
                by_day[local_date(slot.start)].append(slot)
        for slot in sorted(by_day.pop(day, []), key=lambda s: (s.start, s.location_id)):
            for row in renderer.render(slot):
                if not day <= row.export_day <= last_day:
                    raise AssertionError(
                        f"row {row.mutatie_id} for {row.export_day} planned on {day}"
                    )
                pending[row.export_day].append(row)
        rows = sorted(pending.pop(day, []), key=lambda r: (r.registered, r.mutatie_id))
        generated_at = local_midnight(day + timedelta(days=1)) + GENERATED_AFTER_MIDNIGHT
        rows_per_day[day] = write_export_day(
            out_dir, day, register, [r.values for r in rows], generated_at
        )
    if pending or by_day:
        raise AssertionError("rows or slots left over after the last day")

    return SimulationSummary(
        out_dir=out_dir,
        first_day=first_day,
        last_day=last_day,
        seed=seed,
        days_written=tuple(rows_per_day),
        rows_per_day=rows_per_day,
        planned_figures={m: book.month(m, world.regions) for m in complete_months},
        registering_regions=world.registering_regions,
        noise=noise,
        quarantined=tuple(sorted(renderer.quarantined, key=lambda q: (q.export_day, q.mutatie_id))),
    )
