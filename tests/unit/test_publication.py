"""The quarterly publication's pure parts: quarters, dueness, the CSV, the page and the mail."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from seh_stops.delivery.due import (
    due_status,
    eight_quarters,
    quarter_due_status,
    quarter_months,
    quarter_of,
    year_earlier,
)
from seh_stops.delivery.mail import publication_mail
from seh_stops.delivery.public_page import PublicPage, explanation, public_page_html
from seh_stops.delivery.quarter_figures import (
    QUARTER_COLUMNS,
    QUARTER_FIGURE_COLUMNS,
    RegionQuarter,
    quarter_csv,
)
from seh_stops.delivery.revisions import AlreadyDue, NotDue, check_due
from seh_stops.delivery.table import changes, read_delivery_csv


def region(name: str, status: str = "volledig", months: str | None = None, **figures):
    values = {
        "aantal_stops": 40,
        "totale_duur_minuten": 4078,
        "aantal_stops_referentie": 48,
        "totale_duur_minuten_referentie": 4570,
        "minuten_per_locatie_per_dag": Decimal("7.55"),
        "minuten_per_locatie_per_dag_referentie": Decimal("8.46"),
    }
    if status == "niet_geregistreerd":
        values = dict.fromkeys(values)
    values |= figures
    return RegionQuarter(
        kwartaal="2023-Q1",
        roaz_regio=name,
        registratiestatus=status,
        aantal_seh_locaties=6,
        registratiestatus_maanden=months or ",".join([status] * 3),
        **values,
    )


ROWS = [
    region("Oost"),
    region("Noord & <Zuid>", "gedeeltelijk", "volledig,gedeeltelijk,niet_geregistreerd"),
    region("Limburg", "niet_geregistreerd"),
]


def page(**overrides) -> PublicPage:
    values = {
        "quarter": "2023-Q1",
        "rows": ROWS,
        "title_suffix": "revisie 1",
        "preliminary": False,
        "generated_on": "2023-04-04T07:00:00+02:00",
        "history": ROWS,
    }
    return PublicPage(**(values | overrides))


def test_quarters_are_calendar_quarters_written_yyyy_qn():
    assert quarter_months("2023-Q1") == ["2023-01", "2023-02", "2023-03"]
    assert quarter_months("2022-Q4") == ["2022-10", "2022-11", "2022-12"]
    assert [quarter_of(month) for month in ("2023-01", "2023-03", "2023-04", "2023-12")] == [
        "2023-Q1",
        "2023-Q1",
        "2023-Q2",
        "2023-Q4",
    ]
    assert eight_quarters("2023-Q1") == [
        *("2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1"),
        *("2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1"),
    ]
    assert year_earlier("2023-Q1") == "2022-Q1"
    with pytest.raises(ValueError, match="not of the form YYYY-QN"):
        quarter_months("2023-Q5")


def test_a_quarter_is_due_when_its_last_month_is():
    march = [date(2023, 3, 1) + timedelta(days=n) for n in range(34)]  # 1 March .. 3 April
    status = quarter_due_status("2023-Q1", march, date(2023, 4, 4), 3)
    assert status.due and status.explain() == (
        "2023-Q1 is due: every export day of its last month 2023-03 and its 3 grace day(s) "
        "is loaded"
    )
    assert status.missing_days == due_status("2023-03", march, date(2023, 4, 4), 3).missing_days
    early = quarter_due_status("2023-Q1", march[:-1], date(2023, 4, 3), 3)
    assert not early.due
    assert early.explain().startswith(
        "2023-Q1 is not due yet on 2023-04-03: export days 2023-04-03"
    )
    late = quarter_due_status("2023-Q1", [], date(2023, 4, 4), 3)
    assert late.due and "the day after the grace period of its last month 2023-03" in (
        late.explain()
    )
    with pytest.raises(NotDue, match="force a marked"):
        check_due(early, False, "a marked preliminary")
    with pytest.raises(AlreadyDue, match="deliver it as final"):
        check_due(status, True, "a marked preliminary")


def test_the_csv_has_both_definitions_and_empty_figures_when_not_registered():
    text = quarter_csv(ROWS, revisie=2)
    lines = text.split("\n")
    assert lines[0] == ";".join(QUARTER_COLUMNS) and text.endswith("\n")
    assert lines[1] == "2023-Q1;Oost;volledig;6;40;4078;48;4570;2"
    assert lines[3] == "2023-Q1;Limburg;niet_geregistreerd;6;;;;;2"
    assert len(read_delivery_csv(text, QUARTER_COLUMNS)) == 3


def test_a_change_of_a_reference_figure_alone_is_a_change():
    old = quarter_csv(ROWS)
    new = quarter_csv([region("Oost", aantal_stops_referentie=49), *ROWS[1:]], revisie=2)
    [change] = changes(old, new, QUARTER_COLUMNS, QUARTER_FIGURE_COLUMNS)
    assert change["roaz_regio"] == "Oost"
    assert (
        change["oud"]["aantal_stops_referentie"],
        change["nieuw"]["aantal_stops_referentie"],
    ) == (
        48,
        49,
    )
    assert changes(old, quarter_csv(ROWS, revisie=7), QUARTER_COLUMNS, QUARTER_FIGURE_COLUMNS) == []


def test_the_explanation_names_the_months_in_plain_dutch():
    assert explanation(ROWS[0], "2023-Q1") is None
    text = explanation(ROWS[1], "2023-Q1")
    assert text == (
        "In februari gaven niet op elke dag alle 6 SEH-locaties van de regio hun status door, "
        "of ontbraken er gegevens van een dag; over maart zijn er geen gegevens van de regio. "
        "De cijfers zijn daardoor mogelijk te laag."
    )
    assert "geen cijfers (leeg, niet 0)" in explanation(ROWS[2], "2023-Q1")


def test_the_page_is_the_same_bytes_for_the_same_figures_and_escapes_names():
    first, second = public_page_html(page()), public_page_html(page())
    assert first == second
    assert "Noord &amp; &lt;Zuid&gt;" in first and "<Zuid>" not in first
    assert "<script" not in first and "VOORLOPIG" not in first
    assert first.count("<svg") == 1 and "<title" in first and "<desc" in first
    other = public_page_html(page(rows=[region("Oost", aantal_stops=41), *ROWS[1:]]))
    assert other != first


def test_a_preliminary_page_says_so_and_a_missing_year_is_explained():
    text = public_page_html(page(preliminary=True, title_suffix="voorlopig 1"))
    assert "VOORLOPIG: dit kwartaal is nog niet compleet" in text
    assert "Over het eerste kwartaal 2022 zijn geen cijfers beschikbaar" in text
    earlier = [region("Oost", aantal_stops=7)]
    with_year = public_page_html(page(year_earlier=earlier))
    assert 'id="jaar-eerder"' in with_year


def test_the_publication_mail_summarises_every_region_and_the_changes():
    rows = read_delivery_csv(quarter_csv(ROWS, revisie=2), QUARTER_COLUMNS)
    change = {
        "roaz_regio": "Oost",
        "oud": {"registratiestatus": "volledig", "aantal_stops": 39, "totale_duur_minuten": 4018},
        "nieuw": {"registratiestatus": "volledig", "aantal_stops": 40, "totale_duur_minuten": 4078},
    }
    message = publication_mail("2023-Q1", 2, rows, [change], Path("/p/2023-Q1/revisie-2"))
    text = message.get_content()
    assert message["Subject"] == "SEH-stops kwartaalpublicatie 2023-Q1: revisie 2"
    assert "- Oost: volledig; 40 stops, 4078 minuten; referentie 48 stops, 4570 minuten" in text
    assert "- Limburg: niet geregistreerd, geen cijfers" in text
    assert "- Oost: 39 stops, 4018 minuten, volledig -> 40 stops, 4078 minuten, volledig" in text
    first = publication_mail("2023-Q1", 1, rows, [], Path("/p/2023-Q1/revisie-1")).get_content()
    assert "revisie 1." in first and "Gewijzigd" not in first
