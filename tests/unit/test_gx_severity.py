"""Severity by scale on real GX outcomes: small real frames through the committed checkpoint.

One checkpoint run over a frame of several export days; the severity rule (pure) is then
applied with thresholds chosen so that each day sits just under, at or just over a limit.
"""

from __future__ import annotations

import pandas as pd
import pytest
from dagster import AssetCheckSeverity

from orchestration.checks.gx_checks import gx_check_result
from seh_stops.lpz.contract import MUTATION_COLUMNS
from seh_stops.quality.conditions import with_conditions
from seh_stops.quality.frames import local_date_of
from seh_stops.quality.gx_context import load_context, run_checkpoint
from seh_stops.quality.outcomes import SuiteOutcome
from seh_stops.quality.scale import MOSTLY_QUARANTINED, by_scale
from seh_stops.quality.thresholds import Thresholds, thresholds

SUITE = "raw_seh_statusmutaties"
# one row of each kind the specification quarantines, as changes to a valid stop
DIRTY = [
    {"status": "gesloten", "stoptype": ""},
    {"ingang": "2023-01-31 18:40"},
    {"status": "open", "stoptype": "volledig"},
    {"specialisme": "cardiologie"},
    {"stoptype": ""},
    {"geregistreerd_op": ""},
]


def stop(day: str, number: int, **changes: str) -> dict[str, str]:
    row = dict.fromkeys(MUTATION_COLUMNS, "")
    row.update(
        mutatie_id=f"M{day}-{number}",
        locatie_id="SEH0001",
        status="stop",
        stoptype="volledig",
        ingang=f"{day}T10:00:00+01:00",
        geregistreerd_op=f"{day}T10:01:00+01:00",
    )
    row.update(changes)
    return row


def day_rows(day: str, rows: int, dirty: list[dict[str, str]]) -> list[dict[str, str]]:
    """``rows`` stops of ``day``, the first ones changed as ``dirty`` says."""
    return [stop(day, n, **(dirty[n] if n < len(dirty) else {})) for n in range(rows)]


def frame_of(days: dict[str, list[dict[str, str]]]) -> pd.DataFrame:
    """A raw mutations frame as ``frames.raw_frame`` builds it (values as text, helpers)."""
    records = []
    for day, rows in days.items():
        for number, row in enumerate(rows, start=1):
            records.append({"export_datum": day, "recordnummer": number, **row})
    frame = pd.DataFrame.from_records(records)
    frame["geregistreerd_datum"] = frame["geregistreerd_op"].map(local_date_of)
    frame["identical_resend"] = False
    return with_conditions(frame, "seh_statusmutaties")


GESLOTEN = {"status": "gesloten", "stoptype": ""}
DAYS = {
    # 100 rows with 4, 5 and 6 unknown statuses: under, at and over 5 % of the day
    "2023-01-02": day_rows("2023-01-02", 100, [GESLOTEN] * 4),
    "2023-01-03": day_rows("2023-01-03", 100, [GESLOTEN] * 5),
    "2023-01-04": day_rows("2023-01-04", 100, [GESLOTEN] * 6),
    # 10 rows with 4, 5 and 6 rows of different kinds: under, at and over half the day
    "2023-01-05": day_rows("2023-01-05", 10, DIRTY[:4]),
    "2023-01-06": day_rows("2023-01-06", 10, DIRTY[:5]),
    "2023-01-07": day_rows("2023-01-07", 10, DIRTY[:6]),
    # every row registered the day before: kept by the specification, never a block
    "2023-01-08": day_rows(
        "2023-01-08", 100, [{"geregistreerd_op": "2023-01-07T10:01:00+01:00"}] * 100
    ),
}
LIMITS = Thresholds(block_share=0.05, block_floor=2, day_quarantined_share=0.5, day_floor=3)


@pytest.fixture(scope="module")
def gx(tmp_path_factory):
    """Run the committed checkpoint on a frame, with Data Docs in a temporary data dir."""
    context = load_context(data_dir=tmp_path_factory.mktemp("gx") / "data")
    return lambda frame: run_checkpoint(SUITE, frame, context)


@pytest.fixture(scope="module")
def outcome(gx) -> SuiteOutcome:
    return gx(frame_of(DAYS))


def failure(outcome: SuiteOutcome, expectation: str, columns: str):
    (found,) = [f for f in outcome.failures if (f.expectation, f.columns) == (expectation, columns)]
    return found


def test_gx_counts_the_unexpected_rows_per_export_day(outcome):
    status = failure(outcome, "expect_column_values_to_be_in_set", "status")
    assert status.unexpected_by_day == {
        "2023-01-02": 4,
        "2023-01-03": 5,
        "2023-01-04": 6,
        "2023-01-05": 1,
        "2023-01-06": 1,
        "2023-01-07": 1,
    }
    assert outcome.rows_by_day["2023-01-04"] == 100 and outcome.rows_by_day["2023-01-07"] == 10


