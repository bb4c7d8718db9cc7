"""Mutation ids: `M` and a running number, unique over a simulation run.

Ids are handed out in the order the simulator renders slots, which is deterministic for a
seed. `reserve` takes a number that will never be written, so a withdrawal can name a
mutation that the export never contained (an "unknown target" that stays unknown).
A scaled run (`--scale k`) gives every copy of the world after the first its own `tag`
(`-r001`), so ids stay unique over all copies while the first copy keeps the ids of scale 1.
"""

from __future__ import annotations

ID_PREFIX = "M"
ID_DIGITS = 8


class IdAllocator:
    def __init__(self, tag: str = "") -> None:
        self._next = 1
        self._tag = tag

    def next(self) -> str:
        number, self._next = self._next, self._next + 1
        return f"{ID_PREFIX}{number:0{ID_DIGITS}d}{self._tag}"

    def reserve(self) -> str:
        """An id that no row will carry."""
        return self.next()
