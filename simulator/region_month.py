"""What one region's month is made of: counted stories with planned durations, and noise.

The counted part is constructive: a number of episodes and a total of seconds are given (the
target, or a random draw), the special stories with fixed lengths are laid out first, and the
remaining seconds are split over the free episodes. Free episodes are then shaped into single
stops, chains of extensions (regions that merge them) or runs of extensions that each count
(regions that count an extension as a new stop). The shape never changes the figures.
"""

from __future__ import annotations

import random
from dataclasses import replace

from simulator import scenarios
from simulator.model import SlotTemplate
from simulator.month import stochastic_round
from simulator.names import SPECIALISMS
from simulator.seeds import Agreement

MAX_EPISODE_S = 10 * 3600
TYPE_WEIGHTS = {"volledig": 6, "ambulance": 4, "specialisme": 3, "time-out": 1}
END_MODES = (("open", 55), ("planned", 30), ("open_before_planned", 15))


def split_total(rng: random.Random, n: int, total: int, lo: int, hi: int) -> list[int]:
    """`n` random durations in [lo, hi] that sum exactly to `total` seconds."""
    if n == 0:
        if total != 0:
            raise ValueError(f"cannot spread {total} s over no episodes")
        return []
    if not n * lo <= total <= n * hi:
        raise ValueError(f"cannot spread {total} s over {n} episodes of {lo}..{hi} s")
    weights = [rng.lognormvariate(0, 0.75) for _ in range(n)]
    scale = total / sum(weights)
    durations = [min(hi, max(lo, int(w * scale))) for w in weights]
    diff = total - sum(durations)
    order = list(range(n))
    while diff:
        rng.shuffle(order)
        for i in order:
            step = min(diff, hi - durations[i]) if diff > 0 else -min(-diff, durations[i] - lo)
            durations[i] += step
            diff -= step
            if not diff:
                break
    return durations


def counted_type(rng: random.Random, agreement: Agreement) -> tuple[str, str]:
    types = sorted(agreement.counted_types)
    stoptype = rng.choices(types, weights=[TYPE_WEIGHTS[t] for t in types])[0]
    return stoptype, rng.choice(SPECIALISMS) if stoptype == "specialisme" else ""


def end_mode(rng: random.Random) -> str:
    return rng.choices([m for m, _ in END_MODES], weights=[w for _, w in END_MODES])[0]


def lower_bound(agreement: Agreement) -> int:
    """Shortest free episode: comfortably above the region's minimum duration."""
    return max(agreement.min_duration_s + 60, 120)


def specials(rng: random.Random, agreement: Agreement) -> list[SlotTemplate]:
    """The counted edge cases that the region's agreement makes meaningful, each a single
    episode: exactly the minimum duration, a chain gap of exactly the margin, a chain whose
    parts are each below the minimum but whose sum is not, an uncounted stop in a chain gap."""
    a = agreement
    made: list[SlotTemplate] = []
    if a.min_duration_s > 0:
        made.append(
            scenarios.simple(
                rng,
                a,
                "exact_minimum",
                a.min_duration_s,
                *counted_type(rng, a),
                noise=("exact_minimum",),
            )
        )
    if not a.extension_is_new_stop and a.margin_s > 0:
        parts = [rng.randint(600, 4000), rng.randint(600, 4000)]
        made.append(
            scenarios.chain(
                rng,
                a,
                "chain",
                parts,
                [a.margin_s],
                [counted_type(rng, a) for _ in parts],
                end_mode(rng),
                ("chain_extension", "chain_gap_at_margin"),
            )
        )
    if not a.extension_is_new_stop and a.margin_s > 0 and a.min_duration_s >= 180:
        low, high = a.min_duration_s // 2 + 30, a.min_duration_s - 60
        parts = [rng.randint(low, high), rng.randint(low, high)]
        made.append(
            scenarios.chain(
                rng,
                a,
                "chain",
                parts,
                [rng.randint(60, a.margin_s)],
                [counted_type(rng, a) for _ in parts],
                "open",
                ("chain_extension", "chain_sum_meets_minimum"),
            )
        )
    if not a.extension_is_new_stop and a.margin_s >= 1800 and a.uncounted_types:
        other = rng.choice(a.uncounted_types)
        made.append(
            scenarios.uncounted_in_gap(
                rng,
                a,
                rng.randint(900, 5400),
                rng.randint(900, 5400),
                rng.randint(600, a.margin_s),
                other,
                rng.choice(SPECIALISMS) if other == "specialisme" else "",
            )
        )
    for template in made:
        assert len(template.episodes) == 1, template
    return made


