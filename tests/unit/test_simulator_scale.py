"""`--scale k`: k copies of the Dutch world, distinct ids, streamed to disk day by day.

Copy 0 of a scaled run is the world of scale 1 (the January 2023 tests depend on its bytes);
the other copies add locations and mutations with their own ids, never touching copy 0's.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from seh_stops.lpz.contract import LOCATIONS_FILE, MANIFEST_FILE, MUTATIONS_FILE
from simulator import simulate

# The module, not the function that the package exports under the same name.
simulate_module = importlib.import_module("simulator.simulate")

FIRST, LAST = date(2023, 1, 30), date(2023, 2, 2)
SCALE = 3


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    out = tmp_path_factory.mktemp("scaled")
    return simulate(FIRST, LAST, out, seed=11, scale=SCALE)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    return simulate(FIRST, LAST, out, seed=11)


def test_scale_k_has_k_times_the_locations_with_distinct_ids(scaled, single):
    for day in scaled.days_written:
        register = rows(scaled.out_dir / day.isoformat() / LOCATIONS_FILE)
        base = rows(single.out_dir / day.isoformat() / LOCATIONS_FILE)
        assert len(register) == SCALE * len(base) == SCALE * 83
        ids = [row["locatie_id"] for row in register]
        assert len(set(ids)) == len(ids)
        assert len({row["locatie_naam"] for row in register}) == len(register)
        per_region = Counter(row["roaz_regio"] for row in register)
        assert per_region == Counter(
            {r: SCALE * n for r, n in Counter(row["roaz_regio"] for row in base).items()}
        )


def test_copy_zero_is_the_world_of_scale_one(scaled, single):
    """Scale 1 keeps writing what it wrote; a scaled run only adds rows with tagged ids."""
    for day in scaled.days_written:
        folder = day.isoformat()
        for name in (LOCATIONS_FILE, MUTATIONS_FILE):
            untagged = [
                row for row in rows(scaled.out_dir / folder / name) if "-r" not in row["locatie_id"]
            ]
            assert untagged == rows(single.out_dir / folder / name)


def test_mutation_ids_are_unique_and_belong_to_their_copy(scaled):
    seen: dict[str, str] = {}
    for day in scaled.days_written:
        for row in rows(scaled.out_dir / day.isoformat() / MUTATIONS_FILE):
            location_tag = row["locatie_id"].partition("-")[2]
            if row["locatie_id"].startswith("SEH"):
                assert row["mutatie_id"].partition("-")[2] == location_tag, row
            content = tuple(row.values())
            assert seen.setdefault(row["mutatie_id"], content) == content or (
                row["mutatie_id"] in {q.mutatie_id for q in scaled.quarantined}
            )
    tags = {mutatie_id.partition("-")[2] for mutatie_id in seen}
    assert tags == {"", "r001", "r002"}


def test_scaled_figures_and_noise_are_the_sums_over_copies(tmp_path):
    """January 2023 at scale 2: every copy hits the appendix, so the sum is twice it."""
    summary = simulate(date(2023, 1, 1), date(2023, 1, 31), tmp_path, scale=2)
    january = summary.planned_figures["2023-01"]
    assert january["Noord"].stops == 2 * 155
    assert abs(january["Noord"].minutes - 2 * 16485) <= 1  # each copy rounds on its own
    assert summary.noise["2023-01"]["quarantine_conflict"] == 2 * 1
    assert "scale 2" in summary.describe()


def test_days_are_written_while_the_stream_runs(tmp_path, monkeypatch):
    """Streaming: each day is on disk before the next day is generated, and nothing keeps
    the written rows (memory is bounded by about a month per copy, not by the period)."""
    written: list[date] = []
    original = simulate_module.write_export_day

    def spy(out_dir, day, locations, mutations, generated_at):
        for earlier in written:
            assert (out_dir / earlier.isoformat() / MANIFEST_FILE).exists()
        assert not (out_dir / day.isoformat()).exists()
        written.append(day)
        return original(out_dir, day, locations, mutations, generated_at)

    monkeypatch.setattr(simulate_module, "write_export_day", spy)
    summary = simulate(FIRST, LAST, tmp_path, seed=11, scale=2)
    assert (
        written
        == list(summary.days_written)
        == [date(2023, 1, 30), date(2023, 1, 31), date(2023, 2, 1), date(2023, 2, 2)]
    )
