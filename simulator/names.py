"""Fictional names for the simulated world: hospitals, locations, staff.

Simulated data must never be mistaken for a statement about a real hospital (the LNAZ will
not publish figures per hospital), so every place-like name comes from this hand-made list
of invented Dutch-sounding roots. Each root was checked against real Dutch (and nearby
Belgian/German) places and hospital organisations; roots one letter away from a real place
were left out. The tests assert that every name in the register is built from these parts.
"""

from __future__ import annotations

INVENTED_ROOTS: tuple[str, ...] = (
    "Hoeveland",
    "Wendelmaar",
    "Brakkenstede",
    "Velmarhoven",
    "Ardemoor",
    "Korvelhage",
    "Oldervliet",
    "Mirrendaal",
    "Quastenburg",
    "Elstermonde",
    "Wispelmeer",
    "Kalvermonde",
    "Hallemaar",
    "Torvenhuizen",
    "Merkelstede",
    "Varelhoven",
    "Linzenwaard",
    "Pelmersdonk",
    "Skarrenburg",
    "Amberhaghe",
    "Ostrakum",
    "Zelverdam",
    "Brammelo",
    "Tjasserwolde",
    "Hulzenmaar",
    "Kerkelmonde",
    "Elzenmaar",
    "Pollemaar",
    "Schelvenhage",
    "Tiddelwaard",
    "Uffelmonde",
    "Vorrelhuizen",
    "Wyndelsteyn",
    "Ankelwoude",
    "Bolderhage",
    "Eskerveld",
    "Irmenstede",
    "Jolderwaard",
    "Kampelhage",
    "Murrenhoven",
    "Orvelmaar",
    "Querenmonde",
    "Rozelhage",
    "Sannevelde",
    "Tormaling",
    "Wervelmonde",
    "Brisselwaard",
    "Draaksteden",
    "Holtervliet",
    "Meerdelhoven",
    "Noorderbrammel",
    "Piepersdonk",
    "Gravelmonde",
    "Hemmelstede",
    "Klavervoorde",
    "Loddermaar",
    "Moddelwaard",
    "Nevelhage",
    "Olmerstede",
    "Prunelmonde",
    "Ruivenhage",
    "Stollemaar",
    "Tervelwoude",
    "Wabberstede",
    "Fransemaar",
    "Grittenhage",
    "Hobbelwaard",
    "Knorremonde",
    "Mostervliet",
    "Pannelwoude",
)

# Organisation prefixes for a hospital with one SEH location and with several.
SINGLE_SITE_PREFIXES: tuple[str, ...] = (
    "Ziekenhuis",
    "Medisch Centrum",
    "Streekziekenhuis",
    "Gasthuis",
)
MULTI_SITE_PREFIXES: tuple[str, ...] = ("Ziekenhuisgroep", "Medisch Centrum")

# Site suffixes that tell the locations of one hospital apart: "SEH Hoeveland-Oost".
SITE_SUFFIXES: tuple[str, ...] = ("Noord", "Zuid", "Oost", "West", "Centrum")

LOCATION_PREFIX = "SEH"

SPECIALISMS: tuple[str, ...] = (
    "cardiologie",
    "neurologie",
    "chirurgie",
    "kindergeneeskunde",
    "gynaecologie",
    "interne geneeskunde",
    "orthopedie",
    "longziekten",
)

# Free-text remarks. Names are invented initials with everyday surnames; the quoting cases
# (";", '"' and a line break) are listed separately so every export period can show them.
PLAIN_REMARKS: tuple[str, ...] = (
    "drukte, dienstdoende arts J. de Vries",
    "personeelstekort avonddienst",
    "verlengd i.v.m. aanhoudende drukte",
    "geen bedden beschikbaar op de afdeling",
    "ingevoerd door coördinator M. Bakker",
    "na overleg met de meldkamer ambulancezorg",
    "afgeschaald na rustiger instroom",
)
QUOTED_REMARKS: tuple[str, ...] = (
    "drukte; overleg met RAV gevoerd (A. Jansen)",
    'na overleg "code geel" afgekondigd',
    "ICT-storing\nEPD tijdelijk niet beschikbaar",
    'bedden vol; "opnamestop" interne, S. Visser\nzie ook overdracht',
)


def location_name(root: str, site: str | None) -> str:
    """`SEH Hoeveland` for a single site, `SEH Hoeveland-Oost` for one of several."""
    return f"{LOCATION_PREFIX} {root}" if site is None else f"{LOCATION_PREFIX} {root}-{site}"


def hospital_name(prefix: str, root: str) -> str:
    return f"{prefix} {root}"
