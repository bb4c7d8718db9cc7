"""Alerts by e-mail: the LNAZ findings digest and the data engineers' run-failure mail.

Plain library code without Dagster: settings from environment variables (:mod:`.config`), the
digest of opened and resolved findings (:mod:`.digest`), the mails (:mod:`.compose`,
:mod:`.run_failure`), delivery over SMTP (:mod:`.smtp`) and the ledger of what was sent
(:mod:`.ledger`). The Dagster asset and sensor in ``orchestration/assets/alerts.py`` and
``orchestration/sensors.py`` are thin wrappers around :func:`send_lnaz_digest` and
:func:`send_run_failure_alert`.
"""

from seh_stops.alerts.config import AlertConfigError, SmtpSettings
from seh_stops.alerts.digest import Bevinding, Digest, build_digest
from seh_stops.alerts.ledger import FindingsUnavailable, LnazAlertOutcome, send_lnaz_digest
from seh_stops.alerts.run_failure import send_run_failure_alert
from seh_stops.alerts.smtp import AlertNotSent, Delivery, send_message

__all__ = [
    "AlertConfigError",
    "AlertNotSent",
    "Bevinding",
    "Delivery",
    "Digest",
    "FindingsUnavailable",
    "LnazAlertOutcome",
    "SmtpSettings",
    "build_digest",
    "send_lnaz_digest",
    "send_message",
    "send_run_failure_alert",
]
