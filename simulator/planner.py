"""Month planning: every slot of a month, placed, decorated and checked against its target.

A month is planned when the day stream enters it (the simulator never holds more than one
month's plan). The plan knows the slots of the previous month that run into it (their
timeline and their seconds in this month), and hands on its own slots that run into the
next. For a month with targets that is simulated completely, the counted episodes are built
to hit the targets exactly, and the plan is checked against them before a row is written.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from simulator import region_month, stories
from simulator.decorate import decorate_month
from simulator.figures import FigureBook, PlannedFigures
from simulator.ids import IdAllocator
from simulator.model import PlacedSlot
from simulator.month import MonthContext, month_context, stochastic_round
from simulator.placement import Request, place_month
from simulator.seeds import SeedTables
from simulator.targets import daily_rate
from simulator.timeutil import seconds
from simulator.world import World


@dataclass(frozen=True)
class MonthPlan:
    key: str
    complete: bool
    slots: tuple[PlacedSlot, ...]
    carry_out: tuple[PlacedSlot, ...]  # slots that run into the next month
    noise: Counter[str]
    targets: dict[str, tuple[int, int]] | None


class Planner:
    """Plans the months of one simulation run, in order."""

    def __init__(
        self,
        seeds: SeedTables,
        world: World,
        first_day: date,
        last_day: date,
        seed: int | str,
        ids: IdAllocator,
    ) -> None:
        self.seeds, self.world, self.seed, self.ids = seeds, world, seed, ids
        self.first_day, self.last_day = first_day, last_day

    def plan_month(self, day: date, carry_in: tuple[PlacedSlot, ...]) -> MonthPlan:
        ctx = month_context(day, self.first_day, self.last_day, self.seeds, self.world, self.seed)
        carried = FigureBook(ctx.horizon)
        carried.add(carry_in)
        carried_seconds = {r: f.seconds for r, f in carried.month(ctx.key, ctx.registering).items()}

        edges = stories.month_edges(ctx)
        requests = list(edges.requests)
        residuals = self._residuals(ctx.rng, ctx)
        for index, region in enumerate(ctx.registering):
            requests += self._region(ctx, region, index, edges, residuals, carried_seconds)
        requests += stories.non_registering(ctx, self.world)
        requests += stories.quarantine(ctx, self.world, self.ids)
        requests += stories.ongoing(ctx)

        placed = decorate_month(ctx, place_month(ctx, self.world, requests, carry_in))
        self._check(ctx, residuals, placed, carry_in)
        return MonthPlan(
            key=ctx.key,
            complete=ctx.complete,
            slots=tuple(placed),
            carry_out=tuple(s for s in placed if s.end > ctx.end),
            noise=Counter(tag for slot in placed for tag in slot.template.noise),
            targets=ctx.targets,
        )

    def _region(
        self,
        ctx: MonthContext,
        region: str,
        index: int,
        edges: stories.EdgePlan,
        residuals: dict[str, int],
        carried_seconds: dict[str, int],
    ) -> list[Request]:
        """One registering region's month: special episodes, free episodes that exhaust the
        counted budget (target or random), shaped into stories, and the region's noise."""
        rng, a = ctx.rng, ctx.agreements[region]
        specials = [
            t for t in region_month.specials(rng, a) if ctx.targeted or rng.random() < ctx.share
        ]
        fixed = edges.fixed_seconds[region]
        lo = region_month.lower_bound(a)
        if ctx.targets:
            stops, minutes = ctx.targets[region]
            n_free = stops - len(specials) - len(fixed)
            total = minutes * 60 + residuals[region] - carried_seconds[region]
            total -= sum(t.counted_seconds for t in specials) + sum(fixed)
        else:
            locations = len(self.world.in_region(region))
            rate, mean = daily_rate(region, locations)
            expected = rate * locations * seconds(ctx.window_end - ctx.window_start) / 86400
            n_free = max(
                len(edges.uses[region]), stochastic_round(rng, expected * rng.uniform(0.85, 1.15))
            )
            total = int(n_free * mean * rng.uniform(0.9, 1.1))
            total = min(max(total, n_free * lo), n_free * region_month.MAX_EPISODE_S)
        durations = region_month.split_total(rng, n_free, total, lo, region_month.MAX_EPISODE_S)
        requests = stories.use_free_episodes(ctx, region, edges.uses[region], durations)
        made = specials + region_month.shape(rng, a, durations, ctx.targeted)
        made += region_month.noise_slots(rng, a, ctx.share, index, ctx.targeted)
        return requests + [Request(t) for t in made]

    @staticmethod
    def _residuals(rng: random.Random, ctx: MonthContext) -> dict[str, int]:
        """Seconds beyond whole target minutes per region, within the half-up rounding
        window [-30, 29]. One region sits exactly on -30 (x.5 minutes): a region with an odd
        target, so that rounding half to even would give one minute less. One sits on +29."""
        regions = list(ctx.registering)
        residuals = {r: rng.randint(-30, 29) for r in regions}
        odd = [r for r in regions if ctx.targets and ctx.targets[r][1] % 2 == 1] or regions
        low = rng.choice(odd)
        high = rng.choice([r for r in regions if r != low])
        residuals[low], residuals[high] = -30, 29
        return residuals

    @staticmethod
    def _check(
        ctx: MonthContext,
        residuals: dict[str, int],
        placed: list[PlacedSlot],
        carry_in: tuple[PlacedSlot, ...],
    ) -> None:
        """A targeted month must come out exactly; a mismatch is a bug in the planner."""
        if not ctx.targets:
            return
        book = FigureBook(ctx.horizon)
        book.add([*carry_in, *placed])
        figures: dict[str, PlannedFigures] = book.month(ctx.key, ctx.targets)
        for region, (stops, minutes) in ctx.targets.items():
            got = figures[region]
            wanted = (stops, minutes, minutes * 60 + residuals[region])
            if (got.stops, got.minutes, got.seconds) != wanted:
                raise AssertionError(f"{ctx.key} {region}: planned {got}, target {wanted}")
