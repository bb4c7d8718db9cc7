"""Great Expectations for real: committed suites, checkpoints on DuckDB data, Dagster checks.

The January run's warehouse shows that the suites hold on good data; hand-written export
days show that a critical problem fails the blocking check and stops what is downstream,
and that a warning does not.
"""

import filecmp
import importlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb
import pandas as pd
import pytest
from dagster import (
    AssetCheckSeverity,
    AssetKey,
    BackfillPolicy,
    DagsterInstance,
    MaterializeResult,
    asset,
    materialize,
)

from orchestration.assets.ingestion import lpz_export_day
from orchestration.checks.gx_checks import (
    agg_seh_stops_regio_maand_expectations,
    fct_stop_episodes_expectations,
    lpz_export_day_expectations,
)
from orchestration.partitions import export_days
from orchestration.resources import WarehouseResource
from seh_stops.quality import frames, workers
from seh_stops.quality.gx_context import CONTEXT_DIR, load_context, run_checkpoint
from seh_stops.quality.gx_setup import set_up
from seh_stops.warehouse import open_read_only
from tests.exportdays import folder_source, location_line, mutation_line, write_day

DAY = date(2023, 1, 10)
# the module (the package re-exports a list under the same name)
gx_checks = importlib.import_module("orchestration.checks.gx_checks")


