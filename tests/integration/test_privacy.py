"""Free text from the raw layer (``toelichting``: it may name staff) goes nowhere else.

On a copy of the simulated January run, every ``toelichting`` value the LPZ sent is searched
for in every table outside the raw schema, in the LNAZ digest as a real SMTP server receives
it, in every delivered and every published file (the quarterly publication's CSV, page and
manifest, which must not name a location or a hospital either), in the Dagster instance's
stores (run metadata, event logs), in the dbt log and in the GX Data Docs. Each value is
searched as written and in the escaped forms JSON and HTML give it.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from seh_stops import settings
from seh_stops.alerts import SmtpSettings, send_lnaz_digest
from tests.deliveries import deliver, delivered_texts, identifying_values, publish
from tests.smtp_server import smtp_server


def forms(value: str) -> set[str]:
    """A value as written, and as JSON and HTML escape it (the standard library writes an
    apostrophe as ``&#x27;``, Jinja2's autoescape as ``&#39;``)."""
    escaped = html.escape(value)
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]} | {
        escaped,
        escaped.replace("&#x27;", "&#39;"),
    }


@pytest.fixture(scope="module")
def copied_run(january_run, tmp_path_factory):
    """The January data dir, copied, with a delivery, two publications (the fourth quarter of
    2022, due, and the first of 2023 as a preliminary) and an LNAZ digest made from it."""
    data_dir = tmp_path_factory.mktemp("privacy") / "data"
    shutil.copytree(january_run.data_dir, data_dir, ignore=shutil.ignore_patterns("exports"))
    with pytest.MonkeyPatch.context() as env:
        for variable in ("SEH_DATA_DIR", "SEH_WAREHOUSE_PATH"):
            env.setenv(variable, "")  # restored afterwards: use_data_dir sets them
        settings.use_data_dir(data_dir)
        con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
        try:
            remarks = {
                row[0]
                for row in con.execute(
                    "select distinct toelichting from raw.seh_statusmutaties "
                    "where toelichting <> ''"
                ).fetchall()
            }
        finally:
            con.close()
        assert deliver("2023-01", peildatum="2023-02-04").success
        assert publish("2022-Q4", peildatum="2023-02-04").success
        assert publish("2023-Q1", peildatum="2023-02-04", voorlopig=True).success
        with smtp_server() as server:
            smtp = SmtpSettings.from_env(
                {
                    "SEH_SMTP_HOST": "127.0.0.1",
                    "SEH_SMTP_PORT": str(server.port),
                    "SEH_SMTP_STARTTLS": "nee",
                    "SEH_ALERT_FROM": "seh-stops@lnaz.nl",
                    "SEH_ALERT_TO_LNAZ": "kwaliteit@lnaz.nl",
                }
            )
            with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
                con.execute("set TimeZone = 'UTC'")
                assert send_lnaz_digest(con, smtp).status == "verzonden"
            mails = [mail.message.as_string() for mail in server.inbox.received]
        yield {"data_dir": data_dir, "remarks": remarks, "mails": mails}


def leaks(texts: dict[str, str], remarks: set[str]) -> list[tuple[str, str]]:
    return [
        (where, remark)
        for where, text in texts.items()
        for remark in remarks
        if any(form in text for form in forms(remark))
    ]


def test_the_simulated_month_has_free_text_to_look_for(copied_run):
    remarks = copied_run["remarks"]
    assert len(remarks) >= 5
    assert any("\n" in remark for remark in remarks) and any('"' in remark for remark in remarks)


def test_no_table_outside_raw_holds_free_text(copied_run):
    con = duckdb.connect(str(copied_run["data_dir"] / "warehouse.duckdb"), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema <> 'raw' or table_name = 'seh_statusmutaties' order by all"
        ).fetchall()
        assert {schema for schema, _ in tables} >= {"marts", "staging", "intermediate", "alerts"}
        texts = {
            f"{schema}.{table}": "\n".join(
                row[0]
                for row in con.execute(
                    f'select t::varchar from "{schema}"."{table}" as t'
                ).fetchall()
            )
            for schema, table in tables
        }
    finally:
        con.close()
    raw = texts.pop("raw.seh_statusmutaties")
    # the search finds every remark where it belongs, so it would find a leak
    assert {remark for _, remark in leaks({"raw": raw}, copied_run["remarks"])} == (
        copied_run["remarks"]
    )
    assert leaks(texts, copied_run["remarks"]) == []


def test_no_alert_or_delivery_holds_free_text(copied_run):
    assert copied_run["mails"], "the digest was sent"
    mails = {f"mail {number}": text for number, text in enumerate(copied_run["mails"])}
    delivered = delivered_texts(copied_run["data_dir"] / "levering")
    assert any(name.endswith(".csv") for name in delivered)
    # the comparison file of specification, section 9.3 is searched like every other file
    assert any(name.endswith("vergelijking_2023-01.csv") for name in delivered)
    published = delivered_texts(copied_run["data_dir"] / "publicatie")
    assert len(published) == 6  # CSV, page and manifest of two quarters
    assert leaks(mails | delivered | published, copied_run["remarks"]) == []


def test_no_published_file_names_a_location_or_a_hospital(copied_run):
    forbidden = identifying_values(copied_run["data_dir"] / "warehouse.duckdb")
    published = delivered_texts(copied_run["data_dir"] / "publicatie")
    assert {Path(name).suffix for name in published} == {".csv", ".html", ".json"}
    found = [
        (name, value) for name, text in published.items() for value in forbidden if value in text
    ]
    assert found == []


def test_no_run_metadata_event_log_dbt_log_or_data_docs_holds_free_text(copied_run):
    data_dir: Path = copied_run["data_dir"]
    files = [
        path
        for folder in ("dagster_home", "logs", "gx")
        for path in (data_dir / folder).rglob("*")
        if path.is_file()
    ]
    assert any(path.suffix == ".db" for path in files), "the Dagster instance's stores"
    assert any(path.suffix == ".html" for path in files), "the GX Data Docs"
    texts = {str(path): path.read_bytes().decode("utf-8", errors="replace") for path in files}
    assert leaks(texts, copied_run["remarks"]) == []
