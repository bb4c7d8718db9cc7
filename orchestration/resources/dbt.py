"""dbt as a Dagster resource: dagster-dbt's CLI resource, without its two preludes.

Before every dbt command, dagster-dbt's ``DbtCliResource.cli`` does two things in the run's
own process that this project never uses, and they cost about 4 s of every run that builds
(docs/performance.md):

- it starts ``dbt --version`` to learn the dbt version (1.5 s): the dbt this project runs is
  the virtualenv's own (``orchestration.dbt_parse.dbt_executable``), whose version is the installed
  dbt-core package's, known without starting a process;
- it imports dbt-core into the run's process and opens an adapter on the warehouse (2.6 s),
  only for ``fetch_row_counts()`` and ``fetch_column_metadata()`` on the event stream. The
  dbt assets use neither: the column schema comes from the ``log_column_schema`` post-hook
  (dbt_project/macros/log_column_schema.sql), which works without an adapter here.

Both are private methods of dagster-dbt (pinned in uv.lock); tests/integration/
test_dbt_resource.py fails if an upgrade renames them, so the saving cannot silently vanish.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource
from packaging import version


class SehDbtCliResource(DbtCliResource):
    """dagster-dbt's ``DbtCliResource`` that neither asks dbt for its version nor opens an
    adapter in the run's process (see the module's docstring)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        """The installed dbt-core's version when the executable is this virtualenv's dbt, or
        its ``seh-stops-dbt`` that runs it (orchestration/dbt_worker.py); otherwise ask the
        executable, as dagster-dbt does."""
        bin_folder = Path(sys.prefix) / "bin"
        if Path(self.dbt_executable) in (bin_folder / "dbt", bin_folder / "seh-stops-dbt"):
            return version.parse(installed_version("dbt-core"))
        return DbtCliResource._cli_version.func(self)  # type: ignore[attr-defined]

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        """No adapter: nothing here fetches row counts or column metadata through one."""
        return None
