"""File → Restore from Backup…: the catalog's backups (newest first, with date, kind and
size), "Backups to keep", and restoring one (the window closes and reopens the catalog).

The plain words for a backup (`when`, `kind`, `human_size`) are shared with the
damaged-catalog dialog.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.backup import BackupInfo
from photoarchive.settings import BACKUPS_KEEP_MAX, BACKUPS_KEEP_MIN

#: How each kind of backup is named in the list.
KINDS = {"daily": "Daily, on opening", "manual": "Made with Back Up Now",
         "before_restore": "The catalog as it was before a restore"}


def human_size(size: int) -> str:
    """1536 → "1.5 KB", 229376 → "224 KB": sizes people read, not bytes."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{int(value)} bytes"
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
        value /= 1024
    return f"{size} bytes"  # not reached


def when(info: BackupInfo) -> str:
    """"3 May 2025, 14:02"."""
    return f"{info.created.day} {info.created:%B %Y, %H:%M}"


def kind(info: BackupInfo) -> str:
    """"Daily, on opening", "Made with Back Up Now"…"""
    reason = re.sub(r"_\d+$", "", info.reason)  # "daily_2": a second one in the same instant
    if reason.startswith("before_schema"):
        return "Before an upgrade of the catalog"
    return KINDS.get(reason, "Backup")


class BackupsDialog(QDialog):
    """The list of backups. Signals `restore_requested(Path)` (the window then closes the
    catalog, restores and reopens it) and `keep_changed(int)`."""

    restore_requested = Signal(object)
    keep_changed = Signal(int)

    def __init__(self, catalog_path: Path, backups: list[BackupInfo], keep: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from Backup")
        self.backups = backups
        intro = QLabel(
            f"Backups of <b>{catalog_path.name}</b>, newest first. Restoring one replaces the "
            "catalog with that copy: edits made since are not in it. The catalog as it is now "
            "is kept as a backup first, so a restore can be undone.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(len(backups), 3)
        self.table.setHorizontalHeaderLabels(["Made", "Kind", "Size"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, info in enumerate(backups):
            for column, text in enumerate((when(info), kind(info), human_size(info.size))):
                item = QTableWidgetItem(text)
                item.setToolTip(str(info.path))
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.empty = QLabel("There are no backups of this catalog yet. File → Back Up "
                            "Catalog Now makes one; one is also made each day it is opened.")
        self.empty.setWordWrap(True)
        self.empty.setVisible(not backups)
        self.table.setVisible(bool(backups))
        self.keep = QSpinBox()
        self.keep.setRange(BACKUPS_KEEP_MIN, BACKUPS_KEEP_MAX)
        self.keep.setValue(keep)
        self.keep.setAccessibleName("Backups to keep")
        self.keep.setToolTip("Older backups are deleted when a new one is made.")
        self.keep.valueChanged.connect(self.keep_changed)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("Backups to keep:"))
        keep_row.addWidget(self.keep)
        keep_row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("Restore This Backup")
        self.restore_button.setEnabled(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self._restore)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(self.selected() is not None))
        self.table.itemDoubleClicked.connect(lambda _item: self._restore())
        layout = QVBoxLayout(self)
        for widget in (intro, self.table, self.empty):
            layout.addWidget(widget)
        layout.addLayout(keep_row)
        layout.addWidget(buttons)
        if backups:
            self.table.selectRow(0)
        self.resize(620, 380)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _restore(self) -> None:
        info = self.selected()
        if info is not None:
            self.accept()
            self.restore_requested.emit(info.path)