def path_of(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def test_the_committed_gx_context_is_what_the_setup_step_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("SEH_DATA_DIR", str(tmp_path / "data"))
    copy = tmp_path / "expectations"
    shutil.copytree(CONTEXT_DIR, copy, ignore=shutil.ignore_patterns("uncommitted"))
    set_up(copy)
    comparison = filecmp.dircmp(CONTEXT_DIR, copy, ignore=["uncommitted"])
    differing = _differences(comparison)
    assert differing == [], (
        "expectations/ is out of date: run `python -m seh_stops.quality.gx_setup` and "
        f"commit the result ({differing})"
    )


def _differences(comparison: filecmp.dircmp) -> list[str]:
    found = [*comparison.diff_files, *comparison.left_only, *comparison.right_only]
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return found


def test_every_suite_holds_on_the_simulated_january(january_run, monkeypatch):
    monkeypatch.setenv("SEH_DATA_DIR", str(january_run.data_dir))
    con = open_read_only(january_run.warehouse)
    try:
        days = [
            row[0] for row in con.execute("select export_datum from raw.export_versies").fetchall()
        ]
        frames_by_suite = {
            "raw_seh_locaties": frames.raw_frame(con, "seh_locaties", days),
            "raw_seh_statusmutaties": frames.raw_frame(con, "seh_statusmutaties", days),
            "fct_stop_episodes": frames.fct_stop_episodes_frame(con),
            "agg_seh_stops_regio_maand": frames.agg_frame(con),
        }
    finally:
        con.close()
    context = load_context()
    for suite, frame in frames_by_suite.items():
        outcome = run_checkpoint(suite, frame, context)
        assert outcome.success, (suite, [f.describe() for f in outcome.failures])
        assert outcome.rows_checked > 0
        assert path_of(outcome.data_docs_url).is_file()
        assert path_of(outcome.data_docs_url).is_relative_to(january_run.data_dir / "gx")
    assert (january_run.data_dir / "gx" / "data_docs" / "index.html").is_file()


def _stand_in(name: str):
    """An asset with a dbt mart's key that builds nothing: the January run built the mart."""

    @asset(name=name)
    def _mart() -> MaterializeResult:
        return MaterializeResult()

    return _mart


def test_the_mart_checks_pass_in_dagster_on_the_simulated_january(january_run, monkeypatch):
    monkeypatch.setenv("SEH_DATA_DIR", str(january_run.data_dir))
    marts = [_stand_in("fct_stop_episodes"), _stand_in("agg_seh_stops_regio_maand")]
    result = materialize(
        [*marts, fct_stop_episodes_expectations, agg_seh_stops_regio_maand_expectations],
        resources={"warehouse": WarehouseResource(path=str(january_run.warehouse))},
        instance=DagsterInstance.ephemeral(),
    )
    evaluations = result.get_asset_check_evaluations()
    assert {e.asset_key for e in evaluations} == {
        AssetKey("fct_stop_episodes"),
        AssetKey("agg_seh_stops_regio_maand"),
    }
    for evaluation in evaluations:
        assert evaluation.passed, evaluation.description
        assert path_of(evaluation.metadata["data_docs"].value).is_file()


# -- a broken export day through Dagster -------------------------------------------------


@asset(
    partitions_def=export_days, deps=[lpz_export_day], backfill_policy=BackfillPolicy.single_run()
)
def downstream_of_raw() -> MaterializeResult:
    """Stands in for everything the raw layer feeds: it must not run after a critical failure."""
    return MaterializeResult()


def ingest(tmp_path: Path, monkeypatch, mutations: list[str], locations: list[str] | None = None):
    """Write DAY, then materialize it with its GX check and a downstream asset."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SEH_DATA_DIR", str(data_dir))
    write_day(tmp_path / "exports", DAY, locations=locations, mutations=mutations)
    result = materialize(
        [lpz_export_day, lpz_export_day_expectations, downstream_of_raw],
        partition_key=DAY.isoformat(),
        resources={
            "warehouse": WarehouseResource(path=str(data_dir / "warehouse.duckdb")),
            "export_source": folder_source(tmp_path / "exports"),
        },
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    return result, evaluation, materialized


def test_a_critical_problem_fails_the_blocking_check_and_stops_downstream(tmp_path, monkeypatch):
    result, evaluation, materialized = ingest(
        tmp_path,
        monkeypatch,
        mutations=[
            mutation_line("M1", status="Stop", toelichting="Dr. Jansen gebeld"),
            mutation_line("M2", ingang="2023-01-10 10:00"),
            mutation_line("M3"),
            mutation_line("M3", ingang="2023-01-10T11:00:00+01:00"),
        ],
    )
    assert not result.success
    assert not evaluation.passed
    assert evaluation.severity == AssetCheckSeverity.ERROR
    assert materialized == {AssetKey("lpz_export_day")}  # downstream_of_raw was skipped

    table = evaluation.metadata["failing_expectations"].value
    assert "expect_column_values_to_be_in_set | status" in table
    assert "expect_column_values_to_match_regex | ingang" in table
    assert "expect_compound_columns_to_be_unique | export_datum, mutatie_id" in table
    samples = evaluation.metadata["sample_rows"].value
    assert {row["mutatie_id"] for row in samples} == {"M1", "M2", "M3"}
    assert all("toelichting" not in row for row in samples)
    everything = repr(evaluation.metadata) + (evaluation.description or "")
    assert "Jansen" not in everything
    assert evaluation.metadata["export_days"].value == DAY.isoformat()
    page = path_of(evaluation.metadata["data_docs/raw_seh_statusmutaties"].value)
    assert page.is_file() and page.is_relative_to(tmp_path / "data" / "gx" / "data_docs")
    assert "Jansen" not in page.read_text(encoding="utf-8")


def test_a_warning_shows_but_does_not_block(tmp_path, monkeypatch):
    result, evaluation, materialized = ingest(
        tmp_path,
        monkeypatch,
        locations=["SEH0001;;Testziekenhuis;Noord;ja;2020-01-01;nee"],  # no locatie_naam
        mutations=[mutation_line("M1", status="open", stoptype="volledig")],  # forbidden field
    )
    assert result.success
    assert not evaluation.passed
    assert evaluation.severity == AssetCheckSeverity.WARN
    assert materialized == {AssetKey("lpz_export_day"), AssetKey("downstream_of_raw")}
    table = evaluation.metadata["failing_expectations"].value
    assert "| warning | expect_column_value_lengths_to_be_between | locatie_naam |" in table
    assert "| warning | expect_column_values_to_be_in_set | stoptype |" in table
    assert evaluation.metadata["failed/critical"].value == 0


def test_a_clean_day_passes(tmp_path, monkeypatch):
    result, evaluation, materialized = ingest(
        tmp_path,
        monkeypatch,
        locations=[location_line("SEH0001"), location_line("SEH0002", actief="nee")],
        mutations=[mutation_line("M1"), mutation_line("M2", status="open", stoptype="")],
    )
    assert result.success and evaluation.passed, evaluation.description
    assert AssetKey("downstream_of_raw") in materialized


def validate_in(gx_workers: int, monkeypatch) -> None:
    """Make a check validate in its own process (1) or in ``gx_workers`` worker processes,
    even for a few rows; with workers, the check's process cannot validate, so only they can
    pass. (``run_checkpoint`` validates through ``gx_context`` and still works here.)"""
    monkeypatch.setenv("SEH_GX_WORKERS", str(gx_workers))
    if gx_workers > 1:
        monkeypatch.setattr(workers, "MIN_ROWS_FOR_WORKERS", 0)

        def not_here(*args):
            raise AssertionError("the workers validate, not the check's process")

        monkeypatch.setattr(workers, "validate", not_here)  # the spawned workers import afresh


@pytest.mark.parametrize("gx_workers", [1, 2])
def test_a_backfill_checked_in_chunks_finds_what_one_frame_finds(tmp_path, monkeypatch, gx_workers):
    """Three broken days, validated a day at a time, in the check's process or in two worker
    processes: the merged outcome is the one-frame one."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SEH_DATA_DIR", str(data_dir))
    monkeypatch.setattr(gx_checks, "RAW_ROWS_PER_CHUNK", 4)  # every day is a chunk of its own
    validate_in(gx_workers, monkeypatch)
    monkeypatch.setenv("SEH_DQ_BLOCK_FLOOR", "0")  # tiny days: every dirty row counts at scale
    days = [date(2023, 1, 10), date(2023, 1, 11), date(2023, 1, 12)]
    for offset, day in enumerate(days):
        write_day(
            tmp_path / "exports",
            day,
            mutations=[
                mutation_line(f"M{offset}a", status="Stop"),
                mutation_line(f"M{offset}b", ingang="2023-01-10 10:00"),
                mutation_line(f"M{offset}c", status="open"),  # an open with a stoptype: a warning
            ][: offset + 1],
        )
    warehouse = data_dir / "warehouse.duckdb"
    result = materialize(
        [lpz_export_day, lpz_export_day_expectations],
        tags={
            "dagster/asset_partition_range_start": days[0].isoformat(),
            "dagster/asset_partition_range_end": days[-1].isoformat(),
        },
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "export_source": folder_source(tmp_path / "exports"),
        },
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.metadata["chunks"].value == 3
    assert evaluation.metadata["gx_workers"].value == gx_workers
    assert evaluation.metadata["export_days"].value == "2023-01-10 .. 2023-01-12"

    con = open_read_only(warehouse)
    try:
        whole = {
            suite: run_checkpoint(suite, frames.raw_frame(con, table, days))
            for suite, table in gx_checks.RAW_SUITES.items()
        }
    finally:
        con.close()
    expected = gx_checks.gx_check_result(list(whole.values()))
    assert not expected.passed and expected.severity == AssetCheckSeverity.ERROR
    assert evaluation.severity == expected.severity
    for key in ("rows_checked", "failed/critical", "failed/warning"):
        assert evaluation.metadata[key].value == expected.metadata[key].value, key
    # the same failures, counts and examples; a chunk lists them in the order it met them
    table = evaluation.metadata["failing_expectations"].value
    assert sorted(table.splitlines()) == sorted(
        expected.metadata["failing_expectations"].value.splitlines()
    )
    flagged = {
        (row["flagged_by"], row["mutatie_id"]) for row in evaluation.metadata["sample_rows"].value
    }
    assert flagged == {
        (row["flagged_by"], row["mutatie_id"]) for row in expected.metadata["sample_rows"].value
    }


