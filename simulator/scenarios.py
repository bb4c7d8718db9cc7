"""Slot builders: the stories a location's timeline is made of, before placement.

Each builder returns the mutations and the counted episodes of one story. The episodes come
from `episodes_of`, which applies the agreement to the slot's own intervals only: that is
enough because the planner keeps slots further apart than any chaining margin, and keeps
every mutation of a slot outside the counted intervals of the others.
"""

from __future__ import annotations

import random

from simulator.model import (
    OPEN,
    STOP,
    WITHDRAWN,
    MutationTemplate,
    Registration,
    SlotTemplate,
)
from simulator.names import SPECIALISMS
from simulator.seeds import Agreement

TIME_OUT_S = 2 * 3600  # Limburg's time-out lasts two hours
Interval = tuple[int, int]


def prompt(rng: random.Random) -> Registration:
    """The usual registration: seconds to a few minutes after the moment."""
    return Registration("prompt", delay_s=rng.randint(4, 240))


def episodes_of(
    intervals: list[tuple[Interval, bool]], agreement: Agreement
) -> tuple[tuple[Interval, ...], ...]:
    """Specification, section 4 steps 3-6 for one slot: `intervals` are (interval, counted type?) in
    order."""
    kept = [iv for iv, counted in intervals if counted and iv[1] > iv[0]]
    groups: list[list[Interval]] = []
    for iv in kept:
        joins = groups and iv[0] - groups[-1][-1][1] <= agreement.margin_s
        if joins and not agreement.extension_is_new_stop:
            groups[-1].append(iv)
        else:
            groups.append([iv])
    return tuple(
        tuple(group) for group in groups if sum(b - a for a, b in group) >= agreement.min_duration_s
    )


def _stop(
    rng: random.Random,
    at: int,
    stoptype: str,
    specialisme: str = "",
    planned_end: int | None = None,
) -> MutationTemplate:
    if stoptype == "specialisme" and not specialisme:
        specialisme = rng.choice(SPECIALISMS)
    return MutationTemplate(
        STOP,
        at,
        stoptype,
        specialisme if stoptype == "specialisme" else "",
        planned_end,
        prompt(rng),
    )


def _open(rng: random.Random, at: int) -> MutationTemplate:
    return MutationTemplate(OPEN, at, registration=prompt(rng))


def chain(
    rng: random.Random,
    agreement: Agreement,
    kind: str,
    parts: list[int],
    gaps: list[int],
    types: list[tuple[str, str]],
    end_mode: str = "open",
    noise: tuple[str, ...] = (),
) -> SlotTemplate:
    """Stops back to back (gap 0: a new stop ends the previous one, an extension) or with a
    gap (the previous stop ends by an open or by its planned end). One part is a simple stop.

    `end_mode` ends the last part: `open`, `planned` (its `gepland_einde`), or
    `open_before_planned` (an open before a planned end that lies later).
    """
    assert len(gaps) == len(parts) - 1 and len(types) == len(parts)
    mutations: list[MutationTemplate] = []
    intervals: list[tuple[Interval, bool]] = []
    ended: list[str] = []
    cursor = 0
    for k, (part, (stoptype, specialism)) in enumerate(zip(parts, types, strict=True)):
        start, end = cursor, cursor + part
        last = k == len(parts) - 1
        mode = end_mode if last else ("next" if gaps[k] == 0 else rng.choice(("open", "planned")))
        planned = None
        if mode == "planned" or (mode == "next" and rng.random() < 0.5):
            planned = end
        elif mode == "open_before_planned":
            planned = end + rng.randint(10, 90) * 60
        mutations.append(_stop(rng, start, stoptype, specialism, planned))
        if mode in ("open", "open_before_planned"):
            mutations.append(_open(rng, end))
        ended.append(
            {"planned": "ended_by_planned_end", "next": "ended_by_next_stop"}.get(
                mode, "ended_by_open"
            )
        )
        intervals.append(((start, end), stoptype in agreement.counted_types))
        cursor = end + (0 if last else gaps[k])
    return SlotTemplate(
        kind=kind,
        region=agreement.region,
        mutations=tuple(mutations),
        episodes=episodes_of(intervals, agreement),
        span=cursor,
        noise=noise + tuple(ended),
    )


def simple(
    rng: random.Random,
    agreement: Agreement,
    kind: str,
    duration: int,
    stoptype: str,
    specialism: str = "",
    end_mode: str = "open",
    noise: tuple[str, ...] = (),
) -> SlotTemplate:
    """One stop, ended by an open or by its planned end."""
    return chain(rng, agreement, kind, [duration], [], [(stoptype, specialism)], end_mode, noise)


