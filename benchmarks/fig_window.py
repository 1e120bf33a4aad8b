"""Figure 5: the main window on a catalog of 100,000 photos, offscreen.

Each measurement is a fresh process (`benchmarks.window_probe`), alternating between the
big catalog and an empty one, so memory growth is RSS(big) - RSS(empty) for the same
sequence of steps. See window_probe.py for what each timing spans; the details give the
CPU time over the same spans (all threads), steadier than wall time on a shared machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.common import REPO, Figure, median, not_measured, spread


def _probe(catalog: Path, mode: str, region: int, home: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PHOTOARCHIVE_HOME=str(home))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "benchmarks.window_probe", str(catalog), "--mode", mode,
           "--region", str(region)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"window probe ({mode}) failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(catalog: Path, facts: dict, work: Path, quick: bool) -> list[Figure]:
    from photoarchive.services import open_archive

    count = facts["count"]
    rounds = 1 if quick else 3
    empty = work / "empty-window.sqlite"
    open_archive(empty).close()
    home = work / "window-home"
    full, blank = [], []
    for _ in range(rounds):
        full.append(_probe(catalog, "full", count // 2, home))
        blank.append(_probe(empty, "empty", 0, home))
    first = [p["first_paint_ms"] for p in full]
    scrolls = [ms for p in full for ms in p["scroll_end_ms"]]
    scroll_cpu = [ms for p in full for ms in p["scroll_end_cpu_ms"]]
    thumbs = [p["thumbnails_ms"] for p in full]
    shown = min(p["thumbnails_shown"] for p in full)
    asked = max(p["thumbnails_asked"] for p in full)
    growth = median([p["rss_mb"] for p in full]) - median([p["rss_mb"] for p in blank])
    failures = next((p["thumbnail_failures"] for p in full if "thumbnail_failures" in p), None)
    scale = f"{count:,} photos"
    screenful = f"5. a screenful of {asked} cached thumbnails shown"
    thumbs_details = (f"runs {spread(thumbs, 1, 0)} ms, CPU "
                      f"{spread([p['thumbnails_cpu_ms'] for p in full], 1, 0)} ms; "
                      f"{min(p['visible_tiles'] for p in full)} tiles fully visible"
                      + (f"; FAILED: {failures}" if failures else ""))
    return [
        Figure(f"5. window: catalog open → first painted grid ({scale})", median(first), "ms",
               "<= 500", f"runs {spread(first, 1, 0)} ms"),
        Figure("5. scroll to the end + repaint", median(scrolls), "ms", "<= 16",
               f"{len(scrolls)} first-visit scrolls, max {max(scrolls):.1f} ms; CPU median "
               f"{median(scroll_cpu):.1f} ms"),
        Figure(screenful, median(thumbs), "ms", "<= 50", thumbs_details)
        if shown == asked else
        not_measured(screenful, "ms", "<= 50", f"only {shown} of {asked} tiles showed "
                     f"their photo on the screen ({thumbs_details})"),
        Figure("5. memory growth over an empty catalog", growth, "MB", "<= 100",
               f"RSS {spread([p['rss_mb'] for p in full], 1, 0)} MB vs empty "
               f"{spread([p['rss_mb'] for p in blank], 1, 0)} MB"),
    ]