# -- the mart suites catch what they are for ---------------------------------------------


def test_overlapping_episodes_of_one_location_fail_the_episode_suite(tmp_path, monkeypatch):
    monkeypatch.setenv("SEH_DATA_DIR", str(tmp_path / "data"))
    at = pd.Timestamp
    episodes = pd.DataFrame(
        {
            "episode_id": ["a", "b", "c", "d"],
            "definitie": ["regionaal"] * 4,
            "locatie_id": ["L1", "L1", "L1", "L2"],
            "roaz_regio": ["Noord"] * 4,
            "begin_at": [
                at("2023-01-10 08:00Z"),
                at("2023-01-10 09:00Z"),
                at("2023-01-10 12:00Z"),
                at("2023-01-10 09:00Z"),
            ],
            "einde_at": [
                at("2023-01-10 11:00Z"),
                at("2023-01-10 10:00Z"),
                at("2023-01-10 13:00Z"),
                at("2023-01-10 10:00Z"),
            ],
            "duur_seconden": [3 * 3600, 3600, 3600, 3600],
            "start_maand": ["2023-01"] * 4,
        }
    )
    # the same stop under the reference definition overlaps 'a' by design: no finding
    reference = episodes.iloc[[0]].assign(episode_id="a-ref", definitie="referentie")
    episodes = pd.concat([episodes, reference], ignore_index=True)
    con = duckdb.connect()
    con.execute("create schema marts")
    con.register("episodes", episodes)
    con.execute("create table marts.fct_stop_episodes as select * from episodes")
    frame = frames.fct_stop_episodes_frame(con)
    assert frame.set_index("episode_id")["overlaps_earlier_episode"].to_dict() == {
        "a": False,
        "b": True,
        "c": False,
        "d": False,
        "a-ref": False,
    }
    outcome = run_checkpoint("fct_stop_episodes", frame)
    assert outcome.critical
    assert [f.columns for f in outcome.failures] == ["overlaps_earlier_episode"]
    assert [row["episode_id"] for row in outcome.sample_rows] == ["b"]


