"""The project's ``not_null_columns`` test (dbt_project/tests/generic/not_null_columns.sql) with
real dbt on a real warehouse: it counts every NULL of the columns it lists, as one ``not_null``
test per column did, and nothing of the columns it does not list."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb

from orchestration.dbt_parse import dbt_executable
from seh_stops.settings import DBT_PROJECT_DIR

TAMPERED = "not_null_columns_fct_stop_episodes"
UNTOUCHED = "not_null_columns_dq_quarantaine"


def _dbt_test(warehouse: Path, target: Path, *tests: str) -> dict[str, dict]:
    """The run results of ``dbt test --select TESTS`` on ``warehouse``, by test name."""
    done = subprocess.run(
        [dbt_executable(), "test", "--select", *tests, "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        env={
            **os.environ,
            "SEH_WAREHOUSE_PATH": str(warehouse),
            "DBT_TARGET_PATH": str(target),
            "DBT_LOG_PATH": str(target),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    # dbt exits 1 when a test fails: the results say which
    assert done.returncode in (0, 1), done.stdout + done.stderr
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    return {result["unique_id"].split(".")[2]: result for result in results}


def test_every_null_of_a_listed_column_counts_and_no_other(reference_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(reference_run.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        rows = con.execute("select count(*) from marts.fct_stop_episodes").fetchall()[0][0]
        assert rows >= 2, "the reference run has episodes to tamper with"
        # two listed columns: 2 NULLs in one, 1 in the other; afspraak_geldig_vanaf is not listed
        con.execute(
            """
            update marts.fct_stop_episodes set
                locatie_id = case when rn <= 2 then null else locatie_id end,
                duur_seconden = case when rn = 1 then null else duur_seconden end,
                afspraak_geldig_vanaf = null
            from (
                select episode_id as id, row_number() over (order by episode_id) as rn
                from marts.fct_stop_episodes
            ) as numbered
            where episode_id = numbered.id
            """
        )
    finally:
        con.close()

    results = _dbt_test(warehouse, tmp_path / "target", TAMPERED, UNTOUCHED)

    assert results[TAMPERED]["status"] == "fail"
    assert results[TAMPERED]["failures"] == 3
    assert results[UNTOUCHED]["status"] == "pass"
    assert results[UNTOUCHED]["failures"] == 0
