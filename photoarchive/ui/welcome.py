"""What a new user sees in an empty catalog: the first step, and a button to take it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomeView(QWidget):
    """Signal `import_requested` when the user clicks "Import a folder…"."""

    import_requested = Signal()

    def __init__(self, catalog_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        heading = QLabel("Your archive is empty")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        text = QLabel(
            "Start by importing a folder of scans or photographs. photoarchive reads the "
            "captions, dates and places already stored in the files, makes thumbnails, and "
            "never changes the originals.<br><br>"
            "You can also drop folders or files anywhere on this window.<br><br>"
            f"<span style='color: gray'>Catalog: {html.escape(catalog_path)}</span>")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setFixedWidth(460)  # word-wrapped rich text: fix the width, then its height
        text.setMinimumHeight(text.heightForWidth(460))
        button = QPushButton("Import a folder…")
        button.setDefault(True)
        button.setMinimumHeight(36)
        button.clicked.connect(self.import_requested)
        self.button = button
        for widget in (heading, text, button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
            layout.addSpacing(8)
        text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
