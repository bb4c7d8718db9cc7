"""The simulator's plan: scenarios ("slots") on a location's timeline, as relative templates.

A slot is a small self-contained story at one location — a counted stop, a chain of
extensions, a stop of a type the region does not count, a withdrawn error — together with
the episodes it contributes under the region's agreement. Builders state the contribution
from their own parameters, so the planned figures are known before any row is written;
placement then gives each slot a location and a start instant, and rendering turns it into
rows. Slots are kept apart by more than the region's chaining margin, so one slot's stops can
never chain with another's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

STOP, OPEN, WITHDRAWN = "stop", "open", "ingetrokken"


@dataclass(frozen=True)
class Registration:
    """How `geregistreerd_op` follows once the slot is placed.

    `prompt`: `delay_s` after the mutation's moment, kept on the same local day (the normal
    case, which puts the row in the export day of its moment). `fixed`: `offset_s` after the
    slot's start, chosen by the planner after placement (late registrations, next-day
    withdrawals), because only then is the calendar known.
    """

    kind: str = "prompt"
    delay_s: int = 30
    offset_s: int = 0


@dataclass(frozen=True)
class MutationTemplate:
    """One mutation, with its moments as seconds from the slot's start.

    `at` is the `ingang` of a stop or open, and the moment of entry of a withdrawal (whose
    `ingang` stays empty). `withdraws` names a mutation of the same slot by index, or any
    mutation id as text (the unknown-target noise).
    """

    status: str
    at: int
    stoptype: str = ""
    specialisme: str = ""
    planned_end: int | None = None
    registration: Registration = field(default_factory=Registration)
    withdraws: int | str | None = None
    toelichting: str = ""
    resend_after_days: int | None = None  # identical copy in a later export day
    conflict_after_days: int | None = None  # same id, other content, in a later export day
    location_override: str | None = None  # a location id that is not in the register


@dataclass(frozen=True)
class SlotTemplate:
    """A scenario before placement.

    `episodes` lists, per counted episode, its intervals as (start, end) offsets: the time
    in stop that the region's rules count (gaps and uncounted stops excluded). `span` is the
    stretch of timeline the slot occupies; `noise` names the noise kinds it carries.
    """

    kind: str
    region: str
    mutations: tuple[MutationTemplate, ...]
    episodes: tuple[tuple[tuple[int, int], ...], ...]
    span: int
    noise: tuple[str, ...] = ()
    decoratable: bool = True  # an ordinary counted story that decorations may change

    @property
    def counted_seconds(self) -> int:
        """Time in stop over all counted episodes (gaps and uncounted stops excluded)."""
        return sum(b - a for episode in self.episodes for a, b in episode)

    def with_mutations(self, mutations: list[MutationTemplate], *noise: str) -> SlotTemplate:
        return replace(self, mutations=tuple(mutations), noise=self.noise + noise)


@dataclass(frozen=True)
class PlacedSlot:
    """A slot with its location and start instant (UTC)."""

    template: SlotTemplate
    location_id: str
    start: datetime

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.template.span)

    def at(self, offset: int) -> datetime:
        return self.start + timedelta(seconds=offset)

    def episode_intervals(self) -> list[list[tuple[datetime, datetime]]]:
        """Counted episodes as absolute intervals."""
        return [[(self.at(a), self.at(b)) for a, b in ep] for ep in self.template.episodes]


@dataclass(frozen=True)
class Reservation:
    """Timeline already taken at a location (a slot of the previous month running over)."""

    location_id: str
    start: datetime
    end: datetime
