"""When the dbt worker's manifest is exactly the one a command would parse, and when the command
parses itself (orchestration/dbt_worker.py: ``parse_again_because``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestration.dbt_worker import WORKER_ENV, ParsedFor, parse_again_because, project_fingerprint

BUILD = ["--log-level-file", "none", "build", "--exclude-resource-type", "unit_test"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "dbt_project"
    (root / "models").mkdir(parents=True)
    (root / "models" / "a.sql").write_text("select 1 as a\n")
    (root / "dbt_project.yml").write_text("name: x\n")
    (root / "target").mkdir()
    (root / "target" / "manifest.json").write_text("{}")
    return root


def _parsed(project: Path, env: dict[str, str], read: frozenset[str] | None) -> ParsedFor:
    return ParsedFor(fingerprint=project_fingerprint(project), env=env, read=read)


ENV = {"SEH_WAREHOUSE_PATH": "/d/warehouse.duckdb", "DBT_PROFILES_DIR": "/p", "HOME": "/root"}
READ = frozenset({"SEH_WAREHOUSE_PATH", "SEH_DUCKDB_MEMORY_LIMIT"})


def _reason(project: Path, args=BUILD, env=ENV, cwd=None, read=READ, parsed_env=ENV):
    return parse_again_because(
        args, env, str(cwd or project), _parsed(project, parsed_env, read), project
    )


def test_a_build_with_what_the_parse_saw_uses_the_manifest(project):
    assert _reason(project) is None
    # what dagster-dbt sets per invocation, the worker's own address, variables dbt never read
    per_invocation = {
        "DBT_TARGET_PATH": "/d/dbt/build-1",
        "DBT_LOG_PATH": "/d/dbt/build-1",
        "DBT_LOG_FORMAT": "json",
        "DAGSTER_DBT_CLI": "true",
        "PYTHONUNBUFFERED": "1",
        WORKER_ENV: "/d/dbt/worker-1",
        "DAGSTER_EVENT_BATCH_SIZE": "1000",
    }
    assert _reason(project, env={**ENV, **per_invocation}) is None
    assert _reason(project, args=[*BUILD, "--select", "a", "--profiles-dir", str(project)]) is None
    # outputs of dbt itself are not what it parses
    (project / "target" / "run_results.json").write_text("{}")
    assert _reason(project) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"SEH_WAREHOUSE_PATH": "/other/warehouse.duckdb"}, "SEH_WAREHOUSE_PATH"),
        ({"SEH_DUCKDB_MEMORY_LIMIT": "8GB"}, "SEH_DUCKDB_MEMORY_LIMIT"),  # unset at the parse
        ({"DBT_PROFILES_DIR": "/elsewhere"}, "DBT_PROFILES_DIR"),  # dbt's own settings count
        ({"DBT_PARTIAL_PARSE": "false"}, "DBT_PARTIAL_PARSE"),
    ],
)
def test_a_variable_the_parse_read_that_differs_makes_it_parse(project, change, reason):
    assert reason in _reason(project, env={**ENV, **change})


def test_without_the_names_dbt_read_every_variable_counts(project):
    assert "HOME" in _reason(project, env={**ENV, "HOME": "/other"}, read=None)
    assert _reason(project, env={**ENV, "HOME": "/other"}) is None


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (["--vars", "{a: 1}"], "--vars"),
        (["--vars={a: 1}"], "--vars"),
        (["--target", "prod"], "--target"),
        (["-t", "prod"], "-t"),
        (["--profile", "other"], "--profile"),
        (["--project-dir", "/x"], "--project-dir"),
        (["--profiles-dir", "/x"], "--profiles-dir"),
        (["--profiles-dir=/x"], "--profiles-dir"),
    ],
)
def test_an_option_that_changes_the_parse_makes_it_parse(project, extra, reason):
    assert reason in _reason(project, args=[*BUILD, *extra])


def test_only_a_build_from_the_project_folder_uses_the_manifest(project, tmp_path):
    assert "only a dbt build" in _reason(project, args=["--log-level-file", "none", "parse"])
    assert "not in the dbt project" in _reason(project, cwd=tmp_path)


def test_a_project_file_that_changed_makes_it_parse(project):
    parsed = _parsed(project, ENV, READ)
    model = project / "models" / "a.sql"
    model.write_text("select 2 as a\n")
    stat = model.stat()
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert "changed since the parse" in parse_again_because(
        BUILD, ENV, str(project), parsed, project
    )
    parsed = _parsed(project, ENV, READ)
    (project / "models" / "b.sql").write_text("select 1 as b\n")  # a new file
    assert "changed since the parse" in parse_again_because(
        BUILD, ENV, str(project), parsed, project
    )
