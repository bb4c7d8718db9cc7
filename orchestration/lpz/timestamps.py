"""The contract's one timestamp form (section 8), parsed strictly.

``YYYY-MM-DDTHH:MM:SS`` followed by ``+HH:MM``, ``-HH:MM`` or ``Z``; anything else does not
parse. Python's ``fromisoformat`` accepts many more forms (no offset, fractions, spaces), which
is exactly what the contract rules out, so the shape is checked first.
"""

from __future__ import annotations

import re
from datetime import datetime

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)")


def parse_lpz_timestamp(text: str) -> datetime | None:
    """The instant ``text`` denotes, or None when it is not a contract timestamp."""
    if not _TIMESTAMP.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:  # e.g. 2023-02-30 or an offset beyond +-24:00
        return None
