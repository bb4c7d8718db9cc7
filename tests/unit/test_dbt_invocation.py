"""How the transform job calls dbt: unit tests only where asked, partial parsing kept."""

from __future__ import annotations

from orchestration import dbt_parse
from orchestration.assets.transform import UNIT_TESTS_ENV, build_args
from seh_stops import settings


def test_dbt_unit_tests_run_only_when_asked(monkeypatch):
    monkeypatch.delenv(UNIT_TESTS_ENV, raising=False)
    assert build_args() == ["build", "--exclude-resource-type", "unit_test"]
    monkeypatch.setenv(UNIT_TESTS_ENV, "1")
    assert build_args() == ["build"]


def test_the_partial_parse_state_of_a_build_is_kept_in_its_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path / "data"))
    first = dbt_parse.invocation_target_path("run-1-of-the-data-dir")
    assert first.parent == tmp_path / "data" / dbt_parse.DBT_STATE_FOLDER
    assert list(first.iterdir()) == []  # no state yet: nothing to seed it with
    dbt_parse.keep_partial_parse_state(first)  # nothing to keep: no error, no file
    assert not dbt_parse.parse_state_path().exists()
    (first / dbt_parse.PARTIAL_PARSE_FILE).write_bytes(b"state of run 1")
    dbt_parse.keep_partial_parse_state(first)
    assert dbt_parse.parse_state_path().read_bytes() == b"state of run 1"
    second = dbt_parse.invocation_target_path("run-2-of-the-data-dir")
    assert second != first
    assert (second / dbt_parse.PARTIAL_PARSE_FILE).read_bytes() == b"state of run 1"
