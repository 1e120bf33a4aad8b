"""The floors: what bare Pillow needs for the same work, run in worker processes.

Imports nothing but Pillow, so spawning its workers costs what a minimal pool costs.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image


def decode_thumbnail(path: str, size: int = 400) -> tuple[int, int]:
    """Figure 1's floor for one file: JPEG decoded with `draft` (DCT scaling) to thumbnail
    size, then fitted with `thumbnail(reducing_gap=2.0)`. Nothing is written."""
    with Image.open(path) as img:
        img.draft("RGB", (size, size))
        img.thumbnail((size, size), reducing_gap=2.0)
        return img.size


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, edge / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def gallery_derivatives(job: tuple[str, str, int, int, int]) -> tuple[int, int]:
    """Figure 7's floor for one file: decoded once at reduced size, resized to the large
    size and to the thumbnail, both encoded as the export encodes (quality, progressive,
    optimised Huffman tables) and written. No metadata, colour management or pages."""
    source, out_stem, large, thumb, quality = job
    with Image.open(source) as img:
        img.draft("RGB", _fit(img.size, large))
        img.load()
        big = img.resize(_fit(img.size, large), Image.Resampling.LANCZOS, reducing_gap=3.0) \
            if max(img.size) > large else img.copy()
    small = big.resize(_fit(big.size, thumb), Image.Resampling.LANCZOS, reducing_gap=3.0)
    for image, suffix in ((big, "-large.jpg"), (small, "-thumb.jpg")):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        Path(out_stem + suffix).write_bytes(buffer.getvalue())
    return big.size


def run_pool(fn, jobs: list, workers: int) -> float:
    """Wall time of `fn` over `jobs` in a fresh "spawn" pool of `workers` processes (pool
    start-up included, as it is in the import and the export)."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(fn, jobs, chunksize=1))
    return time.perf_counter() - started


def cpu_count() -> int:
    return os.cpu_count() or 1
