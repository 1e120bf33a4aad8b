"""`photoarchive gui --screenshot OUT.png`: wait until the window shows what it should,
save a PNG of it, quit. Waiting is by polling the window's state with a QTimer (no
`processEvents()` loop): query done, sidebar counted, visible thumbnails (and the viewer's
image) loaded."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from photoarchive.ui.grid.model import ROW_ROLE
from photoarchive.ui.main_window import MainWindow

POLL_MS = 100
SETTLE_TICKS = 3  # extra polls once everything is in, for the last repaint
TIMEOUT_MS = 60_000


def visible_tiles_loaded(window: MainWindow) -> bool:
    """True when every tile in view has its thumbnail (or a known failure)."""
    grid, loader = window.grid, window.loader
    area = grid.viewport().rect()
    model = window.model
    first = grid.indexAt(area.topLeft())
    start = first.row() if first.isValid() else 0
    for row in range(start, min(model.rowCount(), start + 2000)):
        rect = grid.visualRect(model.index(row))
        if rect.top() > area.bottom():
            break
        if not rect.intersects(area):
            continue
        tile = model.index(row).data(ROW_ROLE)
        if tile is None:
            continue
        if not loader.known(tile.content_hash):
            loader.pixmap(tile.content_hash, tile.path)  # ask, in case nothing painted yet
            return False
    return True


class Screenshot(QObject):
    """Drives one window to the requested view, then saves it to `out` and quits."""

    def __init__(self, window: MainWindow, out: Path, select: int | None = None,
                 view: str = "grid") -> None:
        super().__init__(window)
        self.window, self.out, self.select, self.view = window, out, select, view
        self.exit_code: int | None = None
        self._stage = "results"
        self._settle = 0
        self._elapsed = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        self._timer.start()

    def _poll(self) -> None:
        self._elapsed += POLL_MS
        w = self.window
        if self._elapsed > TIMEOUT_MS:
            print("photoarchive: the window did not finish loading in time; saving it as it "
                  "is.", file=sys.stderr)
            self._save(1)
            return
        if self._stage == "results":
            if w.loading or w.total < 0:
                return
            if self.select is not None:
                w.select_ids([self.select], self.select)
            elif w.model.rowCount():
                first = w.model.ids[0]
                w.select_ids([first], first)
            if self.view == "viewer":
                w.open_viewer()
            self._stage = "pixels"
            return
        if w.viewer_shown:
            ready = not w.viewer.loading
        else:
            ready = w.loader.pending == 0 and visible_tiles_loaded(w)
        if not ready:
            self._settle = 0
            return
        self._settle += 1
        if self._settle >= SETTLE_TICKS:
            self._save(0)

    def _save(self, code: int) -> None:
        self._timer.stop()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(self.out), "PNG"):
            print(f"photoarchive: cannot write {self.out}", file=sys.stderr)
            code = 2
        self.exit_code = code
        QTimer.singleShot(0, lambda: QApplication.instance().exit(code))
