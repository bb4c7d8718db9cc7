"""Each export file parsed once per run (seh_stops/lpz/parsed_once.py), on real export-day
folders read through the real folder source and verified against their manifests."""

from __future__ import annotations

from datetime import date

from seh_stops.lpz.contract import MUTATIONS_FILE
from seh_stops.lpz.export_day import verify_export_day
from seh_stops.lpz.parsed_once import parse_each_file_once
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import mutation_line, write_day

DAY = date(2023, 1, 10)


def test_the_second_verification_takes_the_first_ones_parse_once(tmp_path):
    write_day(tmp_path, DAY, mutations=[mutation_line("M1"), mutation_line("M2")])
    source = LocalFolderSource(tmp_path)
    alone = verify_export_day(source, DAY)
    with parse_each_file_once(limit_bytes=2**20):
        first = verify_export_day(source, DAY)
        second = verify_export_day(source, DAY)
        third = verify_export_day(source, DAY)
    for name in first.files:
        assert second.files[name] is first.files[name]  # not parsed again
        assert third.files[name] is not first.files[name]  # handed out once
        assert second.files[name] == alone.files[name]  # the same parse as without the block
    after = verify_export_day(source, DAY)
    assert all(after.files[name] is not first.files[name] for name in first.files)


def test_bytes_changed_at_the_source_are_parsed_anew(tmp_path):
    """A corrected file (new bytes, new manifest) between the two verifications is parsed
    again: a parse is reused only for the same bytes."""
    write_day(tmp_path, DAY, mutations=[mutation_line("M1")])
    source = LocalFolderSource(tmp_path)
    with parse_each_file_once(limit_bytes=2**20):
        before = verify_export_day(source, DAY)
        write_day(
            tmp_path,
            DAY,
            mutations=[mutation_line("M1"), mutation_line("M9")],
            generated_on="2023-01-11T09:00:00+01:00",
        )
        after = verify_export_day(source, DAY)
    ids = [record.values[0] for record in after.files[MUTATIONS_FILE].records]
    assert ids == ["M1", "M9"]
    assert before.files[MUTATIONS_FILE].record_count == 1


def test_only_files_within_the_budget_are_kept(tmp_path):
    write_day(tmp_path, DAY, mutations=[mutation_line("M1")])
    source = LocalFolderSource(tmp_path)
    with parse_each_file_once(limit_bytes=10):  # smaller than either file
        first = verify_export_day(source, DAY)
        second = verify_export_day(source, DAY)
    assert all(second.files[name] is not first.files[name] for name in first.files)
