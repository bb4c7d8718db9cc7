"""Fuzzed export days against verification and CSV reading (the fast layer).

Every generated day (tests/fuzz_exports.py) is either complete, with every record read back
exactly as written, or refused with an ``ExportDayNotLoadable`` whose reason maps to one of
the documented phrases (``seh_stops/lpz/inventory.py``, docs/data-quality.md), never the
generic one, and never any other exception. Examples per test are bounded for CI; for the
long run see "Fuzzing the ingestion" in docs/operations.md.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seh_stops.lpz.contract import (
    COLUMNS_BY_FILE,
    DATA_FILES,
    MANIFEST_FILE,
)
from seh_stops.lpz.csv_file import UnreadableFile, parse_export_csv
from seh_stops.lpz.export_day import ExportDayNotLoadable, LoadableExportDay, verify_export_day
from seh_stops.lpz.inventory import GENERIC_REASON, reason_phrase
from seh_stops.lpz.pending import pending_days
from seh_stops.lpz.source import LocalFolderSource, manifest_instant
from tests.fuzz_exports import (
    BREAKAGES,
    CsvFile,
    FuzzedDay,
    Outcome,
    fuzzed_days,
    loadable_days,
)
from tests.fuzz_profile import fuzz_settings

# A reason is read in logs, the CLI and the Dagster UI: it names the problem, not the file.
MAX_REASON_CHARS = 400


def verify_in_folder(case: FuzzedDay) -> LoadableExportDay | ExportDayNotLoadable:
    """Write the day into a real export folder and verify it as the pipeline does."""
    with tempfile.TemporaryDirectory() as root:
        case.write(Path(root))
        try:
            return verify_export_day(LocalFolderSource(root), case.day)
        except ExportDayNotLoadable as problem:
            return problem


def assert_reads_back(export_day: LoadableExportDay, expected: CsvFile) -> None:
    """Every record of ``expected`` is read with its values, or as malformed with its fields."""
    parsed = export_day.files[expected.name]
    assert [(r.record_number, r.values) for r in parsed.records] == expected.well_formed()
    assert [(m.record_number, m.fields) for m in parsed.malformed] == expected.malformed()
    assert [m.expected_fields for m in parsed.malformed] == [
        len(expected.header) for _ in parsed.malformed
    ]


def assert_meets_contract(
    case: FuzzedDay, result: LoadableExportDay | ExportDayNotLoadable
) -> None:
    if isinstance(result, ExportDayNotLoadable):
        phrase = reason_phrase(result)
        assert case.outcome is not Outcome.COMPLETE, f"{case.breakage}: refused: {result}"
        assert phrase != GENERIC_REASON, f"{case.breakage}: undocumented reason: {result}"
        assert phrase in case.reasons, f"{case.breakage}: {phrase!r} for {result}"
        assert result.day == case.day
        assert len(result.reason) <= MAX_REASON_CHARS, result.reason[:200]
        return
    assert case.outcome is not Outcome.REFUSED, f"{case.breakage}: loaded, expected refusal"
    manifest = json.loads(case.files[MANIFEST_FILE].decode("utf-8-sig"))
    listed = {entry["naam"]: entry["rijen"] for entry in manifest["bestanden"]}
    for name in DATA_FILES:
        assert result.files[name].record_count == listed[name]
        assert result.contents[name] == case.files[name]
    for expected in case.expected.values():
        assert_reads_back(result, expected)


@pytest.mark.parametrize("kind", BREAKAGES)
@fuzz_settings(ci_examples=12)
@given(data=st.data())
def test_every_generated_day_is_complete_or_refused_for_a_documented_reason(kind, data):
    case = data.draw(fuzzed_days(kind), label="case")
    assert_meets_contract(case, verify_in_folder(case))


@fuzz_settings(ci_examples=60)
@given(loadable_days())
def test_well_formed_days_with_hostile_values_load_every_record_as_written(case):
    result = verify_in_folder(case)
    assert isinstance(result, LoadableExportDay), f"{case.breakage}: {result}"
    assert_meets_contract(case, result)


@pytest.mark.parametrize("kind", BREAKAGES)
@fuzz_settings(ci_examples=8)
@given(data=st.data())
def test_reading_a_file_gives_records_or_an_unreadable_file_never_another_error(kind, data):
    """The CSV reader on its own: whatever bytes a day holds, it reads them or says why."""
    case = data.draw(fuzzed_days(kind), label="case")
    for name in DATA_FILES:
        content = case.files[name]
        if content is None:
            continue
        try:
            parsed = parse_export_csv(name, content, COLUMNS_BY_FILE[name])
        except UnreadableFile as problem:
            assert str(problem).startswith(f"{name}: ")
            assert len(str(problem)) <= MAX_REASON_CHARS
            continue
        numbers = [r.record_number for r in parsed.records] + [
            m.record_number for m in parsed.malformed
        ]
        assert sorted(numbers) == list(range(1, parsed.record_count + 1))
        if name in case.expected:
            assert parsed.record_count == case.expected[name].record_count


@pytest.mark.parametrize("kind", BREAKAGES)
@fuzz_settings(ci_examples=6)
@given(data=st.data())
def test_the_nightly_pending_check_reads_any_manifest_without_an_error(kind, data):
    """What a night loads is decided on manifests alone (seh_stops/lpz/pending.py): any
    manifest is pending or not, never an exception, and agrees with full verification."""
    case = data.draw(fuzzed_days(kind), label="case")
    loaded = {case.day: datetime(2023, 3, 1, tzinfo=UTC)}
    with tempfile.TemporaryDirectory() as root:
        case.write(Path(root))
        source = LocalFolderSource(root)
        pending = pending_days(source, [case.day], loaded)
        try:
            export_day = verify_export_day(source, case.day)
        except ExportDayNotLoadable:
            export_day = None
    manifest = case.files[MANIFEST_FILE]
    instant = None if manifest is None else manifest_instant(manifest)
    assert pending == ([case.day] if instant is None or instant > loaded[case.day] else [])
    if export_day is not None:
        assert instant == export_day.generated_at
