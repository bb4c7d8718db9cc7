"""The raw suites' helper columns flag exactly the rows the GX row conditions flagged.

The conditional raw rules are stated on helper columns the warehouse query computes
(``seh_stops.quality.conditions``) instead of GX ``row_condition`` filters. The reference
here is the old formulation, each rule with its ``row_condition`` on the contract column, as
the suites had it. Fuzzed export days (hostile values, repeated ids, empty fields, days that
re-send an earlier day's mutations) are loaded by the real loader into a real DuckDB file;
both formulations then run in GX on the frame the check reads (the new one on the columns
the suite reads, as the check passes it), and must report the same unexpected rows and
values per rule, and the same findings, samples and severities.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pytest
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.row_conditions import Column
from hypothesis import given
from hypothesis import strategies as st

from seh_stops.lpz.contract import LOCATIONS_FILE, MUTATIONS_FILE
from seh_stops.lpz.export_day import verify_export_day
from seh_stops.lpz.loader import LoadOutcome, ensure_raw_schema, load_export_day
from seh_stops.lpz.source import LocalFolderSource
from seh_stops.quality import frames, suites
from seh_stops.quality.conditions import CONDITION_COLUMNS, CONDITIONS
from seh_stops.quality.gx_context import checked_columns
from seh_stops.quality.outcomes import summarise
from seh_stops.quality.scale import by_scale
from seh_stops.quality.thresholds import Thresholds
from tests.fuzz_exports import FuzzedDay, complete_day, csv_files
from tests.fuzz_profile import fuzz_settings

TIMESTAMP, DATE = suites.TIMESTAMP_PATTERN, suites.DATE_PATTERN
EMPTY, STOP_TYPES = suites.EMPTY, suites.STOP_TYPES
_LENGTH = gxe.ExpectColumnValueLengthsToBeBetween
_IN_SET = gxe.ExpectColumnValuesToBeInSet
_REGEX = gxe.ExpectColumnValuesToMatchRegex

# The old formulation, by the helper column that replaced it: (expectation, its arguments).
CONDITIONAL: dict[str, tuple[type[Expectation], dict[str, Any]]] = {
    "actief_sinds_gegeven": (
        _REGEX,
        {"column": "actief_sinds", "regex": DATE, "row_condition": Column("actief_sinds") != ""},
    ),
    "actief_sinds_bij_actief": (
        _LENGTH,
        {
            "column": "actief_sinds",
            "min_value": 1,
            "row_condition": Column("seh_module_actief") == "ja",
        },
    ),
    "actief_sinds_bij_inactief": (
        _IN_SET,
        {
            "column": "actief_sinds",
            "value_set": EMPTY,
            "row_condition": Column("seh_module_actief") == "nee",
        },
    ),
    "stoptype_bij_stop": (
        _IN_SET,
        {
            "column": "stoptype",
            "value_set": STOP_TYPES,
            "row_condition": Column("status") == "stop",
        },
    ),
    "ingang_bij_stop_of_open": (
        _LENGTH,
        {
            "column": "ingang",
            "min_value": 1,
            "row_condition": Column("status").is_in(["stop", "open"]),
        },
    ),
    **{
        f"{column}_gegeven": (
            _REGEX,
            {"column": column, "regex": TIMESTAMP, "row_condition": Column(column) != ""},
        )
        for column in ("ingang", "gepland_einde", "geregistreerd_op")
    },
    "stoptype_buiten_stop": (
        _IN_SET,
        {"column": "stoptype", "value_set": EMPTY, "row_condition": Column("status") != "stop"},
    ),
    "specialisme_buiten_specialisme": (
        _IN_SET,
        {
            "column": "specialisme",
            "value_set": EMPTY,
            "row_condition": Column("stoptype") != "specialisme",
        },
    ),
    "gepland_einde_buiten_stop": (
        _IN_SET,
        {
            "column": "gepland_einde",
            "value_set": EMPTY,
            "row_condition": Column("status") != "stop",
        },
    ),
    "vervangt_mutatie_id_bij_intrekking": (
        _LENGTH,
        {
            "column": "vervangt_mutatie_id",
            "min_value": 1,
            "row_condition": Column("status") == "ingetrokken",
        },
    ),
    "vervangt_mutatie_id_buiten_intrekking": (
        _IN_SET,
        {
            "column": "vervangt_mutatie_id",
            "value_set": EMPTY,
            "row_condition": Column("status") != "ingetrokken",
        },
    ),
    "export_datum_zonder_herhaling": (
        gxe.ExpectColumnPairValuesToBeEqual,
        {
            "column_A": "geregistreerd_datum",
            "column_B": "export_datum",
            "ignore_row_if": "either_value_is_missing",
            "row_condition": Column("identical_resend") == False,  # noqa: E712 (a GX condition)
        },
    ),
}
SUITES = {
    "seh_locaties": suites.raw_seh_locaties,
    "seh_statusmutaties": suites.raw_seh_statusmutaties,
}
KEYS = ["export_datum", "recordnummer"]
FIRST_DAY = date(2023, 3, 1)
DAYS = 12
# Tight limits, so that the fuzzed days' few rows reach them and severities are compared on
# both sides of a limit.
LIMITS = Thresholds(block_share=0.05, block_floor=1, day_quarantined_share=0.3, day_floor=1)


def helper_of(expectation: Expectation) -> str | None:
    """The helper column an expectation is stated on, None for an unconditional rule."""
    named = [getattr(expectation, key, None) for key in ("column", "column_B")]
    found = [name for name in named if name in CONDITION_COLUMNS]
    return found[0] if found else None


def old_suite(table: str) -> list[Expectation]:
    """The suite of the committed code with each helper-column rule in its old form: the
    same position, severity and ``blocks``, on the contract column, with its row condition."""
    expectations = []
    for expectation in SUITES[table]().expectations:
        helper = helper_of(expectation)
        if helper is None:
            expectations.append(expectation)
            continue
        kind, arguments = CONDITIONAL[helper]
        meta = {key: value for key, value in expectation.meta.items() if key != "columns"}
        expectations.append(
            kind(**arguments, severity=expectation.severity, meta=meta, notes=expectation.notes)
        )
    return expectations


@pytest.fixture(scope="module")
def run_suite():
    """Run a list of expectations on a frame in an ephemeral GX context, as the checkpoints do
    (COMPLETE results, unexpected rows by their keys); the JSON dict of the result."""
    config = DataContextConfig(
        analytics_enabled=False,  # as the committed context: nothing leaves the machine
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    source = context.data_sources.add_pandas("frames")

    def run(expectations: list[Expectation], frame: pd.DataFrame) -> dict:
        name = uuid.uuid4().hex
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        validation = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": KEYS,
            },
        ).to_json_dict()
        # GX lists results in its own order; put them in the suite's
        by_id = {result["expectation_config"]["id"]: result for result in validation["results"]}
        validation["results"] = [by_id[expectation.id] for expectation in suite.expectations]
        return validation

    return run


@st.composite
def export_days(draw: st.DrawFn) -> list[FuzzedDay]:
    """Consecutive complete days with fuzzed rows; some re-send an earlier day's mutations
    (identical re-sends, exempt from the registration-date rule)."""
    days: list[FuzzedDay] = []
    for number in range(DAYS):
        day = FIRST_DAY + timedelta(days=number)
        locations = draw(csv_files(LOCATIONS_FILE, max_rows=8))
        if days and draw(st.integers(0, 3)) == 0:
            mutations = draw(st.sampled_from(days)).expected[MUTATIONS_FILE]
        else:
            mutations = draw(csv_files(MUTATIONS_FILE, max_rows=20))
        days.append(complete_day(day, locations, mutations, breakage=f"fuzzed {day}"))
    return days


def load(days: list[FuzzedDay], root: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    ensure_raw_schema(con)
    for case in days:
        case.write(root / "exports")
        export_day = verify_export_day(LocalFolderSource(root / "exports"), case.day)
        assert load_export_day(con, export_day, root / "archive").outcome is LoadOutcome.LOADED
    return con


def unexpected(result: dict) -> dict[str, Any]:
    """What a result reports about its rows: counts, values and the rows by their keys."""
    details = result.get("result") or {}
    return {
        "success": result["success"],
        "count": details.get("unexpected_count"),
        "percent": details.get("unexpected_percent"),
        "values": details.get("partial_unexpected_list"),
        "rows": sorted(
            (entry["export_datum"], entry["recordnummer"])
            for entry in details.get("unexpected_index_list") or []
        ),
        "exception": (result.get("exception_info") or {}).get("raised_exception"),
    }


def findings(outcome) -> list[tuple]:
    """A suite outcome's failures without their notes (the new ones name the helper column)."""
    return [
        (
            f.expectation,
            f.columns,
            f.severity,
            f.unexpected_count,
            f.examples,
            f.blocks,
            f.unexpected_by_day,
            f.flagged_rows,
            f.error,
        )
        for f in outcome.failures
    ]


