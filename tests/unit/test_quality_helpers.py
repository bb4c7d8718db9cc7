"""Pure helpers of the GX checks: frame helper columns, result summaries, check severity."""

import pandas as pd
from dagster import AssetCheckSeverity

from orchestration.checks.gx_checks import gx_check_result
from seh_stops.quality.frames import local_date_of, previous_month, with_month_helpers
from seh_stops.quality.outcomes import SuiteOutcome, describe_outcomes, summarise
from seh_stops.quality.suites import CRITICAL, WARNING, all_suites, regions


def test_previous_month_crosses_the_year_and_refuses_non_months():
    assert previous_month("2023-01") == "2022-12"
    assert previous_month("2023-10") == "2023-09"
    assert previous_month("januari") is None


def test_month_helpers_count_regions_and_spot_a_missing_month():
    frame = pd.DataFrame(
        {"maand": ["2023-01", "2023-01", "2023-03"], "roaz_regio": ["Noord", "Oost", "Noord"]}
    )
    helped = with_month_helpers(frame)
    assert helped["regions_in_month"].tolist() == [2, 2, 1]
    assert helped["previous_month_present"].tolist() == [True, True, False]


def test_registration_date_is_the_amsterdam_date_of_a_contract_timestamp():
    assert local_date_of("2023-01-10T23:30:00Z") == "2023-01-11"  # 00:30 in Amsterdam
    assert local_date_of("2023-07-01T00:30:00+02:00") == "2023-07-01"
    assert local_date_of("2023-01-10 10:00") is None


def test_every_expectation_says_why_and_how_severe():
    for spec in all_suites():
        for expectation in spec.expectations:
            assert expectation.notes, (spec.name, expectation.expectation_type)
            assert expectation.severity.value in (CRITICAL, WARNING)


def test_the_ten_regions_come_from_the_reference_seed_in_table_order():
    assert len(regions()) == 10
    assert regions()[:2] == ["Noord", "Noord-Holland/Flevoland"]
    assert regions()[-1] == "Limburg"


FRAME = pd.DataFrame(
    {
        "export_datum": ["2023-01-10", "2023-01-10"],
        "recordnummer": [1, 2],
        "status": ["Stop", "open"],
        "toelichting": ["Dr. Jansen belde", ""],
    }
)


def _result(severity: str, success: bool = False) -> dict:
    return {
        "success": success,
        "expectation_config": {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "status", "value_set": ["stop", "open"]},
            "severity": severity,
            "notes": "stop, open or ingetrokken exactly.",
        },
        "result": {
            "unexpected_count": 1,
            "partial_unexpected_list": ["Stop"],
            "unexpected_index_column_names": ["export_datum", "recordnummer"],
            "unexpected_index_list": [
                {"status": "Stop", "export_datum": "2023-01-10", "recordnummer": 1}
            ],
        },
        "exception_info": {"raised_exception": False},
    }


def test_summary_names_the_failure_and_samples_rows_without_free_text():
    outcome = summarise("raw", {"results": [_result(CRITICAL)]}, FRAME, "file:///docs.html")
    assert outcome.critical and not outcome.success
    (failure,) = outcome.failures
    assert failure.columns == "status"
    assert failure.unexpected_count == 1
    assert failure.examples == ["Stop"]
    (row,) = outcome.sample_rows
    assert row["recordnummer"] == 1
    assert row["flagged_by"] == "expect_column_values_to_be_in_set(status)"
    assert "toelichting" not in row
    assert "Jansen" not in repr(outcome) + describe_outcomes([outcome])


def test_critical_failures_are_errors_and_warnings_are_warnings():
    critical = summarise("raw", {"results": [_result(CRITICAL)]}, FRAME, None)
    warning = summarise("raw", {"results": [_result(WARNING)]}, FRAME, None)
    passed = summarise("raw", {"results": [_result(CRITICAL, success=True)]}, FRAME, None)

    error_result = gx_check_result([critical, warning])
    assert not error_result.passed
    assert error_result.severity == AssetCheckSeverity.ERROR
    assert error_result.metadata["failed/critical"].value == 1
    assert error_result.metadata["failed/warning"].value == 1

    warn_result = gx_check_result([warning, passed])
    assert not warn_result.passed
    assert warn_result.severity == AssetCheckSeverity.WARN

    assert gx_check_result([passed]).passed


def test_an_expectation_that_could_not_run_is_a_failure_with_its_error():
    broken = _result(CRITICAL)
    broken["result"] = {}
    broken["exception_info"] = {"raised_exception": True, "exception_message": "no column x"}
    outcome = summarise("raw", {"results": [broken]}, FRAME, None)
    assert outcome.failures[0].error == "no column x"
    assert "could not be evaluated" in describe_outcomes([outcome])
    assert isinstance(outcome, SuiteOutcome)


def test_the_timestamp_pattern_takes_ascii_digits_only():
    """Python's \\d also matches other scripts' digits; the contract's timestamps do not."""
    import re

    from seh_stops.quality.suites import TIMESTAMP_PATTERN

    assert re.match(TIMESTAMP_PATTERN, "2023-01-14T18:05:00+01:00")
    assert not re.match(TIMESTAMP_PATTERN, "２０２３-01-14T18:05:00+01:00")  # noqa: RUF001


def test_days_are_chunked_whole_and_in_order_by_row_count():
    from datetime import date

    from seh_stops.quality.frames import chunk_days

    d = [date(2023, 1, n) for n in range(1, 6)]
    rows = {d[0]: 3, d[1]: 3, d[2]: 9, d[3]: 1, d[4]: 1}
    assert chunk_days(d, rows, max_rows=6) == [[d[0], d[1]], [d[2]], [d[3], d[4]]]
    assert chunk_days(d, rows, max_rows=100) == [d]
    assert chunk_days([], {}, max_rows=6) == [[]]  # an empty check still runs once
    assert chunk_days([d[0]], {}, max_rows=6) == [[d[0]]]  # a day without rows


def test_chunked_outcomes_add_up_to_one_outcome():
    from seh_stops.quality.outcomes import merge_outcomes

    second_frame = FRAME.assign(export_datum="2023-01-11")
    first = summarise("raw", {"results": [_result(CRITICAL)]}, FRAME, "file:///first.html")
    clean = summarise("raw", {"results": [_result(CRITICAL, success=True)]}, FRAME, "file:///c")
    later = _result(CRITICAL)
    later["result"]["partial_unexpected_list"] = ["STOP"]
    later["result"]["unexpected_index_list"][0]["export_datum"] = "2023-01-11"
    second = summarise("raw", {"results": [later]}, second_frame, "file:///second.html")

    merged = merge_outcomes([clean, first, second])
    assert merged.rows_checked == 3 * len(FRAME)
    (failure,) = merged.failures
    assert failure.unexpected_count == 2
    assert failure.examples == ["Stop", "STOP"]
    assert [row["export_datum"] for row in merged.sample_rows] == ["2023-01-10", "2023-01-11"]
    assert merged.data_docs_url == "file:///first.html"
    assert merge_outcomes([clean]).success
    assert merge_outcomes([clean]).data_docs_url == "file:///c"


def test_checked_days_are_shown_as_ranges():
    from datetime import date

    from orchestration.checks.gx_checks import days_shown

    days = [date(2023, 1, 1), date(2023, 1, 2), date(2023, 1, 3), date(2023, 1, 5)]
    assert days_shown(days) == "2023-01-01 .. 2023-01-03, 2023-01-05"
    assert days_shown([date(2023, 1, 10)]) == "2023-01-10"
    assert days_shown([]) == "none loaded"
