"""Sort orders kept in memory, so the hits of a word search are sorted without reading
each hit's row.

A word search finds its photos in the full-text index in about a millisecond, but sorting
them by date means reading every hit's date columns from the wide ``photo`` rows: for
6,000 hits in a 100,000-photo catalog that is 6,000 scattered row reads and a sort, about
15 ms. `SortRanks` keeps each photo's position in a sort order (an array indexed by photo
id, built from one walk of the order's index, ≈30 ms for 100,000 photos, at most once per
change) and sorts the hits by it in Python.

A kept order is valid while the catalog is unchanged. ``PRAGMA data_version`` on a
connection of our own that never writes moves whenever any other connection commits, in
this process or in another one (the command line importing beside the window). Callers
read `version()` before they read the hits and hand it back to `sort`, which gives up
(returns None) when the catalog changed in between or a hit is not in the kept order, so
the caller falls back to sorting in SQL and no result is ever stale.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

#: Ranks are 32-bit: enough for any catalog (SQLite ids of 100,000s of photos).
_NO_RANK = -1


class SortRanks:
    """Each photo's position in the sort orders asked for so far, per catalog version."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._watch: Any = None  # a DBAPI connection checked out for good
        self._orders: dict[str, tuple[int, array]] = {}
        self._wanted: dict[str, int] = {}  # the version an order was last missed at

    def version(self) -> int:
        """A number that changes whenever anyone commits a change to the catalog."""
        with self._lock:
            if self._watch is None:
                self._watch = self._engine.raw_connection()
            cursor = self._watch.cursor()
            try:
                return int(cursor.execute("PRAGMA data_version").fetchone()[0])
            finally:
                cursor.close()

    def sort(self, ids: list[int], key: str, seen: int,
             full_order: Callable[[], list[int]]) -> list[int] | None:
        """`ids` in the order `key`, or None when that cannot be vouched for.

        `seen` is the `version()` read before `ids` were read; `full_order()` returns every
        photo id in the order (called when the kept one is missing or out of date).
        """
        if self.version() != seen:
            return None
        if not ids:
            return []
        ranks = self._ranks(key, seen, full_order)
        if ranks is None:
            return None
        if min(ids) < 0 or max(ids) >= len(ranks):
            return None
        ordered = sorted(ids, key=ranks.__getitem__)
        if ranks[ordered[0]] == _NO_RANK:  # unknown ids sort first
            return None
        return ordered

    def _ranks(self, key: str, version: int,
               full_order: Callable[[], list[int]]) -> array | None:
        """The kept order, rebuilt when out of date, but only on the second search at the
        same catalog version: the first search after an edit is left to SQL (as fast as
        before for it), and a catalog being changed all the time costs no rebuilds."""
        with self._lock:
            kept = self._orders.get(key)
            if kept is not None and kept[0] == version:
                return kept[1]
            if self._wanted.get(key) != version:
                self._wanted[key] = version
                return None
        order = full_order()
        ranks = array("i", [_NO_RANK]) * ((max(order) + 1) if order else 0)
        for position, pid in enumerate(order):
            ranks[pid] = position
        with self._lock:
            self._orders[key] = (version, ranks)
        return ranks

    def close(self) -> None:
        """Give back the watching connection (before the engine is disposed)."""
        with self._lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            self._orders.clear()
            self._wanted.clear()


__all__ = ["SortRanks"]
