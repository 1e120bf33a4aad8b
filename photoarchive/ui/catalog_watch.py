"""Following changes another process makes to the open catalog (the command line importing
or editing while the window is open).

Every `POLL_MS` a worker asks `services.changes.changes_since` — a few primary-key maxima
and counts, one short read transaction — and the window refreshes only what moved: the
grid's list when photos were added or removed (rows are inserted in place; the photo at
the top of the view stays where it was, and the selection is kept), the tiles, editor and
viewer of edited photos, and the sidebar's counts. While a field of the editor has the
keyboard focus the grid's list is left alone (a refreshed selection would commit the text
being typed); it catches up as soon as the focus leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QTimer, Signal

from photoarchive.services.archive import Archive
from photoarchive.services.changes import CatalogChanges, CatalogStamp, changes_since
from photoarchive.ui.workers import Workers

if TYPE_CHECKING:
    from photoarchive.ui.main_window import MainWindow

POLL_MS = 2000


class CatalogWatch(QObject):
    """Polls the catalog; `changed(CatalogChanges)` when something moved since last time.

    `follow(window)` makes it refresh that window's grid, sidebar, editor and viewer.
    """

    changed = Signal(object)

    def __init__(self, archive: Archive, interval_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.polls = 0  # how many answers arrived (tests wait on it)
        self._stamp: CatalogStamp | None = None
        self._asking = False
        self._workers = Workers(max_threads=1, parent=self)
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)
        self._window: MainWindow | None = None
        self._list_stale = False  # photos came or went while the editor had the focus
        self._anchor: tuple[int, int] | None = None  # top photo and its y before a reload

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    @interval_ms.setter
    def interval_ms(self, ms: int) -> None:
        self._timer.setInterval(ms)

    def start(self) -> None:
        """Take the first stamp now, then poll every `interval_ms`."""
        self.poll()
        self._timer.start()

    def poll(self) -> None:
        if self._asking:  # a slow answer (a busy disk): do not pile up questions
            return
        self._asking = True
        # Bound methods, not lambdas: Qt drops the delivery if this object is gone by then.
        self._workers.submit(changes_since, self.archive, self._stamp, on_done=self._arrived,
                             on_error=self._failed)

    def _arrived(self, changes: CatalogChanges) -> None:
        self._asking = False
        self.polls += 1
        first = self._stamp is None
        self._stamp = changes.stamp
        if not first and changes.any:
            self.changed.emit(changes)
        elif self._list_stale:
            self._reload_list()

    def _failed(self, _exc: BaseException) -> None:
        self._asking = False  # busy or being closed: the next tick asks again

    def shutdown(self) -> None:
        self._timer.stop()
        self._workers.shutdown()

    # -- refreshing a window -------------------------------------------------------------
    def follow(self, window: MainWindow) -> None:
        """Refresh `window` when another process changed the catalog."""
        self._window = window
        self.changed.connect(self._apply)
        window.browser.results_changed.connect(self._keep_place)

    def _apply(self, changes: CatalogChanges) -> None:
        window = self._window
        if window is None:
            return
        if changes.photos_changed or changes.many_edited:
            self._list_stale = True
            self._reload_list()
        edited = window.model.ids if changes.many_edited else changes.edited
        if edited:
            window.model.refresh(edited)
            window.sync.invalidate(edited if not changes.many_edited else None)
            window.editor.refresh(edited)  # keeps what is being typed
            if window.viewer_shown and window.viewer.photo_id in set(edited):
                window.viewer.refresh_info()
        window.refresh_counts()

    def _reload_list(self) -> None:
        window = self._window
        if window is None or window.importer.job is not None:
            return  # the window's own import reloads as it goes, and once at the end
        if window.editor.focused_editor() is not None:
            return  # later: a new selection now would commit the text being typed
        self._list_stale = False
        grid = window.grid
        top = grid.indexAt(QPoint(8, 8))
        if grid.verticalScrollBar().value() == 0:
            self._anchor = (-1, 0)  # at the top it stays at the top, new photos in view
        elif top.isValid():
            self._anchor = (window.model.ids[top.row()], grid.visualRect(top).top())
        window.browser.reload()

    def _keep_place(self, _count: int) -> None:
        """After the reload: put the photo that was at the top back where it was."""
        if self._anchor is None or self._window is None:
            return
        photo_id, old_top = self._anchor
        self._anchor = None
        grid = self._window.grid
        bar = grid.verticalScrollBar()
        index = self._window.model.index_of(photo_id)
        if photo_id == -1:
            bar.setValue(0)
        elif index.isValid():
            bar.setValue(bar.value() + grid.visualRect(index).top() - old_top)
