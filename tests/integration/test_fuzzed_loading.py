"""Fuzzed export days loaded into a real DuckDB file by the real loader.

The accounting of the raw layer, per file and per day: every record the LPZ put in a file
(the manifest's ``rijen``) is in ``raw.<file>`` or in ``raw.quarantaine`` (``malformed_row``),
exactly once, with its values as written; a refused day writes nothing. No dbt here, so the
examples stay cheap; tests/integration/test_fuzzed_pipeline.py runs dbt on a fixed handful.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from unittest import mock

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.checks.gx_checks import gx_check_result
from seh_stops.lpz.contract import COLUMNS_BY_FILE, DATA_FILES, MANIFEST_FILE
from seh_stops.lpz.export_day import ExportDayNotLoadable, verify_export_day
from seh_stops.lpz.inventory import GENERIC_REASON, take_inventory
from seh_stops.lpz.loader import (
    RAW_TABLE_BY_FILE,
    LoadOutcome,
    ensure_raw_schema,
    load_export_day,
)
from seh_stops.lpz.source import LocalFolderSource
from seh_stops.quality import frames
from seh_stops.quality.gx_context import load_context, run_checkpoint
from tests.fuzz_exports import (
    BREAKAGES,
    FuzzedDay,
    Outcome,
    edit_manifest,
    fuzzed_days,
    loadable_days,
)
from tests.fuzz_profile import fuzz_settings, long_examples


def raw_accounting(con: duckdb.DuckDBPyConnection, name: str) -> tuple[list, list]:
    """(record number, values) loaded, and (record number, fields) quarantined, for a file."""
    columns = ", ".join(COLUMNS_BY_FILE[name])
    loaded = con.execute(
        f"select recordnummer, {columns} from {RAW_TABLE_BY_FILE[name]} order by recordnummer"
    ).fetchall()
    quarantined = con.execute(
        "select recordnummer, reden, ruwe_velden from raw.quarantaine where bestand = ? "
        "order by recordnummer",
        [name],
    ).fetchall()
    return loaded, quarantined


def load_into_new_warehouse(case: FuzzedDay, root: Path) -> duckdb.DuckDBPyConnection:
    """Verify and load the day as the ingestion asset does; refused days load nothing."""
    case.write(root / "exports")
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    ensure_raw_schema(con)
    try:
        export_day = verify_export_day(LocalFolderSource(root / "exports"), case.day)
    except ExportDayNotLoadable:
        return con
    result = load_export_day(con, export_day, root / "archive")
    assert result.outcome is LoadOutcome.LOADED
    manifest = json.loads(case.files[MANIFEST_FILE].decode("utf-8-sig"))
    listed = {entry["naam"]: entry["rijen"] for entry in manifest["bestanden"]}
    for name in DATA_FILES:
        assert result.rows[name] + result.quarantined[name] == listed[name]
    return con


def assert_accounting_holds(case: FuzzedDay, con: duckdb.DuckDBPyConnection) -> None:
    versions = con.execute("select count(*) from raw.export_versies").fetchone()[0]
    if versions == 0:
        assert case.outcome is not Outcome.COMPLETE, case.breakage
        for name in DATA_FILES:
            assert raw_accounting(con, name) == ([], [])
        return
    assert case.outcome is not Outcome.REFUSED, case.breakage
    manifest = json.loads(case.files[MANIFEST_FILE].decode("utf-8-sig"))
    listed = {entry["naam"]: entry["rijen"] for entry in manifest["bestanden"]}
    for name in DATA_FILES:
        loaded, quarantined = raw_accounting(con, name)
        # rows in = rows loaded in raw + rows quarantined, each record exactly once
        numbers = sorted([row[0] for row in loaded] + [row[0] for row in quarantined])
        assert numbers == list(range(1, listed[name] + 1)), (case.breakage, name)
        assert {row[1] for row in quarantined} <= {"malformed_row"}
        expected = case.expected.get(name)
        if expected is not None:
            assert [(row[0], tuple(row[1:])) for row in loaded] == expected.well_formed()
            assert [(row[0], tuple(json.loads(row[2]))) for row in quarantined] == [
                (number, fields) for number, fields in expected.malformed()
            ]


@fuzz_settings(ci_examples=60)
@given(loadable_days())
def test_every_record_of_a_loadable_day_is_in_raw_or_quarantined_exactly_once(case):
    with tempfile.TemporaryDirectory() as folder:
        con = load_into_new_warehouse(case, Path(folder))
        try:
            assert con.execute("select count(*) from raw.export_versies").fetchone()[0] == 1
            assert_accounting_holds(case, con)
        finally:
            con.close()


def records_per_file(con: duckdb.DuckDBPyConnection, versie_id: str) -> dict[str, int]:
    """Records of one version in raw.* and raw.quarantaine together, per file."""
    rows = con.execute(
        """
        select bestand, count(*) from (
            select versie_id, bestand from raw.seh_locaties
            union all select versie_id, bestand from raw.seh_statusmutaties
            union all select versie_id, bestand from raw.quarantaine
        )
        where versie_id = ?
        group by bestand
        """,
        [versie_id],
    ).fetchall()
    return dict(rows)


@fuzz_settings(ci_examples=20)
@given(loadable_days(), loadable_days())
def test_a_correction_replaces_the_day_and_both_versions_stay_accounted_for(first, second):
    """Specification, section 1: a later gegenereerd_op replaces the day; the older version
    stays."""
    correction = edit_manifest(
        second,
        lambda manifest: {**manifest, "gegenereerd_op": "2023-03-05T02:30:00+01:00"},
        breakage=f"correction: {second.breakage}",
        outcome=Outcome.COMPLETE,
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        con = load_into_new_warehouse(first, root)
        try:
            [(first_version,)] = con.execute("select versie_id from raw.export_versies").fetchall()
            correction.write(root / "corrected")
            export_day = verify_export_day(LocalFolderSource(root / "corrected"), correction.day)
            result = load_export_day(con, export_day, root / "archive")
            assert result.outcome is LoadOutcome.REPLACED
            for versie_id, case in ((first_version, first), (export_day.version_id, correction)):
                expected = {name: rows for name, rows in case.rows_in.items() if rows}
                assert records_per_file(con, versie_id) == expected
        finally:
            con.close()


@pytest.mark.parametrize("kind", BREAKAGES)
@fuzz_settings(ci_examples=4)
@given(data=st.data())
def test_a_broken_day_loads_nothing_or_accounts_for_every_record(kind, data):
    case = data.draw(fuzzed_days(kind), label="case")
    with tempfile.TemporaryDirectory() as folder:
        con = load_into_new_warehouse(case, Path(folder))
        try:
            assert_accounting_holds(case, con)
        finally:
            con.close()


@pytest.mark.parametrize("kind", BREAKAGES)
@fuzz_settings(ci_examples=2)
@given(data=st.data())
def test_the_inventory_records_a_documented_reason_for_every_refused_day(kind, data):
    """raw.export_controles: the fixed phrase LNAZ sees, never the generic one."""
    case = data.draw(fuzzed_days(kind), label="case")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        case.write(root / "exports")
        con = duckdb.connect(str(root / "warehouse.duckdb"))
        try:
            result = take_inventory(con, LocalFolderSource(root / "exports"))
            stored = con.execute(
                "select export_datum, status, reden from raw.export_controles"
            ).fetchall()
        finally:
            con.close()
    [check] = result.checks
    assert stored == [(case.day, check.status.value, check.reden)]
    if check.status.value == "incompleet":
        assert case.outcome is not Outcome.COMPLETE, case.breakage
        assert check.reden != GENERIC_REASON
        assert check.reden in case.reasons, (case.breakage, check.reden)
    else:
        assert case.outcome is not Outcome.REFUSED, case.breakage
        assert check.reden is None


@pytest.mark.skipif(
    long_examples() is None,
    reason="a GX checkpoint costs ~2 s: long fuzz run only (SEH_FUZZ_EXAMPLES=N); the pipeline "
    "test runs the check on a fixed hostile set in CI",
)
@fuzz_settings(ci_examples=1)
@given(loadable_days())
def test_the_raw_gx_check_evaluates_any_loaded_day_without_an_error(case):
    """The blocking raw check runs on whatever a complete day holds: it passes or fails with
    metadata, never raises (an OverflowError on 9999-12-31T23:30:00Z stopped runs once)."""
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.dict(os.environ, {"SEH_DATA_DIR": str(Path(folder) / "data")}),
    ):
        con = load_into_new_warehouse(case, Path(folder))
        try:
            frames_by_suite = {
                f"raw_{table}": frames.raw_frame(con, table, [case.day])
                for table in ("seh_locaties", "seh_statusmutaties")
            }
        finally:
            con.close()
        context = load_context()
        outcomes = [
            run_checkpoint(suite, frame, context) for suite, frame in frames_by_suite.items()
        ]
        result = gx_check_result(outcomes, {"export_days": str(case.day)})
    assert isinstance(result.passed, bool)
    for row in result.metadata["sample_rows"].value if "sample_rows" in result.metadata else []:
        assert "toelichting" not in row
