"""The baseline: what a data engineer might write instead of the pipeline, in plain pandas.

One script that reads every export-day folder, applies the contract's rules (validation and
quarantine, withdrawals, stop intervals, counted types, chains and episodes under the regional
agreements, minimum durations, months split at local midnight, registration status) and writes
the region x month table. It keeps no state between runs, has no lineage, archive or checks:
it is the honest "just a script" that the pipeline is measured against, and the benchmark
fails when its table differs from `marts.agg_seh_stops_regio_maand`. Usage:

    python -m benchmarks.pandas_baseline EXPORTS_DIR --out agg.csv

The rules here deliberately duplicate dbt's; they live in `benchmarks/`, never in the package.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pandas as pd

from seh_stops.lpz.contract import (
    LOCATIONS_FILE,
    MANIFEST_FILE,
    MUTATION_COLUMNS,
    MUTATIONS_FILE,
)
from seh_stops.settings import DBT_PROJECT_DIR

TZ = "Europe/Amsterdam"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-](?:[01]\d|2[0-3]):[0-5]\d|Z)$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
STATUSES = {"stop", "open", "ingetrokken"}
STOPTYPES = {"volledig", "ambulance", "specialisme", "time-out"}
CONTENT = list(MUTATION_COLUMNS)  # "content" of a mutation: all ten columns as text
OUTPUT_COLUMNS = [
    "maand",
    "roaz_regio",
    "registratiestatus",
    "aantal_stops",
    "totale_duur_seconden",
    "totale_duur_minuten",
]


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", quotechar='"'
    )


def read_exports(exports: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.Timestamp]]:
    """Every complete export day: register rows and mutation rows with their export day."""
    registers, mutations, days = [], [], []
    for folder in sorted(p for p in exports.iterdir() if p.is_dir()):
        manifest_path = folder / MANIFEST_FILE
        if not manifest_path.exists():
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {entry["naam"]: entry for entry in manifest["bestanden"]}
        if any(
            hashlib.sha256((folder / name).read_bytes()).hexdigest() != listed[name]["sha256"]
            for name in (LOCATIONS_FILE, MUTATIONS_FILE)
        ):
            continue  # incomplete day: not loaded
        day = pd.Timestamp(manifest["exportdatum"])
        register = read_csv(folder / LOCATIONS_FILE)
        register["export_datum"] = day
        mutation = read_csv(folder / MUTATIONS_FILE)
        mutation["export_datum"] = day
        mutation["recordnummer"] = range(1, len(mutation) + 1)
        registers.append(register)
        mutations.append(mutation)
        days.append(day)
    return pd.concat(registers, ignore_index=True), pd.concat(mutations, ignore_index=True), days


def parse_timestamps(values: pd.Series) -> pd.Series:
    valid = values.str.match(TIMESTAMP)
    text = values.where(valid).str.replace("Z", "+00:00", regex=False)
    return pd.to_datetime(text, format="%Y-%m-%dT%H:%M:%S%z", utc=True, errors="coerce")


def valid_register(register: pd.DataFrame, regions: set[str]) -> pd.DataFrame:
    """Specification, section 8 "Register": rows that enter their day's snapshot."""
    counts = register.groupby(["export_datum", "locatie_id"])["locatie_id"].transform("size")
    since = pd.to_datetime(
        register["actief_sinds"].where(register["actief_sinds"].str.match(DATE)),
        format="%Y-%m-%d",
        errors="coerce",
    )
    keep = (
        (register["locatie_id"] != "")
        & (counts == 1)
        & register["roaz_regio"].isin(regions)
        & register["seh_module_actief"].isin(["ja", "nee"])
        & register["traumacentrum_level1"].isin(["ja", "nee"])
        & ((register["actief_sinds"] == "") | since.notna())
    )
    snapshot = register[keep].copy()
    snapshot["actief_sinds_datum"] = since[keep]
    return snapshot


