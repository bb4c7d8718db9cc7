"""Month-level stories: the month's edges, the regions outside the table, quarantine rows.

These are the stories that are not one region's ordinary activity: an episode across the
local midnight into the next month, stops on the month's last day registered in the next,
an episode starting exactly at midnight on the 1st, a stop still running at the end of the
simulation, the few stops of the regions that do not register yet, and the rows the
pipeline must quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from simulator import region_month, scenarios
from simulator.ids import IdAllocator
from simulator.month import MonthContext, stochastic_round
from simulator.placement import Request
from simulator.targets import (
    NON_REGISTERING_IN_TARGET_MONTH,
    NON_REGISTERING_MEAN_S,
    NON_REGISTERING_PER_MONTH,
)
from simulator.timeutil import local_midnight, month_end, seconds
from simulator.world import World

LATE_ACROSS = "late_across_month_end"
AT_MIDNIGHT = "starts_at_local_midnight"
MAX_ONE_DAY_SLOT_S = 6 * 3600  # a story that must fit in one given day


@dataclass
class EdgePlan:
    """The month-edge stories: placed requests, plus what they take from each region's
    counted budget (fixed seconds in this month, and free episodes they will use)."""

    requests: list[Request] = field(default_factory=list)
    fixed_seconds: dict[str, list[int]] = field(default_factory=dict)
    uses: dict[str, list[str]] = field(default_factory=dict)


def month_edges(ctx: MonthContext) -> EdgePlan:
    rng, registering = ctx.rng, list(ctx.registering)
    plan = EdgePlan(fixed_seconds={r: [] for r in registering}, uses={r: [] for r in registering})
    if ctx.next_in_range:
        for n, region in enumerate(rng.sample(registering, 2)):
            a = ctx.agreements[region]
            start = ctx.end - timedelta(seconds=rng.randint(40 * 60, 3 * 3600))
            length = seconds(ctx.end - start) + rng.randint(20 * 60, 3 * 3600)
            template = scenarios.simple(
                rng,
                a,
                "month_end_crossing",
                length,
                *region_month.counted_type(rng, a),
                end_mode=("open", "planned")[n],
                noise=("month_end_crossing",),
            )
            plan.fixed_seconds[region].append(seconds(ctx.end - start))
            plan.requests.append(Request(replace(template, decoratable=False), fixed_start=start))
        for region in rng.sample(registering, 2):
            plan.uses[region].append(LATE_ACROSS)
    if ctx.start >= ctx.window_start:
        plan.uses[rng.choice(registering)].append(AT_MIDNIGHT)
    return plan


def use_free_episodes(
    ctx: MonthContext, region: str, uses: list[str], durations: list[int]
) -> list[Request]:
    """Turn some free episodes of `region` into edge stories (removing them from
    `durations`): late registration across the month end, start at midnight on the 1st."""
    rng, a = ctx.rng, ctx.agreements[region]
    requests = []
    for use in uses:
        short = [d for d in durations if d <= MAX_ONE_DAY_SLOT_S] or [min(durations)]
        duration = rng.choice(short)
        durations.remove(duration)
        template = scenarios.simple(
            rng,
            a,
            use,
            duration,
            *region_month.counted_type(rng, a),
            end_mode=region_month.end_mode(rng),
            noise=(use,) if use == AT_MIDNIGHT else (),
        )
        template = replace(template, decoratable=False)
        if use == AT_MIDNIGHT:
            requests.append(Request(template, fixed_start=ctx.start))
        else:
            latest = ctx.end - timedelta(seconds=template.span + a.margin_s + 3600)
            earliest = local_midnight(month_end(ctx.first))
            requests.append(Request(template, earliest=earliest, latest=latest))
    return requests


def ongoing(ctx: MonthContext) -> list[Request]:
    """A stop still running at the horizon, in the last simulated month (unless that month
    has targets: its figures would then depend on where the simulation stops)."""
    if ctx.next_in_range or ctx.window_end != ctx.horizon or ctx.targeted:
        return []
    rng = ctx.rng
    region = rng.choice(ctx.registering)
    start = ctx.horizon - timedelta(seconds=rng.randint(2 * 3600, 4 * 3600))
    template = scenarios.ongoing(rng, ctx.agreements[region], seconds(ctx.horizon - start))
    return [Request(template, fixed_start=start)]


def non_registering(ctx: MonthContext, world: World) -> list[Request]:
    """A few stops in the regions that do not register yet: episodes are computed for every
    location, active or not; the delivery leaves those regions' figures empty."""
    rng, requests = ctx.rng, []
    for region in world.regions:
        if region in ctx.registering:
            continue
        a = ctx.agreements[region]
        if ctx.targeted:
            n = NON_REGISTERING_IN_TARGET_MONTH.get(region, 0)
        else:
            n = stochastic_round(rng, NON_REGISTERING_PER_MONTH.get(region, 0) * ctx.share)
        for k in range(n):
            if "time-out" in a.counted_types:
                template = scenarios.time_out(rng, a, ("plain", "extended", "early")[k % 3])
            else:
                duration = rng.randint(3600, 3 * NON_REGISTERING_MEAN_S)
                template = scenarios.simple(
                    rng,
                    a,
                    "single",
                    duration,
                    *region_month.counted_type(rng, a),
                    end_mode=region_month.end_mode(rng),
                )
            requests.append(Request(replace(template, decoratable=False)))
    return requests


def quarantine(ctx: MonthContext, world: World, ids: IdAllocator) -> list[Request]:
    """A withdrawal of a mutation that was never exported, a stop at an unknown location."""
    rng, made = ctx.rng, []
    for _ in range(ctx.count(1)):
        a = ctx.agreements[rng.choice(ctx.registering)]
        made.append(scenarios.unknown_target(rng, a, ids.reserve()))
    for _ in range(ctx.count(1)):
        a = ctx.agreements[rng.choice(ctx.registering)]
        made.append(scenarios.unknown_location(rng, a, world.unused_location_id))
    return [Request(t) for t in made]
