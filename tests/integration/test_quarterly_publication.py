"""LNAZ's quarterly publication (specification, section 10) on a simulated first quarter of 2023.

One shared run for the module: simulate 2022-12-31 .. 2023-04-03 (the quarter and the grace
days of March), run the pipeline, publish 2023-Q1 through Dagster, publish it again unchanged;
then the LPZ republishes 20 January with one extra one-hour stop in Oost (a late mutation), the
pipeline runs again, the daily publication schedule is evaluated and the quarter is published
twice more (the first mailed to LNAZ through a real SMTP server on 127.0.0.1). A quarter that is
not due is refused, and published as a marked preliminary. The tests only read what that made.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from datetime import date, datetime

import duckdb
import pytest

from cli.main import main
from cli.runner import run_pipeline
from seh_stops.delivery.quarter_figures import QUARTER_COLUMNS
from simulator import simulate
from tests.conftest import DEMO_SEED
from tests.deliveries import (
    CORRECTED_DAY,
    delivered_texts,
    failure,
    folder_bytes,
    free_oost_location,
    identifying_values,
    metadata,
    publish,
    republish_with_late_stop,
    schedule_requests,
    using_data_dir,
)
from tests.offline_browser import needs_chromium, offline_browser
from tests.smtp_server import smtp_server

QUARTER = "2023-Q1"
MONTHS = ("2023-01", "2023-02", "2023-03")
LNAZ = "publicatie@lnaz.nl"


def report_csv(quarter: str = QUARTER) -> str:
    """What ``seh-stops report --quarter Q --format csv`` prints (the real command)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["report", "--quarter", quarter, "--format", "csv"]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    with using_data_dir(tmp_path_factory.mktemp("quarter") / "data") as data_dir:
        exports = data_dir / "exports"
        root = data_dir / "publicatie"
        simulate(date(2022, 12, 31), date(2023, 4, 3), exports, seed=DEMO_SEED)
        run_pipeline(str(exports), progress=lambda message: None)
        before_publication = report_csv()
        first = publish(QUARTER, peildatum="2023-04-04")
        assert first.success, failure(first)
        after_publication = report_csv()
        revision_1 = root / QUARTER / "revisie-1"
        bytes_1 = folder_bytes(revision_1)
        unchanged = publish(QUARTER, peildatum="2023-04-05")
        folders_after_rerun = sorted(path.name for path in (root / QUARTER).iterdir())

        republish_with_late_stop(exports, free_oost_location(data_dir / "warehouse.duckdb"))
        run_pipeline(str(exports), progress=lambda message: None)
        requests = schedule_requests(datetime(2023, 4, 6, 7), quarters=True)
        changed_report = report_csv()
        with pytest.MonkeyPatch.context() as env, smtp_server() as server:
            env.setenv("SEH_SMTP_HOST", "127.0.0.1")
            env.setenv("SEH_SMTP_PORT", str(server.port))
            env.setenv("SEH_SMTP_STARTTLS", "nee")
            env.setenv("SEH_ALERT_FROM", "seh-stops@lnaz.nl")
            env.setenv("SEH_PUBLICATION_TO", LNAZ)
            second = publish(QUARTER, peildatum="2023-04-06")
            third = publish(QUARTER, peildatum="2023-04-07")
        not_due = publish("2023-Q2", peildatum="2023-04-06")
        preliminary = publish("2023-Q2", peildatum="2023-04-06", voorlopig=True)
        yield {
            "data_dir": data_dir,
            "root": root,
            "before_publication": before_publication,
            "after_publication": after_publication,
            "first": first,
            "revision_1": revision_1,
            "bytes_1": bytes_1,
            "unchanged": unchanged,
            "folders_after_rerun": folders_after_rerun,
            "requests": requests,
            "changed_report": changed_report,
            "second": second,
            "third": third,
            "inbox": server.inbox,
            "not_due": not_due,
            "preliminary": preliminary,
        }


