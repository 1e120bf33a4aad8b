"""Figures 1 and 2: import throughput against the decode floor, and 2 workers against 1.

Every import goes into a fresh catalog (made before the clock starts) and is timed as
`Importer(archive, workers=N).run([folder])`: scan, hash, probe, metadata, thumbnail and
catalog insert, worker start-up included. The floor is the same files decoded with
`draft` to thumbnail size by a fresh pool of the same number of bare-Pillow workers.
Rounds interleave floor, 2-worker import and 1-worker import, so load from other users of
the machine hits all three alike; each figure is the median of the per-round ratios.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import Figure, median, spread
from benchmarks.floor import decode_thumbnail, run_pool
from benchmarks.inputs import camera_jpegs


def _import(files_dir: Path, work: Path, tag: str, workers: int) -> tuple[float, int]:
    from photoarchive.services import open_archive
    from photoarchive.services.importer import Importer

    archive = open_archive(work / f"import-{tag}.sqlite")
    try:
        started = time.perf_counter()
        report = Importer(archive, workers=workers).run([files_dir])
        elapsed = time.perf_counter() - started
    finally:
        archive.close()
    if report.failed:
        raise RuntimeError(f"import failed for {report.failed[:3]}")
    return elapsed, report.added


def run(work: Path, quick: bool) -> list[Figure]:
    size, count, rounds = ((1000, 750), 8, 1) if quick else ((6000, 4000), 60, 3)
    files = camera_jpegs(size, count)
    folder = files[0].parent
    paths = [str(f) for f in files]
    workers = 2
    floors, twos, ones = [], [], []
    for r in range(rounds):
        floors.append(run_pool(decode_thumbnail, paths, workers))
        elapsed, added = _import(folder, work, f"{r}-2", workers)
        if added != count:
            raise RuntimeError(f"the import added {added} of {count} files")
        twos.append(elapsed)
        ones.append(_import(folder, work, f"{r}-1", 1)[0])
    ratio1 = median([f / t for f, t in zip(floors, twos, strict=True)])
    ratio2 = median([o / t for o, t in zip(ones, twos, strict=True)])
    w, h = size
    return [
        Figure(f"1. import throughput / decode floor ({count} × {w}×{h}, {workers} workers)",
               ratio1, "× floor", ">= 0.85",
               f"floor {spread(floors)} s ({count / median(floors):.1f} img/s); import "
               f"{spread(twos)} s ({count / median(twos):.1f} img/s)"),
        Figure("2. import scaling: 2 workers vs 1", ratio2, "×", ">= 1.8",
               f"1 worker {spread(ones)} s; 2 workers {spread(twos)} s"),
    ]
