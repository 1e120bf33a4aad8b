"""Figure 5's measuring process: the real main window on a catalog, offscreen.

Run as `python -m benchmarks.window_probe CATALOG --mode full|empty`; prints one JSON
line. One fresh process per measurement, so the resident set size (VmRSS) compares like
with like: the window on the big catalog against the same window on an empty one.

full mode:
1. first paint: from the moment the catalog is open (`open_archive` returned) until the
   grid viewport has been painted with rows (MainWindow built, shown, ids queried, first
   tiles fetched and painted);
2. scroll to the end + repaint: scroll bar to its maximum and a synchronous repaint, with
   the tiles of the last rows not cached (as on a first visit); repeated;
3. a screenful of 48 cached thumbnails: scroll to a region of the grid not visited yet
   whose thumbnails are in the on-disk cache (400 px JPEG q85, written before the window
   opened), then time from the repaint until all 48 are loaded and painted;
4. RSS at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.common import rss_mb

WINDOW = (2560, 1600)
SCREENFUL = 48
SCROLL_REPEATS = 5


def _prepare_thumbnails(catalog: Path, region: int, span: int) -> int:
    """Cache real thumbnails for the photos at rows region..region+span (date order)."""
    from benchmarks.inputs import camera_pixels
    from photoarchive.media.thumbnails import make_thumbnail, write_thumbnail
    from photoarchive.services import open_archive
    from photoarchive.services.browse import grid_rows
    from photoarchive.services.photos import query_ids

    with tempfile.TemporaryDirectory() as tmp:
        thumbs = []
        for k in range(12):
            source = Path(tmp) / f"{k}.jpg"
            camera_pixels(k, (1800, 1200)).save(source, quality=90)
            thumbs.append(make_thumbnail(source))
    archive = open_archive(catalog)
    try:
        ids = query_ids(archive, "", sort="date")
        rows = grid_rows(archive, ids[region:region + span])
        for n, row in enumerate(rows):
            write_thumbnail(archive.thumbnail_dir, row.content_hash, thumbs[n % len(thumbs)])
    finally:
        archive.close()
    return len(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("catalog", type=Path)
    parser.add_argument("--mode", choices=("full", "empty"), default="full")
    parser.add_argument("--region", type=int, default=0, help="row of the thumbnail screen")
    args = parser.parse_args(argv)
    os.environ.setdefault("PHOTOARCHIVE_HOME", tempfile.mkdtemp(prefix="bench-home-"))

    rss_start = rss_mb()
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QAbstractItemView

    from photoarchive.app import make_application
    from photoarchive.services import open_archive
    from photoarchive.settings import Settings
    from photoarchive.ui.main_window import MainWindow

    app = make_application()
    if args.mode == "full" and args.region:
        _prepare_thumbnails(args.catalog, args.region - 200, 600)

    class PaintWatch(QObject):
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model
            self.last_paint = 0.0
            self.painted_rows = False

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.last_paint = time.perf_counter()
                if self.model.rowCount() > 0:
                    self.painted_rows = True
            return False

    def spin(until, timeout: float = 60.0) -> float:
        """Process events until `until()`; returns the time it became true."""
        deadline = time.perf_counter() + timeout
        while True:
            app.processEvents()
            if until():
                return time.perf_counter()
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not get there in time")
            time.sleep(0.0002)

    archive = open_archive(args.catalog)
    opened = time.perf_counter()
    window = MainWindow(archive, Settings())
    window.persist_state = False
    watch = PaintWatch(window.model)
    window.grid.viewport().installEventFilter(watch)
    window.resize(*WINDOW)
    window.show()
    result: dict = {"mode": args.mode}
    if args.mode == "full":
        painted = spin(lambda: watch.painted_rows)
        result["first_paint_ms"] = (painted - opened) * 1000
        result["rows"] = window.model.rowCount()
    spin(lambda: not window.loading and window.total >= 0 and window.loader.pending == 0)
    if args.mode == "full":
        grid, model, loader = window.grid, window.model, window.loader
        bar = grid.verticalScrollBar()
        scrolls = []
        for _ in range(SCROLL_REPEATS):
            bar.setValue(0)
            grid.viewport().repaint()
            spin(lambda: loader.pending == 0)
            model.refresh(model.ids[-1000:])  # the last rows' tiles are not cached
            app.processEvents()
            started = time.perf_counter()
            bar.setValue(bar.maximum())
            grid.viewport().repaint()
            scrolls.append((time.perf_counter() - started) * 1000)
            spin(lambda: loader.pending == 0)
        result["scroll_end_ms"] = scrolls
        if args.region:
            grid.scrollTo(model.index(args.region),
                          QAbstractItemView.ScrollHint.PositionAtTop)
            area = grid.viewport().rect()
            visible = [r for r in range(max(0, args.region - 50), args.region + 400)
                       if area.contains(grid.visualRect(model.index(r)))]
            targets = visible[:SCREENFUL]
            result["visible_tiles"] = len(visible)
            last_ready = [0.0]
            loader.thumbnail_ready.connect(lambda _h: last_ready.__setitem__(
                0, time.perf_counter()))
            started = time.perf_counter()
            grid.viewport().repaint()
            hashes = [model.tile(r).content_hash for r in targets]

            def shown() -> bool:
                return (all(loader.known(h) for h in hashes)
                        and watch.last_paint > last_ready[0])

            done = spin(shown, timeout=30)
            result["thumbnails_ms"] = (done - started) * 1000
            result["thumbnails_shown"] = len(hashes)
            failed = [h for h in hashes if loader.failure(h)]
            if failed:
                result["thumbnail_failures"] = [loader.failure(h) for h in failed[:3]]
    result["rss_mb"] = rss_mb()
    result["rss_start_mb"] = rss_start
    window.close()
    window.browser.shutdown()
    archive.close()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown: Qt objects dying late can crash it