@pytest.mark.parametrize("gx_workers", [1, 2])
def test_the_episode_mart_checked_in_chunks_finds_what_one_frame_finds(
    tmp_path, monkeypatch, gx_workers
):
    """Chunks of two episodes, in the check's process or in two worker processes: a duplicate
    id stays in one chunk, an overlap spanning chunks is still found (it is computed over the
    whole mart), and the counts add up."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("SEH_DATA_DIR", str(data_dir))
    monkeypatch.setattr(gx_checks, "MART_ROWS_PER_CHUNK", 2)
    validate_in(gx_workers, monkeypatch)
    at = pd.Timestamp
    episodes = pd.DataFrame(
        {
            # sorted by id: a, b, b (a duplicate), c, d, e -> chunks {a, b, b}, {c, d}, {e}
            "episode_id": ["a", "e", "b", "b", "c", "d"],
            "definitie": ["regionaal"] * 6,
            "locatie_id": ["L1", "L1", "L2", "L2", "L3", "L4"],
            "roaz_regio": ["Noord", "Noord", "Oost", "Oost", "Mars", "West"],
            "begin_at": [at(f"2023-01-10 {h:02d}:00Z") for h in (8, 9, 8, 12, 8, 8)],
            "einde_at": [at(f"2023-01-10 {h:02d}:00Z") for h in (11, 10, 9, 13, 9, 7)],
            "duur_seconden": [3 * 3600, 3600, 3600, 3600, 3600, 3600],
            "start_maand": ["2023-01"] * 6,
        }
    )
    warehouse = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.register("episodes", episodes)
        con.execute("create table marts.fct_stop_episodes as select * from episodes")
        whole = run_checkpoint("fct_stop_episodes", frames.fct_stop_episodes_frame(con))
    failed = {f.columns: f.unexpected_count for f in whole.failures}
    # e overlaps a (L1), b twice, Mars is no region, d ends before it starts
    assert failed["overlaps_earlier_episode"] == 1
    assert failed["episode_id"] == 2
    assert failed["roaz_regio"] == 1
    assert failed["einde_at, begin_at"] == 1

    result = materialize(
        [_stand_in("fct_stop_episodes"), fct_stop_episodes_expectations],
        resources={"warehouse": WarehouseResource(path=str(warehouse))},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    expected = gx_checks.gx_check_result([whole])
    assert evaluation.metadata["chunks"].value == 3
    assert evaluation.metadata["gx_workers"].value == gx_workers
    assert not evaluation.passed and evaluation.severity == expected.severity
    for key in ("rows_checked", "failed/critical", "failed/warning"):
        assert evaluation.metadata[key].value == expected.metadata[key].value, key
    assert sorted(evaluation.metadata["failing_expectations"].value.splitlines()) == sorted(
        expected.metadata["failing_expectations"].value.splitlines()
    )
    flagged = {(r["flagged_by"], r["episode_id"]) for r in evaluation.metadata["sample_rows"].value}
    assert flagged == {
        (r["flagged_by"], r["episode_id"]) for r in expected.metadata["sample_rows"].value
    }
    assert not list(data_dir.glob(".gx-frames-*")), "the spilled frame is removed"


def test_frames_of_killed_checks_are_removed_and_those_of_live_ones_kept(tmp_path):
    """A check killed mid-way leaves its spilled frame; the next check removes it, but never
    the folder of a process that still runs."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"{gx_checks.FRAMES_FOLDER_PREFIX}{dead.pid}-abc"
    left.mkdir()
    (left / "fct_stop_episodes.parquet").write_bytes(b"half written")
    live = tmp_path / f"{gx_checks.FRAMES_FOLDER_PREFIX}{os.getpid()}-def"
    live.mkdir()
    unrelated = tmp_path / f"{gx_checks.FRAMES_FOLDER_PREFIX}notes"
    unrelated.mkdir()

    assert gx_checks.remove_leftover_frames(tmp_path) == [left]
    assert not left.exists()
    assert live.is_dir() and unrelated.is_dir()


