"""The frame of one month's plan: its calendar, the simulated part of it, and its targets.

Everything that plans part of a month takes this context, so the month's random stream,
agreements and "how much of the month is simulated" are decided in one place.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime

from simulator.seeds import Agreement, SeedTables
from simulator.targets import targets_for
from simulator.timeutil import (
    local_midnight,
    month_bounds,
    month_end,
    month_key,
    month_start,
    next_month_start,
    seconds,
)
from simulator.world import World


def stochastic_round(rng: random.Random, value: float) -> int:
    """Round so that the expectation is `value` (counts for partly simulated months)."""
    whole = math.floor(value)
    return whole + (1 if rng.random() < value - whole else 0)


@dataclass(frozen=True)
class MonthContext:
    key: str  # YYYY-MM
    first: date  # first day of the month
    start: datetime  # local midnight starting the month (UTC)
    end: datetime  # local midnight ending it
    window_start: datetime  # the simulated part of the month
    window_end: datetime
    complete: bool  # every day of the month is simulated
    targets: dict[str, tuple[int, int]] | None  # only for a complete month with targets
    share: float  # simulated part of the month, 0..1
    next_in_range: bool  # the first day of the next month is simulated too
    last_day: date  # last simulated day
    horizon: datetime  # end of the last simulated day
    agreements: dict[str, Agreement]
    registering: tuple[str, ...]
    rng: random.Random

    @property
    def targeted(self) -> bool:
        return self.targets is not None

    def count(self, n: int) -> int:
        """`n` stories in a targeted month; in other months `n` scaled to the simulated share."""
        return n if self.targeted else stochastic_round(self.rng, n * self.share)


def month_context(
    day: date, first_day: date, last_day: date, seeds: SeedTables, world: World, seed: int | str
) -> MonthContext:
    first = month_start(day)
    key = month_key(first)
    start, end = month_bounds(key)
    horizon = local_midnight(date.fromordinal(last_day.toordinal() + 1))
    window_start, window_end = max(start, local_midnight(first_day)), min(end, horizon)
    complete = first_day <= first and last_day >= month_end(first)
    agreement_day = max(first, first_day)
    return MonthContext(
        key=key,
        first=first,
        start=start,
        end=end,
        window_start=window_start,
        window_end=window_end,
        complete=complete,
        targets=targets_for(key) if complete else None,
        share=seconds(window_end - window_start) / seconds(end - start),
        next_in_range=next_month_start(first) <= last_day,
        last_day=last_day,
        horizon=horizon,
        agreements={r: seeds.agreement(r, agreement_day) for r in world.regions},
        registering=world.registering_regions,
        rng=random.Random(f"{seed}:plan:{key}"),
    )
