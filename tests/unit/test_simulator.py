"""The simulator writes export days exactly in the contract's format, deterministically.

Format only: whether the pipeline's rules turn these rows into the appendix figures is the
integration test's business (through dbt); here the planned figures are checked as planned.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from seh_stops.lpz.contract import (
    COLUMNS_BY_FILE,
    DATA_FILES,
    LOCATIONS_FILE,
    MANIFEST_FILE,
    MUTATION_COLUMNS,
    MUTATIONS_FILE,
)
from simulator import simulate

FIRST, LAST = date(2022, 12, 31), date(2023, 2, 3)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
APPENDIX_JANUARY_2023 = {
    "Noord": (155, 16485),
    "Noord-Holland/Flevoland": (163, 18502),
    "Midden": (79, 9334),
    "Oost": (14, 1389),
    "West": (45, 5410),
    "Zuidwest": (80, 11591),
    "Zwolle": (35, 5193),
}


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=";"))


def all_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def assert_contract_timestamp(text: str) -> None:
    """Strict pattern, and the offset is Amsterdam's offset at that instant."""
    assert TIMESTAMP.match(text), text
    instant = datetime.fromisoformat(text)
    assert instant.isoformat() == instant.astimezone(AMSTERDAM).isoformat(), text


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return simulate(FIRST, LAST, out, seed=2023)


def test_planned_january_figures_are_the_appendix_table(run):
    january = run.planned_figures["2023-01"]
    got = {
        region: (january[region].stops, january[region].minutes) for region in APPENDIX_JANUARY_2023
    }
    assert got == APPENDIX_JANUARY_2023
    assert list(run.planned_figures) == ["2023-01"]  # December and February are partial


def test_same_seed_same_bytes_other_seed_other_data_same_figures(run, tmp_path):
    again = simulate(FIRST, LAST, tmp_path / "again", seed=2023)
    other = simulate(FIRST, LAST, tmp_path / "other", seed=7)
    first_bytes = all_files(run.out_dir)
    assert all_files(tmp_path / "again") == first_bytes
    other_bytes = all_files(tmp_path / "other")
    assert other_bytes.keys() == first_bytes.keys()
    assert other_bytes != first_bytes
    assert again.planned_figures == run.planned_figures
    assert {
        r: (f.stops, f.minutes)
        for r, f in other.planned_figures["2023-01"].items()
        if r in APPENDIX_JANUARY_2023
    } == APPENDIX_JANUARY_2023


def test_one_complete_folder_per_day_with_a_valid_manifest(run):
    assert run.days_written == tuple(days(FIRST, LAST))
    assert sorted(p.name for p in run.out_dir.iterdir()) == [
        d.isoformat() for d in run.days_written
    ]
    for day in run.days_written:
        folder = run.out_dir / day.isoformat()
        assert sorted(p.name for p in folder.iterdir()) == sorted([*DATA_FILES, MANIFEST_FILE])
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        assert list(manifest) == ["contractversie", "exportdatum", "gegenereerd_op", "bestanden"]
        assert manifest["contractversie"] == "1"
        assert manifest["exportdatum"] == day.isoformat()
        assert_contract_timestamp(manifest["gegenereerd_op"])
        generated = datetime.fromisoformat(manifest["gegenereerd_op"]).astimezone(AMSTERDAM)
        assert generated.date() == day + timedelta(days=1)
        assert [f["naam"] for f in manifest["bestanden"]] == list(DATA_FILES)
        for entry in manifest["bestanden"]:
            data = (folder / entry["naam"]).read_bytes()
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            assert entry["rijen"] == len(records(data)) - 1 == run.rows_per_day[day][entry["naam"]]
        assert (folder / MANIFEST_FILE).stat().st_mtime_ns >= max(
            (folder / name).stat().st_mtime_ns for name in DATA_FILES
        )


