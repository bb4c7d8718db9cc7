"""The contract's strict timestamp form (specification, section 8)."""

from datetime import UTC, datetime

import pytest

from seh_stops.lpz.timestamps import parse_lpz_timestamp


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2023-01-14T18:05:00+01:00", datetime(2023, 1, 14, 17, 5, tzinfo=UTC)),
        ("2023-01-14T17:05:00Z", datetime(2023, 1, 14, 17, 5, tzinfo=UTC)),
        ("2023-07-01T00:00:00-05:30", datetime(2023, 7, 1, 5, 30, tzinfo=UTC)),
        ("2023-07-01T00:00:00+23:59", datetime(2023, 6, 30, 0, 1, tzinfo=UTC)),
        ("0001-01-02T00:00:00Z", datetime(1, 1, 2, tzinfo=UTC)),
        ("9999-12-30T23:59:59Z", datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_any_valid_offset_denotes_its_instant(text, utc):
    assert parse_lpz_timestamp(text) == utc


@pytest.mark.parametrize(
    "text",
    [
        "2023-01-14T18:05:00",
        "2023-01-14 18:05:00+01:00",
        "2023-01-14T18:05+01:00",
        "2023-01-14T18:05:00.5+01:00",
        "2023-01-14T18:05:00+0100",
        "2023-02-30T10:00:00+01:00",
        " 2023-01-14T18:05:00+01:00",
        "",
        # found by the fuzz tests: Python's fromisoformat accepts these, dbt does not
        "2023-01-14T18:05:00+01:60",
        "2023-01-14T18:05:00+24:00",
        "\uff12\uff10\uff12\uff13-01-14T18:05:00+01:00",  # fullwidth digits
        # instants Python cannot hold in UTC or in Amsterdam (OverflowError in a GX check)
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:30:00Z",
        "0000-06-01T00:00:00Z",
    ],
)
def test_anything_else_does_not_parse(text):
    assert parse_lpz_timestamp(text) is None