def test_an_expectation_blocks_only_just_over_its_share_of_the_day(outcome):
    weighed = by_scale(outcome, LIMITS)
    status = failure(weighed, "expect_column_values_to_be_in_set", "status")
    assert status.severity == "critical"
    assert "2023-01-04: 6 of 100 rows" in status.notes
    assert "2023-01-03" not in status.notes and "2023-01-02" not in status.notes
    # one more allowed row: the day over the limit is at it, and only warns
    relaxed = Thresholds(block_share=0.06, block_floor=2, day_quarantined_share=0.5, day_floor=3)
    assert (
        failure(by_scale(outcome, relaxed), "expect_column_values_to_be_in_set", "status").severity
        == "warning"
    )


def test_the_floor_keeps_a_handful_of_rows_a_warning_on_a_small_day(gx):
    # 10 rows, 3 of them with an unknown status: 1 % of the day is less than a row
    small = gx(frame_of({"2023-01-10": day_rows("2023-01-10", 10, [GESLOTEN] * 3)}))
    at_floor = Thresholds(block_share=0.01, block_floor=3, day_quarantined_share=0.5, day_floor=3)
    under = Thresholds(block_share=0.01, block_floor=2, day_quarantined_share=0.5, day_floor=3)
    status = ("expect_column_values_to_be_in_set", "status")
    assert failure(by_scale(small, at_floor), *status).severity == "warning"
    assert failure(by_scale(small, under), *status).severity == "critical"


def test_a_day_blocks_only_just_over_its_mostly_quarantined_share(outcome):
    weighed = by_scale(
        outcome,
        Thresholds(block_share=0.05, block_floor=99, day_quarantined_share=0.5, day_floor=3),
    )
    (mostly,) = [f for f in weighed.failures if f.expectation == MOSTLY_QUARANTINED]
    assert mostly.severity == "critical"
    assert mostly.examples == ["2023-01-07: 6 of 10 rows"]  # not 01-05 (4) nor 01-06 (5)
    others = [f for f in weighed.failures if f.expectation != MOSTLY_QUARANTINED]
    assert {f.severity for f in others} == {"warning"}  # no single expectation over 99 rows


def test_rows_the_specification_keeps_never_block(outcome):
    strictest = Thresholds(block_share=0.0, block_floor=0, day_quarantined_share=0.0, day_floor=0)
    weighed = by_scale(outcome, strictest)
    registered = failure(
        weighed, "expect_column_pair_values_to_be_equal", "geregistreerd_datum, export_datum"
    )
    assert registered.unexpected_by_day == {"2023-01-08": 100}
    assert registered.severity == "warning"
    (mostly,) = [f for f in weighed.failures if f.expectation == MOSTLY_QUARANTINED]
    assert not any(example.startswith("2023-01-08") for example in mostly.examples)


def test_with_the_defaults_a_few_dirty_rows_warn_and_a_broken_day_blocks(gx, monkeypatch):
    for name in (
        "SEH_DQ_BLOCK_SHARE",
        "SEH_DQ_BLOCK_FLOOR",
        "SEH_DQ_DAY_QUARANTINED_SHARE",
        "SEH_DQ_DAY_FLOOR",
    ):
        monkeypatch.delenv(name, raising=False)
    conflict = [stop("2023-01-11", 99), stop("2023-01-11", 99, status="open", stoptype="")]
    few = {
        # a small export with one conflicting duplicate and one stop without a stoptype
        "2023-01-11": [*conflict, *day_rows("2023-01-11", 8, [{"stoptype": ""}])],
        # a night at Dutch scale with one row of each kind
        "2023-01-12": day_rows("2023-01-12", 40, DIRTY),
    }
    assert gx_check_result([gx(frame_of(few))]).severity == AssetCheckSeverity.WARN
    broken = {
        "unknown status for most rows": day_rows("2023-01-13", 40, [GESLOTEN] * 30),
        "every timestamp in another format": [
            stop("2023-01-13", n, ingang="2023-01-13 10:00", geregistreerd_op="2023-01-13 10:01")
            for n in range(40)
        ],
        "a column empty throughout": day_rows("2023-01-13", 40, [{"geregistreerd_op": ""}] * 40),
    }
    for what, rows in broken.items():
        result = gx_check_result([gx(frame_of({"2023-01-13": rows}))])
        assert result.severity == AssetCheckSeverity.ERROR, what
        assert (
            "Blocks: more than max(10, 1.00% of the day's rows)"
            in result.metadata["failing_expectations"].value
        ), what


def test_thresholds_come_from_the_environment_and_say_what_to_do_when_wrong(monkeypatch):
    monkeypatch.setenv("SEH_DQ_BLOCK_SHARE", "0.02")
    monkeypatch.setenv("SEH_DQ_BLOCK_FLOOR", "25")
    monkeypatch.delenv("SEH_DQ_DAY_QUARANTINED_SHARE", raising=False)
    monkeypatch.delenv("SEH_DQ_DAY_FLOOR", raising=False)
    assert thresholds() == Thresholds(block_share=0.02, block_floor=25)
    assert thresholds().row_limit(2000) == 40 and thresholds().row_limit(100) == 25
    monkeypatch.setenv("SEH_DQ_BLOCK_SHARE", "1%")
    with pytest.raises(ValueError, match="set it to a number from 0 to 1"):
        thresholds()
    monkeypatch.setenv("SEH_DQ_BLOCK_SHARE", "")
    monkeypatch.setenv("SEH_DQ_DAY_FLOOR", "-1")
    with pytest.raises(ValueError, match="whole number of at least 0"):
        thresholds()
