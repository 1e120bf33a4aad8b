"""The About box: what this is, its version and licence."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from photoarchive import __version__


def about_text() -> str:
    return (f"<h3>photoarchive {__version__}</h3>"
            "<p>A desktop photo archive for historic photographs: catalogue scans, caption "
            "them, search and publish.</p>"
            "<p>Free software under the GNU General Public License, version 3 or later "
            "(GPL-3.0-or-later). It comes with no warranty.</p>")


def show_about(parent: QWidget) -> QMessageBox:
    """Show the About box (non-blocking) and return it."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About photoarchive", about_text(),
                      QMessageBox.StandardButton.Close, parent)
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.open()
    return box
