"""From a placed slot to rows of `seh_statusmutaties.csv`, each tagged with its export day.

A row lands in the export day of its `geregistreerd_op` local date (specification, section 1); the
only exceptions are identical re-sends, which repeat an earlier row word for word in a later day.
Rows that the pipeline must quarantine are reported to the caller, so the summary can list
them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from seh_stops.lpz.contract import MUTATION_COLUMNS
from simulator.ids import IdAllocator
from simulator.model import WITHDRAWN, MutationTemplate, PlacedSlot
from simulator.timeutil import format_timestamp, local_date, local_time

CONFLICT_REMARK = "einde stop gecorrigeerd"


@dataclass(frozen=True)
class Row:
    """One mutation record and the export day that carries it."""

    export_day: date
    registered: datetime
    values: tuple[str, ...]  # in MUTATION_COLUMNS order

    @property
    def mutatie_id(self) -> str:
        return self.values[0]


@dataclass(frozen=True)
class QuarantinedRow:
    """A row the pipeline must quarantine, and why (for the summary)."""

    export_day: date
    mutatie_id: str
    reason: str


class Renderer:
    def __init__(self, ids: IdAllocator, seed: int | str) -> None:
        self.ids = ids
        self.rng = random.Random(f"{seed}:render")
        self.quarantined: list[QuarantinedRow] = []

    def render(self, slot: PlacedSlot) -> list[Row]:
        mutations = slot.template.mutations
        ids = [self.ids.next() for _ in mutations]
        rows: list[Row] = []
        previous: datetime | None = None
        for i in sorted(range(len(mutations)), key=lambda i: mutations[i].at):
            mutation, mutatie_id = mutations[i], ids[i]
            registered = self._registered(slot, mutation, previous)
            if mutation.registration.kind == "prompt":
                previous = registered
            values = self._values(slot, mutation, mutatie_id, ids, registered)
            row = Row(local_date(registered), registered, values)
            rows.append(row)
            self._note_quarantine(row, mutation)
            if mutation.resend_after_days:
                later = row.export_day + timedelta(days=mutation.resend_after_days)
                rows.append(Row(later, registered, values))
            if mutation.conflict_after_days:
                rows.append(self._conflicting(row, mutation.conflict_after_days))
        return rows

    @staticmethod
    def _registered(
        slot: PlacedSlot, mutation: MutationTemplate, previous: datetime | None
    ) -> datetime:
        """A prompt registration follows its moment, and the slot's previous registration
        (an operator enters a stop before its open), on the moment's local day."""
        if mutation.registration.kind == "fixed":
            return slot.at(mutation.registration.offset_s)
        moment = slot.at(mutation.at)
        registered = moment + timedelta(seconds=mutation.registration.delay_s)
        if previous is not None and previous >= registered:
            registered = previous + timedelta(seconds=mutation.registration.delay_s % 20 + 5)
        return registered if local_date(registered) == local_date(moment) else moment

    def _values(
        self,
        slot: PlacedSlot,
        m: MutationTemplate,
        mutatie_id: str,
        ids: list[str],
        registered: datetime,
    ) -> tuple[str, ...]:
        withdrawal = m.status == WITHDRAWN
        target = ""
        if m.withdraws is not None:
            target = m.withdraws if isinstance(m.withdraws, str) else ids[m.withdraws]
        record = {
            "mutatie_id": mutatie_id,
            "locatie_id": m.location_override or slot.location_id,
            "status": m.status,
            "stoptype": m.stoptype,
            "specialisme": m.specialisme,
            "ingang": "" if withdrawal else format_timestamp(slot.at(m.at)),
            "gepland_einde": ""
            if m.planned_end is None
            else format_timestamp(slot.at(m.planned_end)),
            "geregistreerd_op": format_timestamp(registered),
            "vervangt_mutatie_id": target,
            "toelichting": m.toelichting,
        }
        return tuple(record[column] for column in MUTATION_COLUMNS)

    def _conflicting(self, row: Row, days: int) -> Row:
        """Same id, another `ingang` (and registration), in a later export day."""
        record = dict(zip(MUTATION_COLUMNS, row.values, strict=True))
        ingang = datetime.fromisoformat(record["ingang"])
        record["ingang"] = format_timestamp(ingang + timedelta(minutes=self.rng.randint(17, 45)))
        day = row.export_day + timedelta(days=days)
        registered = local_time(day, self.rng.randint(8 * 3600, 10 * 3600))
        record["geregistreerd_op"] = format_timestamp(registered)
        record["toelichting"] = CONFLICT_REMARK
        conflicting = Row(day, registered, tuple(record[c] for c in MUTATION_COLUMNS))
        self.quarantined.append(
            QuarantinedRow(
                day,
                conflicting.mutatie_id,
                "conflicting duplicate (same mutatie_id, other content)",
            )
        )
        return conflicting

    def _note_quarantine(self, row: Row, mutation: MutationTemplate) -> None:
        if isinstance(mutation.withdraws, str):
            self.quarantined.append(
                QuarantinedRow(row.export_day, row.mutatie_id, "withdrawal of an unknown mutation")
            )
        if mutation.location_override:
            self.quarantined.append(
                QuarantinedRow(row.export_day, row.mutatie_id, "location not in the register")
            )
