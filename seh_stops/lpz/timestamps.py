"""The contract's one timestamp form (specification, section 8), parsed strictly.

``YYYY-MM-DDTHH:MM:SS`` followed by ``+HH:MM``, ``-HH:MM`` or ``Z``; anything else does not
parse. Python's ``fromisoformat`` accepts many more forms (no offset, fractions, spaces, an
offset minute of 60, digits of other scripts), which is exactly what the contract rules out, so
the shape is checked first, with the offset limits the dbt macro ``parse_lpz_timestamp`` uses
(hours 00-23, minutes 00-59).

An instant must also lie in 0001-01-02 .. 9999-12-30 (UTC): one day inside the four-digit
years, so that its date in any time zone has four digits too. ``0001-01-01T00:00:00+01:00``
is in 1 BC in UTC and ``9999-12-31T23:30:00Z`` in the year 10000 in Amsterdam; Python cannot
hold either (``astimezone`` would raise ``OverflowError`` deep inside a check), and no LPZ
mutation is that old or that far ahead. The dbt macro applies the same range, so Python and
SQL agree on what parses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]|Z)"
)
EARLIEST_INSTANT = datetime(1, 1, 2, tzinfo=UTC)
LATEST_INSTANT = datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC)


def parse_lpz_timestamp(text: str) -> datetime | None:
    """The instant ``text`` denotes, or None when it is not a contract timestamp."""
    if not _TIMESTAMP.fullmatch(text):
        return None
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        in_range = EARLIEST_INSTANT <= instant.astimezone(UTC) <= LATEST_INSTANT
    except (ValueError, OverflowError):  # e.g. 2023-02-30, or 0001-01-01T00:00:00+01:00
        return None
    return instant if in_range else None
