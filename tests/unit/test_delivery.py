"""The delivery library without a warehouse: due dates, comparison, atomic folders, texts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from seh_stops.delivery.due import due_status, grace_days, month_days, twelve_months
from seh_stops.delivery.folders import RevisionExists, latest_revision, write_folder
from seh_stops.delivery.mail import delivery_recipients, revision_mail
from seh_stops.delivery.month_figures import RegionMonth
from seh_stops.delivery.report_page import ReportContext, chart_series, explanation, report_html
from seh_stops.delivery.table import changes, delivery_csv
from seh_stops.dutch import day_list, month_label


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


JANUARY_AND_GRACE = days(date(2023, 1, 1), date(2023, 2, 3))


def test_a_month_is_due_once_its_days_and_grace_days_are_loaded():
    status = due_status("2023-01", JANUARY_AND_GRACE, today=date(2023, 2, 2), grace=3)
    assert status.complete and status.due


def test_a_month_with_a_missing_day_waits_until_the_day_after_the_grace_period():
    loaded = [day for day in JANUARY_AND_GRACE if day != date(2023, 1, 11)]
    assert not due_status("2023-01", loaded, today=date(2023, 2, 3), grace=3).due
    status = due_status("2023-01", loaded, today=date(2023, 2, 4), grace=3)
    assert status.due and not status.complete
    assert status.missing_days == (date(2023, 1, 11),)
    assert "delivered with what is loaded; missing export days: 2023-01-11" in status.explain()


def test_a_missing_grace_day_holds_the_month_back_too():
    status = due_status("2023-01", JANUARY_AND_GRACE[:-1], today=date(2023, 2, 3), grace=3)
    assert not status.due
    assert status.explain() == (
        "2023-01 is not due yet on 2023-02-03: export days 2023-02-03 are not loaded; it is due "
        "once they are, or at the latest on 2023-02-04"
    )


def test_the_grace_period_is_configurable(monkeypatch):
    assert grace_days() == 3
    monkeypatch.setenv("SEH_NALOOPTERMIJN_DAGEN", "5")
    assert grace_days() == 5
    status = due_status("2023-02", [], today=date(2023, 3, 5), grace=5)
    assert status.latest_due_date == date(2023, 3, 6) and not status.due
    monkeypatch.setenv("SEH_NALOOPTERMIJN_DAGEN", "drie")
    with pytest.raises(ValueError, match="not a number of days"):
        grace_days()


def test_months_and_their_days():
    assert len(month_days("2024-02")) == 29
    assert twelve_months("2023-01")[0] == "2022-02" and twelve_months("2023-01")[-1] == "2023-01"
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_days("2023-1")


def row(regio: str, status: str, stops: int | None, minuten: int | None) -> RegionMonth:
    return RegionMonth("2023-01", regio, status, 6, stops, minuten)


def test_changes_list_only_the_regions_whose_figures_or_status_differ():
    old = delivery_csv([row("Oost", "volledig", 14, 1389), row("West", "volledig", 45, 5410)], 1)
    new = delivery_csv([row("Oost", "volledig", 15, 1449), row("West", "volledig", 45, 5410)], 2)
    assert changes(old, new) == [
        {
            "roaz_regio": "Oost",
            "oud": {
                "registratiestatus": "volledig",
                "aantal_seh_locaties": 6,
                "aantal_stops": 14,
                "totale_duur_minuten": 1389,
            },
            "nieuw": {
                "registratiestatus": "volledig",
                "aantal_seh_locaties": 6,
                "aantal_stops": 15,
                "totale_duur_minuten": 1449,
            },
        }
    ]
    same_figures = [row("Oost", "volledig", 14, 1389), row("West", "volledig", 45, 5410)]
    assert changes(old, delivery_csv(same_figures, revisie=7)) == []  # revisie is not compared


def test_a_status_change_to_niet_geregistreerd_shows_empty_figures_as_null():
    old = delivery_csv([row("Oost", "gedeeltelijk", 0, 0)])
    new = delivery_csv([row("Oost", "niet_geregistreerd", None, None)])
    [change] = changes(old, new)
    assert change["nieuw"]["aantal_stops"] is None and change["oud"]["aantal_stops"] == 0


def test_a_folder_is_written_whole_and_never_replaced(tmp_path):
    target = tmp_path / "2023-01" / "revisie-1"
    write_folder(target, {"a.csv": b"1\n", "manifest.json": b"{}\n"})
    assert sorted(p.name for p in target.iterdir()) == ["a.csv", "manifest.json"]
    with pytest.raises(RevisionExists):
        write_folder(target, {"a.csv": b"2\n"})
    assert (target / "a.csv").read_bytes() == b"1\n"
    assert [p.name for p in target.parent.iterdir()] == ["revisie-1"]  # no temporary leftovers
    (target.parent / "revisie-10").mkdir()
    (target.parent / ".revisie-11.abc.tmp").mkdir()
    assert latest_revision(tmp_path, "2023-01").number == 10


def test_a_failed_write_leaves_no_folder(tmp_path):
    not_bytes = {"a.csv": b"1", "b.csv": 3}  # the second file cannot be written
    with pytest.raises(TypeError):
        write_folder(tmp_path / "2023-01" / "revisie-1", not_bytes)
    assert list((tmp_path / "2023-01").iterdir()) == []


def report_context(**changes) -> ReportContext:
    rows = [row("Oost", "gedeeltelijk", 14, 1389), row("Euregio", "niet_geregistreerd", None, None)]
    history = [
        RegionMonth("2022-02", "Oost", "volledig", 6, 9, 900),
        RegionMonth("2022-12", "Oost", "niet_geregistreerd", 6, None, None),
        *rows,
    ]
    fields = {
        "month": "2023-01",
        "rows": rows,
        "title_suffix": "revisie 1",
        "preliminary": False,
        "generated_on": "2023-02-04T06:15:00+01:00",
        "first_export_day": date(2023, 1, 1),
        "last_export_day": date(2023, 2, 3),
        "missing_days": [],
        "history": history,
    }
    return ReportContext(**(fields | changes))


def test_the_chart_breaks_lines_where_a_region_has_no_figures():
    assert month_label("2023-01") == "jan '23"
    labels, (stops, minutes), partial = chart_series(report_context())
    assert labels[0] == "feb '22" and labels[-1] == "jan '23" and len(labels) == 12
    assert stops.series["Oost"] == [9, *[None] * 10, 14]  # not held, niet_geregistreerd: gaps
    assert minutes.series["Oost"][0] == 900 and minutes.series["Euregio"] == [None] * 12
    assert partial["Oost"] == [*[False] * 11, True]
    html = report_html(report_context())
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert ">Oost<" in chart and ">Euregio<" not in chart  # the legend: regions with figures
    assert "Geen cijfers in deze twaalf maanden: Euregio." in chart  # the text alternative


def test_the_report_is_the_same_bytes_for_the_same_context_and_escapes_what_it_shows():
    assert report_html(report_context()) == report_html(report_context())
    rows = [row("Oost & <Zuid>", "volledig", 14, 1389)]
    html = report_html(report_context(rows=rows, history=rows, title_suffix="revisie <2>"))
    assert '<th scope="col">Oost &amp; &lt;Zuid&gt;</th>' in html
    assert "(revisie &lt;2&gt;)</title>" in html and "<Zuid>" not in html
    assert "Alle regio's registreerden de hele maand volledig." in html


def test_explanations_say_why_a_region_is_not_volledig():
    assert explanation(row("Oost", "volledig", 1, 1), days_missing=False) is None
    assert "geen cijfers" in explanation(row("Brabant", "niet_geregistreerd", None, None), False)
    assert "alle 6 SEH-locaties" in explanation(row("Oost", "gedeeltelijk", 1, 1), False)
    assert "exportdagen" in explanation(row("Oost", "gedeeltelijk", 1, 1), True)
    assert day_list([date(2023, 2, 4), *days(date(2023, 2, 6), date(2023, 2, 9))]) == (
        "4 en 6 t/m 9 februari"
    )


def test_the_revision_mail_names_the_changed_regions(tmp_path):
    [change] = changes(
        delivery_csv([row("Oost", "volledig", 14, 1389)]),
        delivery_csv([row("Oost", "volledig", 15, 1449)]),
    )
    message = revision_mail("2023-01", 2, [change], tmp_path, "a@b.nl", ("c@d.nl",))
    assert message["Subject"] == "SEH-stops 2023-01: revisie 2 vervangt revisie 1"
    body = message.get_content()
    assert "januari 2023" in body and "Revisie 2 staat naast revisie 1" in body
    assert "- Oost: 14 stops, 1389 minuten, volledig -> 15 stops, 1449 minuten, volledig" in body
    assert delivery_recipients({"SEH_DELIVERY_TO": " a@b.nl , c@d.nl,"}) == ("a@b.nl", "c@d.nl")


def test_normalised_figures_are_optional_on_a_row():
    assert row("Oost", "volledig", 1, 1).minuten_per_locatie_per_dag is None
    oost = RegionMonth("2023-01", "Oost", "volledig", 6, 1, 1, Decimal("7.47"))
    assert oost.minuten_per_locatie_per_dag == Decimal("7.47")
    assert oost.procent_seh_uren_in_stop is None


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook():
    import io
    from datetime import UTC, datetime

    from openpyxl import load_workbook

    from seh_stops.delivery.workbook import delivery_workbook

    formula = '=HYPERLINK("http://127.0.0.1/x","klik")'
    content = delivery_workbook(
        [row(formula, "volledig", 3, 120), row("West", "volledig", 1, 10)],
        1,
        "definitief",
        False,
        datetime(2023, 2, 4, tzinfo=UTC),
    )
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for line in sheet.iter_rows() for cell in line]
    found = [cell for cell in cells if cell.value == formula]
    assert len(found) == 2  # the table's column header and the data sheet's row
    assert {cell.data_type for cell in found} == {"s"}
    assert all(cell.data_type != "f" for cell in cells)
