"""The mail server for alerts as a Dagster resource.

Every setting is one environment variable (see :mod:`seh_stops.alerts.config`), read in the
process that sends and never taken from run config; the Dagster UI shows no value. A
deployment without a mail server loads and runs; its alerts are skipped with a log line.
"""

from __future__ import annotations

import os
from typing import Any

from dagster import ConfigurableResource

from seh_stops.alerts import config
from seh_stops.alerts.config import SmtpSettings

# Setting -> environment variable; one list, so the docs and the parser agree.
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
    """The SMTP server, sender and recipients of the LNAZ digest and the run-failure alerts.

    The resource has no config fields: every setting is read from the environment when mail
    is sent. Run config is written by whoever may launch a run, and a mail server, a login or
    a recipient taken from it could send the password (or any other variable of the daemon)
    or the findings to a server or an address of that person's choosing.
    """

    @classmethod
    def from_env(cls) -> AlertMailerResource:
        """The resource; its settings are read from the environment at each use."""
        return cls()

    def settings(self) -> SmtpSettings | None:
        """The parsed settings; ``None`` when no host is configured (alerts are skipped)."""
        return SmtpSettings.from_env(
            {env_var: os.environ.get(env_var) for env_var in FIELD_ENV_VARS.values()}
        )


def run_config() -> dict[str, Any]:
    """The resource's run config: empty, since every setting comes from the environment of
    the process that sends (for a CLI run, the shell that starts it)."""
    return {}
