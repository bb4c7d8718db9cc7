"""The dbt project as Dagster sees it: where it lives and how its nodes become assets.

Kept in a module of its own so the manifest can be prepared (``dbt parse``) before the
definitions load, in setup and in CI.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from orchestration.dbt_parse import dbt_executable
from seh_stops.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_manifest() -> Path:
    """Write ``target/manifest.json`` with ``dbt parse`` when it is missing or older than the
    project's files, so a CLI run never materializes a stale picture of the dbt project."""
    manifest = dbt_project.manifest_path
    sources = [
        path
        for folder in ("models", "macros", "seeds", "tests")
        for path in (DBT_PROJECT_DIR / folder).rglob("*")
        if path.is_file()
    ] + [DBT_PROJECT_DIR / "dbt_project.yml"]
    newest = max(path.stat().st_mtime for path in sources)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        result = subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
            cwd=DBT_PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"dbt parse failed in {DBT_PROJECT_DIR}; fix the dbt project first:\n"
                + (result.stdout + result.stderr).strip()
            )
    return manifest


# The intermediate layer is one step per model in sub-domain folders (validatie, episodes,
# registratie, bevindingen, vergelijking, cijfers); its groups are those folders, so the asset
# graph reads as the stages of the pipeline rather than one block of twenty models.
INTERMEDIATE = "intermediate"


class SehStopsTranslator(DagsterDbtTranslator):
    """Asset keys are the dbt node names; groups follow the dbt folders (seeds: reference):
    the layer (staging, marts), and within the intermediate layer its sub-domain folder.

    A reader who searches for an asset's name lands on exactly one dbt model or seed.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return AssetKey(dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        # fqn: project, layer folder, [sub-domain folder, ...] model name
        fqn = dbt_resource_props["fqn"]
        if fqn[1] == INTERMEDIATE and len(fqn) > 3:
            return fqn[2]
        return fqn[1] if len(fqn) > 2 else None

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:lnaz-data"]


# Several raw tables of the `lpz` source are written by one asset (lpz_export_day, or
# lpz_export_inventaris for export_controles), so their sources share its key
# (`meta.dagster.asset_key` in _lpz__sources.yml).
translator = SehStopsTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True, enable_duplicate_source_asset_keys=True
    )
)


if os.environ.get("DAGSTER_IS_DEV_CLI"):
    # `dagster dev` picks up dbt changes on reload. DbtProject.prepare_if_dev() would look for
    # `dbt` on PATH, which an un-activated virtualenv does not provide; this uses the venv's.
    prepare_manifest()
