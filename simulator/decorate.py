"""Decorations: noise added to a placed counted slot that leaves its episodes unchanged.

A late registration, an identical re-send, an erroneous open that is withdrawn, a conflicting
re-send: each changes what the export days contain, never what the rules make of them (once
every export day is loaded). They need the calendar — which export day a row lands in — so
they run after placement. Each returns None when the slot or the simulated range cannot
take it (for instance a late registration that would fall after the last day).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from simulator.model import (
    OPEN,
    STOP,
    WITHDRAWN,
    MutationTemplate,
    PlacedSlot,
    Registration,
)
from simulator.month import MonthContext
from simulator.names import PLAIN_REMARKS, QUOTED_REMARKS
from simulator.scenarios import prompt
from simulator.timeutil import local_date, local_time, month_key

PLAIN_REMARK_SHARE = 0.05  # share of slots with an ordinary remark


def _fixed(slot: PlacedSlot, instant: datetime) -> Registration:
    return Registration("fixed", offset_s=int((instant - slot.start).total_seconds()))


def _replace(slot: PlacedSlot, mutations: list[MutationTemplate], *noise: str) -> PlacedSlot:
    return replace(slot, template=slot.template.with_mutations(mutations, *noise))


def _morning(rng: random.Random, day: date) -> datetime:
    return local_time(day, rng.randint(7 * 3600, 11 * 3600 + 1800))


def late(rng: random.Random, slot: PlacedSlot, last_day: date, only_end: bool) -> PlacedSlot | None:
    """Registered one to three days later, the whole stop or (`only_end`) its last mutation."""
    first = local_date(slot.start)
    for days in rng.sample((1, 2, 3), 3):
        day = first + timedelta(days=days)
        instant = _morning(rng, day)
        if day > last_day or instant <= slot.end + timedelta(minutes=1):
            continue
        mutations = list(slot.template.mutations)
        last = max(range(len(mutations)), key=lambda i: mutations[i].at)
        targets = (
            [last] if only_end else [i for i, m in enumerate(mutations) if m.status != WITHDRAWN]
        )
        for n, i in enumerate(sorted(targets, key=lambda i: mutations[i].at)):
            moment = instant + timedelta(seconds=20 * n + rng.randint(0, 15))
            mutations[i] = replace(mutations[i], registration=_fixed(slot, moment))
        noise = ["late_registration"]
        if month_key(day) != month_key(first):
            noise.append("late_registration_across_month_end")
        return _replace(slot, mutations, *noise)
    return None


def resend(rng: random.Random, slot: PlacedSlot, last_day: date) -> PlacedSlot | None:
    """One stop or open of the slot appears again, identical, in a later export day."""
    mutations = list(slot.template.mutations)
    options = [
        i
        for i, m in enumerate(mutations)
        if m.status in (STOP, OPEN) and m.registration.kind == "prompt"
    ]
    if not options:
        return None
    i = rng.choice(options)
    days = rng.choice((1, 2))
    if local_date(slot.at(mutations[i].at)) + timedelta(days=days) > last_day:
        return None
    mutations[i] = replace(mutations[i], resend_after_days=days)
    return _replace(slot, mutations, "identical_resend")


def conflict(rng: random.Random, slot: PlacedSlot, last_day: date) -> PlacedSlot | None:
    """The open that ends the slot is sent again later with another `ingang`: a conflict,
    quarantined; the first version holds."""
    mutations = list(slot.template.mutations)
    last = max(range(len(mutations)), key=lambda i: mutations[i].at)
    days = rng.choice((1, 2))
    if mutations[last].status != OPEN or mutations[last].registration.kind != "prompt":
        return None
    if local_date(slot.at(mutations[last].at)) + timedelta(days=days) > last_day:
        return None
    mutations[last] = replace(mutations[last], conflict_after_days=days)
    return _replace(slot, mutations, "quarantine_conflict")


def withdrawn_open(
    rng: random.Random, slot: PlacedSlot, last_day: date, next_day: bool
) -> PlacedSlot | None:
    """An open entered in error inside the slot's first counted interval, then withdrawn
    (the same day, or with `next_day` in the next export day): the stop runs on."""
    if not slot.template.episodes:
        return None
    a, b = slot.template.episodes[0][0]
    if b - a < 900:
        return None
    at = rng.randint(a + 300, b - 300)
    mutations = list(slot.template.mutations)
    if any(m.at == at for m in mutations):
        return None
    error = MutationTemplate(OPEN, at, registration=prompt(rng))
    noise = ["withdrawal", "withdrawal_of_open"]
    registration = Registration("prompt", delay_s=rng.randint(60, 600))
    if next_day:
        day = local_date(slot.at(at)) + timedelta(days=1)
        if day > last_day:
            return None
        registration = _fixed(slot, _morning(rng, day))
        noise.append("withdrawal_next_day")
    withdrawal = MutationTemplate(
        WITHDRAWN,
        at + registration.delay_s,
        registration=registration,
        withdraws=len(mutations),
        toelichting="open ten onrechte ingevoerd",
    )
    if registration.kind == "prompt" and local_date(slot.at(withdrawal.at)) != local_date(
        slot.at(at)
    ):
        return None  # keep a same-day withdrawal on the day of its target
    return _replace(slot, [*mutations, error, withdrawal], *noise)


def withdraw_next_day(rng: random.Random, slot: PlacedSlot, last_day: date) -> PlacedSlot | None:
    """Move a slot's withdrawal to the morning of the next export day."""
    mutations = list(slot.template.mutations)
    options = [i for i, m in enumerate(mutations) if m.status == WITHDRAWN]
    if not options:
        return None
    day = local_date(slot.start) + timedelta(days=1)
    if day > last_day:
        return None
    mutations[options[0]] = replace(
        mutations[options[0]], registration=_fixed(slot, _morning(rng, day))
    )
    return _replace(slot, mutations, "withdrawal_next_day")