def valid_mutations(mutations: pd.DataFrame, snapshot: pd.DataFrame) -> pd.DataFrame:
    """Specification, sections 3 and 8 "Mutations": the valid records (no quarantine, no identical
    re-send)."""
    m = mutations.sort_values(["export_datum", "recordnummer"], kind="stable").copy()
    m["inhoud"] = m[CONTENT].agg("\x1f".join, axis=1)
    has_id = m["mutatie_id"] != ""
    m["voorkomen"] = 1
    m.loc[has_id, "voorkomen"] = m[has_id].groupby("mutatie_id").cumcount() + 1
    first = m[has_id].groupby("mutatie_id")["inhoud"].transform("first")
    m["eerste_inhoud"] = first.reindex(m.index)
    identical = (m["voorkomen"] > 1) & (m["inhoud"] == m["eerste_inhoud"])
    m["ingang_at"] = parse_timestamps(m["ingang"])
    m["gepland_einde_at"] = parse_timestamps(m["gepland_einde"])
    m["geregistreerd_at"] = parse_timestamps(m["geregistreerd_op"])
    stop_or_open = m["status"].isin(["stop", "open"])
    is_stop = m["status"] == "stop"
    missing = (
        (m["mutatie_id"] == "")
        | (m["locatie_id"] == "")
        | (m["status"] == "")
        | (stop_or_open & (m["ingang"] == ""))
        | (is_stop & (m["stoptype"] == ""))
        | (m["geregistreerd_op"] == "")
    )
    invalid = (
        ~m["status"].isin(STATUSES)
        | (is_stop & ~m["stoptype"].isin(STOPTYPES))
        | (stop_or_open & m["ingang_at"].isna())
        | (is_stop & (m["gepland_einde"] != "") & m["gepland_einde_at"].isna())
        | m["geregistreerd_at"].isna()
    )
    known = pd.MultiIndex.from_frame(snapshot[["export_datum", "locatie_id"]])
    in_register = pd.MultiIndex.from_frame(m[["export_datum", "locatie_id"]]).isin(known)
    forbidden = ((m["status"] != "stop") & (m["stoptype"] != "")) | (
        (m["specialisme"] != "") & (m["stoptype"] != "specialisme")
    )
    no_target = (m["status"] == "ingetrokken") & (m["vervangt_mutatie_id"] == "")
    own_problem = (
        ((m["voorkomen"] > 1) & ~identical)
        | missing
        | invalid
        | ~in_register
        | forbidden
        | no_target
    )
    # what a withdrawal can name: the first record of each mutatie_id, valid if it is a
    # stop or open without a problem of its own
    firsts = m[(m["voorkomen"] == 1) & has_id]
    target_status = firsts.set_index("mutatie_id")["status"]
    target_ok = (~own_problem[firsts.index] & firsts["status"].isin(["stop", "open"])).set_axis(
        firsts["mutatie_id"]
    )
    target_valid = m["vervangt_mutatie_id"].map(target_ok).fillna(False).astype(bool)
    target_status = m["vervangt_mutatie_id"].map(target_status)
    withdrawal = (m["status"] == "ingetrokken") & ~own_problem
    bad_withdrawal = withdrawal & ((target_status == "ingetrokken") | ~target_valid)
    return m[~own_problem & ~identical & ~bad_withdrawal]


def stop_intervals(valid: pd.DataFrame, horizon: pd.Timestamp) -> pd.DataFrame:
    """Specification, section 4 steps 1-2: effective mutations in contract order, each stop's
    interval."""
    withdrawn = set(valid.loc[valid["status"] == "ingetrokken", "vervangt_mutatie_id"])
    effective = valid[valid["status"].isin(["stop", "open"]) & ~valid["mutatie_id"].isin(withdrawn)]
    effective = effective.sort_values(
        ["locatie_id", "ingang_at", "geregistreerd_at", "mutatie_id"], kind="stable"
    ).copy()
    effective["volgende_ingang_at"] = effective.groupby("locatie_id")["ingang_at"].shift(-1)
    stops = effective[effective["status"] == "stop"].copy()
    ends = pd.concat(
        [
            stops["gepland_einde_at"],
            stops["volgende_ingang_at"],
            pd.Series(horizon, index=stops.index),
        ],
        axis=1,
    )
    stops["einde_at"] = ends.min(axis=1)
    stops = stops[stops["einde_at"] > stops["ingang_at"]]
    return stops.rename(columns={"ingang_at": "begin_at"})[
        ["locatie_id", "mutatie_id", "stoptype", "begin_at", "einde_at"]
    ]


