"""The simulated world: the register of section 5, fictional names, and the noise in January."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from seh_stops.lpz.contract import LOCATIONS_FILE, MUTATIONS_FILE
from simulator import NOISE_KINDS, simulate
from simulator import names as fictional
from simulator.summary import LAST_MONTH_ONLY

FIRST, LAST = date(2022, 12, 31), date(2023, 2, 3)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
NOT_REGISTERING = {"Euregio", "Brabant", "Limburg"}

# Real Dutch hospital organisations and towns with an emergency department: none may appear.
REAL_NAMES = {
    "Isala",
    "Gelre",
    "Rijnstate",
    "Meander",
    "Tergooi",
    "Amphia",
    "Catharina",
    "Maxima",
    "Máxima",
    "Zuyderland",
    "Elkerliek",
    "Bernhoven",
    "Jeroen Bosch",
    "Antonius",
    "Diakonessenhuis",
    "Spaarne",
    "Dijklander",
    "Zaans",
    "Rode Kruis",
    "Noordwest",
    "Flevoziekenhuis",
    "Martini",
    "Treant",
    "Wilhelmina",
    "Nij Smellinghe",
    "Tjongerschans",
    "Ommelander",
    "Medisch Spectrum",
    "ZGT",
    "Deventer",
    "Gelderse Vallei",
    "Slingeland",
    "Laurentius",
    "VieCuri",
    "Erasmus",
    "Ikazia",
    "Maasstad",
    "Franciscus",
    "IJsselland",
    "Van Weel-Bethesda",
    "Albert Schweitzer",
    "Beatrix",
    "Rivas",
    "ZorgSaam",
    "Bravis",
    "Amstelland",
    "BovenIJ",
    "OLVG",
    "Haaglanden",
    "Haga",
    "Reinier de Graaf",
    "LangeLand",
    "Groene Hart",
    "Alrijne",
    "LUMC",
    "UMCG",
    "Radboud",
    "St Jansdal",
    "Saxenburgh",
    "Santiz",
    "Canisius",
    "Maasziekenhuis",
    "CWZ",
    "Rivierenland",
    "ETZ",
    "Elisabeth",
    "Anna",
    "Frisius",
    "Admiraal De Ruyter",
    "Adrz",
    "Streekziekenhuis Koningin Beatrix",
    "Antonius Sneek",
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Groningen",
    "Zwolle",
    "Leeuwarden",
    "Emmen",
    "Assen",
    "Enschede",
    "Hengelo",
    "Almelo",
    "Apeldoorn",
    "Arnhem",
    "Nijmegen",
    "Ede",
    "Tiel",
    "Breda",
    "Tilburg",
    "Eindhoven",
    "Helmond",
    "Venlo",
    "Roermond",
    "Heerlen",
    "Sittard",
    "Maastricht",
    "Weert",
    "Leiden",
    "Delft",
    "Gouda",
    "Dordrecht",
    "Haarlem",
    "Hoorn",
    "Alkmaar",
    "Almere",
    "Lelystad",
    "Hilversum",
    "Amersfoort",
    "Zeist",
    "Nieuwegein",
    "Harderwijk",
    "Doetinchem",
    "Winterswijk",
    "Zutphen",
    "Hardenberg",
    "Meppel",
    "Heerenveen",
    "Sneek",
    "Drachten",
    "Den Helder",
    "Purmerend",
    "Zaandam",
    "Hoofddorp",
    "Vlissingen",
    "Goes",
    "Terneuzen",
    "Roosendaal",
    "Bergen op Zoom",
    "Oss",
    "Veghel",
    "Boxmeer",
    "Uden",
    "Gorinchem",
    "Schiedam",
    "Spijkenisse",
    "Capelle",
    "Elst",
    "Hoevelaken",
    "Ossendrecht",
    "Ulvenhout",
}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    text = (folder / name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def local_day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone(AMSTERDAM).date()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return simulate(FIRST, LAST, tmp_path_factory.mktemp("exports"), seed=2023)


@pytest.fixture(scope="module")
def register(run):
    return read(run.out_dir / FIRST.isoformat(), LOCATIONS_FILE)


@pytest.fixture(scope="module")
def mutations(run):
    """Every mutation row with its export day, in file order."""
    return [
        (day, row)
        for day in run.days_written
        for row in read(run.out_dir / day.isoformat(), MUTATIONS_FILE)
    ]


def test_the_register_has_the_reference_locations_per_region(run, register):
    with (SEEDS / "seh_referentie.csv").open(encoding="utf-8", newline="") as handle:
        reference = {
            row["roaz_regio"]: int(row["aantal_seh_locaties"]) for row in csv.DictReader(handle)
        }
    assert len(register) == sum(reference.values()) == 83
    assert Counter(row["roaz_regio"] for row in register) == reference
    ids = [row["locatie_id"] for row in register]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"SEH\d{4}", i) for i in ids)
    for row in register:
        if row["roaz_regio"] in NOT_REGISTERING:
            assert (row["seh_module_actief"], row["actief_sinds"]) == ("nee", "")
        else:
            assert row["seh_module_actief"] == "ja"
            assert (FIRST - date.fromisoformat(row["actief_sinds"])).days >= 180
    assert 1 <= sum(row["traumacentrum_level1"] == "ja" for row in register) <= 12
    for day in run.days_written:  # the same snapshot every day
        assert read(run.out_dir / day.isoformat(), LOCATIONS_FILE) == register


def test_names_come_from_the_fictional_generator_and_no_real_name(register):
    roots = "|".join(map(re.escape, fictional.INVENTED_ROOTS))
    sites = "|".join(fictional.SITE_SUFFIXES)
    prefixes = "|".join(
        map(re.escape, fictional.SINGLE_SITE_PREFIXES + fictional.MULTI_SITE_PREFIXES)
    )
    for row in register:
        assert re.fullmatch(rf"SEH ({roots})(-({sites}))?", row["locatie_naam"]), row
        assert re.fullmatch(rf"({prefixes}) ({roots})", row["ziekenhuis"]), row
        root = row["ziekenhuis"].split()[-1]
        assert row["locatie_naam"].startswith(f"SEH {root}")
    words = {w for name in fictional.INVENTED_ROOTS for w in re.split(r"[ -]", name)}
    assert not words & {n for n in REAL_NAMES}
    for name in fictional.INVENTED_ROOTS:
        assert not any(name.lower() == real.lower() for real in REAL_NAMES)
    assert len(set(fictional.INVENTED_ROOTS)) == len(fictional.INVENTED_ROOTS)


def test_every_noise_kind_is_present_in_january(run):
    january = run.noise["2023-01"]
    missing = [
        kind for kind in NOISE_KINDS if kind not in LAST_MONTH_ONLY and not january.get(kind)
    ]
    assert missing == []
    assert run.noise["2023-02"].get("lopend_at_horizon") == 1


def test_the_noise_shows_in_the_rows(run, register, mutations):
    region = {row["locatie_id"]: row["roaz_regio"] for row in register}
    day_of = {}
    for day, row in mutations:
        day_of.setdefault(row["mutatie_id"], day)
    stops = [(day, row) for day, row in mutations if row["status"] == "stop"]
    # stop types a region does not count
    assert any(
        region.get(r["locatie_id"]) == "Noord" and r["stoptype"] == "specialisme" for _, r in stops
    )
    assert any(
        region.get(r["locatie_id"]) == "Oost" and r["stoptype"] == "ambulance" for _, r in stops
    )
    # time-outs in Limburg and in a registering region
    timeouts = {region.get(r["locatie_id"]) for _, r in stops if r["stoptype"] == "time-out"}
    assert "Limburg" in timeouts and timeouts - NOT_REGISTERING
    # withdrawals, also of a mutation from an earlier export day
    withdrawals = [(day, r) for day, r in mutations if r["status"] == "ingetrokken"]
    assert any(day_of.get(r["vervangt_mutatie_id"], day) < day for day, r in withdrawals)
    # late registrations, also across the month end
    late = [
        r
        for _, r in mutations
        if r["ingang"] and (local_day(r["geregistreerd_op"]) - local_day(r["ingang"])).days >= 1
    ]
    assert any(
        local_day(r["ingang"]) == date(2023, 1, 31) and local_day(r["geregistreerd_op"]).month == 2
        for r in late
    )
    # stops ended by their planned end, and open mutations
    assert any(r["gepland_einde"] for _, r in stops)
    assert any(r["status"] == "open" for _, r in mutations)
    # remarks that need quoting: ';', '"' and a line break
    remarks = [r["toelichting"] for _, r in mutations if r["toelichting"]]
    assert any(";" in t for t in remarks) and any('"' in t for t in remarks)
    assert any("\n" in t for t in remarks)
    assert len(remarks) < len(mutations) / 5  # most are empty


def test_the_quarantine_rows_are_few_and_listed(run, register, mutations):
    reasons = Counter(q.reason for q in run.quarantined)
    assert set(reasons) == {
        "conflicting duplicate (same mutatie_id, other content)",
        "withdrawal of an unknown mutation",
        "location not in the register",
    }
    assert len(run.quarantined) <= 5
    known_ids = {row["mutatie_id"] for _, row in mutations}
    locations = {row["locatie_id"] for row in register}
    for q in run.quarantined:
        [row] = [
            r for day, r in mutations if day == q.export_day and r["mutatie_id"] == q.mutatie_id
        ]
        if q.reason.startswith("withdrawal"):
            assert row["vervangt_mutatie_id"] not in known_ids
        elif q.reason.startswith("location"):
            assert row["locatie_id"] not in locations
        else:
            versions = [(day, r) for day, r in mutations if r["mutatie_id"] == q.mutatie_id]
            assert versions[0][0] < q.export_day and versions[0][1] != row
