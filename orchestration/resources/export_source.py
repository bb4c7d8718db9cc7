"""The LPZ export source as a Dagster resource: a local folder or an HTTP(S) base URL.

The bearer token and the CA bundle are never values in code or config files: they are Dagster
``EnvVar`` references to ``LPZ_EXPORT_TOKEN`` and ``LPZ_EXPORT_CA_BUNDLE``, resolved when a run
starts. Run config, run metadata and the UI show the variable's name, never its value.
"""

from __future__ import annotations

import os
from typing import Any

from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from seh_stops.lpz.http_source import (
    CA_BUNDLE_ENV,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT_SECONDS,
    TOKEN_ENV,
)
from seh_stops.lpz.source import ExportSource, open_source


class ExportSourceResource(ConfigurableResource):
    """Where export days are read: a folder of ``YYYY-MM-DD/`` export-day folders, or an
    HTTP(S) base URL serving ``{base}/YYYY-MM-DD/<file>``."""

    location: str = Field(
        description="Folder of YYYY-MM-DD export days, or an http(s):// base URL serving them."
    )
    bearer_token: str | None = Field(
        default=None,
        description=f"Bearer token for an HTTP(S) source: only ever EnvVar('{TOKEN_ENV}').",
    )
    ca_bundle: str | None = Field(
        default=None,
        description="PEM CA bundle for an HTTPS source with a private CA "
        f"(EnvVar('{CA_BUNDLE_ENV}')); TLS verification is always on.",
    )
    timeout_seconds: float = Field(
        default=DEFAULT_TIMEOUT_SECONDS, description="Read timeout per HTTP request."
    )
    max_retries: int = Field(
        default=DEFAULT_MAX_RETRIES,
        description="Retries with exponential backoff on connection errors, timeouts and 5xx.",
    )

    @classmethod
    def from_env(cls, location: str) -> ExportSourceResource:
        """The resource for ``location``, with the token and CA bundle as ``EnvVar``s when set.

        An ``EnvVar`` whose variable is unset fails the run, so the optional ones are only
        referenced when the variable exists where the definitions load.
        """
        return cls(location=location, **env_references())

    def open(self) -> ExportSource:
        return open_source(
            self.location,
            token=self.bearer_token,
            ca_bundle=self.ca_bundle,
            timeout_seconds=self.timeout_seconds,
            max_retries=self.max_retries,
        )


def env_references() -> dict[str, Any]:
    """``bearer_token``/``ca_bundle`` as ``EnvVar``s, for the variables that are set."""
    references: dict[str, Any] = {}
    if os.environ.get(TOKEN_ENV):
        references["bearer_token"] = EnvVar(TOKEN_ENV)
    if os.environ.get(CA_BUNDLE_ENV):
        references["ca_bundle"] = EnvVar(CA_BUNDLE_ENV)
    return references


def run_config(location: str) -> dict[str, Any]:
    """The resource's run config for ``location``: env references, never secret values.

    Run config replaces the resource's configured values as a whole, so the token and CA bundle
    must be referenced here again (as ``{"env": NAME}``), or a run would go without them.
    """
    config: dict[str, Any] = {"location": location}
    if os.environ.get(TOKEN_ENV):
        config["bearer_token"] = {"env": TOKEN_ENV}
    if os.environ.get(CA_BUNDLE_ENV):
        config["ca_bundle"] = {"env": CA_BUNDLE_ENV}
    return {"config": config}
