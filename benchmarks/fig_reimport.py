"""Figure 3: re-importing an unchanged tree, against walking and stat-ing the same tree.

The tree holds tiny but real JPEGs (each unique, so none is a duplicate). It is imported
once (not timed; the catalog is cached with the tree), then each round times a walk that
stats every file, and a re-import of the tree into a copy of that catalog, which must
find every file unchanged by size and mtime without reading it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks.common import Figure, cache_path, cached_dir, median, spread
from benchmarks.inputs import tiny_tree, walk_and_stat


def _imported_catalog(tree: Path, count: int) -> tuple[Path, float]:
    from photoarchive.catalog.db import head_revision
    from photoarchive.services import open_archive
    from photoarchive.services.importer import Importer

    params = {"tree": str(tree), "count": count, "schema": head_revision()}
    seconds = 0.0
    with cached_dir("reimport-catalog", **params) as (folder, ready):
        if not ready:
            print(f"  importing the {count:,}-file tree once (cached)…", flush=True)
            archive = open_archive(folder / "catalog.sqlite")
            try:
                started = time.perf_counter()
                report = Importer(archive, workers=2).run([tree])
                seconds = time.perf_counter() - started
            finally:
                archive.close()
            if report.added != count:
                raise RuntimeError(f"the first import added {report.added} of {count} files "
                                   f"({report.failed[:3]})")
            shutil.rmtree(folder / "catalog.sqlite.thumbnails", ignore_errors=True)
    return cache_path("reimport-catalog", **params) / "catalog.sqlite", seconds


def run(work: Path, quick: bool) -> list[Figure]:
    from photoarchive.services import open_archive
    from photoarchive.services.importer import Importer

    count, rounds = (500, 3) if quick else (10_000, 5)
    tree = tiny_tree(count)
    cached, first = _imported_catalog(tree, count)
    target = work / "reimport.sqlite"
    shutil.copy2(cached, target)
    archive = open_archive(target)
    walks, imports = [], []
    try:
        walk_and_stat(tree)  # warm the directory cache for both sides alike
        for _ in range(rounds):
            started = time.perf_counter()
            seen = walk_and_stat(tree)
            walks.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = Importer(archive, workers=2).run([tree])
            imports.append(time.perf_counter() - started)
            if report.unchanged != count or seen != count:
                raise RuntimeError(f"re-import saw {report.unchanged} unchanged of {count}")
    finally:
        archive.close()
    ratio = median([i / w for i, w in zip(imports, walks, strict=True)])
    note = f"; first import {first:.1f} s" if first else ""
    return [Figure(f"3. re-import of an unchanged tree of {count:,} files / walk+stat",
                   ratio, "× walk", "<= 3",
                   f"walk+stat {spread(walks, 1000, 1)} ms; re-import "
                   f"{spread(imports, 1000, 1)} ms{note}")]
