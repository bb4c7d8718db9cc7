"""Cutting an ordered sequence into consecutive pieces of bounded size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def consecutive_batches(
    items: Sequence[Item], size: Callable[[Item], int], limit: int
) -> list[list[Item]]:
    """``items`` in order, cut where a piece's total ``size`` would pass ``limit``.

    An item larger than ``limit`` is a piece of its own: nothing is split or dropped. Used
    where a backfill of years must be handled a bounded piece at a time: the ingestion's load
    batches (bytes of files) and the raw GX check's chunks (rows).
    """
    batches: list[list[Item]] = []
    total = 0
    for item in items:
        if not batches or (batches[-1] and total + size(item) > limit):
            batches.append([])
            total = 0
        batches[-1].append(item)
        total += size(item)
    return batches
