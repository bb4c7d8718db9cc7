"""Verifying an export day against its manifest (specification, sections 1 and 8)."""

import hashlib
import json
from datetime import date

import pytest

from seh_stops.lpz.export_day import (
    IncompleteExportDay,
    MissingExportDay,
    verify_export_day,
)
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import HEADER, mutation_line, write_day

DAY = date(2023, 1, 10)


def verify(root):
    return verify_export_day(LocalFolderSource(root), DAY)


def test_a_complete_day_verifies_with_its_version(tmp_path):
    write_day(tmp_path, DAY, mutations=[mutation_line()], generated_on="2023-01-11T02:30:00+01:00")
    export_day = verify(tmp_path)
    assert export_day.version_id == "2023-01-10@2023-01-11T02:30:00+01:00"
    assert export_day.files["seh_statusmutaties.csv"].records[0].values[0] == "M1"
    assert set(export_day.contents) == {
        "manifest.json",
        "seh_locaties.csv",
        "seh_statusmutaties.csv",
    }


def test_a_day_without_manifest_is_missing(tmp_path):
    (tmp_path / DAY.isoformat()).mkdir()
    with pytest.raises(MissingExportDay, match=r"no manifest\.json"):
        verify(tmp_path)


def test_manifest_hashes_compare_case_insensitively(tmp_path):
    folder = write_day(tmp_path, DAY)
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["bestanden"]:
        entry["sha256"] = entry["sha256"].upper()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert verify(tmp_path).day == DAY


def test_unlisted_files_are_ignored(tmp_path):
    folder = write_day(tmp_path, DAY)
    (folder / "notes.txt").write_text("not part of the export")
    assert verify(tmp_path).day == DAY


def _write_rewritten(tmp_path, mutations_text: str, rows: int) -> None:
    """A mutations file whose manifest entry has the right hash and the given row count."""
    folder = write_day(tmp_path, DAY)
    data = mutations_text.encode()
    (folder / "seh_statusmutaties.csv").write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["bestanden"][1].update(rijen=rows, sha256=hashlib.sha256(data).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_row_counts_count_records_not_lines(tmp_path):
    quoted_break = mutation_line(toelichting='"regel 1\nregel 2"')
    _write_rewritten(tmp_path, HEADER["seh_statusmutaties.csv"] + "\n" + quoted_break + "\n\n", 1)
    assert verify(tmp_path).files["seh_statusmutaties.csv"].record_count == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contractversie": "2"}, "contractversie"),
        ({"contractversie": 1}, "contractversie"),
        ({"exportdatum": "2023-01-11"}, "not the folder's day"),
        ({"gegenereerd_op": "2023-01-11 02:30"}, "not a contract timestamp"),
        ({"bestanden": []}, "does not list seh_locaties.csv, seh_statusmutaties.csv"),
        (
            {"bestanden": [{"naam": "../../etc/passwd", "rijen": 1, "sha256": "00"}]},
            "not a contract data file",
        ),
        ({"bestanden": "seh_locaties.csv"}, "not a list"),
    ],
)
def test_a_manifest_that_breaks_the_contract_makes_the_day_incomplete(tmp_path, overrides, message):
    write_day(tmp_path, DAY, manifest_overrides=overrides)
    with pytest.raises(IncompleteExportDay, match=message):
        verify(tmp_path)


def test_a_file_that_differs_from_its_manifest_makes_the_day_incomplete(tmp_path):
    write_day(tmp_path, DAY, raw={"seh_locaties.csv": b"truncated"})
    with pytest.raises(IncompleteExportDay, match="SHA-256 differs"):
        verify(tmp_path)


def test_a_wrong_row_count_makes_the_day_incomplete(tmp_path):
    _write_rewritten(tmp_path, HEADER["seh_statusmutaties.csv"] + "\n" + mutation_line() + "\n", 2)
    with pytest.raises(IncompleteExportDay, match="manifest lists 2 rows, the file has 1"):
        verify(tmp_path)


def test_a_listed_file_that_is_not_published_makes_the_day_incomplete(tmp_path):
    folder = write_day(tmp_path, DAY)
    (folder / "seh_locaties.csv").unlink()
    with pytest.raises(IncompleteExportDay, match="listed in the manifest but not published"):
        verify(tmp_path)


def test_a_file_with_broken_quoting_makes_the_day_incomplete(tmp_path):
    text = HEADER["seh_statusmutaties.csv"] + "\n" + mutation_line(toelichting='"open') + "\n"
    _write_rewritten(tmp_path, text, 1)
    with pytest.raises(IncompleteExportDay, match="broken quoting"):
        verify(tmp_path)


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,  # RecursionError in json.loads
        b'{"contractversie": "1", "rijen": ' + b"9" * 5000 + b"}",  # ValueError: int digits
    ],
)
def test_a_manifest_python_cannot_decode_is_not_valid_json(tmp_path, content):
    """Found by the fuzz tests: these escaped as RecursionError and ValueError."""
    folder = write_day(tmp_path, DAY)
    (folder / "manifest.json").write_bytes(content)
    with pytest.raises(IncompleteExportDay, match=r"manifest\.json is not valid JSON"):
        verify(tmp_path)


def test_a_reason_quotes_only_a_glimpse_of_a_manifest_value(tmp_path):
    write_day(tmp_path, DAY, manifest_overrides={"exportdatum": "x" * 100_000})
    with pytest.raises(IncompleteExportDay) as raised:
        verify(tmp_path)
    assert len(raised.value.reason) < 200
    assert raised.value.reason.startswith("manifest exportdatum 'xxx")


def test_a_generation_time_python_cannot_hold_makes_the_day_incomplete(tmp_path):
    """0001-01-01T00:00:00+01:00 is in 1 BC in UTC: it parsed, then broke comparisons."""
    write_day(tmp_path, DAY, generated_on="0001-01-01T00:00:00+01:00")
    with pytest.raises(IncompleteExportDay, match="gegenereerd_op is not a contract timestamp"):
        verify(tmp_path)


def test_a_contract_file_that_is_a_folder_is_not_published(tmp_path):
    """Found while fuzzing: IsADirectoryError escaped from the folder source."""
    folder = write_day(tmp_path, DAY)
    (folder / "seh_statusmutaties.csv").unlink()
    (folder / "seh_statusmutaties.csv").mkdir()
    with pytest.raises(IncompleteExportDay, match="listed in the manifest but not published"):
        verify(tmp_path)


def test_a_day_whose_folder_is_a_file_is_missing(tmp_path):
    """A range (--from/--to) verifies days no folder lists: NotADirectoryError escaped."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / DAY.isoformat()).write_text("not a folder")
    with pytest.raises(MissingExportDay):
        verify(tmp_path)
