"""The ``seh-stops`` command: the pipeline without the UI.

:mod:`cli.main` parses the commands; :mod:`cli.runner` launches the Dagster runs they need,
:mod:`cli.progress` prints their short progress lines and :mod:`cli.orphaned_runs` cleans up
after a killed command.
"""
