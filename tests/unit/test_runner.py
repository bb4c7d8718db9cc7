"""Planning runs: which days to load and how they split into partition ranges."""

from datetime import date

from cli.runner import _days_to_load


def d(day: int) -> date:
    return date(2023, 1, day)


def test_without_a_range_every_day_at_the_source_is_loaded():
    assert _days_to_load([d(1), d(3)], None, None) == [d(1), d(3)]


def test_a_range_asks_for_every_day_in_it_so_absent_days_are_reported():
    assert _days_to_load([d(1), d(3)], d(1), d(4)) == [d(1), d(2), d(3), d(4)]
    assert _days_to_load([d(1), d(3)], None, d(2)) == [d(1), d(2)]
    assert _days_to_load([], d(5), d(4)) == []