def test_every_helper_column_has_its_old_rule_and_one_expectation():
    for table, rules in CONDITIONS.items():
        stated = [helper_of(e) for e in SUITES[table]().expectations if helper_of(e)]
        assert sorted(stated) == sorted(rule.name for rule in rules), table
    assert set(CONDITIONAL) == CONDITION_COLUMNS
    assert not any(
        getattr(e, "row_condition", None) for spec in SUITES.values() for e in spec().expectations
    )


@fuzz_settings(ci_examples=4)
@given(export_days())
def test_helper_columns_flag_the_rows_the_row_conditions_flagged(run_suite, days):
    with tempfile.TemporaryDirectory() as folder:
        con = load(days, Path(folder))
        try:
            loaded = [case.day for case in days]
            new_frames = {table: frames.raw_frame(con, table, loaded) for table in SUITES}
        finally:
            con.close()
    for table, new_frame in new_frames.items():
        old_frame = new_frame.drop(columns=[c for c in new_frame if c in CONDITION_COLUMNS])
        new_expectations = SUITES[table]().expectations
        old = run_suite(old_suite(table), old_frame)
        # as the check validates it: only the columns the suite reads
        new = run_suite(new_expectations, checked_columns(new_frame, new_expectations, KEYS))
        assert len(old["results"]) == len(new["results"]) == len(new_expectations)
        for expectation, before, after in zip(
            new_expectations, old["results"], new["results"], strict=True
        ):
            assert unexpected(after) == unexpected(before), (table, helper_of(expectation))
        name = f"raw_{table}"
        old_outcome = summarise(name, old, old_frame, None)
        new_outcome = summarise(name, new, new_frame, None)
        assert findings(new_outcome) == findings(old_outcome)
        assert new_outcome.sample_rows == old_outcome.sample_rows
        assert new_outcome.rows_by_day == old_outcome.rows_by_day
        for limits in (LIMITS, Thresholds()):
            assert findings(by_scale(new_outcome, limits)) == findings(
                by_scale(old_outcome, limits)
            )
