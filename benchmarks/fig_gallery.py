"""Figure 7: gallery export of 200 photos at 2048 px with 400 px thumbnails.

Rounds interleave, on the same files with the same number of workers:
- the floor: bare Pillow in a fresh pool, each source decoded once at reduced size
  (`draft`), resized to 2048 px and to 400 px, both encoded (quality 85, progressive,
  optimised, as the export encodes) — benchmarks/floor.py;
- `export_gallery` into a new folder (pages, derivatives with metadata, manifest);
- sigal (`sigal build`, same sizes and quality), when sigal is importable;
- one caption changed (`apply_values`) and `export_gallery` again into the same folder.
"""

from __future__ import annotations

import importlib.util
import shutil
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import (
    Figure,
    cache_path,
    cached_dir,
    cold_worker_start,
    median,
    not_measured,
    spread,
)
from benchmarks.floor import gallery_derivatives, run_pool
from benchmarks.inputs import camera_jpegs

LARGE, THUMB, QUALITY = 2048, 400, 85
SIGAL_CONF = """\
img_size = ({large}, {large})
thumb_size = ({thumb}, {thumb})
thumb_fit = False
jpg_options = {{"quality": {quality}, "optimize": True, "progressive": True}}
keep_orig = False
copy_exif_data = False
autorotate_images = True
write_html = True
zip_gallery = False
show_map = False
theme = "colorbox"
"""


def _files(quick: bool) -> list[Path]:
    if quick:
        return camera_jpegs((1000, 750), 8)
    return camera_jpegs((6000, 4000), 60) + camera_jpegs((4000, 3000), 140, first_index=1000)


def _catalog(files: list[Path], work: Path) -> Path:
    """A catalog of `files` (imported once, cached without its thumbnails); a copy."""
    from photoarchive.catalog.db import head_revision
    from photoarchive.services import open_archive
    from photoarchive.services.importer import Importer

    params = {"files": [str(f) for f in files], "schema": head_revision()}
    with cached_dir("gallery-catalog", **params) as (folder, ready):
        if not ready:
            print(f"  importing the {len(files)} gallery photos once (cached)…", flush=True)
            archive = open_archive(folder / "catalog.sqlite")
            try:
                report = Importer(archive, workers=2).run(files)
            finally:
                archive.close()
            if report.added != len(files):
                raise RuntimeError(f"gallery import added {report.added} of {len(files)}")
            shutil.rmtree(folder / "catalog.sqlite.thumbnails", ignore_errors=True)
    target = work / "gallery.sqlite"
    shutil.copy2(cache_path("gallery-catalog", **params) / "catalog.sqlite", target)
    return target


def _sigal(files: list[Path], work: Path, round_: int, workers: int) -> float:
    source = work / "sigal-src"
    if not source.exists():
        source.mkdir()
        for f in files:
            (source / f.name).symlink_to(f)
        (work / "sigal.conf.py").write_text(SIGAL_CONF.format(
            large=LARGE, thumb=THUMB, quality=QUALITY))
    out = work / f"sigal-out-{round_}"
    cmd = [sys.executable, "-m", "sigal",
           "build", "-q", "-c", str(work / "sigal.conf.py"), "-n", str(workers), str(source),
           str(out)]
    started = time.perf_counter()
    # sigal calls setlocale(LC_ALL, ""), which fails for a locale the machine has not
    # generated (LANG=hu_HU.UTF-8 without it): the reference tool runs in C.UTF-8.
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False,
                          env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"sigal failed: {done.stderr.strip()[-500:]}")
    return elapsed


def run(work: Path, quick: bool) -> list[Figure]:
    names = ("7. gallery export per image / floor", "7. gallery export vs sigal",
             "7. re-export after one caption change / first export")
    targets = (("× floor", "<= 1.1"), ("× sigal", "<= 1.0"), ("%", "<= 2"))
    try:
        from photoarchive.services.editing import apply_values
        from photoarchive.services.export_gallery import GallerySettings, export_gallery
    except ImportError as exc:
        reason = f"photoarchive.services.export_gallery is not available ({exc})"
        return [not_measured(n, u, t, reason) for n, (u, t) in zip(names, targets, strict=True)]
    from photoarchive.services import open_archive
    from photoarchive.services.photos import query_ids

    files = _files(quick)
    count = len(files)
    rounds = 1 if quick else 2
    workers = 2
    has_sigal = importlib.util.find_spec("sigal") is not None
    archive = open_archive(_catalog(files, work))
    floors, exports, reexports, sigals = [], [], [], []
    try:
        ids = query_ids(archive, "", sort="path")
        settings = GallerySettings(title="Benchmark gallery", image_size=LARGE,
                                   thumb_size=THUMB, quality=QUALITY)
        for r in range(rounds):
            floor_out, out = work / f"floor-{r}", work / f"gallery-{r}"
            floor_out.mkdir()
            jobs = [(str(f), str(floor_out / f"{n:04d}"), LARGE, THUMB, QUALITY)
                    for n, f in enumerate(files)]

            def floor(jobs: list = jobs) -> None:
                floors.append(run_pool(gallery_derivatives, jobs, workers))

            def export(out: Path = out) -> None:
                cold_worker_start()
                started = time.perf_counter()
                report = export_gallery(archive, ids, out, settings, workers=workers)
                exports.append(time.perf_counter() - started)
                if report.images_made != count or report.failed:
                    raise RuntimeError(f"export made {report.images_made} of {count} "
                                       f"images ({report.failed[:3]})")

            for step in ((floor, export) if r % 2 == 0 else (export, floor)):  # ABBA
                step()
            if has_sigal:
                sigals.append(_sigal(files, work, r, workers))
            apply_values(archive, {ids[r % count]: {"caption": f"Corrected caption {r}."}},
                         origin="gui")
            started = time.perf_counter()
            again = export_gallery(archive, ids, out, settings, workers=workers)
            reexports.append(time.perf_counter() - started)
            if again.images_made or again.images_retagged != 1:
                raise RuntimeError(f"re-export made {again.images_made}, retagged "
                                   f"{again.images_retagged} images (expected 0 and 1)")
            for folder in (floor_out, out):
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        archive.close()
    per_floor = median([e / f for e, f in zip(exports, floors, strict=True)])
    again = median([a / e * 100 for a, e in zip(reexports, exports, strict=True)])
    what = f"{count} photos → {LARGE} px + {THUMB} px, {workers} workers"
    figures = [Figure(f"{names[0]} ({what})", per_floor, *targets[0],
                      f"floor {spread(floors)} s ({median(floors) / count * 1000:.0f} ms/img); "
                      f"export {spread(exports)} s "
                      f"({median(exports) / count * 1000:.0f} ms/img)")]
    if has_sigal:
        figures.append(Figure(names[1], median([e / s for e, s in zip(
            exports, sigals, strict=True)]), *targets[1], f"sigal {spread(sigals)} s"))
    else:
        figures.append(not_measured(
            names[1], *targets[1], "sigal is not installed in this environment (`make bench` "
            "installs it: the project's `bench` extra)"))
    figures.append(Figure(names[2], again, *targets[2],
                          f"re-export {spread(reexports, 1000, 0)} ms"))
    return figures
