"""The catalog could not be opened: say so plainly and offer the way out.

A damaged catalog gets its newest good backup offered (looked for on a worker: every
backup is integrity-checked), with "Restore This Backup", "Choose Another Catalog…" and
"Quit" ("Cancel" when another catalog is still open in the window). Any other refusal
(read-only and too old, made by a newer version, not a catalog) gets the same choices
without the restore. The damaged file is never changed here; the session that shows this
dialog restores (keeping the damaged file first) and opens.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from photoarchive.errors import CatalogDamaged, PhotoarchiveError
from photoarchive.services.backup import BackupInfo, list_backups, newest_good_backup
from photoarchive.ui.dialogs.backups import human_size, kind, when
from photoarchive.ui.workers import Workers


def good_backup(catalog_path: Path) -> BackupInfo | None:
    """On a worker: the newest backup of the catalog that passes the integrity check."""
    good = newest_good_backup(catalog_path)
    return next((b for b in list_backups(catalog_path) if b.path == good), None)


class RecoveryDialog(QDialog):
    """Shown with `open()`; the caller acts on the signals `restore_requested(Path)`,
    `choose_requested()` and `quit_requested()` (also sent by Escape or closing)."""

    restore_requested = Signal(object)
    choose_requested = Signal()
    quit_requested = Signal()

    def __init__(self, catalog_path: Path, problem: PhotoarchiveError,
                 another_open: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog_path = catalog_path
        self.problem = problem
        self.damaged = isinstance(problem, CatalogDamaged)
        self.backup: BackupInfo | None = None
        self.searching = self.damaged
        self.setWindowTitle("Catalog damaged" if self.damaged else "Catalog cannot be opened")
        self.setMinimumWidth(620)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        name = html.escape(catalog_path.name)
        self.heading = QLabel(f"The catalog “{name}” is damaged" if self.damaged else
                              f"The catalog “{name}” cannot be opened")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        said = plain(problem)
        self.explanation = _label(
            "photoarchive noticed the damage while opening it, and has not changed the file."
            if self.damaged else html.escape(said))
        # The path and what SQLite said, for whoever repairs the file (selectable).
        self.location = _label(html.escape(said) if self.damaged else
                               f"Catalog file: {html.escape(str(catalog_path))}", muted=True)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location.setVisible(self.damaged or str(catalog_path) not in said)
        self.offer = _label("Looking for a good backup…" if self.damaged else "")
        self.offer.setVisible(self.damaged)
        self.note = _label("")
        self.note.hide()
        self.error = _label("", error=True)
        self.error.hide()

        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("Restore This Backup")
        self.restore_button.setEnabled(False)
        self.choose_button = QPushButton("Choose Another Catalog…")
        self.quit_button = QPushButton("Cancel" if another_open else "Quit")
        self.quit_button.setAutoDefault(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setVisible(self.damaged)  # after addButton, which shows it
        self.restore_button.clicked.connect(self._restore)
        self.choose_button.clicked.connect(self.choose_requested)
        self.quit_button.clicked.connect(self.reject)
        (self.restore_button if self.damaged else self.choose_button).setDefault(True)

        text = QVBoxLayout()
        text.setSpacing(10)
        for widget in (self.heading, self.explanation, self.location, self.offer, self.note,
                       self.error):
            text.addWidget(widget)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(icon)
        columns.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addSpacing(8)
        layout.addWidget(buttons)
        self._workers = Workers(max_threads=1, parent=self)
        if self.damaged:
            self._workers.submit(good_backup, catalog_path, on_done=self._found,
                                 on_error=lambda exc: self._found(None))

    # -- the backup on offer -------------------------------------------------------------
    def _found(self, backup: BackupInfo | None) -> None:
        self.searching = False
        self.backup = backup
        if backup is None:
            self.offer.setText(
                "No good backup of this catalog was found. Choose another catalog, or quit; "
                "the damaged file stays as it is, so it can still be repaired.")
            self.restore_button.hide()
            self.choose_button.setDefault(True)
            self._fit()
            return
        self.offer.setText(
            f"The newest good backup is from <b>{html.escape(when(backup))}</b> "
            f"({html.escape(human_size(backup.size))}, {html.escape(kind(backup).lower())}).")
        self.note.setText("Restoring it puts that copy in place of the damaged catalog; edits "
                          "made after it are not in it. The damaged file is kept in the backup "
                          "folder first.")
        self.note.show()
        self.restore_button.setEnabled(True)
        self.restore_button.setToolTip(str(backup.path))
        self._fit()

    def show_error(self, text: str) -> None:
        """Say why the last choice did not work (the dialog stays open)."""
        self.error.setText(html.escape(text))
        self.error.show()
        self._fit()

    def _fit(self) -> None:
        """Grow or shrink to the text at the current width (wrapped labels)."""
        height = self.layout().totalHeightForWidth(self.width())
        self.resize(self.width(), max(height, self.minimumSizeHint().height()))

    def _restore(self) -> None:
        if self.backup is not None:
            self.restore_requested.emit(self.backup.path)

    def reject(self) -> None:
        """Quit (or Cancel), Escape and the close button all mean "not this catalog"."""
        self.quit_requested.emit()
        super().reject()

    def done(self, result: int) -> None:
        self._workers.shutdown()
        super().done(result)


def plain(problem: PhotoarchiveError) -> str:
    """The error's words for the window (they also serve the command line, which names
    another catalog with --catalog; here a button does that)."""
    return str(problem).replace(" with --catalog", "")


def _label(text: str, muted: bool = False, error: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if muted or error:
        palette = label.palette()
        colour = (palette.color(QPalette.ColorRole.PlaceholderText) if muted else
                  Qt.GlobalColor.darkRed)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        label.setPalette(palette)
    return label