def _rows(con: duckdb.DuckDBPyConnection, sql: str, *parameters) -> list[dict]:
    cursor = con.execute(sql, list(parameters))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_the_quarter_is_its_three_months_with_the_minutes_rounded_once(quarter):
    con = duckdb.connect(str(quarter["data_dir"] / "warehouse.duckdb"), read_only=True)
    try:
        quarters = _rows(
            con, "select * from marts.agg_seh_stops_regio_kwartaal where kwartaal = ?", QUARTER
        )
        months = _rows(
            con,
            "select m.maand, m.roaz_regio, m.registratiestatus, m.aantal_stops, "
            "m.totale_duur_seconden, m.totale_duur_minuten, v.aantal_stops_referentie, "
            "v.totale_duur_seconden_referentie "
            "from marts.agg_seh_stops_regio_maand m join marts.agg_seh_stops_vergelijking_maand "
            "v using (maand, roaz_regio) where maand in (?, ?, ?)",
            *MONTHS,
        )
    finally:
        con.close()
    assert len(quarters) == 10 and len(months) == 30
    rounded_sums_differ = False
    for row in quarters:
        own = [month for month in months if month["roaz_regio"] == row["roaz_regio"]]
        statuses = {month["registratiestatus"] for month in own}
        expected_status = (
            next(iter(statuses))
            if statuses in ({"volledig"}, {"niet_geregistreerd"})
            else "gedeeltelijk"
        )
        assert row["registratiestatus"] == expected_status, row
        if expected_status == "niet_geregistreerd":
            assert row["aantal_stops"] is None and row["totale_duur_minuten"] is None
            assert row["aantal_stops_referentie"] is None
            continue
        assert row["aantal_stops"] == sum(month["aantal_stops"] for month in own)
        seconds = sum(month["totale_duur_seconden"] for month in own)
        assert row["totale_duur_minuten"] == (seconds + 30) // 60
        assert row["aantal_stops_referentie"] == sum(m["aantal_stops_referentie"] for m in own)
        reference = sum(month["totale_duur_seconden_referentie"] for month in own)
        assert row["totale_duur_minuten_referentie"] == (reference + 30) // 60
        rounded_months = sum(month["totale_duur_minuten"] for month in own)
        rounded_sums_differ |= rounded_months != row["totale_duur_minuten"]
    # the simulated quarter has a region where rounding each month would give another figure
    assert rounded_sums_differ
    assert any(row["registratiestatus"] == "volledig" for row in quarters)


def test_the_published_csv_is_what_report_prints(quarter):
    published = (quarter["revision_1"] / "seh_stops_2023-Q1.csv").read_text(encoding="utf-8")
    assert quarter["after_publication"] == published
    # never published before: the figures computed now, numbered as the first revision
    assert quarter["before_publication"] == published


def test_the_csv_has_the_section_10_form(quarter):
    data = quarter["bytes_1"]["seh_stops_2023-Q1.csv"]
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == ";".join(QUARTER_COLUMNS)
    rows = [line.split(";") for line in lines[1:]]
    assert [row[1] for row in rows][:3] == ["Noord", "Noord-Holland/Flevoland", "Midden"]
    assert len(rows) == 10 and all(row[0] == QUARTER and row[-1] == "1" for row in rows)
    for row in rows:
        figures = row[4:8]
        if row[2] == "niet_geregistreerd":
            assert figures == ["", "", "", ""]
        else:
            assert all(re.fullmatch(r"\d+", value) for value in figures), row


def test_the_manifest_names_the_quarter_and_hashes_every_file(quarter):
    files = quarter["bytes_1"]
    assert sorted(files) == ["manifest.json", "seh_stops_2023-Q1.csv", "seh_stops_2023-Q1.html"]
    manifest = json.loads(files["manifest.json"])
    assert list(manifest) == ["kwartaal", "revisie", "gegenereerd_op", "exportdagen", "bestanden"]
    assert manifest["kwartaal"] == QUARTER and manifest["revisie"] == 1
    days = [entry["exportdatum"] for entry in manifest["exportdagen"]]
    assert days[0] == "2023-01-01" and days[-1] == "2023-04-03"
    for entry in manifest["bestanden"]:
        assert entry["sha256"] == hashlib.sha256(files[entry["naam"]]).hexdigest()
        assert entry["rijen"] == 10


def test_unchanged_figures_make_no_revision(quarter):
    assert quarter["unchanged"].success
    assert metadata(quarter["unchanged"])["nieuwe_revisie"] is False
    assert quarter["folders_after_rerun"] == ["revisie-1"]


def test_a_late_mutation_makes_revision_2_beside_an_untouched_revision_1(quarter):
    # the schedule asks for the changed quarter (and for the never published 2022-Q4)
    assert quarter["requests"] == [("2022-Q4", "nieuw"), (QUARTER, "gewijzigd")]
    second = quarter["second"]
    assert second.success, failure(second)
    assert metadata(second)["gewijzigde_regios"] == ["Oost"]
    revision_2 = quarter["root"] / QUARTER / "revisie-2"
    manifest = json.loads((revision_2 / "manifest.json").read_text(encoding="utf-8"))
    [change] = manifest["wijzigingen"]
    assert change["roaz_regio"] == "Oost"
    old, new = change["oud"], change["nieuw"]
    assert new["aantal_stops"] == old["aantal_stops"] + 1
    assert new["totale_duur_minuten"] == old["totale_duur_minuten"] + 60
    assert new["aantal_stops_referentie"] == old["aantal_stops_referentie"] + 1
    corrected = next(d for d in manifest["exportdagen"] if d["exportdatum"] == CORRECTED_DAY)
    assert corrected["gegenereerd_op"] == "2023-02-06T09:15:00+01:00"
    assert folder_bytes(quarter["revision_1"]) == quarter["bytes_1"]
    published = (revision_2 / "seh_stops_2023-Q1.csv").read_text(encoding="utf-8")
    assert quarter["changed_report"] == published  # report numbers it as the next revision
    assert all(line.endswith(";2") for line in published.splitlines()[1:])
    page = (revision_2 / "seh_stops_2023-Q1.html").read_text(encoding="utf-8")
    assert "Gewijzigd ten opzichte van revisie 1" in page


