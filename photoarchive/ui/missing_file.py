"""What the viewer shows in place of a photo whose file is not where the catalog says:
the name and folder it had, what may have happened, and a button to go and find it."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

TEXT_WIDTH = 520


def missing_text(path: str) -> str:
    """The plain words, in one line (the viewer's `error`, and tests)."""
    return (f"The file is missing: {path} — it may have been moved or renamed, or the disk "
            "it is on is not connected.")


class MissingFilePanel(QWidget):
    """A centred message over the viewer's dark background. Signal `find_requested`."""

    find_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = ""
        self.heading = self._line("The file is missing", "color: #eee; font-size: 15pt; "
                                  "font-weight: bold;")
        self.name = self._line("", "color: #eee; font-size: 12pt;")
        self.folder = self._line("", "color: #bbb; font-size: 11pt;")
        self.detail = self._line("It may have been moved or renamed,\nor the disk it is on is "
                                 "not connected.", "color: #ccc; font-size: 11pt;")
        self.button = QPushButton("Find It…")
        self.button.setToolTip("Look for this file (and any other missing ones) in a folder "
                               "you choose")
        self.button.clicked.connect(self.find_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.heading, self.name, self.folder):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(10)
        layout.addWidget(self.detail, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(10)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.hide()

    @staticmethod
    def _line(text: str, style: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet(style + " background: transparent;")
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFixedWidth(TEXT_WIDTH)
        return label

    @property
    def text(self) -> str:
        return missing_text(self.path)

    def show_path(self, path: str) -> None:
        """Say which file is missing; a folder too long for one line is shortened in the
        middle (the whole path is in its tooltip and in the Find Missing Files list)."""
        self.path = path
        folder, name = os.path.split(path)
        for label in (self.name, self.folder):
            label.ensurePolished()  # the style sheet's font size, before measuring
            label.setToolTip(path)
        self.name.setText(QFontMetrics(self.name.font()).elidedText(
            name, Qt.TextElideMode.ElideMiddle, TEXT_WIDTH))
        self.folder.setText(QFontMetrics(self.folder.font()).elidedText(
            f"was in {folder}", Qt.TextElideMode.ElideMiddle, TEXT_WIDTH))
        self.show()
        self.raise_()
