"""Export days and months as the pipeline groups and names them (seh_stops/days.py)."""

from datetime import date

from seh_stops.days import contiguous_blocks, day_ranges, is_month


def d(day: int) -> date:
    return date(2023, 2, day)


def test_days_are_grouped_in_consecutive_blocks_whatever_their_order():
    assert contiguous_blocks([d(5), d(1), d(2), d(3)]) == [[d(1), d(2), d(3)], [d(5)]]
    assert contiguous_blocks([date(2023, 1, 31), d(1)]) == [[date(2023, 1, 31), d(1)]]
    assert contiguous_blocks([]) == []


def test_days_are_shown_as_ranges():
    assert day_ranges([d(11), d(1), d(2), d(3)]) == "2023-02-01 .. 2023-02-03, 2023-02-11"
    assert day_ranges([]) == ""


def test_a_month_is_yyyy_mm_with_a_real_month():
    assert is_month("2023-01") and is_month("2023-12")
    for text in ("2023-13", "2023-00", "2023-1", "23-01", "2023-01-01", " 2023-01"):
        assert not is_month(text), text
