"""The grid page: search bar over the thumbnail grid, and what decides which photos it
shows (the sidebar's source, the search text, the sort order), queried off the GUI thread.

A query the search cannot run empties the grid (photos of the previous query would pass for
its results) and says what is wrong over the empty grid, so nothing in the window moves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSlider, QVBoxLayout, QWidget

from photoarchive.services.archive import Archive
from photoarchive.services.browse import browse_ids, grid_rows
from photoarchive.services.photos import SORT_KEYS
from photoarchive.settings import THUMBNAIL_MAX, THUMBNAIL_MIN, Settings
from photoarchive.ui.editor.field_widgets import error_color
from photoarchive.ui.grid.loader import ThumbnailLoader
from photoarchive.ui.grid.model import PhotoGridModel
from photoarchive.ui.grid.searchbar import SearchBar
from photoarchive.ui.grid.view import PhotoGridView
from photoarchive.ui.sidebar import ALL_PHOTOS, Source
from photoarchive.ui.workers import Workers


class GridPage(QWidget):
    """Signal `results_changed(count)` once the grid shows the photos asked for."""

    results_changed = Signal(int)

    def __init__(self, archive: Archive, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.archive, self.settings = archive, settings
        self.source: Source = ALL_PHOTOS
        self.loading = False
        self._serial = 0
        self._workers = Workers(max_threads=1, parent=self)
        self.loader = ThumbnailLoader(archive.thumbnail_dir, parent=self)
        self.model = PhotoGridModel(lambda ids: grid_rows(archive, ids), self)
        self.grid = PhotoGridView(self.model, self.loader, settings.thumbnail_size,
                                  settings.show_titles)
        self.search = SearchBar(SORT_KEYS, settings.sort)
        self.query_error = QLabel(self.grid.viewport())  # over the grid, not in the layout
        self.query_error.setObjectName("queryError")
        self.query_error.setWordWrap(True)
        self.query_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.query_error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.query_error.hide()
        self.grid.viewport().installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.search)
        layout.addWidget(self.grid, 1)
        self.size_slider = QSlider(Qt.Orientation.Horizontal)  # for the status bar
        self.size_slider.setRange(THUMBNAIL_MIN, THUMBNAIL_MAX)
        self.size_slider.setValue(self.grid.tile_size)
        self.size_slider.setFixedWidth(140)
        self.size_slider.setToolTip("Thumbnail size (Ctrl+plus, Ctrl+minus)")
        self.size_slider.setAccessibleName("Thumbnail size")
        self.size_slider.valueChanged.connect(self.grid.set_tile_size)
        self.grid.tile_size_changed.connect(self.size_slider.setValue)
        self.search.query_changed.connect(lambda _text: self.reload())
        self.search.leave_requested.connect(self.grid.setFocus)
        self.search.sort_changed.connect(self._sort_changed)

    def set_source(self, source: Source) -> None:
        self.source = source
        collection = source.kind == "collection"
        self.model.reorderable = collection
        self.search.sort.setEnabled(not collection)
        self.search.sort.setToolTip("A collection keeps its own order; drag photos to change "
                                    "it." if collection else "")
        self.model.set_ids([])
        self.reload()

    def reload(self) -> None:
        """Ask (in the background) for the ids the grid should show now; the newest wins."""
        source, self._serial = self.source, self._serial + 1
        serial, self.loading = self._serial, True
        self._workers.submit(
            browse_ids, self.archive, self.search.text, self.search.sort_key,
            base_query=source.query, recent=source.kind == "recent",
            collection=source.name if source.kind == "collection" else None,
            on_done=lambda ids: self._ids_ready(serial, ids),
            on_error=lambda exc: self._query_failed(serial, exc))

    def _ids_ready(self, serial: int, ids: list[int]) -> None:
        if serial != self._serial:
            return
        self.loading = False
        self._show_query_error(None)
        kept, current = self.grid.selected_ids(), self.grid.current_id()
        self.model.set_ids(ids)
        if kept:
            self.grid.select_ids(kept, current)
        text = self.search.text
        self.grid.empty_text = (f"No photos match “{text}” here." if text else
                                f"No photos in “{self.source.label}”.")
        self.results_changed.emit(len(ids))

    def _query_failed(self, serial: int, exc: BaseException) -> None:
        if serial == self._serial:
            self.loading = False
            self.model.set_ids([])
            self.grid.empty_text = ""  # the message over the grid says why
            self._show_query_error(str(exc) or exc.__class__.__name__)
            self.results_changed.emit(0)

    def _show_query_error(self, message: str | None) -> None:
        self.search.show_error(message)
        if message:
            palette = QPalette(self.grid.viewport().palette())
            for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
                palette.setColor(role, error_color(palette))  # (over a view: Text)
            self.query_error.setPalette(palette)
            self.query_error.setText(
                f"{message}\n\nHelp \u2192 Search Syntax lists what the search understands.")
            self._place_query_error()
        self.query_error.setVisible(bool(message))

    def _place_query_error(self) -> None:
        area = self.grid.viewport().rect().adjusted(24, 24, -24, -24)
        height = min(self.query_error.heightForWidth(area.width()), area.height())
        self.query_error.setGeometry(area.x(), area.y(), area.width(), max(height, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.query_error.isVisible():
            self._place_query_error()
        return super().eventFilter(watched, event)

    def _sort_changed(self, key: str) -> None:
        self.settings.sort = key
        self.reload()

    def shutdown(self) -> None:
        self.loader.shutdown()
        self._workers.shutdown()