def uncounted_in_gap(
    rng: random.Random,
    agreement: Agreement,
    first: int,
    second: int,
    gap: int,
    stoptype: str,
    specialism: str,
) -> SlotTemplate:
    """Counted stop, then a stop of a type the region does not count (it ends the first),
    an open, and a counted stop again within the margin: the uncounted stop neither breaks
    nor extends the chain (specification, section 8), so this is one episode of `first + second`
    seconds."""
    counted = sorted(agreement.counted_types)
    uncounted_len = rng.randint(60, max(60, gap - 120))
    assert uncounted_len + 60 <= gap <= agreement.margin_s
    mutations = [
        _stop(rng, 0, rng.choice(counted)),
        _stop(rng, first, stoptype, specialism),
        _open(rng, first + uncounted_len),
        _stop(rng, first + gap, rng.choice(counted)),
        _open(rng, first + gap + second),
    ]
    intervals = [
        ((0, first), True),
        ((first, first + uncounted_len), False),
        ((first + gap, first + gap + second), True),
    ]
    return SlotTemplate(
        "uncounted_stop_in_chain_gap",
        agreement.region,
        tuple(mutations),
        episodes_of(intervals, agreement),
        first + gap + second,
        ("uncounted_stop_in_chain_gap", "uncounted_stoptype"),
    )


def time_out(rng: random.Random, agreement: Agreement, variant: str) -> SlotTemplate:
    """Limburg's form: a two-hour time-out with that planned end; `early` opens sooner,
    `extended` follows it with a second time-out at its end (two intervals, touching)."""
    counted = "time-out" in agreement.counted_types
    tag = "time_out_counted" if counted else "time_out_uncounted"
    extra = () if counted else ("uncounted_stoptype",)
    if variant == "extended":
        return chain(
            rng,
            agreement,
            "time_out",
            [TIME_OUT_S, TIME_OUT_S],
            [0],
            [("time-out", "")] * 2,
            "planned",
            (tag, *extra),
        )
    mutations = [_stop(rng, 0, "time-out", planned_end=TIME_OUT_S)]
    end = TIME_OUT_S
    if variant == "early":
        end = rng.randint(80, 115) * 60
        mutations.append(_open(rng, end))
    episodes = episodes_of([((0, end), counted)], agreement)
    ended = "ended_by_open" if variant == "early" else "ended_by_planned_end"
    return SlotTemplate(
        "time_out",
        agreement.region,
        tuple(mutations),
        episodes,
        end,
        (tag, *extra, ended),
        decoratable=False,
    )


def withdrawn_stop(rng: random.Random, agreement: Agreement, spurious_open: bool) -> SlotTemplate:
    """A stop entered in error and withdrawn. With `spurious_open` the location was also
    opened again before the withdrawal: once the stop is gone, that open changes nothing."""
    mutations = [
        _stop(rng, 0, rng.choice(sorted(agreement.counted_types)), rng.choice(SPECIALISMS))
    ]
    moment = rng.randint(2, 9) * 60
    noise = ["withdrawal"]
    if spurious_open:
        mutations.append(_open(rng, moment))
        moment += rng.randint(1, 5) * 60
        noise.append("open_without_stop")
    mutations.append(
        MutationTemplate(
            WITHDRAWN, moment, registration=prompt(rng), withdraws=0, toelichting="foutieve invoer"
        )
    )
    return SlotTemplate(
        "withdrawn_stop",
        agreement.region,
        tuple(mutations),
        (),
        moment,
        tuple(noise),
        decoratable=False,
    )


def unknown_target(rng: random.Random, agreement: Agreement, target_id: str) -> SlotTemplate:
    """A withdrawal that names a mutation the export never contained: quarantined."""
    mutation = MutationTemplate(WITHDRAWN, 0, registration=prompt(rng), withdraws=target_id)
    return SlotTemplate(
        "unknown_target",
        agreement.region,
        (mutation,),
        (),
        60,
        ("quarantine_unknown_target", "withdrawal"),
        decoratable=False,
    )


def unknown_location(rng: random.Random, agreement: Agreement, location_id: str) -> SlotTemplate:
    """A stop for a location id that is in no register row: quarantined."""
    stop = _stop(rng, 0, sorted(agreement.counted_types)[0], planned_end=3600)
    mutation = MutationTemplate(**{**stop.__dict__, "location_override": location_id})
    return SlotTemplate(
        "unknown_location",
        agreement.region,
        (mutation,),
        (),
        60,
        ("quarantine_unknown_location",),
        decoratable=False,
    )


def ongoing(rng: random.Random, agreement: Agreement, until_horizon: int) -> SlotTemplate:
    """A stop without planned end and without open: *lopend* at the horizon."""
    stoptype = sorted(agreement.counted_types)[0]
    episodes = episodes_of([((0, until_horizon), True)], agreement)
    return SlotTemplate(
        "ongoing",
        agreement.region,
        (_stop(rng, 0, stoptype),),
        episodes,
        until_horizon,
        ("lopend_at_horizon",),
        decoratable=False,
    )