def test_csv_files_have_the_contract_header_and_minimal_quoting(run):
    def quoted(value: str) -> str:
        if any(c in value for c in ';"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value

    for day in run.days_written:
        for name in DATA_FILES:
            data = (run.out_dir / day.isoformat() / name).read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
            parsed = records(data)
            assert parsed[0] == list(COLUMNS_BY_FILE[name])
            assert all(len(row) == len(parsed[0]) for row in parsed)
            rebuilt = "".join(";".join(quoted(v) for v in row) + "\n" for row in parsed)
            assert rebuilt.encode("utf-8") == data


def test_timestamps_booleans_and_field_rules(run):
    for day in run.days_written:
        folder = run.out_dir / day.isoformat()
        for row in csv.DictReader(
            io.StringIO((folder / LOCATIONS_FILE).read_text("utf-8"), newline=""), delimiter=";"
        ):
            assert row["seh_module_actief"] in ("ja", "nee")
            assert row["traumacentrum_level1"] in ("ja", "nee")
        for row in mutation_rows(folder):
            assert (
                row["mutatie_id"]
                and row["locatie_id"]
                and row["status"] in ("stop", "open", "ingetrokken")
            )
            assert_contract_timestamp(row["geregistreerd_op"])
            if row["status"] == "ingetrokken":
                assert row["vervangt_mutatie_id"] and not row["ingang"]
            else:
                assert_contract_timestamp(row["ingang"])
                assert not row["vervangt_mutatie_id"]
            if row["status"] == "stop":
                assert row["stoptype"] in ("volledig", "ambulance", "specialisme", "time-out")
                if row["gepland_einde"]:
                    assert_contract_timestamp(row["gepland_einde"])
            else:
                assert not row["stoptype"] and not row["gepland_einde"]
            assert bool(row["specialisme"]) == (row["stoptype"] == "specialisme")


def mutation_rows(folder: Path) -> list[dict[str, str]]:
    text = (folder / MUTATIONS_FILE).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_rows_land_in_the_export_day_of_their_registration_except_identical_resends(run):
    first_seen: dict[str, tuple[tuple[str, ...], date]] = {}
    conflicts = {q.mutatie_id for q in run.quarantined if "conflict" in q.reason}
    resends = 0
    for day in run.days_written:
        for row in mutation_rows(run.out_dir / day.isoformat()):
            content = tuple(row[c] for c in MUTATION_COLUMNS)
            registered = (
                datetime.fromisoformat(row["geregistreerd_op"]).astimezone(AMSTERDAM).date()
            )
            earlier = first_seen.get(row["mutatie_id"])
            if earlier and earlier[0] == content:
                assert earlier[1] < day and registered < day
                resends += 1
                continue
            assert registered == day, row
            if earlier:  # a conflict: listed in the summary, first version on an earlier day
                assert row["mutatie_id"] in conflicts and earlier[1] < day
                continue
            first_seen[row["mutatie_id"]] = (content, day)
    assert resends == sum(kinds.get("identical_resend", 0) for kinds in run.noise.values())


def test_daylight_saving_changes_the_offset(tmp_path):
    summary = simulate(date(2023, 3, 25), date(2023, 3, 26), tmp_path, seed=1)
    manifest = json.loads((tmp_path / "2023-03-25" / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["gegenereerd_op"] == "2023-03-26T03:30:00+02:00"  # 02:30 does not exist
    stamps = [
        row["geregistreerd_op"]
        for day in summary.days_written
        for row in mutation_rows(tmp_path / day.isoformat())
    ]
    assert any(s.endswith("+01:00") for s in stamps) and any(s.endswith("+02:00") for s in stamps)
    for stamp in stamps:
        assert_contract_timestamp(stamp)


def test_other_ranges_and_bad_arguments(tmp_path):
    summary = simulate(date(2023, 2, 20), date(2023, 4, 2), tmp_path, seed=5)
    assert list(summary.planned_figures) == ["2023-03"]
    assert "Planned figures 2023-03" in summary.describe()
    with pytest.raises(ValueError):
        simulate(date(2023, 2, 2), date(2023, 2, 1), tmp_path)
    with pytest.raises(ValueError, match="scale"):
        simulate(date(2023, 1, 1), date(2023, 1, 2), tmp_path, scale=0)


def test_the_summary_describes_the_run(run):
    text = run.describe()
    assert "Planned figures 2023-01" in text and "16485" in text
    assert run.rows_total[LOCATIONS_FILE] == 83 * len(run.days_written)
    assert run.rows_total[MUTATIONS_FILE] == sum(
        d[MUTATIONS_FILE] for d in run.rows_per_day.values()
    )
