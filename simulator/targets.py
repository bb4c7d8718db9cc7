"""The figures the simulated world must produce, and the activity levels around them.

The January 2023 table of the LNAZ appendix (seeds/lnaz-brief-bijlage-...) is the one month
with fixed targets: with the default agreements, the simulated export days of January (and
its grace days) must yield exactly these stops and minutes. This module is the only place in
the project's code that holds these numbers; the pipeline must compute them, never read them.
Other months get activity at the same rates, drawn at random.
"""

from __future__ import annotations

# month -> region -> (number of stops, total minutes), LNAZ appendix, January 2023.
TARGETS: dict[str, dict[str, tuple[int, int]]] = {
    "2023-01": {
        "Noord": (155, 16485),
        "Noord-Holland/Flevoland": (163, 18502),
        "Midden": (79, 9334),
        "Oost": (14, 1389),
        "West": (45, 5410),
        "Zuidwest": (80, 11591),
        "Zwolle": (35, 5193),
    },
}

# The month whose rates stand in for every other month.
RATE_MONTH = "2023-01"
RATE_MONTH_DAYS = 31

# Regions outside the table: stops per region per month at random, and at least this many in
# a target month so their rows are present (Limburg: "about ten time-outs a year").
NON_REGISTERING_PER_MONTH: dict[str, float] = {"Limburg": 0.85, "Brabant": 0.4, "Euregio": 0.1}
NON_REGISTERING_IN_TARGET_MONTH: dict[str, int] = {"Limburg": 2, "Brabant": 1, "Euregio": 0}
NON_REGISTERING_MEAN_S = 2 * 3600


def targets_for(month: str) -> dict[str, tuple[int, int]] | None:
    return TARGETS.get(month)


def daily_rate(region: str, locations: int) -> tuple[float, int]:
    """(stops per location per day, mean seconds per stop) of a registering region."""
    stops, minutes = TARGETS[RATE_MONTH][region]
    return stops / (locations * RATE_MONTH_DAYS), minutes * 60 // stops