def shape(
    rng: random.Random, agreement: Agreement, durations: list[int], guarantee: bool
) -> list[SlotTemplate]:
    """Turn free episode durations into stories: single stops, chains, extension runs.

    With `guarantee` (a month with targets) the region gets at least one chain or run of
    extensions when its durations allow it, so every agreement is exercised every time.
    """
    a = agreement
    out: list[SlotTemplate] = []
    queue = list(durations)
    force = guarantee
    while queue:
        d = queue.pop()
        if a.extension_is_new_stop and queue and (force or rng.random() < 0.15):
            force = False
            run = [d] + [queue.pop() for _ in range(min(len(queue), rng.choice((1, 1, 2))))]
            out.append(
                scenarios.chain(
                    rng,
                    a,
                    "extension",
                    run,
                    [0] * (len(run) - 1),
                    [counted_type(rng, a) for _ in run],
                    end_mode(rng),
                    ("extension_new_stop",),
                )
            )
        elif not a.extension_is_new_stop and d >= 1200 and (force or rng.random() < 0.18):
            force = False
            k = 3 if d >= 2700 and rng.random() < 0.3 else 2
            parts = split_total(rng, k, d, 300, d)
            gaps = [
                0 if a.margin_s == 0 or rng.random() < 0.4 else rng.randint(60, a.margin_s)
                for _ in range(k - 1)
            ]
            out.append(
                scenarios.chain(
                    rng,
                    a,
                    "chain",
                    parts,
                    gaps,
                    [counted_type(rng, a) for _ in parts],
                    end_mode(rng),
                    ("chain_extension",),
                )
            )
        else:
            out.append(
                scenarios.simple(rng, a, "single", d, *counted_type(rng, a), end_mode=end_mode(rng))
            )
    return out


def noise_slots(
    rng: random.Random, agreement: Agreement, scale: float, index: int, targeted: bool
) -> list[SlotTemplate]:
    """Uncounted stories of a registering region: stop types it does not count, stops below
    its minimum duration, a withdrawn stop. `scale` is the share of a month simulated."""
    a = agreement

    def count(n: int) -> int:
        return n if targeted else stochastic_round(rng, n * scale)

    made: list[SlotTemplate] = []
    for k in range(count(2)):
        if not a.uncounted_types:
            break
        stoptype = a.uncounted_types[k % len(a.uncounted_types)]
        if stoptype == "time-out":
            made.append(scenarios.time_out(rng, a, rng.choice(("plain", "early"))))
        else:
            spec = rng.choice(SPECIALISMS) if stoptype == "specialisme" else ""
            made.append(
                scenarios.simple(
                    rng,
                    a,
                    "uncounted",
                    rng.randint(600, 14400),
                    stoptype,
                    spec,
                    end_mode(rng),
                    ("uncounted_stoptype",),
                )
            )
    if a.min_duration_s > 0:
        for k in range(count(2)):
            d = a.min_duration_s - 1 if k == 0 else rng.randint(60, max(60, a.min_duration_s - 60))
            made.append(
                scenarios.simple(
                    rng, a, "below_minimum", d, *counted_type(rng, a), noise=("below_minimum",)
                )
            )
    for _ in range(count(1)):
        made.append(scenarios.withdrawn_stop(rng, a, spurious_open=index % 2 == 0))
    for template in made:
        assert not template.episodes, template
    return [replace(t, decoratable=False) for t in made]
