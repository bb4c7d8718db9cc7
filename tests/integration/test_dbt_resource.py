"""The dbt resource of the code location starts dbt and nothing else (orchestration/resources/
dbt.py): no ``dbt --version`` process, no dbt-core adapter in the run's own process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from orchestration.dbt_parse import dbt_executable
from seh_stops.settings import REPO_ROOT

# In a fresh interpreter, so that nothing else has imported dbt-core yet: the code location's
# own resource runs a real `dbt parse`, with dagster-dbt's version probe made to fail loudly.
SCRIPT = """
import json, sys
from pathlib import Path
import dagster_dbt.core.resource as upstream

def no_version_probe(*args, **kwargs):
    raise AssertionError(f"dagster-dbt started a process before dbt: {args}")

upstream.check_output = no_version_probe
from orchestration.dbt import dbt_project
from orchestration.definitions import defs

dbt = defs.resources["dbt"]
invocation = dbt.cli(
    ["parse", "--quiet"], manifest=dbt_project.manifest_path, target_path=Path(sys.argv[1])
)
invocation.wait()
print(json.dumps({
    "resource": type(dbt).__name__,
    "succeeded": invocation.is_successful(),
    "adapter": invocation.adapter is not None,
    "cli_version": str(invocation.cli_version),
    "dbt_core_modules": sorted(
        name for name in sys.modules if name.startswith(("dbt.parser", "dbt.config"))
    ),
}))
"""


def test_a_dbt_command_starts_dbt_only(tmp_path):
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "home"),
        "SEH_DATA_DIR": str(tmp_path / "data"),
        "SEH_WAREHOUSE_PATH": str(tmp_path / "data" / "warehouse.duckdb"),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "target")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["resource"] == "SehDbtCliResource"
    assert seen["succeeded"]
    # dagster-dbt's adapter would have imported dbt-core's config and parser into this process
    assert not seen["adapter"]
    assert seen["dbt_core_modules"] == []
    # the version the resource reports is the one the executable it starts reports
    reported = subprocess.run(
        [dbt_executable(), "--version"], capture_output=True, text=True, check=True, env=env
    ).stdout
    core = re.search(r"(\d+\.\d+\.\d+)", reported)
    assert core and seen["cli_version"] == core.group(1)
