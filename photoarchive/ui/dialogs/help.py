"""Help → Keyboard Shortcuts and Help → Search Syntax, each made from the table the code
itself uses (`ui.shortcuts.SHORTCUTS`; the query parser's filters via
`services.search_syntax`), so neither can list a key or filter that does not work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.search_syntax import syntax_rows
from photoarchive.ui.shortcuts import SHORTCUTS, keys_text


class TableDialog(QDialog):
    """A read-only table with a line of introduction; non-modal, one per window."""

    def __init__(self, title: str, intro: str, headers: list[str],
                 rows: list[tuple[str, ...]], parent: QWidget | None = None,
                 wrapped: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.table = QTableWidget(len(rows), len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        # Rows as tall as their wrapped text, whatever the width (long descriptions wrap).
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        # Every column as wide as its longest text but `wrapped` (the last by default), which
        # takes the rest and wraps: keys and examples are never cut ("Ctrl+…").
        wrapped = len(headers) - 1 if wrapped is None else wrapped
        header = self.table.horizontalHeader()
        for c in range(len(headers)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(wrapped, QHeaderView.ResizeMode.Stretch)
        label = QLabel(intro, self)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)

    def rows(self) -> list[tuple[str, ...]]:
        """The table as shown, row by row (for tests and screen readers' sake, plain text)."""
        return [tuple(self.table.item(r, c).text() for c in range(self.table.columnCount()))
                for r in range(self.table.rowCount())]


def shortcuts_dialog(parent: QWidget | None = None) -> TableDialog:
    # A standard key some platforms leave empty (Quit on Windows: Alt+F4 closes) is left out.
    rows = [(s.where, s.does, keys_text(s.name)) for s in SHORTCUTS if keys_text(s.name)]
    return TableDialog(
        "Keyboard Shortcuts",
        "File, Edit, View and Photo keys work anywhere in the window (menus list them too); "
        "Viewer keys work while a photo is shown large, Editor keys in the metadata fields.",
        ["Where", "What it does", "Keys"], rows, parent, wrapped=1)


def search_syntax_dialog(parent: QWidget | None = None) -> TableDialog:
    rows = [(row.example, row.finds) for row in syntax_rows()]
    return TableDialog(
        "Search Syntax",
        "Type in the search box above the photos; every term must match. Filters are "
        "written name:value, with the value in quotes when it has spaces.",
        ["Example", "Finds"], rows, parent)


def add_help_actions(menu: QMenu, parent: QWidget) -> list[QAction]:
    """Help → Keyboard Shortcuts and Help → Search Syntax, each opening (or raising) its
    dialog."""
    opened: dict[str, TableDialog] = {}

    def show(key: str, make) -> None:
        dialog = opened.get(key)
        if dialog is None:
            dialog = opened[key] = make(parent)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    actions = [menu.addAction("&Keyboard Shortcuts", lambda: show("keys", shortcuts_dialog)),
               menu.addAction("&Search Syntax",
                              lambda: show("search", search_syntax_dialog))]
    return actions
