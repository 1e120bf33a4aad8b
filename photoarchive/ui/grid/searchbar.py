"""The bar above the grid: search box (the catalog's query language, debounced) and sort
order. A query the search cannot run tints the box; the grid page says what is wrong, over
the empty grid, so the bar never changes height."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from photoarchive.services.search_syntax import filter_names
from photoarchive.ui.editor.field_widgets import paint_invalid
from photoarchive.ui.shortcuts import keys_text

DEBOUNCE_MS = 250
SORT_LABELS = {"date": "Date", "title": "Title", "imported": "Import time", "path": "File name"}


def query_help() -> str:
    """The search box's tooltip, from the parser's own list of filters."""
    return ("Words and \"phrases\"; -word excludes; filters: " + ", ".join(filter_names())
            + " (Help \u2192 Search Syntax has examples)")


class SearchBar(QWidget):
    """Signals `query_changed(text)` (after typing pauses) and `sort_changed(key)`."""

    query_changed = Signal(str)
    sort_changed = Signal(str)
    leave_requested = Signal()  # Down, or Escape on an empty box: back to the photos

    def __init__(self, sort_keys: tuple[str, ...], sort: str = "date",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(
            f"Search captions, titles, places, keywords\u2026  ({keys_text('find')})")
        self.edit.setToolTip(query_help())
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search")
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort by")
        for key in sort_keys:
            self.sort.addItem(f"Sort: {SORT_LABELS.get(key, key)}", key)
        self.sort.setCurrentIndex(max(0, self.sort.findData(sort)))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.setSpacing(2)
        layout.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(lambda: self.query_changed.emit(self.text))
        self.edit.textChanged.connect(lambda _text: self._timer.start())
        self.edit.returnPressed.connect(self.flush)
        self.sort.currentIndexChanged.connect(lambda _i: self.sort_changed.emit(self.sort_key))
        self.edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Escape and self.edit.text():
                self.edit.clear()
                self.flush()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Escape, Qt.Key.Key_PageDown):
                self.flush()
                self.leave_requested.emit()
                return True
        return super().eventFilter(watched, event)

    @property
    def text(self) -> str:
        return self.edit.text().strip()

    @property
    def sort_key(self) -> str:
        return self.sort.currentData()

    def flush(self) -> None:
        """Search now (Enter), without waiting for the pause."""
        if self._timer.isActive():
            self._timer.stop()
            self.query_changed.emit(self.text)

    def set_text(self, text: str) -> None:
        self.edit.setText(text)
        self.flush()

    def set_sort(self, key: str) -> None:
        self.sort.setCurrentIndex(max(0, self.sort.findData(key)))

    def show_error(self, message: str | None) -> None:
        """Tint the box while its query cannot run (the message itself is the page's)."""
        self.edit.setAccessibleDescription(message or "")
        paint_invalid(self.edit, bool(message))
