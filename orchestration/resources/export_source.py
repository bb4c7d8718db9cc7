"""The LPZ export source as a Dagster resource: a local folder or an HTTP(S) base URL.

Anyone who can launch a run (the Dagster UI's launchpad) can write its run config, so run
config decides nothing that matters for security. The resource has no field for the bearer
token or the CA bundle: :meth:`ExportSourceResource.open` reads ``LPZ_EXPORT_TOKEN`` and
``LPZ_EXPORT_CA_BUNDLE`` from the process's environment, which the deployment sets. The
``location`` a run may name is only checked against an allowlist from that environment:

- the configured source, ``LPZ_EXPORT_SOURCE`` (or ``<data dir>/exports``): the default;
- each entry of ``LPZ_EXPORT_ALLOWED_SOURCES`` (comma-separated folders or URLs);
- a local folder (or ``archive:<folder>``) the operator named on the command line of this
  process (``seh-stops run --source``), registered with :func:`allow_operator_source`.

A location outside the list fails the run before anything is read or sent, so run config can
neither send the token (or any other variable of the daemon) to a server of its choosing nor
make the pipeline load a folder of its choosing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dagster import ConfigurableResource
from pydantic import Field

from seh_stops import settings
from seh_stops.lpz.http_source import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_SECONDS
from seh_stops.lpz.source import (
    ARCHIVE_PREFIX,
    ExportSource,
    ExportSourceError,
    is_url,
    open_source,
)

ALLOWED_SOURCES_ENV = "LPZ_EXPORT_ALLOWED_SOURCES"
MAX_TIMEOUT_SECONDS = 600.0
MAX_RETRIES = 10

# Local folders the operator named on this process's command line (the CLI registers them;
# the daemon and the webserver never do).
_operator_sources: set[str] = set()


class ExportSourceNotAllowed(ExportSourceError):
    """A location that is neither the configured source nor on the allowlist."""


class ExportSourceResource(ConfigurableResource):
    """Where export days are read: a folder of ``YYYY-MM-DD/`` export-day folders, or an
    HTTP(S) base URL serving ``{base}/YYYY-MM-DD/<file>``; token and CA from the environment."""

    location: str | None = Field(
        default=None,
        description="Empty: the configured source (LPZ_EXPORT_SOURCE). Otherwise it must be "
        f"that source or one listed in {ALLOWED_SOURCES_ENV}; any other location fails the "
        "run. The bearer token and CA bundle always come from the environment "
        "(LPZ_EXPORT_TOKEN, LPZ_EXPORT_CA_BUNDLE), never from run config.",
    )
    timeout_seconds: float = Field(
        default=DEFAULT_TIMEOUT_SECONDS,
        description=f"Read timeout per HTTP read (at most {MAX_TIMEOUT_SECONDS:.0f} s).",
    )
    max_retries: int = Field(
        default=DEFAULT_MAX_RETRIES,
        description="Retries with exponential backoff on connection errors, timeouts and 5xx "
        f"(at most {MAX_RETRIES}).",
    )

    def open(self) -> ExportSource:
        """The allowed source, with the token and CA bundle of the environment.

        Raises :class:`ExportSourceNotAllowed` before anything is read or sent when the
        location is not allowed.
        """
        location = check_allowed(self.location or settings.export_source_location())
        return open_source(
            location,
            timeout_seconds=min(max(self.timeout_seconds, 1.0), MAX_TIMEOUT_SECONDS),
            max_retries=min(max(self.max_retries, 0), MAX_RETRIES),
        )


def canonical(location: str | os.PathLike[str]) -> str:
    """One spelling per source: an absolute path, ``archive:<absolute path>``, or a URL with
    a lower-case scheme and host and no trailing slash."""
    text = os.fspath(location).strip()
    if text.startswith(ARCHIVE_PREFIX):
        return ARCHIVE_PREFIX + str(Path(text.removeprefix(ARCHIVE_PREFIX)).expanduser().resolve())
    if is_url(text):
        parts = urlsplit(text)
        host = parts.netloc.rpartition("@")[2].lower()
        return f"{parts.scheme.lower()}://{host}{parts.path.rstrip('/')}"
    return str(Path(text).expanduser().resolve())


def allowed_sources() -> list[str]:
    """The configured source, the allowlist of the environment and the operator's folders."""
    listed = [
        entry.strip()
        for entry in os.environ.get(ALLOWED_SOURCES_ENV, "").split(",")
        if entry.strip()
    ]
    return [
        canonical(settings.export_source_location()),
        *(canonical(entry) for entry in listed),
        *sorted(_operator_sources),
    ]


def check_allowed(location: str | os.PathLike[str]) -> str:
    """``location`` when it is allowed; else :class:`ExportSourceNotAllowed`, saying how."""
    if canonical(location) in allowed_sources():
        return os.fspath(location).strip()
    # The location is not echoed in full: it came from whoever wrote the run config.
    shown = canonical(location)
    shown = shown if len(shown) <= 120 else shown[:117] + "..."
    raise ExportSourceNotAllowed(
        f"export source {shown!r} is not allowed: a run reads only the configured source "
        f"(${settings.EXPORT_SOURCE_ENV}) or one listed in ${ALLOWED_SOURCES_ENV}; set one of "
        "these in the deployment's environment (the bearer token is sent to every allowed URL)"
    )


def allow_operator_source(location: str | os.PathLike[str]) -> str:
    """Allow, in this process only, a local folder the operator named on the command line.

    A URL is never allowed this way: the bearer token would go to it, so it must be the
    configured source or on the allowlist of the environment (checked here, so the command
    fails before it reads anything).
    """
    text = os.fspath(location).strip()
    if is_url(text):
        return check_allowed(text)
    _operator_sources.add(canonical(text))
    return text


def run_config(location: str) -> dict[str, Any]:
    """The resource's run config for ``location``: the location only, so the run shows where
    it read. Secrets are never in run config; the resource reads them from the environment."""
    return {"config": {"location": location}}
