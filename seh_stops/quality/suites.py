"""The expectation suites: what each raw export file and each mart must satisfy.

One suite per validated frame, named like the frame (and like its GX data asset, validation
definition and checkpoint). Every expectation carries a GX ``severity``: ``critical`` ones say
the data cannot be trusted as delivered (a closed vocabulary or format of the contract is
broken, an id is missing or repeated, a mart rule is violated) and block downstream assets;
``warning`` ones are row-level slips that the dbt layer quarantines or reports as a finding,
so they show in the UI without stopping the figures. The ``notes`` say why, in Data Docs.

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
from seh_stops.settings import DBT_PROJECT_DIR

CRITICAL = "critical"
WARNING = "warning"

# Contract section 8: exactly these shapes, no trimming, no other forms; ASCII digits only
# (Python's \d also matches other scripts' digits).
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[+-][0-9]{2}:[0-9]{2}|Z)$"
)
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
# Contract sections 2 and 3.
YES_NO = ["ja", "nee"]
STATUSES = ["stop", "open", "ingetrokken"]
STOP_TYPES = ["volledig", "ambulance", "specialisme", "time-out"]
REGISTRATION_STATUSES = ["volledig", "gedeeltelijk", "niet_geregistreerd"]
EMPTY = [""]  # the raw layer keeps an empty CSV field as ''


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


def _non_empty(column: str, why: str, severity: str = CRITICAL, **kwargs) -> Expectation:
    return gxe.ExpectColumnValueLengthsToBeBetween(
        column=column, min_value=1, severity=severity, notes=why, **kwargs
    )


def _timestamp(column: str, why: str) -> Expectation:
    return gxe.ExpectColumnValuesToMatchRegex(
        column=column,
        regex=TIMESTAMP_PATTERN,
        row_condition=Column(column) != "",
        severity=CRITICAL,
        notes=why + " Contract section 8: `YYYY-MM-DDTHH:MM:SS` with `+HH:MM`, `-HH:MM` or `Z`.",
    )


def raw_seh_locaties() -> SuiteSpec:
    """The register snapshot of one or more export days (raw.seh_locaties, current versions)."""
    return SuiteSpec(
        name="raw_seh_locaties",
        key_columns=["export_datum", "recordnummer"],
        description="Raw seh_locaties.csv rows of the checked export days (contract section 2).",
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(
                column_set=list(LOCATION_COLUMNS),
                exact_match=False,
                notes="Every contract column of seh_locaties.csv is present.",
            ),
            _non_empty("locatie_id", "Every register row names its location."),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["export_datum", "locatie_id"],
                notes="A location appears once in a day's register; a repeat leaves it out.",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="roaz_regio",
                value_set=regions(),
                notes="The region is one of the ten of contract section 5, spelled exactly.",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="seh_module_actief",
                value_set=YES_NO,
                notes="ja/nee exactly: it decides whether the location counts as registering.",
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="actief_sinds",
                regex=DATE_PATTERN,
                row_condition=Column("actief_sinds") != "",
                notes="actief_sinds is a date (YYYY-MM-DD) when given.",
            ),
            _non_empty(
                "actief_sinds",
                "An active SEH module names its first day; without it the location is not "
                "counted as active (a finding).",
                severity=WARNING,
                row_condition=Column("seh_module_actief") == "ja",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="actief_sinds",
                value_set=EMPTY,
                row_condition=Column("seh_module_actief") == "nee",
                severity=WARNING,
                notes="actief_sinds is empty when the module is not active.",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="traumacentrum_level1",
                value_set=YES_NO,
                severity=WARNING,
                notes="ja/nee exactly; no figure depends on it.",
            ),
            _non_empty("locatie_naam", "Names help LNAZ trace a location.", severity=WARNING),
            _non_empty("ziekenhuis", "Names help LNAZ trace a location.", severity=WARNING),
        ],
    )


def raw_seh_statusmutaties() -> SuiteSpec:
    """The status mutations of one or more export days (raw.seh_statusmutaties, current)."""
    return SuiteSpec(
        name="raw_seh_statusmutaties",
        key_columns=["export_datum", "recordnummer"],
        description=(
            "Raw seh_statusmutaties.csv rows of the checked export days (contract section 3). "
            "Helper columns: geregistreerd_datum, the local date of geregistreerd_op; "
            "identical_resend, the mutation is identically in an earlier export day."
        ),
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(
                column_set=list(MUTATION_COLUMNS),
                exact_match=False,
                notes="Every contract column of seh_statusmutaties.csv is present.",
            ),
            _non_empty("mutatie_id", "Every mutation has an id."),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["export_datum", "mutatie_id"],
                notes="A mutatie_id appears once in an export day.",
            ),
            _non_empty("locatie_id", "Every mutation names its location."),
            gxe.ExpectColumnValuesToBeInSet(
                column="status",
                value_set=STATUSES,
                notes="stop, open or ingetrokken exactly (`Stop` is invalid).",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="stoptype",
                value_set=STOP_TYPES,
                row_condition=Column("status") == "stop",
                notes="A stop has one of the four stop types; the regions count by type.",
            ),
            _non_empty(
                "ingang",
                "A stop or open says from when it holds.",
                row_condition=Column("status").is_in(["stop", "open"]),
            ),
            _non_empty("geregistreerd_op", "Every mutation says when it was entered."),
            _timestamp("ingang", "ingang is a contract timestamp."),
            _timestamp("gepland_einde", "gepland_einde is a contract timestamp when given."),
            _timestamp("geregistreerd_op", "geregistreerd_op is a contract timestamp."),
            gxe.ExpectColumnValuesToBeInSet(
                column="stoptype",
                value_set=EMPTY,
                row_condition=Column("status") != "stop",
                severity=WARNING,
                notes="Only a stop has a stoptype (forbidden_field: quarantined by dbt).",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="specialisme",
                value_set=EMPTY,
                row_condition=Column("stoptype") != "specialisme",
                severity=WARNING,
                notes="Only stoptype specialisme names a specialism (forbidden_field).",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="gepland_einde",
                value_set=EMPTY,
                row_condition=Column("status") != "stop",
                severity=WARNING,
                notes="Only a stop has a planned end (forbidden_field).",
            ),
            _non_empty(
                "vervangt_mutatie_id",
                "A withdrawal names the mutation it withdraws; without it, it has no effect.",
                severity=WARNING,
                row_condition=Column("status") == "ingetrokken",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="vervangt_mutatie_id",
                value_set=EMPTY,
                row_condition=Column("status") != "ingetrokken",
                severity=WARNING,
                notes="Only a withdrawal names a mutation it replaces (forbidden_field).",
            ),
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="geregistreerd_datum",
                column_B="export_datum",
                ignore_row_if="either_value_is_missing",
                row_condition=Column("identical_resend") == False,  # noqa: E712 (a GX condition)
                severity=WARNING,
                notes=(
                    "A mutation is exported on the local day it was registered; another day is "
                    "kept, with a finding (contract section 3). An identical re-send of a "
                    "mutation from an earlier export day is the same mutation and is exempt."
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
                notes="The three registration statuses of contract section 6.",
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
