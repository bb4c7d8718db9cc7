"""The benchmark's pandas baseline computes the pipeline's table (docs/performance.md).

The baseline re-implements the contract's rules in pandas on purpose (benchmarks/); here it
runs on the shared January 2023 simulation, noise and quarantine cases included, and must
give exactly the pipeline's `marts.agg_seh_stops_regio_maand`. Cheap: the pipeline run is the
session's shared one, the baseline takes about a second.
"""

from __future__ import annotations

import pytest

from benchmarks.agreement import BaselineDisagrees, check_agreement, pipeline_table
from benchmarks.pandas_baseline import aggregate


def test_the_pandas_baseline_agrees_with_the_pipeline(january_run):
    pipeline = pipeline_table(january_run.warehouse)
    baseline = aggregate(january_run.exports)
    assert check_agreement(pipeline, baseline) == len(pipeline) == 3 * 10  # Dec, Jan, Feb
    january = baseline[baseline["maand"] == "2023-01"].set_index("roaz_regio")
    assert january.loc["Noord", "aantal_stops"] == 155
    assert january.loc["Zwolle", "totale_duur_minuten"] == 5193
    assert january.loc["Limburg", "registratiestatus"] == "niet_geregistreerd"


def test_the_agreement_check_fails_loudly_on_a_difference(january_run):
    pipeline = pipeline_table(january_run.warehouse)
    changed = pipeline.copy()
    row = changed.index[(changed["maand"] == "2023-01") & (changed["roaz_regio"] == "Oost")][0]
    changed.loc[row, "totale_duur_seconden"] += 1
    with pytest.raises(BaselineDisagrees, match="1 of 30 region-months"):
        check_agreement(pipeline, changed)
    with pytest.raises(BaselineDisagrees):
        check_agreement(pipeline, changed.drop(index=row))
