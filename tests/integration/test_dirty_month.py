"""A realistic dirty January, end to end in one run: figures, quarantine, findings, one digest.

The simulated January of the shared clean run (same seed, same scale) gets, on some days,
several rows of each kind real feeds carry every week (``simulator.dirty``): a mutation
re-sent with a different status, an unknown status ``gesloten``, an ``ingang`` written
``2023-01-31 18:40``, a stoptype on an ``open``, a ``specialisme`` without its stop type, a
stop without a stop type, and rows filed a day late. One real ``seh-stops run`` (a
subprocess, with a real SMTP server on 127.0.0.1) must give the clean month's figures, every
added row quarantined with its reason and every late row kept with its finding, exactly one
digest to LNAZ, exit 0, and a line that says how many rows were quarantined and why.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from cli.main import DEMO_FIRST_DAY, DEMO_LAST_DAY, DEMO_MONTH
from seh_stops import settings
from seh_stops.delivery.month_figures import appendix_table, read_month
from simulator import simulate
from simulator.dirty import DIRTY_KINDS, DirtyRow, add_dirty_rows
from tests.conftest import DEMO_SEED, PipelineRun
from tests.killable_cli import cli_env
from tests.smtp_server import smtp_server

LNAZ = "kwaliteit@lnaz.nl"
# the finding each quarantine reason of the added rows is reported under
FINDING_OF = {
    "conflicting_duplicate": "mutatie_conflicterend_duplicaat",
    "invalid_value": "mutatie_veld_ongeldig",
    "missing_required_field": "mutatie_veld_ongeldig",
    "forbidden_field": "mutatie_verboden_veld",
}


@dataclass(frozen=True)
class DirtyRun:
    warehouse: Path
    added: list[DirtyRow]
    returncode: int
    output: str
    mails: list


@pytest.fixture(scope="module")
def dirty_run(tmp_path_factory) -> DirtyRun:
    root = tmp_path_factory.mktemp("dirty_month")
    exports, data_dir = root / "exports", root / "data"
    simulation = simulate(DEMO_FIRST_DAY, DEMO_LAST_DAY, exports, seed=DEMO_SEED)
    added = add_dirty_rows(exports, list(simulation.days_written), seed=DEMO_SEED)
    with smtp_server() as server:
        env = {
            **cli_env(),
            "SEH_SMTP_HOST": "127.0.0.1",
            "SEH_SMTP_PORT": str(server.port),
            "SEH_SMTP_STARTTLS": "nee",
            "SEH_ALERT_FROM": "seh-stops@lnaz.nl",
            "SEH_ALERT_TO_LNAZ": LNAZ,
        }
        for name in ("SEH_DQ_BLOCK_SHARE", "SEH_DQ_BLOCK_FLOOR"):  # the documented defaults
            env.pop(name, None)
        command = ["run", "--source", str(exports), "--data-dir", str(data_dir)]
        run = subprocess.run(
            [sys.executable, "-m", "cli.main", *command],
            cwd=settings.REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        mails = list(server.inbox.received)
    return DirtyRun(
        data_dir / "warehouse.duckdb", added, run.returncode, run.stderr + run.stdout, mails
    )


def read(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_month_has_every_kind_of_dirty_row_several_times_a_day(dirty_run):
    per_kind_day = Counter((row.kind, row.export_day) for row in dirty_run.added)
    assert {kind for kind, _ in per_kind_day} == set(DIRTY_KINDS)
    assert all(count >= 3 for count in per_kind_day.values())


def test_the_first_run_exits_0_and_says_what_was_quarantined_and_why(dirty_run):
    assert dirty_run.returncode == 0, dirty_run.output
    assert "1 with warnings" in dirty_run.output and " 0 failed" in dirty_run.output
    assert "check warns (see the findings): lpz_export_day: great_expectations" in (
        dirty_run.output
    )
    (line,) = [line for line in dirty_run.output.splitlines() if line.startswith("Quarantined ")]
    total = read(dirty_run.warehouse, "select count(*) from marts.dq_quarantaine")[0][0]
    assert line.startswith(f"Quarantined {total} row(s) of the 35 loaded export day(s): ")
    for reason, count in read(
        dirty_run.warehouse, "select reden, count(*) from marts.dq_quarantaine group by reden"
    ):
        assert f"{count} {reason}" in line
    (kept,) = read(
        dirty_run.warehouse,
        "select sum(aantal)::integer from marts.dq_bevindingen "
        "where soort = 'registratiedatum_afwijkend' and is_open",
    )[0]
    assert kept >= sum(row.reason is None for row in dirty_run.added) > 0
    assert f"; {kept} mutation(s) kept with a finding" in line


def test_the_figures_are_those_of_the_clean_month(dirty_run, january_run: PipelineRun):
    episodes = (
        "select episode_id, locatie_id, begin_at, einde_at, duur_seconden "
        "from marts.fct_stop_episodes order by episode_id"
    )
    assert read(dirty_run.warehouse, episodes) == read(january_run.warehouse, episodes)
    month = "select * from marts.agg_seh_stops_regio_maand order by maand, volgorde"
    assert read(dirty_run.warehouse, month) == read(january_run.warehouse, month)
    clean_table = appendix_table(read_month(january_run.warehouse, DEMO_MONTH))
    assert appendix_table(read_month(dirty_run.warehouse, DEMO_MONTH)) == clean_table


def test_every_added_row_is_quarantined_with_its_reason(dirty_run, january_run: PipelineRun):
    rows = "select export_datum, mutatie_id, reden from marts.dq_quarantaine"
    extra = Counter(read(dirty_run.warehouse, rows)) - Counter(read(january_run.warehouse, rows))
    expected = Counter(
        (row.export_day, row.mutatie_id, row.reason) for row in dirty_run.added if row.reason
    )
    assert extra == expected
    assert Counter(read(january_run.warehouse, rows)) <= Counter(read(dirty_run.warehouse, rows))


def test_the_findings_are_the_clean_months_plus_the_added_rows(dirty_run, january_run: PipelineRun):
    findings = (
        "select soort, export_datum, sum(aantal)::integer from marts.dq_bevindingen "
        "where is_open and export_datum is not null group by all"
    )
    clean = Counter({(kind, day): n for kind, day, n in read(january_run.warehouse, findings)})
    dirty = Counter({(kind, day): n for kind, day, n in read(dirty_run.warehouse, findings)})
    expected = Counter(
        (FINDING_OF[row.reason] if row.reason else "registratiedatum_afwijkend", row.export_day)
        for row in dirty_run.added
    )
    assert dirty - clean == expected
    assert clean - dirty == Counter()


def test_lnaz_gets_one_digest_that_names_the_dirty_days(dirty_run):
    to_lnaz = [mail for mail in dirty_run.mails if LNAZ in mail.rcpt_tos]
    assert len(to_lnaz) == 1, [mail.message["Subject"] for mail in dirty_run.mails]
    text = " ".join(to_lnaz[0].text.split())
    for day in {row.export_day for row in dirty_run.added if row.export_day.month == 1}:
        assert f"exportdag {day.day} januari 2023" in text, day
