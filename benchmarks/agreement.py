"""Does the pandas baseline give the pipeline's table? Compared row by row, loudly.

The pipeline's `marts.agg_seh_stops_regio_maand` and the baseline's table must agree on every
region and month: the registration status, the stops, the exact seconds and the minutes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from benchmarks.pandas_baseline import OUTPUT_COLUMNS

FIGURES = ["aantal_stops", "totale_duur_seconden", "totale_duur_minuten"]


class BaselineDisagrees(AssertionError):
    """The pandas baseline and the pipeline computed different figures."""


def pipeline_table(warehouse: Path) -> pd.DataFrame:
    """The pipeline's mart, in the baseline's columns and order."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        frame = con.execute(
            f"select {', '.join(OUTPUT_COLUMNS)} from marts.agg_seh_stops_regio_maand "
            "order by maand, volgorde"
        ).df()
    finally:
        con.close()
    return normalised(frame)


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as str, figures as nullable integers (empty for niet_geregistreerd)."""
    out = frame[OUTPUT_COLUMNS].copy()
    for column in ("maand", "roaz_regio", "registratiestatus"):
        out[column] = out[column].astype(str)
    for column in FIGURES:
        out[column] = out[column].astype("Int64")
    return out.reset_index(drop=True)


def check_agreement(pipeline: pd.DataFrame, baseline: pd.DataFrame) -> int:
    """Raise :class:`BaselineDisagrees` listing the differing rows; return the rows compared."""
    pipeline, baseline = normalised(pipeline), normalised(baseline)
    merged = pipeline.merge(
        baseline,
        on=["maand", "roaz_regio"],
        how="outer",
        suffixes=("_pipeline", "_pandas"),
        indicator=True,
    )
    differs = merged["_merge"] != "both"
    for column in ("registratiestatus", *FIGURES):
        left, right = merged[f"{column}_pipeline"], merged[f"{column}_pandas"]
        same = (left == right).fillna(False).astype(bool) | (left.isna() & right.isna())
        differs |= ~same
    if differs.any():
        raise BaselineDisagrees(
            f"the pandas baseline differs from marts.agg_seh_stops_regio_maand in "
            f"{int(differs.sum())} of {len(merged)} region-months; first ones:\n"
            + merged[differs].head(10).to_string()
        )
    return len(merged)