def test_the_new_revision_is_mailed_to_lnaz(quarter):
    [mail] = quarter["inbox"].received
    assert mail.rcpt_tos == [LNAZ]
    text = mail.text
    assert mail.message["Subject"] == "SEH-stops kwartaalpublicatie 2023-Q1: revisie 2"
    assert "Oost:" in text and "revisie 2, naast revisie 1" in text
    assert str(quarter["root"] / QUARTER / "revisie-2") in text


def test_a_rerun_without_new_data_publishes_nothing(quarter):
    assert quarter["third"].success
    assert metadata(quarter["third"])["nieuwe_revisie"] is False
    assert sorted(p.name for p in (quarter["root"] / QUARTER).iterdir()) == [
        "revisie-1",
        "revisie-2",
    ]


def test_a_quarter_not_due_is_refused_unless_marked_preliminary(quarter):
    assert not quarter["not_due"].success
    assert "2023-Q2 is not due yet on 2023-04-06" in failure(quarter["not_due"])
    assert "--preliminary" in failure(quarter["not_due"])
    assert quarter["preliminary"].success, failure(quarter["preliminary"])
    folder = quarter["root"] / "2023-Q2"
    assert sorted(p.name for p in folder.iterdir()) == ["voorlopig-1"]
    files = folder_bytes(folder / "voorlopig-1")
    assert sorted(files) == [
        "manifest.json",
        "seh_stops_2023-Q2_VOORLOPIG.csv",
        "seh_stops_2023-Q2_VOORLOPIG.html",
    ]
    manifest = json.loads(files["manifest.json"])
    assert manifest["revisie"] == 0 and manifest["voorlopig"] is True
    csv_lines = files["seh_stops_2023-Q2_VOORLOPIG.csv"].decode().splitlines()[1:]
    assert all(line.endswith(";0") for line in csv_lines)
    assert "VOORLOPIG" in files["seh_stops_2023-Q2_VOORLOPIG.html"].decode()


def test_no_published_file_names_a_location_or_hospital(quarter):
    forbidden = identifying_values(quarter["data_dir"] / "warehouse.duckdb")
    published = delivered_texts(quarter["root"])
    assert len(published) == 9  # three files in each of three folders
    leaks = [
        (name, value) for name, text in published.items() for value in forbidden if value in text
    ]
    assert leaks == []


def test_the_page_is_one_self_contained_file(quarter):
    page = (quarter["root"] / QUARTER / "revisie-2" / "seh_stops_2023-Q1.html").read_text()
    assert "<script" not in page and "<img" not in page and "@font-face" not in page
    assert "<link" not in page and "url(http" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert '<th scope="col">' in page and '<th scope="row">' in page and "<caption>" in page
    assert (
        '<svg role="img" aria-labelledby="kwartalen-title" aria-describedby="kwartalen-desc"'
        in page
    )


@needs_chromium
def test_the_page_in_chromium_shows_the_csv_figures_and_the_chart_offline(quarter):
    folder = quarter["root"] / QUARTER / "revisie-2"
    with offline_browser(1300, 1000) as (context, refused):
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto((folder / "seh_stops_2023-Q1.html").as_uri(), wait_until="load")
        table = page.evaluate(
            """() => {
                const table = document.querySelector('#kwartaalcijfers');
                const regions = [...table.querySelectorAll('thead th')].slice(1)
                    .map(th => th.textContent.trim());
                const lines = {};
                for (const tr of table.querySelectorAll('tbody tr')) {
                    lines[tr.dataset.kolom] = [...tr.querySelectorAll('td')]
                        .map(td => td.textContent.trim());
                }
                return {regions, lines};
            }"""
        )
        chart = page.evaluate(
            """() => {
                const svg = document.querySelector('figure svg');
                const box = svg.getBoundingClientRect();
                return {title: svg.querySelector('title').textContent,
                        desc: svg.querySelector('desc').textContent,
                        lines: svg.querySelectorAll('path').length,
                        width: box.width, height: box.height};
            }"""
        )
        chart_columns = page.locator("#grafiekcijfers thead th").count()

    assert refused == [] and requests == [(folder / "seh_stops_2023-Q1.html").as_uri()]
    csv_rows = (folder / "seh_stops_2023-Q1.csv").read_text(encoding="utf-8").splitlines()
    rows = [dict(zip(QUARTER_COLUMNS, line.split(";"), strict=True)) for line in csv_rows[1:]]
    assert table["regions"] == [row["roaz_regio"] for row in rows]
    for column in QUARTER_COLUMNS[3:8]:
        shown = [value.replace("-", "") for value in table["lines"][column]]
        assert shown == [row[column] for row in rows], column
    statuses = [value.replace(" ", "_") for value in table["lines"]["registratiestatus"]]
    assert statuses == [row["registratiestatus"] for row in rows]
    assert "2021-Q2 tot en met 2023-Q1" in chart["title"]
    assert "tabel onder de grafiek" in chart["desc"]
    assert chart["lines"] > 10 and chart["width"] > 500 and chart["height"] > 200
    assert chart_columns == 9  # the region column and the eight quarters
