"""Old ids (of the database a backup came from) to new ids (of the database restored into).

A backup lists each table's rows in id order and a restore inserts them in that order, so
one table's map is two growing arrays searched by bisection: 16 bytes a row instead of a
dict's hundred, which keeps a restore of 100,000 spans small.

PURE: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left


class IdMap:
    def __init__(self) -> None:
        self._old = array("q")
        self._new = array("q")
        # Ids a backup names that have no row (a merged claimant, a deleted gold span): what
        # they became (app/transfer/restore.py decides). Few, so a dict.
        self.ghosts: dict[int, int | None] = {}

    def add(self, old: int, new: int) -> None:
        if self._old and old <= self._old[-1]:
            raise ValueError(f"id {old} comes after id {self._old[-1]}: ids must ascend")
        self._old.append(old)
        self._new.append(new)

    def get(self, old: int) -> int | None:
        index = bisect_left(self._old, old)
        if index < len(self._old) and self._old[index] == old:
            return self._new[index]
        return None

    def __contains__(self, old: int) -> bool:
        return self.get(old) is not None

    def __len__(self) -> int:
        return len(self._old)

    def items(self):
        return zip(self._old, self._new, strict=True)

    @property
    def last_old(self) -> int | None:
        return self._old[-1] if self._old else None
