"""Figures 1 and 2: import throughput against the decode floor, and 2 workers against 1.

Every import goes into a fresh catalog (made before the clock starts) and is timed as
`Importer(archive, workers=N).run([folder])`: scan, hash, probe, metadata, thumbnail and
catalog insert, worker start-up included (cold: a fork server left by an earlier round is
stopped first). The floor is the same files decoded with `draft` to thumbnail size by a
fresh pool of the same number of bare-Pillow workers. Rounds interleave floor and import
at 2 and 1 workers, in ABBA order (alternate rounds reversed) so drifting load from other
users of the machine hits all alike; each figure is the median of the per-round ratios.
The floor's own 2-vs-1 scaling is reported beside figure 2: it shows what the machine gave.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import Figure, cold_worker_start, median, spread
from benchmarks.floor import decode_thumbnail, run_pool
from benchmarks.inputs import camera_jpegs


def _import(files_dir: Path, work: Path, tag: str, workers: int, count: int) -> float:
    from photoarchive.services import open_archive
    from photoarchive.services.importer import Importer

    archive = open_archive(work / f"import-{tag}.sqlite")
    cold_worker_start()
    try:
        started = time.perf_counter()
        report = Importer(archive, workers=workers).run([files_dir])
        elapsed = time.perf_counter() - started
    finally:
        archive.close()
    if report.failed or report.added != count:
        raise RuntimeError(f"the import added {report.added} of {count} ({report.failed[:3]})")
    return elapsed


def run(work: Path, quick: bool) -> list[Figure]:
    size, count, rounds = ((1000, 750), 8, 1) if quick else ((6000, 4000), 60, 4)
    files = camera_jpegs(size, count)
    folder = files[0].parent
    paths = [str(f) for f in files]
    times: dict[str, list[float]] = {"floor2": [], "import2": [], "import1": [], "floor1": []}
    steps = {
        "floor2": lambda: run_pool(decode_thumbnail, paths, 2),
        "floor1": lambda: run_pool(decode_thumbnail, paths, 1),
        "import2": lambda: _import(folder, work, f"{len(times['import2'])}-2", 2, count),
        "import1": lambda: _import(folder, work, f"{len(times['import1'])}-1", 1, count),
    }
    order = ["floor2", "import2", "import1", "floor1"]
    for r in range(rounds):
        for step in (order if r % 2 == 0 else order[::-1]):
            times[step].append(steps[step]())
    f2, i2, i1, f1 = (times[k] for k in ("floor2", "import2", "import1", "floor1"))
    ratio1 = median([f / t for f, t in zip(f2, i2, strict=True)])
    ratio2 = median([o / t for o, t in zip(i1, i2, strict=True)])
    floor_scaling = median([o / t for o, t in zip(f1, f2, strict=True)])
    w, h = size
    return [
        Figure(f"1. import throughput / decode floor ({count} × {w}×{h}, 2 workers)",
               ratio1, "× floor", ">= 0.85",
               f"floor {spread(f2)} s ({count / median(f2):.1f} img/s); import "
               f"{spread(i2)} s ({count / median(i2):.1f} img/s)"),
        Figure("2. import scaling: 2 workers vs 1", ratio2, "×", ">= 1.8",
               f"1 worker {spread(i1)} s; 2 workers {spread(i2)} s; the bare-Pillow floor "
               f"scaled {floor_scaling:.2f}× on the same rounds (1 worker {spread(f1)} s)"),
    ]
