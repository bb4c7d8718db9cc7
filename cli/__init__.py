"""The ``seh-stops`` command: the pipeline without the UI.

:mod:`cli.main` parses the commands; :mod:`cli.runner` launches the Dagster runs they need
(their short progress lines come from the code location's logger, ``orchestration/loggers.py``)
and :mod:`cli.orphaned_runs` cleans up after a killed command.
"""