def test_a_missing_region_and_figures_for_a_non_registering_region_fail_the_month_suite(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SEH_DATA_DIR", str(tmp_path / "data"))
    from seh_stops.quality.suites import regions

    rows = [
        {
            "maand": "2023-01",
            "roaz_regio": region,
            "registratiestatus": "volledig",
            "aantal_seh_locaties": 5,
            "aantal_stops": 1,
            "totale_duur_minuten": 10,
            "totale_duur_seconden": 600,
        }
        for region in regions()[:9]
    ]
    rows[8]["registratiestatus"] = "niet_geregistreerd"  # but it has figures
    frame = frames.with_month_helpers(pd.DataFrame(rows))
    outcome = run_checkpoint("agg_seh_stops_regio_maand", frame)
    failed = {(f.expectation, f.columns) for f in outcome.failures}
    assert ("expect_column_values_to_be_between", "regions_in_month") in failed
    assert ("expect_column_distinct_values_to_equal_set", "roaz_regio") in failed
    assert ("expect_column_values_to_be_null", "aantal_stops") in failed
    assert outcome.critical


# -- the runner: a critical problem stops the pipeline before dbt --------------------------


def test_the_runner_does_not_run_dbt_after_a_critical_problem(tmp_path, monkeypatch):
    from cli.runner import PipelineFailed, run_pipeline
    from seh_stops import settings

    for variable in ("SEH_DATA_DIR", "SEH_WAREHOUSE_PATH"):
        monkeypatch.setenv(variable, "")  # restored after the test: use_data_dir sets them
    data_dir = settings.use_data_dir(tmp_path / "data")
    # a broken export: the status vocabulary changed for every row of the day
    broken = [mutation_line(f"M{number}", status="Stop") for number in range(12)]
    write_day(tmp_path / "exports", DAY, mutations=broken)

    with pytest.raises(PipelineFailed, match="great_expectations"):
        run_pipeline(str(tmp_path / "exports"), progress=lambda message: None)
    con = open_read_only(data_dir / "warehouse.duckdb")
    try:
        schemas = {
            row[0] for row in con.execute("select schema_name from duckdb_schemas()").fetchall()
        }
    finally:
        con.close()
    assert "raw" in schemas and "marts" not in schemas  # loaded, but dbt never ran
