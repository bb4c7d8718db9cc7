"""The mail server for alerts as a Dagster resource.

Every field is the text of one environment variable (see :mod:`seh_stops.alerts.config`),
and :meth:`AlertMailerResource.from_env` passes each variable that is set as an ``EnvVar``: the
Dagster UI shows the variable's name, never its value, and the password is read only in the
process that sends. A variable that is not set is left out, so a deployment without a mail
server loads and runs; its alerts are skipped with a log line.
"""

from __future__ import annotations

import os
from typing import Any

from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from seh_stops.alerts import config
from seh_stops.alerts.config import SmtpSettings

# Resource field -> environment variable; one list, so the UI, the docs and the parser agree.
FIELD_ENV_VARS = {
    "host": config.HOST_ENV,
    "port": config.PORT_ENV,
    "starttls": config.STARTTLS_ENV,
    "user": config.USER_ENV,
    "password": config.PASSWORD_ENV,
    "ca_file": config.CA_FILE_ENV,
    "timeout_seconds": config.TIMEOUT_ENV,
    "sender": config.FROM_ENV,
    "to_lnaz": config.TO_LNAZ_ENV,
    "to_engineers": config.TO_ENGINEERS_ENV,
    "dagster_ui_url": config.DAGSTER_UI_URL_ENV,
}


class AlertMailerResource(ConfigurableResource):
    """The SMTP server, sender and recipients of the LNAZ digest and the run-failure alerts."""

    host: str | None = Field(default=None, description="SEH_SMTP_HOST; unset skips alerts.")
    port: str | None = Field(default=None, description="SEH_SMTP_PORT (default 587).")
    starttls: str | None = Field(default=None, description="SEH_SMTP_STARTTLS: ja/nee.")
    user: str | None = Field(default=None, description="SEH_SMTP_USER; set to log in.")
    password: str | None = Field(
        default=None, repr=False, description="SEH_SMTP_PASSWORD, always given as an EnvVar."
    )
    ca_file: str | None = Field(default=None, description="SEH_SMTP_CA_FILE: a private CA.")
    timeout_seconds: str | None = Field(default=None, description="SEH_SMTP_TIMEOUT_SECONDS.")
    sender: str | None = Field(default=None, description="SEH_ALERT_FROM.")
    to_lnaz: str | None = Field(default=None, description="SEH_ALERT_TO_LNAZ, comma-separated.")
    to_engineers: str | None = Field(
        default=None, description="SEH_ALERT_TO_ENGINEERS, comma-separated."
    )
    dagster_ui_url: str | None = Field(default=None, description="SEH_DAGSTER_UI_URL.")

    @classmethod
    def from_env(cls) -> AlertMailerResource:
        """The resource with an ``EnvVar`` for every alert variable that is set."""
        return cls(
            **{
                name: EnvVar(env_var)
                for name, env_var in FIELD_ENV_VARS.items()
                if os.environ.get(env_var)
            }
        )

    def settings(self) -> SmtpSettings | None:
        """The parsed settings; ``None`` when no host is configured (alerts are skipped)."""
        return SmtpSettings.from_env(
            {env_var: getattr(self, name) for name, env_var in FIELD_ENV_VARS.items()}
        )


def run_config() -> dict[str, Any]:
    """The resource's run config from the environment of this moment: ``{"env": NAME}`` for
    each variable that is set, never a value.

    The definitions build the resource when they load; a CLI run passes this, so the mail
    settings of the shell that starts the run are the ones used.
    """
    return {
        "config": {
            name: {"env": env_var}
            for name, env_var in FIELD_ENV_VARS.items()
            if os.environ.get(env_var)
        }
    }
