"""The comparison file of specification, section 9.3, laid out from rows (no warehouse)."""

from __future__ import annotations

from decimal import Decimal

from seh_stops.delivery.comparison import (
    ComparisonRow,
    ReferenceDefinition,
    comparison_changes,
    comparison_csv,
    comparison_table,
    explanation,
)

NOORD = ComparisonRow(
    "2023-01", "Noord", "volledig", 9, 155, 16485, 156, 16577, 2544, 0, Decimal("59.08")
)
BRABANT = ComparisonRow("2023-01", "Brabant", "niet_geregistreerd", 11, *([None] * 6))


def test_the_csv_has_the_section_9_columns_and_empty_figures_when_not_registered():
    assert comparison_csv([NOORD, BRABANT]) == (
        "maand;roaz_regio;registratiestatus;aantal_seh_locaties;aantal_stops_regionaal;"
        "totale_duur_minuten_regionaal;aantal_stops_referentie;totale_duur_minuten_referentie;"
        "minuten_gelijktijdig_2plus;minuten_gelijktijdig_helft\n"
        "2023-01;Noord;volledig;9;155;16485;156;16577;2544;0\n"
        "2023-01;Brabant;niet_geregistreerd;11;;;;;;\n"
    )


def test_a_changed_reference_figure_is_a_change_and_equal_files_are_none():
    old = comparison_csv([NOORD, BRABANT])
    assert comparison_changes(old, old) == []
    changed = ComparisonRow(*[*NOORD.__dict__.values()][:6], 157, 16637, 2544, 0)
    [change] = comparison_changes(old, comparison_csv([changed, BRABANT]))
    assert change["roaz_regio"] == "Noord"
    assert (
        change["oud"]["aantal_stops_referentie"],
        change["nieuw"]["aantal_stops_referentie"],
    ) == (
        156,
        157,
    )


def test_a_revision_without_the_file_counts_every_region_as_changed():
    changes = comparison_changes(None, comparison_csv([NOORD, BRABANT]))
    assert [(c["roaz_regio"], c["oud"]) for c in changes] == [("Noord", None), ("Brabant", None)]


def test_the_table_shows_both_definitions_and_their_difference():
    table = comparison_table([NOORD, BRABANT]).splitlines()
    stops = [line for line in table if line.startswith(("Aantal stops", "  verschil"))]
    assert [line.split()[-2:] for line in stops[:3]] == [["155", "-"], ["156", "-"], ["+1", "-"]]


def test_the_explanation_states_the_rules_in_force():
    text = explanation(ReferenceDefinition("volledig ambulance time-out", 5, "nee", 15))
    assert "stoptypes volledig, ambulance, time-out" in text
    assert "vanaf 5 minuten" in text and "hooguit 15 minuten" in text
