"""How the transform job calls dbt: unit tests only where asked, partial parsing kept."""

from __future__ import annotations

from orchestration import dbt
from orchestration.assets.transform import UNIT_TESTS_ENV, build_args


def test_dbt_unit_tests_run_only_when_asked(monkeypatch):
    monkeypatch.delenv(UNIT_TESTS_ENV, raising=False)
    assert build_args() == ["build", "--exclude-resource-type", "unit_test"]
    monkeypatch.setenv(UNIT_TESTS_ENV, "1")
    assert build_args() == ["build"]


def test_the_partial_parse_state_of_a_build_is_kept_for_the_next(tmp_path, monkeypatch):
    project = tmp_path / "dbt_project"
    invocation = project / "target" / "seh_stops_dbt_assets-run-1"
    invocation.mkdir(parents=True)
    monkeypatch.setattr(dbt, "DBT_PROJECT_DIR", project)
    dbt.keep_partial_parse_state(invocation)  # nothing to keep: no error, no file
    assert not (project / "target" / dbt.PARTIAL_PARSE_FILE).exists()
    (invocation / dbt.PARTIAL_PARSE_FILE).write_bytes(b"state of run 1")
    dbt.keep_partial_parse_state(invocation)
    assert (project / "target" / dbt.PARTIAL_PARSE_FILE).read_bytes() == b"state of run 1"
    assert [p.name for p in (project / "target").iterdir() if p.is_file()] == [
        dbt.PARTIAL_PARSE_FILE
    ]
