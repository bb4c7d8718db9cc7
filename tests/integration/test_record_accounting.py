"""The dbt test that accounts for every raw record fails when a record is lost or invented.

Runs the singular test with real dbt on a copy of the January run's warehouse, after removing
one valid mutation's outcome and planting a quarantine row for a record that does not exist.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import duckdb

from orchestration.dbt_parse import dbt_executable
from seh_stops import settings

TEST_NAME = "assert_every_current_raw_record_is_accounted_for"


def run_accounting_test(warehouse, tmp_path) -> tuple[int, str, int]:
    """dbt's exit code, its output and the number of failing rows it reports."""
    target = tmp_path / "target"
    result = subprocess.run(
        [
            dbt_executable(),
            "test",
            "--select",
            TEST_NAME,
            "--profiles-dir",
            str(settings.DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env={**os.environ, settings.WAREHOUSE_PATH_ENV: str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    failures = sum(r["failures"] or 0 for r in results)
    return result.returncode, result.stdout + result.stderr, failures


def test_a_lost_and_an_invented_record_fail_the_accounting_test(january_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(january_run.warehouse, warehouse)

    code, output, failures = run_accounting_test(warehouse, tmp_path / "intact")
    assert code == 0 and failures == 0, output

    with duckdb.connect(str(warehouse)) as con:
        lost = con.execute(
            """
            select versie_id, bestand, recordnummer
            from intermediate.int_statusmutaties_gevalideerd
            where is_geldig
            order by versie_id, recordnummer
            limit 1
            """
        ).fetchall()[0]
        con.execute(
            """
            delete from intermediate.int_statusmutaties_gevalideerd
            where versie_id = ? and bestand = ? and recordnummer = ?
            """,
            list(lost),
        )
        con.execute(
            """
            insert into marts.dq_quarantaine by name
            select * replace (recordnummer + 1000000 as recordnummer)
            from marts.dq_quarantaine
            limit 1
            """
        )

    code, output, failures = run_accounting_test(warehouse, tmp_path / "tampered")
    assert code != 0, output
    assert f"FAIL 2 {TEST_NAME}" in output, output
    assert failures == 2
