"""Figure 5's measuring process: the real main window on a catalog, offscreen.

Run as `python -m benchmarks.window_probe CATALOG --mode full|empty`; prints one JSON
line. One fresh process per measurement, so the resident set size (VmRSS) compares like
with like: the window on the big catalog against the same window on an empty one.

full mode:
1. first paint: from the moment the catalog is open (`open_archive` returned) until the
   grid viewport has been painted with rows (MainWindow built, shown, ids queried, first
   tiles fetched and painted);
2. scroll to the end + repaint: scroll bar to its maximum and a synchronous repaint of a
   grid whose last rows were never shown (their tiles not read, titles not laid out,
   thumbnails never asked for), as on a first visit; repeated, each time on a list ending
   with other photos (the ids shortened by a few thousand);
3. a screenful of 48 cached thumbnails: scroll to a region of the grid not visited yet
   whose thumbnails are in the on-disk cache (400 px JPEG q85, written before the window
   opened), then time from the repaint until all 48 are loaded and painted. What was
   painted is checked on the window's backing store (a screen grab, not timed): each of
   the 48 tiles must show its photo, not a placeholder;
4. RSS at the end.

Each timing also reports the process's CPU time over the same span (all threads).
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
SCROLL_SHORTEN = 2000  # each scroll's list ends this many photos earlier than the last


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


def _placeholders(app, window, rows: list[int]) -> int:
    """How many of these rows' tiles show no photo on the window's backing store: the
    screen grab of the offscreen platform is what was painted. A photo has many colours
    where a placeholder (flat, or with two lines of text) has a few."""
    from PySide6.QtCore import QPoint

    grid, delegate = window.grid, window.grid.tile_delegate
    image = app.primaryScreen().grabWindow(window.winId()).toImage()
    origin = grid.viewport().mapTo(window, QPoint(0, 0))
    side, missing = delegate.tile_size, 0
    for row in rows:
        tile = delegate.tile_rect(grid.visualRect(window.model.index(row)))
        left = origin.x() + tile.x() + side // 6
        bottom = origin.y() + tile.y() + 6 + side  # PADDING above the square
        colours = {image.pixel(left + (side * 2 // 3) * i // 6, bottom - side // 2 + (
            side // 2 - 4) * j // 6) for i in range(7) for j in range(7)}
        missing += len(colours) < 20
    return missing


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("catalog", type=Path)
    parser.add_argument("--mode", choices=("full", "empty"), default="full")
    parser.add_argument("--region", type=int, default=0, help="row of the thumbnail screen")
    args = parser.parse_args(argv)
    os.environ.setdefault("PHOTOARCHIVE_HOME", tempfile.mkdtemp(prefix="bench-home-"))

    rss_start = rss_mb()
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
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
            self.paints = 0
            self.painted_rows = False

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.last_paint = time.perf_counter()
                self.paints += 1
                if self.model.rowCount() > 0:
                    self.painted_rows = True
            return False

    ticker = QTimer()
    ticker.setInterval(2)

    def spin(until, timeout: float = 60.0) -> float:
        """Process events until `until()`; returns the time it became true.

        Between events the GUI thread sleeps, as in the app's event loop (a ticker wakes
        it every 2 ms): polling instead would keep it busy beside the window's worker
        threads, taking the GIL from them many times a millisecond."""
        deadline = time.perf_counter() + timeout
        ticker.start()
        try:
            while True:
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
                if until():
                    return time.perf_counter()
                if time.perf_counter() > deadline:
                    raise TimeoutError("the window did not get there in time")
        finally:
            ticker.stop()

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
        all_ids = list(model.ids)
        scrolls, scroll_cpu = [], []
        for repeat in range(SCROLL_REPEATS):
            bar.setValue(0)
            grid.viewport().repaint()
            spin(lambda: loader.pending == 0)
            # A list whose last rows were never shown: the end is a first visit.
            model.set_ids(all_ids[:len(all_ids) - (repeat + 1) * SCROLL_SHORTEN])
            grid.doItemsLayout()
            app.processEvents()
            started, cpu = time.perf_counter(), time.process_time()
            bar.setValue(bar.maximum())
            grid.viewport().repaint()
            scrolls.append((time.perf_counter() - started) * 1000)
            scroll_cpu.append((time.process_time() - cpu) * 1000)
            spin(lambda: loader.pending == 0)
        model.set_ids(all_ids)
        grid.doItemsLayout()
        # The last screen's write-back states (asked once its tiles were painted) are
        # checked in the background: let that finish, as a pause of the user's would,
        # so that it does not run inside the next timing.
        spin(lambda: loader.pending == 0 and not window.sync._pending
             and not window.sync._wanted)
        result["scroll_end_ms"] = scrolls
        result["scroll_end_cpu_ms"] = scroll_cpu
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
            started, cpu = time.perf_counter(), time.process_time()
            grid.viewport().repaint()
            hashes = [model.tile(r).content_hash for r in targets]

            def shown() -> bool:
                return (all(loader.known(h) for h in hashes)
                        and watch.last_paint > last_ready[0])

            done = spin(shown, timeout=30)
            cpu_done = time.process_time()
            # What the user sees: the backing store must show every photo by now. If not,
            # wait for the next paints; checks before the last are not counted.
            excluded = excluded_cpu = 0.0
            while True:
                check, check_cpu = time.perf_counter(), time.process_time()
                placeholders = _placeholders(app, window, targets)
                if not placeholders or check - started > 30:
                    break
                excluded += time.perf_counter() - check
                excluded_cpu += time.process_time() - check_cpu
                done = spin(lambda seen=watch.paints: watch.paints > seen, timeout=30)
                cpu_done = time.process_time()
            result["thumbnails_ms"] = (done - started - excluded) * 1000
            result["thumbnails_cpu_ms"] = (cpu_done - cpu - excluded_cpu) * 1000
            result["thumbnails_asked"] = len(hashes)
            result["thumbnails_shown"] = len(hashes) - placeholders
            result["thumbnails_rechecked"] = excluded > 0
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
