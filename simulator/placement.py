"""Putting slots on location timelines without letting them interact.

Every slot keeps a buffer of more than the region's chaining margin to every other slot at
its location, so the rules of section 4 can only see each slot's own intervals: that is what
makes the planned episodes exact. Placement is random (seeded) within the allowed window and
leans towards afternoons and evenings, when emergency departments are busiest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from simulator.model import PlacedSlot, SlotTemplate
from simulator.month import MonthContext
from simulator.timeutil import AMSTERDAM, seconds
from simulator.world import World

# Distance kept between slots beyond the region's chaining margin.
BUFFER_BEYOND_MARGIN_S = 3600

# Relative chance of a stop starting in each local hour (night quiet, evening busy).
HOUR_WEIGHTS = (3, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 8, 8, 9, 9, 10, 10, 10, 9, 8, 7, 5, 4)


@dataclass(frozen=True)
class Request:
    """A slot to place: optionally at a fixed location and/or within a start window."""

    template: SlotTemplate
    location_id: str | None = None
    earliest: datetime | None = None
    latest: datetime | None = None  # latest allowed start
    fixed_start: datetime | None = None


class Timeline:
    """Busy stretches of one location, in seconds from an epoch, buffers included."""

    def __init__(self, epoch: datetime, window: tuple[int, int], buffer_s: int) -> None:
        self.epoch = epoch
        self.window = window
        self.buffer_s = buffer_s
        self.busy: list[tuple[int, int]] = []

    def offset(self, instant: datetime) -> int:
        return int((instant - self.epoch).total_seconds())

    def reserve(self, start: int, end: int) -> None:
        self.busy.append((start - self.buffer_s, end + self.buffer_s))
        self.busy.sort()

    def is_free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.busy)

    def start_ranges(self, span: int, lo: int, hi: int) -> list[tuple[int, int]]:
        """Inclusive ranges of feasible starts within [lo, hi] for a slot of `span`."""
        ranges: list[tuple[int, int]] = []
        cursor = max(lo, self.window[0])
        limit = min(hi + span, self.window[1])
        for a, b in [*self.busy, (limit, limit)]:
            gap_end = min(a, limit)
            if gap_end - cursor >= span:
                ranges.append((cursor, gap_end - span))
            cursor = max(cursor, b)
            if cursor >= limit:
                break
        return ranges


class Placer:
    """Places requests on the timelines of one region's locations."""

    def __init__(
        self, rng: random.Random, timelines: dict[str, Timeline], weights: dict[str, float]
    ) -> None:
        self.rng = rng
        self.timelines = timelines
        self.weights = weights

    def place(self, request: Request) -> PlacedSlot:
        span = request.template.span
        candidates = [request.location_id] if request.location_id else self._by_weight()
        for location in candidates:
            timeline = self.timelines[location]
            if request.fixed_start is not None:
                start = timeline.offset(request.fixed_start)
                if not timeline.is_free(
                    start - timeline.buffer_s, start + span + timeline.buffer_s
                ):
                    continue
            else:
                lo = timeline.offset(request.earliest) if request.earliest else -(10**9)
                hi = timeline.offset(request.latest) if request.latest else 10**9
                ranges = timeline.start_ranges(span, lo, hi)
                if not ranges:
                    continue
                start = self._pick(timeline, ranges)
            timeline.reserve(start, start + span)
            return PlacedSlot(request.template, location, timeline.epoch + timedelta(seconds=start))
        raise RuntimeError(
            f"no room for a {request.template.kind} slot of {span} s in {request.template.region}"
        )

    def _by_weight(self) -> list[str]:
        """All locations, in a random order that favours the busier ones."""
        pool = dict(self.weights)
        order: list[str] = []
        while pool:
            pick = self.rng.choices(list(pool), weights=list(pool.values()))[0]
            order.append(pick)
            del pool[pick]
        return order

    def _pick(self, timeline: Timeline, ranges: list[tuple[int, int]]) -> int:
        """A start uniform over the feasible ranges, thinned by the hour-of-day weights."""
        total = sum(b - a + 1 for a, b in ranges)
        choice = 0
        for _ in range(12):
            u = self.rng.randrange(total)
            for a, b in ranges:
                if u <= b - a:
                    choice = a + u
                    break
                u -= b - a + 1
            hour = (timeline.epoch + timedelta(seconds=choice)).astimezone(AMSTERDAM).hour
            if self.rng.random() * max(HOUR_WEIGHTS) < HOUR_WEIGHTS[hour]:
                break
        return choice


def place_month(
    ctx: MonthContext,
    world: World,
    requests: list[Request],
    carry_in: tuple[PlacedSlot, ...],
) -> list[PlacedSlot]:
    """Place a month's requests: fixed starts first, then windowed ones, then the rest
    (longest first), on timelines that already hold the previous month's slots running over.
    Free slots keep a buffer from the month's edges, so they never chain across months."""
    placers: dict[str, Placer] = {}
    length = seconds(ctx.window_end - ctx.window_start)
    for region in world.regions:
        buffer = ctx.agreements[region].margin_s + BUFFER_BEYOND_MARGIN_S
        locations = [loc.locatie_id for loc in world.in_region(region)]
        timelines = {
            loc: Timeline(ctx.window_start, (buffer, length - buffer), buffer) for loc in locations
        }
        weights = {loc: ctx.rng.lognormvariate(0, 0.5) for loc in locations}
        placers[region] = Placer(ctx.rng, timelines, weights)
    for slot in carry_in:
        timeline = placers[slot.template.region].timelines[slot.location_id]
        timeline.reserve(timeline.offset(slot.start), timeline.offset(slot.end))

    def order(item: tuple[int, Request]) -> tuple[int, int, int]:
        n, request = item
        rank = 0 if request.fixed_start else 1 if request.earliest else 2
        return rank, -request.template.span, n

    return [placers[r.template.region].place(r) for _, r in sorted(enumerate(requests), key=order)]