def remark(rng: random.Random, slot: PlacedSlot, text: str, quoted: bool) -> PlacedSlot:
    """Put a free-text `toelichting` on one of the slot's mutations that has none."""
    mutations = list(slot.template.mutations)
    options = [i for i, m in enumerate(mutations) if not m.toelichting] or [0]
    i = rng.choice(options)
    mutations[i] = replace(mutations[i], toelichting=text)
    return _replace(slot, mutations, "toelichting_quoted" if quoted else "toelichting")


def decorate_month(ctx: MonthContext, placed: list[PlacedSlot]) -> list[PlacedSlot]:
    """Spread the decorations over a month's placed slots, at most one per slot (remarks
    aside): per registering region late registrations, a re-send and a withdrawn open; per
    month a conflicting re-send and the remarks that need quoting."""
    rng, last = ctx.rng, ctx.last_day
    slots = list(placed)
    touched: set[int] = set()

    def apply(indices: list[int], times: int, make: Callable[[PlacedSlot], PlacedSlot | None]):
        rng.shuffle(indices)
        done = 0
        for i in indices:
            if done == times:
                return
            if i in touched:
                continue
            result = make(slots[i])
            if result is not None:
                slots[i], done = result, done + 1
                touched.add(i)

    for i, slot in enumerate(slots):
        if slot.template.kind == "late_across_month_end":
            apply([i], 1, lambda s: late(rng, s, last, only_end=False))
    for index, region in enumerate(ctx.registering):
        mine = [
            i for i, s in enumerate(slots) if s.template.region == region and s.template.decoratable
        ]
        odd = index % 2 == 1
        apply(list(mine), ctx.count(2), lambda s: late(rng, s, last, rng.random() < 0.4))
        apply(list(mine), ctx.count(1), lambda s: resend(rng, s, last))
        apply(list(mine), ctx.count(1), lambda s, odd=odd: withdrawn_open(rng, s, last, odd))
        if index % 3 == 1:
            withdrawn = [
                i
                for i, s in enumerate(slots)
                if s.template.region == region and s.template.kind == "withdrawn_stop"
            ]
            apply(withdrawn, 1, lambda s: withdraw_next_day(rng, s, last))
    counted = [i for i, s in enumerate(slots) if s.template.decoratable]
    apply(counted, ctx.count(1), lambda s: conflict(rng, s, last))
    for text in QUOTED_REMARKS:
        for _ in range(ctx.count(1) if slots else 0):
            i = rng.randrange(len(slots))
            slots[i] = remark(rng, slots[i], text, quoted=True)
    for i in range(len(slots)):
        if rng.random() < PLAIN_REMARK_SHARE:
            slots[i] = remark(rng, slots[i], rng.choice(PLAIN_REMARKS), quoted=False)
    return slots
