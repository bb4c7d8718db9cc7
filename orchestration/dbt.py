"""The dbt project as Dagster sees it: where it lives and how its nodes become assets.

Kept in a module of its own so the manifest can be prepared (``dbt parse``) before the
definitions load, in setup and in CI.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def dbt_executable() -> str:
    """The ``dbt`` of this virtualenv: the one whose version the project pins."""
    beside_python = Path(sys.executable).with_name("dbt")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("dbt") or "dbt"


class SehStopsTranslator(DagsterDbtTranslator):
    """Groups follow the dbt folders (staging, intermediate, marts; seeds are reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props["fqn"]
        return fqn[1] if len(fqn) > 2 else None

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:lnaz-data"]


translator = SehStopsTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
