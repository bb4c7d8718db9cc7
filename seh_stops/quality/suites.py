"""The expectation suites: what each raw export file and each mart must satisfy.

One suite per validated frame, named like the frame (and like its GX data asset, validation
definition and checkpoint). Every expectation carries a GX ``severity`` and the raw ones a
``meta["blocks"]`` that says when a failure blocks (``seh_stops.quality.scale``):

- ``critical``, no mark: the data cannot be trusted as delivered (a contract column is
  missing, a mart rule is violated): always blocks downstream assets;
- ``warning``, ``at_scale``: rows the specification quarantines or leaves out with a finding
  (an empty or unparseable field, an unknown status, a repeated id, a forbidden field). An
  isolated row is a finding for LNAZ; a day where the expectation fails on more than the
  configured share of rows (with an absolute floor for small days), or that is mostly
  quarantined, is a broken export and blocks;
- ``warning``, ``never``: rows kept with a finding (a registration date off the export day,
  a field ignored where it does not belong): never blocks.

The ``notes`` say why, in Data Docs.

A raw rule that holds on some rows only is stated on a helper column of the frame that holds
the rule's column on exactly those rows (``seh_stops.quality.conditions``: no GX
``row_condition`` on the hot path). Its ``meta["columns"]`` names the contract column, which
is what findings, check metadata and alerts name; its notes name the helper column and its rows.

This module is the source of the committed suites in ``expectations/expectations/*.json``:
change it, then run ``python -m seh_stops.quality.gx_setup`` and commit the JSON.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.row_conditions import Column

from seh_stops.lpz.contract import LOCATION_COLUMNS, MUTATION_COLUMNS
from seh_stops.quality import conditions as rows_of
from seh_stops.quality.conditions import RowsOf
from seh_stops.quality.outcomes import BLOCKS_AT_SCALE, BLOCKS_NEVER
from seh_stops.settings import DBT_PROJECT_DIR

CRITICAL = "critical"
WARNING = "warning"

# Specification, section 8: exactly these shapes, no trimming, no other forms; ASCII digits only
# (Python's \d also matches other scripts' digits).
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[+-][0-9]{2}:[0-9]{2}|Z)$"
)
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
# Specification, sections 2 and 3.
YES_NO = ["ja", "nee"]
STATUSES = ["stop", "open", "ingetrokken"]
STOP_TYPES = ["volledig", "ambulance", "specialisme", "time-out"]
REGISTRATION_STATUSES = ["volledig", "gedeeltelijk", "niet_geregistreerd"]
EMPTY = [""]  # the raw layer keeps an empty CSV field as ''
# meta["blocks"] of a raw expectation (seh_stops.quality.outcomes names the values)
AT_SCALE = {"blocks": BLOCKS_AT_SCALE}
NEVER = {"blocks": BLOCKS_NEVER}


@dataclass(frozen=True)
class SuiteSpec:
    """A suite and how its failures are traced back to rows.

    ``key_columns`` identify a row of the frame; GX reports them for every unexpected row, and
    the check's sample rows are looked up by them.
    """

    name: str
    expectations: list[Expectation]
    key_columns: list[str]
    description: str


def regions() -> list[str]:
    """The ten ROAZ regions, in section 5 order, from the reference seed (one home for them)."""
    with (DBT_PROJECT_DIR / "seeds" / "seh_referentie.csv").open(encoding="utf-8") as seed:
        rows = sorted(csv.DictReader(seed), key=lambda row: int(row["volgorde"]))
    return list(dict.fromkeys(row["roaz_regio"] for row in rows))


def _non_empty(column: str, why: str, meta: dict = AT_SCALE) -> Expectation:
    return gxe.ExpectColumnValueLengthsToBeBetween(
        column=column, min_value=1, severity=WARNING, notes=why, meta=meta
    )


def _on(rows: RowsOf, why: str, meta: dict) -> dict:
    """The keyword arguments of a column expectation on the rows ``rows`` covers."""
    return {
        "column": rows.name,
        "meta": {**meta, "columns": rows.column},
        "notes": f"{why} {rows.note()}",
    }


def _non_empty_on(rows: RowsOf, why: str, meta: dict = AT_SCALE) -> Expectation:
    return gxe.ExpectColumnValueLengthsToBeBetween(
        min_value=1, severity=WARNING, **_on(rows, why, meta)
    )


def _timestamp(column: str, why: str) -> Expectation:
    return gxe.ExpectColumnValuesToMatchRegex(
        regex=TIMESTAMP_PATTERN,
        severity=WARNING,
        **_on(
            rows_of.given(column),
            why
            + " Specification, section 8: `YYYY-MM-DDTHH:MM:SS` with `+HH:MM`, `-HH:MM` or `Z`.",
            AT_SCALE,
        ),
    )


def _in_set_on(rows: RowsOf, value_set: list[str], why: str, meta: dict) -> Expectation:
    return gxe.ExpectColumnValuesToBeInSet(
        value_set=value_set, severity=WARNING, **_on(rows, why, meta)
    )


def _at_scale(expectation: type[Expectation], **kwargs) -> Expectation:
    """A warning on isolated rows that blocks a day broken at scale (module docstring)."""
    return expectation(severity=WARNING, meta=AT_SCALE, **kwargs)


def _never(expectation: type[Expectation], **kwargs) -> Expectation:
    """A warning on rows the specification keeps with a finding: it never blocks."""
    return expectation(severity=WARNING, meta=NEVER, **kwargs)


def raw_seh_locaties() -> SuiteSpec:
    """The register snapshot of one or more export days (raw.seh_locaties, current versions).

    A row with an empty id, an unknown region, a bad ja/nee or date, or a repeated id is left
    out of the day's snapshot with a finding (specification, section 8.2): ``at_scale``.
    """
    left_out = " Left out of the day's snapshot, with a finding (specification, section 8.2)."
    return SuiteSpec(
        name="raw_seh_locaties",
        key_columns=["export_datum", "recordnummer"],
        description=(
            "Raw seh_locaties.csv rows of the checked export days (specification, section 2). "
            "Helper columns: per conditional rule a column holding actief_sinds on the rows the "
            "rule covers (its notes say which)."
        ),
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(
                column_set=list(LOCATION_COLUMNS),
                exact_match=False,
                notes="Every contract column of seh_locaties.csv is present.",
            ),
            _non_empty("locatie_id", "Every register row names its location." + left_out),
            _at_scale(
                gxe.ExpectCompoundColumnsToBeUnique,
                column_list=["export_datum", "locatie_id"],
                notes="A location appears once in a day's register; a repeat leaves it out.",
            ),
            _at_scale(
                gxe.ExpectColumnValuesToBeInSet,
                column="roaz_regio",
                value_set=regions(),
                notes="The region is one of the ten of specification, section 5, spelled exactly."
                + left_out,
            ),
            _at_scale(
                gxe.ExpectColumnValuesToBeInSet,
                column="seh_module_actief",
                value_set=YES_NO,
                notes="ja/nee exactly: it decides whether the location counts as registering."
                + left_out,
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                regex=DATE_PATTERN,
                severity=WARNING,
                **_on(
                    rows_of.ACTIEF_SINDS_GEGEVEN,
                    "actief_sinds is a date (YYYY-MM-DD) when given." + left_out,
                    AT_SCALE,
                ),
            ),
            _non_empty_on(
                rows_of.ACTIEF_SINDS_BIJ_ACTIEF,
                "An active SEH module names its first day; without it the location is not "
                "counted as active (a finding).",
                meta=NEVER,
            ),
            _in_set_on(
                rows_of.ACTIEF_SINDS_BIJ_INACTIEF,
                EMPTY,
                "actief_sinds is empty when the module is not active.",
                NEVER,
            ),
            _never(
                gxe.ExpectColumnValuesToBeInSet,
                column="traumacentrum_level1",
                value_set=YES_NO,
                notes="ja/nee exactly; no figure depends on it.",
            ),
            _non_empty("locatie_naam", "Names help LNAZ trace a location.", meta=NEVER),
            _non_empty("ziekenhuis", "Names help LNAZ trace a location.", meta=NEVER),
        ],
    )


def raw_seh_statusmutaties() -> SuiteSpec:
    """The status mutations of one or more export days (raw.seh_statusmutaties, current).

    Every row-level rule is one the specification quarantines (specification, sections 3.3 and 8.3:
    ``at_scale``) or keeps with a finding (a registration date off the export day, a field
    ignored where it does not belong: ``never``).
    """
    quarantined = " Quarantined, with a finding (specification, section 3.3)."
    ignored = " Ignored there, with a finding (specification, section 8.3): the row is kept."
    return SuiteSpec(
        name="raw_seh_statusmutaties",
        key_columns=["export_datum", "recordnummer"],
        description=(
            "Raw seh_statusmutaties.csv rows of the checked export days "
            "(specification, section 3). Helper columns: geregistreerd_datum, the local date "
            "of geregistreerd_op; identical_resend, the mutation is identically in an earlier "
            "export day; and per conditional rule a column holding a contract column on the "
            "rows the rule covers (its notes say which)."
        ),
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(
                column_set=list(MUTATION_COLUMNS),
                exact_match=False,
                notes="Every contract column of seh_statusmutaties.csv is present.",
            ),
            _non_empty("mutatie_id", "Every mutation has an id." + quarantined),
            _at_scale(
                gxe.ExpectCompoundColumnsToBeUnique,
                column_list=["export_datum", "mutatie_id"],
                notes="A mutatie_id appears once in an export day; with other content the "
                "later one is a conflicting duplicate, quarantined (specification, section 3.2).",
            ),
            _non_empty("locatie_id", "Every mutation names its location." + quarantined),
            _at_scale(
                gxe.ExpectColumnValuesToBeInSet,
                column="status",
                value_set=STATUSES,
                notes="stop, open or ingetrokken exactly (`Stop` is invalid)." + quarantined,
            ),
            _in_set_on(
                rows_of.STOPTYPE_BIJ_STOP,
                STOP_TYPES,
                "A stop has one of the four stop types; the regions count by type." + quarantined,
                AT_SCALE,
            ),
            _non_empty_on(
                rows_of.INGANG_BIJ_STOP_OF_OPEN,
                "A stop or open says from when it holds." + quarantined,
            ),
            _non_empty(
                "geregistreerd_op", "Every mutation says when it was entered." + quarantined
            ),
            _timestamp("ingang", "ingang is a contract timestamp." + quarantined),
            _timestamp(
                "gepland_einde", "gepland_einde is a contract timestamp when given." + quarantined
            ),
            _timestamp(
                "geregistreerd_op", "geregistreerd_op is a contract timestamp." + quarantined
            ),
            _in_set_on(
                rows_of.STOPTYPE_BUITEN_STOP,
                EMPTY,
                "Only a stop has a stoptype (forbidden_field)." + quarantined,
                AT_SCALE,
            ),
            _in_set_on(
                rows_of.SPECIALISME_BUITEN_SPECIALISME,
                EMPTY,
                "Only stoptype specialisme names a specialism (forbidden_field)." + quarantined,
                AT_SCALE,
            ),
            _in_set_on(
                rows_of.GEPLAND_EINDE_BUITEN_STOP,
                EMPTY,
                "Only a stop has a planned end." + ignored,
                NEVER,
            ),
            _non_empty_on(
                rows_of.VERVANGT_BIJ_INTREKKING,
                "A withdrawal names the mutation it withdraws; without it, it has no effect."
                + quarantined,
            ),
            _in_set_on(
                rows_of.VERVANGT_BUITEN_INTREKKING,
                EMPTY,
                "Only a withdrawal names a mutation it replaces." + ignored,
                NEVER,
            ),
            gxe.ExpectColumnPairValuesToBeEqual(
                severity=WARNING,
                column_A="geregistreerd_datum",
                column_B=rows_of.EXPORT_DATUM_ZONDER_HERHALING.name,
                ignore_row_if="either_value_is_missing",
                meta={**NEVER, "columns": "geregistreerd_datum, export_datum"},
                notes=(
                    "A mutation is exported on the local day it was registered; another day is "
                    "kept, with a finding (specification, section 3). An identical re-send of a "
                    "mutation from an earlier export day is the same mutation and is exempt. "
                    + rows_of.EXPORT_DATUM_ZONDER_HERHALING.note()
                ),
            ),
        ],
    )


def fct_stop_episodes() -> SuiteSpec:
    """The stop episodes mart, with the helper columns of ``frames.fct_stop_episodes_frame``."""
    return SuiteSpec(
        name="fct_stop_episodes",
        key_columns=["episode_id"],
        description=(
            "marts.fct_stop_episodes with two helper columns: span_seconds (einde_at - "
            "begin_at) and overlaps_earlier_episode (the episode starts before an earlier "
            "episode of its location ended)."
        ),
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(
                column="episode_id", notes="Every episode has an id."
            ),
            gxe.ExpectColumnValuesToBeUnique(column="episode_id", notes="Episode ids are unique."),
            gxe.ExpectColumnValuesToBeInSet(
                column="roaz_regio", value_set=regions(), notes="Minutes go to a known region."
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="einde_at",
                column_B="begin_at",
                or_equal=False,
                notes="An episode ends after it starts (zero-length intervals are dropped).",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="duur_seconden",
                min_value=0,
                strict_min=True,
                notes="Time in stop is positive.",
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="span_seconds",
                column_B="duur_seconden",
                or_equal=True,
                notes="Time in stop never exceeds the span from start to end (gaps excluded).",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="overlaps_earlier_episode",
                value_set=[False],
                notes="Episodes of one location never overlap: a location is in one stop at once.",
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="start_maand",
                regex=MONTH_PATTERN,
                notes="start_maand is a local month YYYY-MM.",
            ),
        ],
    )


def agg_seh_stops_regio_maand() -> SuiteSpec:
    """The region x month mart, with the helper columns of ``frames.agg_frame``."""
    stops_known = Column("registratiestatus") != "niet_geregistreerd"
    stops_unknown = Column("registratiestatus") == "niet_geregistreerd"
    figures = ("aantal_stops", "totale_duur_minuten", "totale_duur_seconden")
    return SuiteSpec(
        name="agg_seh_stops_regio_maand",
        key_columns=["maand", "roaz_regio"],
        description=(
            "marts.agg_seh_stops_regio_maand with two helper columns: regions_in_month (rows "
            "of the row's month) and previous_month_present (the month before is in the mart, "
            "or this is the first month)."
        ),
        expectations=[
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["maand", "roaz_regio"], notes="One row per region and month."
            ),
            gxe.ExpectColumnDistinctValuesToEqualSet(
                column="roaz_regio", value_set=regions(), notes="All ten regions appear."
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="regions_in_month",
                min_value=10,
                max_value=10,
                notes="Every month holds all ten regions.",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="previous_month_present",
                value_set=[True],
                notes="Months are complete: no month is missing between the first and the last.",
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="maand", regex=MONTH_PATTERN, notes="maand is a local month YYYY-MM."
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="registratiestatus",
                value_set=REGISTRATION_STATUSES,
                notes="The three registration statuses of specification, section 6.",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="aantal_seh_locaties",
                min_value=1,
                notes="The reference count is given for every region, registering or not.",
            ),
            *(
                gxe.ExpectColumnValuesToBeNull(
                    column=column,
                    row_condition=stops_unknown,
                    notes="Figures are empty exactly when the region is niet_geregistreerd.",
                )
                for column in figures
            ),
            *(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=column,
                    row_condition=stops_known,
                    notes="A registering region has figures (0 when it had no stops).",
                )
                for column in figures
            ),
            *(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column, min_value=0, notes="Figures are never negative."
                )
                for column in figures
            ),
        ],
    )


def all_suites() -> list[SuiteSpec]:
    """Every suite the GX context holds, in the order Data Docs lists them."""
    return [
        raw_seh_locaties(),
        raw_seh_statusmutaties(),
        fct_stop_episodes(),
        agg_seh_stops_regio_maand(),
    ]
