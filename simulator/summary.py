"""What a simulation run wrote and what the pipeline should make of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seh_stops.lpz.contract import DATA_FILES
from simulator.figures import PlannedFigures
from simulator.render import QuarantinedRow

# Noise kinds every complete month with targets carries (and the tests look for in January).
# The names are the tags the scenarios and decorations put on slots.
NOISE_KINDS: dict[str, str] = {
    "uncounted_stoptype": "stop of a type the region does not count",
    "below_minimum": "stop shorter than the region's minimum duration",
    "exact_minimum": "counted episode of exactly the minimum duration",
    "chain_extension": "episode of 2-3 intervals chained within the margin (merging regions)",
    "chain_gap_at_margin": "chain whose gap equals the margin to the second",
    "chain_sum_meets_minimum": "chain of parts each below the minimum, together above it",
    "uncounted_stop_in_chain_gap": "uncounted stop inside a chain gap (neither breaks nor extends)",
    "extension_new_stop": "extensions counted as new stops (regions with verlenging = ja)",
    "ended_by_open": "stop ended by an open mutation",
    "ended_by_planned_end": "stop ended by its gepland_einde",
    "ended_by_next_stop": "stop ended by the next stop (touching extension)",
    "withdrawal": "withdrawal (ingetrokken) of a mutation",
    "withdrawal_of_open": "erroneous open inside a counted stop, withdrawn",
    "withdrawal_next_day": "withdrawal of a mutation from an earlier export day",
    "open_without_stop": "open for a location that is not in stop (its stop was withdrawn)",
    "late_registration": "mutation registered one or more days after its ingang",
    "late_registration_across_month_end": "stop on the month's last day registered next month",
    "identical_resend": "identical mutation again in a later export day",
    "time_out_counted": "time-out in a region that counts time-outs (Limburg)",
    "time_out_uncounted": "time-out in a registering region that does not count them",
    "month_end_crossing": "counted episode across the local midnight into the next month",
    "starts_at_local_midnight": "counted episode starting exactly at 00:00:00 on the 1st",
    "toelichting": "free-text remark",
    "toelichting_quoted": "remark with ';', '\"' or a line break (quoted field)",
    "quarantine_conflict": "same mutatie_id with other content in a later day (quarantined)",
    "quarantine_unknown_target": "withdrawal naming an unknown mutation (quarantined)",
    "quarantine_unknown_location": "mutation for a location not in the register (quarantined)",
    "lopend_at_horizon": "stop still running at the end of the last day (only in the last month)",
}

# Kinds that only the last simulated month can carry.
LAST_MONTH_ONLY: frozenset[str] = frozenset({"lopend_at_horizon"})


@dataclass(frozen=True)
class SimulationSummary:
    """The run's inventory: days and rows written, planned figures, noise, quarantine rows.

    `planned_figures` holds only months simulated completely (every day of the month and the
    days after it that the plan used for late rows); for January 2023 they equal the LNAZ
    appendix. `noise` counts noise kinds per month of the story's start.
    """

    out_dir: Path
    first_day: date
    last_day: date
    seed: int
    days_written: tuple[date, ...]
    rows_per_day: dict[date, dict[str, int]]
    planned_figures: dict[str, dict[str, PlannedFigures]]
    registering_regions: tuple[str, ...]
    noise: dict[str, dict[str, int]]
    quarantined: tuple[QuarantinedRow, ...]
    scale: int = 1  # copies of the Dutch world (k x 83 locations)

    @property
    def rows_total(self) -> dict[str, int]:
        return {name: sum(day[name] for day in self.rows_per_day.values()) for name in DATA_FILES}

    def describe(self) -> str:
        """A plain-text report for the CLI and the demo."""
        lines = [
            f"Simulated {len(self.days_written)} export day(s) {self.first_day} .. {self.last_day}"
            f" into {self.out_dir} (seed {self.seed}"
            + (f", scale {self.scale}" if self.scale != 1 else "")
            + ").",
            "Rows written: " + ", ".join(f"{n} {k}" for k, n in self.rows_total.items()) + ".",
        ]
        for month, figures in self.planned_figures.items():
            lines.append(f"Planned figures {month} (registering regions):")
            width = max(len(r) for r in self.registering_regions)
            for region in self.registering_regions:
                f = figures[region]
                lines.append(f"  {region:<{width}}  {f.stops:>4} stops  {f.minutes:>6} minutes")
        for month, kinds in self.noise.items():
            listed = ", ".join(f"{k} {kinds[k]}" for k in NOISE_KINDS if kinds.get(k))
            lines.append(f"Noise {month}: {listed or 'none'}.")
        if self.quarantined:
            lines.append("Rows the pipeline must quarantine:")
            lines += [f"  {q.export_day} {q.mutatie_id}: {q.reason}" for q in self.quarantined]
        return "\n".join(lines)