def with_region_and_agreement(
    intervals: pd.DataFrame, snapshot: pd.DataFrame, agreements: pd.DataFrame
) -> pd.DataFrame:
    """Specification, section 4 "Region and agreement", then step 3: keep the counted stop types."""
    iv = intervals.copy()
    iv["begin_datum"] = iv["begin_at"].dt.tz_convert(TZ).dt.tz_localize(None).dt.normalize()
    iv["volgorde"] = range(len(iv))
    register = snapshot[["export_datum", "locatie_id", "roaz_regio"]].sort_values("export_datum")
    iv = iv.sort_values("begin_datum")
    earlier = pd.merge_asof(
        iv,
        register,
        left_on="begin_datum",
        right_on="export_datum",
        by="locatie_id",
        direction="backward",
    )
    later = pd.merge_asof(
        iv,
        register,
        left_on="begin_datum",
        right_on="export_datum",
        by="locatie_id",
        direction="forward",
    )
    iv = earlier.assign(roaz_regio=earlier["roaz_regio"].fillna(later["roaz_regio"]))
    iv = iv.dropna(subset=["roaz_regio"]).sort_values("begin_datum")
    iv = pd.merge_asof(
        iv,
        agreements.sort_values("geldig_vanaf"),
        left_on="begin_datum",
        right_on="geldig_vanaf",
        by="roaz_regio",
        direction="backward",
    ).dropna(subset=["geldig_vanaf"])
    counted = [
        stoptype in types.split(" ")
        for stoptype, types in zip(iv["stoptype"], iv["getelde_stoptypes"], strict=True)
    ]
    return iv[counted].sort_values("volgorde")


