"""How much a source may hand over, and the refusal that makes a day incomplete.

Whatever serves the exports (a folder, a web server) is outside this process's control: a file
may be a link to a file elsewhere, a FIFO that blocks forever, ``/dev/zero``, or gigabytes. A
source reads at most a bounded number of bytes per file and refuses anything else with
:class:`RefusedFile`; verification turns that into an incomplete day with the reason, so one
bad day never stops a run or the sensor.

The caps are far above a real export: a day of the whole country at 100 times today's volume
is a few MB of CSV and a manifest of a few hundred bytes. They are settable in the
environment (``LPZ_EXPORT_MAX_CSV_BYTES``, ``LPZ_EXPORT_MAX_MANIFEST_BYTES``).
"""

from __future__ import annotations

import os

from seh_stops.lpz.contract import MANIFEST_FILE

MAX_CSV_BYTES_ENV = "LPZ_EXPORT_MAX_CSV_BYTES"
MAX_MANIFEST_BYTES_ENV = "LPZ_EXPORT_MAX_MANIFEST_BYTES"
DEFAULT_MAX_CSV_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_MANIFEST_BYTES = 1024 * 1024


class RefusedFile(Exception):
    """A contract file the source will not hand over: a link, not a regular file, too large,
    or sent in a form that is not read. The day that holds it is incomplete.

    The message starts with the file's name and ``refused:``, so the inventory can give it a
    fixed Dutch phrase (see :mod:`seh_stops.lpz.inventory`).
    """

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name}: refused: {why}")
        self.name = name
        self.why = why


def max_bytes(name: str) -> int:
    """The most bytes a source reads of contract file ``name`` (manifest or CSV)."""
    if name == MANIFEST_FILE:
        return _bytes_setting(MAX_MANIFEST_BYTES_ENV, DEFAULT_MAX_MANIFEST_BYTES)
    return _bytes_setting(MAX_CSV_BYTES_ENV, DEFAULT_MAX_CSV_BYTES)


def limit_env(name: str) -> str:
    """The variable that sets the cap of ``name``, for messages."""
    return MAX_MANIFEST_BYTES_ENV if name == MANIFEST_FILE else MAX_CSV_BYTES_ENV


def too_large(name: str, limit: int) -> RefusedFile:
    """The refusal of a file beyond its cap, saying how to raise the cap."""
    return RefusedFile(
        name,
        f"larger than {limit} bytes; an export day is a few MB at most, so this is not an "
        f"export (raise {limit_env(name)} if the LPZ really publishes files this large)",
    )


def _bytes_setting(variable: str, default: int) -> int:
    text = (os.environ.get(variable) or "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(
            f"{variable}={text[:40]!r} is not a size: set it to a positive number of bytes, "
            f"or unset it for the default {default}"
        )
    return int(text)
