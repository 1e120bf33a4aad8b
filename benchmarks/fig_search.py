"""Figure 4: searching a catalog of 100,000 photos, as the window asks.

Each timing is what the grid needs for a query: `query_ids(archive, query, sort="date")`
(every matching id, in order) plus `grid_rows` for the first 200 of them (the first
page's tile fields, loaded as columns). Words run from rare (a family name, 0.05 % of
photos) to common (5 %), each searched once per round, rounds repeated; p50/p95 over all.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from benchmarks.common import Figure, median, percentile

PAGE = 200


def _timer(archive):
    from photoarchive.services.browse import grid_rows
    from photoarchive.services.photos import query_ids

    def search(query: str) -> tuple[float, int]:
        started = time.perf_counter()
        ids = query_ids(archive, query, sort="date")
        rows = grid_rows(archive, ids[:PAGE])
        elapsed = time.perf_counter() - started
        assert len(rows) == min(PAGE, len(ids))
        return elapsed * 1000, len(ids)

    return search


def run(catalog: Path, facts: dict, quick: bool) -> list[Figure]:
    from photoarchive.services import open_archive

    count = facts["count"]
    words = facts["search_words"]
    rounds, repeats = (2, 3) if quick else (5, 15)
    archive = open_archive(catalog)
    try:
        search = _timer(archive)
        for query in (words[0], "missing:caption", ""):  # warm the page cache
            search(query)
        word_ms, hits = [], []
        missing_ms, date_ms, sorted_ms = [], [], []
        for _ in range(rounds):
            for word in words:
                ms, n = search(word)
                word_ms.append(ms)
                hits.append(n)
        for _ in range(repeats):
            missing_ms.append(search("missing:caption")[0])
            date_ms.append(search("date:1956-10..1956-11")[0])
            sorted_ms.append(search("")[0])
        # A word search right after any change first rebuilds the kept date order
        # (catalog.order); a commit from another connection stands for the change.
        after_change_ms, rebuilt_ms = [], []
        for word in words[-3:]:
            with sqlite3.connect(catalog) as other:
                other.execute("UPDATE photo SET rating = 1 - rating WHERE id = 1")
            other.close()
            after_change_ms.append(search(word)[0])
            rebuilt_ms.append(search(word)[0])
        n_missing = search("missing:caption")[1]
        n_date = search("date:1956-10..1956-11")[1]
    finally:
        archive.close()
    scale = f"{count:,} photos"
    lo, hi = min(hits), max(hits)
    word_note = (f"{len(words)} words × {rounds} rounds, {lo:,}–{hi:,} hits each; "
                 f"max {max(word_ms):.1f} ms; the commonest words right after a change "
                 f"{median(after_change_ms):.1f} ms (SQL sorts), then "
                 f"{median(rebuilt_ms):.1f} ms (kept order rebuilt)")
    return [
        Figure(f"4. search a word, top {PAGE} with grid fields, p50 ({scale})",
               median(word_ms), "ms", "<= 5", word_note),
        Figure(f"4. search a word, top {PAGE} with grid fields, p95 ({scale})",
               percentile(word_ms, 95), "ms", "<= 20", word_note),
        Figure("4. missing:caption (ids + first page)", median(missing_ms), "ms", "<= 20",
               f"{n_missing:,} hits; p95 {percentile(missing_ms, 95):.1f} ms"),
        Figure("4. date:1956-10..1956-11 (ids + first page)", median(date_ms), "ms", "<= 20",
               f"{n_date:,} hits; p95 {percentile(date_ms, 95):.1f} ms"),
        Figure("4. all photos sorted by approximate date, first page", median(sorted_ms), "ms",
               "<= 50", f"{count:,} ids sorted; p95 {percentile(sorted_ms, 95):.1f} ms"),
    ]
