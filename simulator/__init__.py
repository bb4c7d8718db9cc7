"""Simulated LPZ exports: export-day folders in the contract's format, with known figures.

`simulate(first_day, last_day, out_dir, seed)` writes one folder per export day and returns
a `SimulationSummary` (rows written, the planned monthly figures, the noise inventory, the
rows the pipeline must quarantine). For January 2023 the planned figures are the LNAZ
appendix table. Plain library code: no Dagster here.
"""

from simulator.figures import PlannedFigures
from simulator.render import QuarantinedRow
from simulator.simulate import simulate
from simulator.summary import NOISE_KINDS, SimulationSummary

__all__ = ["NOISE_KINDS", "PlannedFigures", "QuarantinedRow", "SimulationSummary", "simulate"]
