"""Choosing a catalog file: File → New Catalog…, Open Catalog…, Open Recent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

FILTERS = "photoarchive catalogs (*.sqlite);;All files (*)"


def choose_catalog(parent: QWidget, start: Path, create: bool) -> Path | None:
    """Ask for a catalog file to create or open; None when the user cancels."""
    if create:
        path, _ = QFileDialog.getSaveFileName(parent, "New catalog",
                                              str(start / "catalog.sqlite"), FILTERS)
    else:
        path, _ = QFileDialog.getOpenFileName(parent, "Open catalog", str(start), FILTERS)
    return Path(path) if path else None


def fill_recent_menu(menu: QMenu, recent: list[str], current: Path,
                     choose: Callable[[Path], None]) -> None:
    """List the recent catalogs (but the open one) in `menu`; choosing one calls `choose`."""
    menu.clear()
    for entry in recent:
        if Path(entry) != current:
            menu.addAction(entry).triggered.connect(lambda _checked=False, p=entry:
                                                    choose(Path(p)))
    if menu.isEmpty():
        menu.addAction("No other catalogs yet").setEnabled(False)
