"""Planned figures: what the pipeline must compute from the simulated days, per month and region.

Computed from the planned episodes (not from the rows), with the month rules of section 6:
an episode is a stop in the month it starts, its seconds fall in the months they fall in, and
anything past the horizon (the end of the last simulated day) does not exist yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from simulator.model import PlacedSlot
from simulator.timeutil import half_up_minutes, local_date, month_key, split_by_month


@dataclass(frozen=True)
class PlannedFigures:
    """One region's planned figures for one month."""

    stops: int
    seconds: int

    @property
    def minutes(self) -> int:
        return half_up_minutes(self.seconds)


class FigureBook:
    """Accumulates planned stops and seconds per month and region."""

    def __init__(self, horizon: datetime) -> None:
        self.horizon = horizon
        self._stops: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._seconds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, slots: Iterable[PlacedSlot]) -> None:
        for slot in slots:
            region = slot.template.region
            for episode in slot.episode_intervals():
                if episode[0][0] >= self.horizon:
                    continue
                self._stops[month_key(local_date(episode[0][0]))][region] += 1
                for start, end in episode:
                    end = min(end, self.horizon)
                    if end <= start:
                        continue
                    for month, secs in split_by_month(start, end).items():
                        self._seconds[month][region] += secs

    def month(self, key: str, regions: Iterable[str]) -> dict[str, PlannedFigures]:
        return {
            region: PlannedFigures(self._stops[key][region], self._seconds[key][region])
            for region in regions
        }