def episodes(kept: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Specification, section 4 steps 4-6, a loop per location: (episodes, their intervals)."""
    episode_rows: list[dict[str, object]] = []
    interval_rows: list[tuple[int, pd.Timestamp, pd.Timestamp]] = []
    for _, group in kept.groupby("locatie_id", sort=False):
        current: dict[str, object] | None = None
        previous_end = None
        for row in group.itertuples(index=False):
            joins = (
                current is not None
                and current["verlenging_is_nieuwe_stop"] == "nee"
                and (row.begin_at - previous_end).total_seconds()
                <= current["samenvoegmarge_min"] * 60
            )
            if not joins:
                current = {
                    "episode": len(episode_rows),
                    "roaz_regio": row.roaz_regio,
                    "begin_at": row.begin_at,
                    "verlenging_is_nieuwe_stop": row.verlenging_is_nieuwe_stop,
                    "samenvoegmarge_min": int(row.samenvoegmarge_min),
                    "minimale_stopduur_min": int(row.minimale_stopduur_min),
                    "duur_seconden": 0,
                }
                episode_rows.append(current)
            current["duur_seconden"] += int((row.einde_at - row.begin_at).total_seconds())
            interval_rows.append((current["episode"], row.begin_at, row.einde_at))
            previous_end = row.einde_at
    found = pd.DataFrame(episode_rows)
    found = found[found["duur_seconden"] >= found["minimale_stopduur_min"] * 60]
    parts = pd.DataFrame(interval_rows, columns=["episode", "begin_at", "einde_at"])
    return found, parts[parts["episode"].isin(found["episode"])]


def month_seconds(found: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """Specification, section 6: seconds per region and local month, intervals split at local
    midnight."""
    rows: list[tuple[str, str, int]] = []
    region = found.set_index("episode")["roaz_regio"]
    for episode, begin, end in parts.itertuples(index=False):
        cursor = begin
        while cursor < end:
            local = cursor.tz_convert(TZ)
            next_month = (local.tz_localize(None).to_period("M") + 1).to_timestamp()
            boundary = next_month.tz_localize(TZ).tz_convert("UTC")
            stop = min(end, boundary)
            rows.append(
                (region[episode], local.strftime("%Y-%m"), int((stop - cursor).total_seconds()))
            )
            cursor = stop
    frame = pd.DataFrame(rows, columns=["roaz_regio", "maand", "seconden"])
    return frame.groupby(["roaz_regio", "maand"], as_index=False)["seconden"].sum()


def registration_status(
    snapshot: pd.DataFrame, days: list[pd.Timestamp], reference: pd.DataFrame
) -> pd.DataFrame:
    """Specification, section 6: the status of every region in every month from the first to the
    last day."""
    loaded = pd.Series(sorted(days))
    calendar = pd.DataFrame(
        {
            "datum": pd.date_range(
                loaded.iloc[0].to_period("M").to_timestamp(),
                loaded.iloc[-1].to_period("M").to_timestamp("D", "end").normalize(),
                freq="D",
            )
        }
    )
    calendar = pd.merge_asof(
        calendar,
        pd.DataFrame({"snapshot_datum": loaded}),
        left_on="datum",
        right_on="snapshot_datum",
        direction="backward",
    )
    calendar["is_geladen"] = calendar["datum"].isin(set(loaded))
    joined = calendar.merge(snapshot, left_on="snapshot_datum", right_on="export_datum", how="left")
    joined["actief"] = (joined["seh_module_actief"] == "ja") & (
        joined["actief_sinds_datum"] <= joined["datum"]
    )
    active = joined.groupby(["datum", "roaz_regio"])["actief"].sum()
    regions = reference["roaz_regio"].unique()
    grid = pd.MultiIndex.from_product([calendar["datum"], regions], names=["datum", "roaz_regio"])
    per_day = active.reindex(grid, fill_value=0).reset_index()
    per_day = per_day.merge(calendar[["datum", "is_geladen"]], on="datum")
    per_day["maand"] = per_day["datum"].dt.strftime("%Y-%m")
    months = per_day.groupby(["maand", "roaz_regio"], as_index=False).agg(
        min_actief=("actief", "min"),
        max_actief=("actief", "max"),
        dagen=("datum", "size"),
        geladen=("is_geladen", "sum"),
    )
    months["maand_begin"] = pd.to_datetime(months["maand"] + "-01")
    months = pd.merge_asof(
        months.sort_values("maand_begin"),
        reference.sort_values("geldig_vanaf"),
        left_on="maand_begin",
        right_on="geldig_vanaf",
        by="roaz_regio",
        direction="backward",
    )
    months["registratiestatus"] = "gedeeltelijk"
    full = (months["min_actief"] >= months["aantal_seh_locaties"]) & (
        months["geladen"] == months["dagen"]
    )
    months.loc[full, "registratiestatus"] = "volledig"
    months.loc[months["max_actief"] == 0, "registratiestatus"] = "niet_geregistreerd"
    return months[["maand", "roaz_regio", "volgorde", "registratiestatus"]]


def aggregate(exports: Path, seeds: Path = DBT_PROJECT_DIR / "seeds") -> pd.DataFrame:
    """The region x month table of `agg_seh_stops_regio_maand`, computed from the files."""
    agreements = pd.read_csv(seeds / "regio_afspraken.csv", dtype={"getelde_stoptypes": str})
    agreements["geldig_vanaf"] = pd.to_datetime(agreements["geldig_vanaf"])
    reference = pd.read_csv(seeds / "seh_referentie.csv")
    reference["geldig_vanaf"] = pd.to_datetime(reference["geldig_vanaf"])
    register, mutations, days = read_exports(exports)
    snapshot = valid_register(register, set(reference["roaz_regio"]))
    valid = valid_mutations(mutations, snapshot)
    horizon = (max(days) + pd.Timedelta(days=1)).tz_localize(TZ).tz_convert("UTC")
    kept = with_region_and_agreement(stop_intervals(valid, horizon), snapshot, agreements)
    found, parts = episodes(kept)
    found["maand"] = found["begin_at"].dt.tz_convert(TZ).dt.strftime("%Y-%m")
    stops = found.groupby(["roaz_regio", "maand"]).size().rename("aantal_stops").reset_index()
    table = registration_status(snapshot, days, reference)
    table = table.merge(stops, on=["roaz_regio", "maand"], how="left")
    table = table.merge(month_seconds(found, parts), on=["roaz_regio", "maand"], how="left")
    counted = table["registratiestatus"] != "niet_geregistreerd"
    table["aantal_stops"] = table["aantal_stops"].fillna(0).where(counted).astype("Int64")
    seconds = table["seconden"].fillna(0).where(counted).astype("Int64")
    table["totale_duur_seconden"] = seconds
    table["totale_duur_minuten"] = (seconds + 30) // 60
    return table.sort_values(["maand", "volgorde"])[OUTPUT_COLUMNS].reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", type=Path, help="folder of export-day folders")
    parser.add_argument("--out", type=Path, required=True, help="CSV file for the table")
    args = parser.parse_args()
    aggregate(args.exports).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
