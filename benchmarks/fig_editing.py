"""Figure 6: one caption committed on a selection of 1,000 photos, and its undo.

As the window's undo command does it: the values before the edit are read with
`snapshot` (not timed), the commit is `apply_edits` (one transaction: values, edit log,
search index), the undo is `restore_values` with the snapshots before and after (it
restores only fields still as the edit left them). Each round takes another 1,000
consecutive photos of the 100,000-photo catalog.

The catalog is a copy made just before (`catalog_gen.synthetic_catalog`); it is written out
to disk first, as a user's catalog is, or the first WAL checkpoint's fsync (synchronous=FULL)
would flush the whole 170 MB copy inside whichever edit or undo triggers it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks.common import Figure, median, spread

SELECTION = 1000


def run(catalog: Path, facts: dict, quick: bool) -> list[Figure]:
    from photoarchive.services import open_archive
    from photoarchive.services.editing import (
        EditRequest,
        apply_edits,
        restore_values,
        snapshot,
    )

    count = facts["count"]
    rounds = 2 if quick else 5
    size = min(SELECTION, count // (rounds + 1))
    with open(catalog, "r+b") as copied:
        os.fsync(copied.fileno())
    archive = open_archive(catalog)
    commits, undos, snaps = [], [], []
    try:
        for r in range(rounds):
            start = 1 + (r + 1) * (count // (rounds + 1)) - size // 2
            ids = list(range(start, start + size))
            began = time.perf_counter()
            before = snapshot(archive, ids, ["caption"])
            snaps.append(time.perf_counter() - began)
            caption = (f"Round {r}: the same caption for a whole roll of film, written once "
                       "for every frame the photographer took on that afternoon.")
            began = time.perf_counter()
            changes = apply_edits(archive, ids, EditRequest(set_values={"caption": caption}),
                                  origin="gui")
            commits.append(time.perf_counter() - began)
            if len(changes.photo_ids) != size:
                raise RuntimeError(f"the edit changed {len(changes.photo_ids)} of {size}")
            after = snapshot(archive, ids, ["caption"])  # the undo command keeps it (not timed)
            began = time.perf_counter()
            restore_values(archive, before, after, origin="gui")
            undos.append(time.perf_counter() - began)
    finally:
        archive.close()
    what = f"{size:,} photos of {count:,}"
    return [
        Figure(f"6. caption committed on {size:,} selected photos (apply_edits)",
               median(commits) * 1000, "ms", "<= 100",
               f"{what}; runs {spread(commits, 1000, 0)} ms; snapshot before it "
               f"{median(snaps) * 1000:.0f} ms (not counted)"),
        Figure("6. its undo (restore_values)", median(undos) * 1000, "ms", "<= 100",
               f"runs {spread(undos, 1000, 0)} ms"),
    ]
