"""A read-only table of per-field changes (photo, field, before → after) and of per-item
problems, shared by the re-read and CSV import dialogs and the write report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from photoarchive.services.fields import FIELDS_BY_NAME

#: More rows than this are not shown (the dialog says how many were left out).
MAX_ROWS = 5000


@dataclass
class DiffRow:
    """One changed field of one photo."""

    photo: str  # what names the photo: its file name (and a CSV row number)
    field: str
    old: Any
    new: Any


def show_value(value: Any) -> str:
    """A value on one table line: lists joined with "; ", line breaks as " ⏎ "."""
    if value is None or value == "" or value == []:
        return "–"
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return " ⏎ ".join(text.splitlines()) if "\n" in text else text


def field_label(name: str) -> str:
    spec = FIELDS_BY_NAME.get(name)
    return spec.label if spec is not None else name


def _item(text: str, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tip if tip is not None else text)
    return item


def make_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
               parent: QWidget | None = None, wrap: bool = False) -> QTableWidget:
    """A read-only table of text rows (at most MAX_ROWS), the last column stretched;
    with `wrap`, long cells of the last column wrap onto more lines."""
    shown = rows[:MAX_ROWS]
    table = QTableWidget(len(shown), len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setWordWrap(wrap)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for r, cells in enumerate(shown):
        for c, text in enumerate(cells):
            table.setItem(r, c, _item(text))
    table.resizeColumnsToContents()
    for c in range(len(headers) - 1):  # long values must not push the last column away
        table.setColumnWidth(c, min(table.columnWidth(c), 260))
    if wrap:  # rows grow to the wrapped text once the columns have their final widths
        rewrap = QTimer(table, singleShot=True, interval=0)
        rewrap.timeout.connect(table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: rewrap.start())
    table.setCurrentCell(-1, -1)  # no cell looks picked out before the user picks one
    return table


def diff_table(rows: Sequence[DiffRow], before: str, after: str,
               parent: QWidget | None = None) -> QTableWidget:
    """Photo | Field | `before` | `after`."""
    cells = [(r.photo, field_label(r.field), show_value(r.old), show_value(r.new))
             for r in rows]
    table = make_table(("Photo", "Field", before, after), cells, parent)
    for r, row in enumerate(rows[:MAX_ROWS]):  # full text, line breaks kept, on hover
        for c, value in ((2, row.old), (3, row.new)):
            full = "; ".join(value) if isinstance(value, list) else str(value or "–")
            table.item(r, c).setToolTip(full)
    return table


def left_out(count: int) -> str:
    """A note for tables longer than MAX_ROWS ("" otherwise)."""
    return f"(The first {MAX_ROWS:,} of {count:,} are shown.)" if count > MAX_ROWS else ""
