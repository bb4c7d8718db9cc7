"""The code location loads, validates, and names its assets as reviewed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from seh_stops.settings import REPO_ROOT


def test_dagster_definitions_validate_passes(tmp_path):
    dagster = Path(sys.executable).with_name("dagster")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "SEH_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def test_loading_the_definitions_imports_no_plotting_library(tmp_path):
    """Every CLI run, code server and run worker loads the definitions; matplotlib (about
    0.4 s) is imported only where a chart is drawn (seh_stops/rendering/charts.py)."""
    code = (
        "import sys, orchestration.definitions; "
        "print(sorted({name.split('.')[0] for name in sys.modules}))"
    )
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "SEH_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    imported = result.stdout
    assert "'dagster_dbt'" in imported  # the definitions did load
    assert "'matplotlib'" not in imported


# The asset graph as a reader of the UI sees it: keys, upstream keys, checks, groups, kinds,
# metadata names, descriptions, and each job's assets.
GRAPH_SCRIPT = """
import json, sys
if sys.argv[1] == "with-dbt-core":
    import dagster_dbt.compat  # before the code location: dagster-dbt as it comes
from orchestration.definitions import defs

graph = defs.resolve_asset_graph()
seen = {}
for key in graph.get_all_asset_keys():
    node = graph.get(key)
    seen[key.to_user_string()] = [
        sorted(parent.to_user_string() for parent in node.parent_keys),
        sorted(str(check) for check in node.check_keys),
        node.group_name, sorted(node.kinds), sorted(node.metadata), node.description,
    ]
for job in defs.resolve_all_job_defs():
    seen["job " + job.name] = sorted(str(key) for key in job.asset_layer.selected_asset_keys)
dbt_core = sorted(
    name for name in sys.modules if name.split(".")[0] in ("dbt", "dbt_common", "mashumaro")
)
print(json.dumps({"graph": seen, "dbt_core": dbt_core}, sort_keys=True, default=str))
"""


def _graph(how: str, tmp_path: Path) -> dict:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "SEH_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", GRAPH_SCRIPT, how],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_definitions_load_without_dbt_core_and_build_the_same_graph(tmp_path):
    """dagster-dbt is imported without dbt-core in the Dagster process
    (orchestration/dagster_dbt_import.py): nothing of dbt-core is imported, and the asset
    graph, its checks and the jobs are the ones dagster-dbt builds with dbt-core."""
    without = _graph("as-the-code-location-does", tmp_path)
    with_core = _graph("with-dbt-core", tmp_path)
    assert without["dbt_core"] == []
    assert with_core["dbt_core"]  # the comparison is with dbt-core's selection engine
    assert "fct_stop_episodes" in without["graph"]
    assert without["graph"] == with_core["graph"]


def test_asset_keys_and_groups_snapshot():
    """A rename shows in review: every asset key with its group."""
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == EXPECTED_GROUPS


def test_every_asset_has_a_description_and_an_owner():
    from orchestration.definitions import defs

    for spec in defs.resolve_all_asset_specs():
        assert spec.description, spec.key
        assert spec.owners, spec.key


def test_dbt_tests_show_as_asset_checks():
    from orchestration.definitions import defs

    checks = defs.resolve_asset_graph().asset_check_keys
    checked = {key.asset_key.to_user_string() for key in checks}
    assert {"fct_stop_episodes", "agg_seh_stops_regio_maand"} <= checked


EXPECTED_GROUPS = {
    "lpz_export_day": "ingestion",
    "lpz_export_inventaris": "ingestion",
    "lnaz_dq_alert": "quality",
    "ministry_delivery": "delivery",
    "lnaz_publication": "delivery",
    "dq_bevindingsoorten": "reference",
    "regio_afspraken": "reference",
    "referentie_definitie": "reference",
    "seh_referentie": "reference",
    "stg_lpz__export_controles": "staging",
    "stg_lpz__export_versies": "staging",
    "stg_lpz__quarantaine": "staging",
    "stg_lpz__seh_locaties": "staging",
    "stg_lpz__seh_statusmutaties": "staging",
    "int_seh_locaties_gevalideerd": "validatie",
    "int_statusmutaties_gevalideerd": "validatie",
    "int_mutaties_effectief": "episodes",
    "int_stop_intervallen": "episodes",
    "int_stop_intervallen_geteld": "episodes",
    "int_stop_ketens": "episodes",
    "int_stop_episodes": "episodes",
    "int_stop_episode_maanddelen": "episodes",
    "int_regio_registratie_dagen": "registratie",
    "int_regio_registratiestatus": "registratie",
    "int_stop_gelijktijdig_maand": "vergelijking",
    "int_regio_periode_cijfers": "cijfers",
    "int_bevindingen_regio_maand": "bevindingen",
    "int_bevindingen_exportdagen": "bevindingen",
    "int_bevindingen_records": "bevindingen",
    "int_bevindingen_stops": "bevindingen",
    "int_bevindingen_huidig": "bevindingen",
    "fct_stop_episodes": "marts",
    "agg_seh_stops_regio_maand": "marts",
    "agg_seh_stops_vergelijking_maand": "marts",
    "agg_seh_stops_regio_kwartaal": "marts",
    "dq_quarantaine": "marts",
    "dq_bevindingen": "marts",
}


def test_sensors_and_schedules_run_by_themselves_and_say_what_they_do():
    """The nights need no hand-started run: everything automatic is on by default."""
    from dagster import DefaultScheduleStatus, DefaultSensorStatus

    from orchestration.definitions import defs

    sensors = {sensor.name: sensor for sensor in defs.sensors}
    schedules = {schedule.name: schedule for schedule in defs.schedules}
    assert set(sensors) == {
        "lpz_export_sensor",
        "transform_after_ingestion",
        "engineer_run_failure_alert",
        "lpz_export_day_freshness_sensor",
    }
    assert set(schedules) == {
        "nightly_transform",
        "ministry_delivery_schedule",
        "lnaz_publication_schedule",
    }
    for sensor in sensors.values():
        assert sensor.default_status == DefaultSensorStatus.RUNNING, sensor.name
    for schedule in schedules.values():
        assert schedule.default_status == DefaultScheduleStatus.RUNNING, schedule.name
        assert schedule.description, schedule.name
    assert sensors["lpz_export_sensor"].job_name == "ingest_export_days"
    assert sensors["transform_after_ingestion"].description
