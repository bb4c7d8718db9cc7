"""The monthly delivery of the simulated January 2023, through Dagster, on the session's run.

The delivery location is the run's ``<data dir>/levering``; the schedule tests that must see
nothing delivered point ``SEH_DELIVERY_DIR`` at an empty folder instead.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from cli.main import main
from seh_stops import settings
from seh_stops.delivery.folders import DELIVERY_DIR_ENV
from tests.deliveries import (
    deliver,
    delivered_texts,
    failure,
    folder_bytes,
    identifying_values,
    metadata,
    schedule_requests,
)
from tests.integration.test_january_2023 import APPENDIX, NOT_REGISTERING
from tests.offline_browser import needs_chromium, offline_browser

MANIFEST_KEYS = ["maand", "revisie", "gegenereerd_op", "exportdagen", "bestanden"]


@pytest.fixture(scope="module")
def january(january_run):
    """January 2023 delivered once, judged on the day after its grace period."""
    settings.use_data_dir(january_run.data_dir)
    result = deliver("2023-01", peildatum="2023-02-04")
    assert result.success, failure(result)
    return january_run.data_dir / "levering" / "2023-01" / "revisie-1"


def test_the_january_delivery_equals_the_appendix_table(january):
    lines = (january / "seh_stops_2023-01.csv").read_bytes().decode("utf-8").split("\n")
    expected = [
        f"2023-01;{regio};volledig;{locaties};{stops};{minuten};1"
        for regio, (locaties, stops, minuten) in APPENDIX.items()
    ] + [f"2023-01;{regio};niet_geregistreerd;{n};;;1" for regio, n in NOT_REGISTERING.items()]
    assert lines == [
        "maand;roaz_regio;registratiestatus;aantal_seh_locaties;aantal_stops;"
        "totale_duur_minuten;revisie",
        *expected,
        "",
    ]


def test_the_manifest_has_the_section_7_keys_and_describes_every_file(january):
    manifest = json.loads((january / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest) == MANIFEST_KEYS  # no wijzigingen in revision 1
    assert (manifest["maand"], manifest["revisie"]) == ("2023-01", 1)
    datetime.fromisoformat(manifest["gegenereerd_op"])
    days = [entry["exportdatum"] for entry in manifest["exportdagen"]]
    first = date(2023, 1, 1)
    assert days == [str(first + timedelta(days=n)) for n in range(34)]  # Jan 1 .. Feb 3
    assert manifest["exportdagen"][0]["gegenereerd_op"] == "2023-01-02T02:30:00+01:00"
    files = {path.name for path in january.iterdir()} - {"manifest.json"}
    assert (
        {entry["naam"] for entry in manifest["bestanden"]}
        == files
        == {
            "seh_stops_2023-01.csv",
            "seh_stops_2023-01.xlsx",
            "seh_stops_2023-01.html",
            "vergelijking_2023-01.csv",  # specification, section 9.3: in every revision folder
        }
    )
    for entry in manifest["bestanden"]:
        data = (january / entry["naam"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["rijen"] == 10


def test_the_companions_show_the_table_status_and_normalised_figures(january):
    html = (january / "seh_stops_2023-01.html").read_text(encoding="utf-8")
    assert "SEH-stops per ROAZ-regio, januari 2023" in html
    assert '<td class="volledig">16485</td>' in html
    assert "59,08" in html and "4,10 %" in html  # Noord: 16485 / (9 x 31); 16485 / (9 x 744 h)
    assert html.count("(niet geregistreerd)") == 3 and "<svg" in html
    workbook = load_workbook(january / "seh_stops_2023-01.xlsx")
    assert workbook.sheetnames == ["Tabel", "Gegevens", "Vergelijking"]
    data = list(workbook["Gegevens"].iter_rows(values_only=True))
    assert data[1][:7] == ("2023-01", "Noord", "volledig", 9, 155, 16485, 1)
    assert data[-1][:7] == ("2023-01", "Limburg", "niet_geregistreerd", 6, None, None, 1)


@needs_chromium
def test_the_report_reads_in_chromium_offline_with_its_chart_and_text_alternative(january):
    with offline_browser(1080, 1100) as (context, refused):
        page = context.new_page()
        page.goto((january / "seh_stops_2023-01.html").as_uri(), wait_until="load")
        table = page.locator("table").first
        regions = table.locator("thead th[scope=col]").all_inner_texts()
        stops = table.locator("tr", has=page.locator("th", has_text="Aantal stops")).first
        shown_stops = stops.locator("td").all_inner_texts()
        chart = page.get_by_role("img", name="Verloop over twaalf maanden, feb '22 t/m jan '23")
        chart_box = chart.bounding_box()
        description = chart.get_attribute("aria-describedby")
        described = page.locator(f"[id='{description}']").text_content()
        points = page.locator("svg g[id^=verloop-punt] > title").all_text_contents()
        hidden = page.locator(".alleen-voorlezen").bounding_box()

    assert refused == []
    rows = [
        line.split(";") for line in (january / "seh_stops_2023-01.csv").read_text().splitlines()
    ]
    assert regions == [row[1] for row in rows[1:]]
    assert shown_stops == [row[4] or "-" for row in rows[1:]]
    assert chart_box["width"] > 900 and chart_box["height"] > 250
    assert "Geen cijfers in deze twaalf maanden: Euregio, Brabant, Limburg." in described
    # a point per region and month with figures in either panel, each saying what it is
    assert "Noord, jan '23: 155" in points and "Noord, jan '23: 16485" in points
    assert not any(point.startswith("Euregio") for point in points)
    assert hidden["width"] <= 1 and hidden["height"] <= 1  # for screen readers only


def test_a_rerun_with_no_new_data_makes_no_revision(january):
    before = folder_bytes(january)
    result = deliver("2023-01", peildatum="2023-02-05")
    assert result.success, failure(result)
    assert metadata(result)["nieuwe_revisie"] is False
    assert metadata(result)["revisie"] == 1
    assert [p.name for p in january.parent.iterdir()] == ["revisie-1"]
    assert folder_bytes(january) == before


def test_an_incomplete_month_is_refused(january_run, january):
    result = deliver("2023-02", peildatum="2023-02-10")
    assert not result.success
    message = failure(result)
    assert "2023-02 is not due yet on 2023-02-10" in message
    assert "export days 2023-02-04 .. 2023-03-03 are not loaded" in message
    assert "--preliminary" in message
    assert not list((january_run.data_dir / "levering").glob("2023-02/revisie-*"))


def test_a_preliminary_delivery_cannot_be_taken_for_a_final_one(january_run, january):
    result = deliver("2023-02", peildatum="2023-02-10", voorlopig=True)
    assert result.success, failure(result)
    folder = january_run.data_dir / "levering" / "2023-02" / "voorlopig-1"
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        "seh_stops_2023-02_VOORLOPIG.csv",
        "seh_stops_2023-02_VOORLOPIG.html",
        "seh_stops_2023-02_VOORLOPIG.xlsx",
        "vergelijking_2023-02_VOORLOPIG.csv",
    ]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["revisie"], manifest["voorlopig"], manifest["volgnummer"]) == (0, True, 1)
    rows = (folder / "seh_stops_2023-02_VOORLOPIG.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1] == "2023-02;Noord;gedeeltelijk;9;15;1537;0"  # revisie 0: never final
    assert "VOORLOPIG" in (folder / "seh_stops_2023-02_VOORLOPIG.html").read_text(encoding="utf-8")
    # a due month is delivered as final, never as preliminary
    refused = deliver("2023-01", peildatum="2023-02-10", voorlopig=True)
    assert "deliver it as final" in failure(refused)


def test_no_delivered_file_identifies_a_location_or_hospital(january_run, january):
    deliver("2023-02", peildatum="2023-02-10", voorlopig=True)  # unchanged if already there
    texts = delivered_texts(january_run.data_dir / "levering")
    assert {path.rsplit(".", 1)[-1] for path in texts} == {"csv", "xlsx", "html", "json"}
    forbidden = identifying_values(january_run.warehouse)
    assert len(forbidden) > 200  # 83 ids, their names, the hospitals, the remarks
    leaks = {(path, value) for path, text in texts.items() for value in forbidden if value in text}
    assert leaks == set()


def test_the_schedule_picks_every_due_undelivered_month(january_run, tmp_path, monkeypatch):
    settings.use_data_dir(january_run.data_dir)
    monkeypatch.setenv(DELIVERY_DIR_ENV, str(tmp_path / "nothing-delivered"))
    # The run loaded 2022-12-31 .. 2023-02-03, what the warehouse holds on 4 February.
    # December is overdue (due from 4 January with what is there), January is complete.
    assert schedule_requests(datetime(2023, 2, 4, 7)) == [
        ("2022-12", "nieuw"),
        ("2023-01", "nieuw"),
    ]
    # February misses 4 .. 28 February and its grace days: due only from 4 March, then with
    # what is there
    assert schedule_requests(datetime(2023, 3, 3, 7)) == [
        ("2022-12", "nieuw"),
        ("2023-01", "nieuw"),
    ]
    assert schedule_requests(datetime(2023, 3, 4, 7)) == [
        ("2022-12", "nieuw"),
        ("2023-01", "nieuw"),
        ("2023-02", "nieuw"),
    ]


def test_the_schedule_skips_a_delivered_unchanged_month(january_run, january):
    settings.use_data_dir(january_run.data_dir)
    # February is not due (only 1-3 February loaded) and January is delivered, unchanged
    assert schedule_requests(datetime(2023, 2, 4, 7)) == [("2022-12", "nieuw")]


def test_the_cli_delivers_and_reports_the_delivered_csv(january_run, january, capsys, monkeypatch):
    _use_delivery_definitions(monkeypatch)
    data_dir = str(january_run.data_dir)
    assert main(["deliver", "--month", "2023-01", "--data-dir", data_dir]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(january)
    assert "figures unchanged, revision 1 stays the delivery" in captured.err
    assert main(["report", "--month", "2023-01", "--format", "csv", "--data-dir", data_dir]) == 0
    assert capsys.readouterr().out == (january / "seh_stops_2023-01.csv").read_text("utf-8")


def test_the_cli_explains_a_refusal(january_run, january, capsys, monkeypatch):
    _use_delivery_definitions(monkeypatch)
    month = f"{date.today():%Y-%m}"  # the current month is never complete yet
    assert main(["deliver", "--month", month, "--data-dir", str(january_run.data_dir)]) == 1
    error = capsys.readouterr().err
    assert f"{month} is not due yet" in error and "Traceback" not in error


def _use_delivery_definitions(monkeypatch) -> None:
    """The CLI resolves the ``deliver_month`` job from the code location's definitions."""
    from dagster import Definitions

    from cli import runner
    from orchestration.assets.delivery import ministry_delivery
    from orchestration.loggers import progress_logger
    from orchestration.resources import WarehouseResource
    from orchestration.resources.mail import AlertMailerResource
    from orchestration.schedules import ministry_delivery_schedule

    defs = Definitions(
        assets=[ministry_delivery],
        schedules=[ministry_delivery_schedule],
        loggers={"progress": progress_logger},
        resources={"warehouse": WarehouseResource(), "alert_mailer": AlertMailerResource()},
    )
    monkeypatch.setattr(runner, "_definitions", lambda: defs)
