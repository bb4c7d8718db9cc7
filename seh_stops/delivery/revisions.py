"""The revision rules every delivery shares (specification, section 7.3), month or quarter.

A period (a month to the ministry, a quarter for LNAZ's publication) is delivered only when it
is due, unless a marked preliminary is forced; the files that would be delivered now are
compared with the latest revision's, and only a change of a figure makes revision N+1 beside
N (never an overwrite). The monthly delivery (:mod:`seh_stops.delivery.deliver`) and the
quarterly publication (:mod:`seh_stops.delivery.publish`) differ only in their files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from seh_stops.delivery.due import DueStatus
from seh_stops.delivery.folders import FINAL, MANIFEST, PRELIMINARY, Revision, write_folder
from seh_stops.lpz.contract import TIMEZONE

PRELIMINARY_REVISIE = 0  # the CSV's and manifest's `revisie` of a preliminary delivery


class NotDue(RuntimeError):
    """The period is not due yet and no preliminary delivery was asked for."""


class AlreadyDue(ValueError):
    """A preliminary delivery was asked for a period that is due: deliver it as final."""


def check_due(status: DueStatus, preliminary: bool, force_hint: str) -> None:
    """Refuse a final delivery of a period that is not due, and a preliminary of one that is.

    ``force_hint`` says how to force a preliminary (the CLI command and the run config)."""
    if preliminary and status.due:
        raise AlreadyDue(f"{status.explain()}; deliver it as final, not as preliminary")
    if not preliminary and not status.due:
        raise NotDue(f"{status.explain()}. To deliver it now anyway, force {force_hint}.")


def kind_of(preliminary: bool) -> str:
    """The folder kind: ``voorlopig`` for a forced preliminary, else ``revisie``."""
    return PRELIMINARY if preliminary else FINAL


@dataclass(frozen=True)
class Draft:
    """The next revision of a period, before its files are written: its number, its
    ``revisie`` (0 for a preliminary) and the moment it is generated, in Europe/Amsterdam."""

    period: str
    preliminary: bool
    number: int
    moment: datetime
    previous: Revision | None

    @property
    def revisie(self) -> int:
        return PRELIMINARY_REVISIE if self.preliminary else self.number

    @property
    def generated_on(self) -> str:
        return self.moment.isoformat(timespec="seconds")

    @property
    def title(self) -> str:
        """``revisie 2`` or ``voorlopig 1``: how the files name the revision."""
        return f"{kind_of(self.preliminary)} {self.number}"


def draft(
    period: str, preliminary: bool, latest: Revision | None, now: datetime | None = None
) -> Draft:
    """The revision after ``latest`` (or the first) of ``period``."""
    moment = (now or datetime.now(ZoneInfo(TIMEZONE))).astimezone(ZoneInfo(TIMEZONE))
    number = latest.number + 1 if latest else 1
    return Draft(period, preliminary, number, moment, latest)


def write_revision(
    root: Path,
    revision: Draft,
    period_key: str,
    files: Mapping[str, bytes],
    used: Mapping[date, str],
    regions: int,
    changes: list[dict] | None,
) -> Revision:
    """Write the drafted revision's folder: ``files`` and their ``manifest.json``.

    ``period_key`` is the manifest's first key (``maand`` or ``kwartaal``); ``used`` the export
    days with their ``gegenereerd_op``; ``changes`` the ``wijzigingen`` (None for a first
    revision, which has none to list).
    """
    manifest = _manifest(period_key, revision, used, files, regions)
    if changes is not None:
        manifest["wijzigingen"] = changes
    contents = dict(files)
    contents[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    kind = kind_of(revision.preliminary)
    folder = root / revision.period / f"{kind}-{revision.number}"
    write_folder(folder, contents)
    return Revision(revision.period, kind, revision.number, folder)


def _manifest(
    period_key: str,
    revision: Draft,
    used: Mapping[date, str],
    files: Mapping[str, bytes],
    regions: int,
) -> dict[str, object]:
    """The section-7 keys in their order (``wijzigingen`` is added by the caller)."""
    manifest: dict[str, object] = {period_key: revision.period, "revisie": revision.revisie}
    if revision.preliminary:
        manifest |= {"voorlopig": True, "volgnummer": revision.number}
    return manifest | {
        "gegenereerd_op": revision.generated_on,
        "exportdagen": [
            {"exportdatum": day.isoformat(), "gegenereerd_op": generated}
            for day, generated in sorted(used.items())
        ],
        "bestanden": [
            # every file holds the same ten regions (as rows, or as columns in a page)
            {"naam": name, "rijen": regions, "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        ],
    }


@dataclass(frozen=True)
class Outcome:
    """What a delivery did: the period's current folder, and whether this call wrote it."""

    period: str
    revision: Revision
    new: bool
    due: DueStatus
    changes: list[dict] = field(default_factory=list)  # of the main CSV's figures
    # of the month's comparison file (specification, section 9.3), each entry naming the file
    comparison_changes: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        noun = "preliminary" if self.revision.preliminary else "revision"
        kind = f"{noun} {self.revision.number}"
        if not self.new:
            return f"{self.period}: figures unchanged, {kind} stays the delivery"
        changed = ", ".join(change["roaz_regio"] for change in self.changes)
        if self.comparison_changes:
            regions = ", ".join(change["roaz_regio"] for change in self.comparison_changes)
            changed = "; ".join(part for part in (changed, f"vergelijking: {regions}") if part)
        return f"{self.period}: delivered {kind}" + (f" (changed: {changed})" if changed else "")


@dataclass(frozen=True)
class Pending:
    """A period the schedule should deliver: never delivered (``nieuw``) or changed."""

    period: str
    reason: str  # "nieuw" or "gewijzigd"
    fingerprint: str  # sha256 of the files' texts that would be delivered, for run keys


def fingerprint(*texts: str) -> str:
    """The sha256 of what would be delivered: a run key changes exactly when it does."""
    return hashlib.sha256("".join(texts).encode("utf-8")).hexdigest()
