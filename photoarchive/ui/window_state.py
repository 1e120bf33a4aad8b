"""The main window's geometry and dock layout, kept in `Settings` between runs."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow

from photoarchive.settings import Settings


def restore_layout(window: QMainWindow, settings: Settings) -> None:
    """Put the window back where and how it was (or a sensible size the first time)."""
    if settings.window_geometry:
        window.restoreGeometry(QByteArray.fromBase64(settings.window_geometry.encode()))
    else:
        window.resize(1280, 800)
    if settings.window_state:
        window.restoreState(QByteArray.fromBase64(settings.window_state.encode()))


def save_layout(window: QMainWindow, settings: Settings, tile_size: int) -> None:
    """Remember the window's geometry, docks and thumbnail size, and save the settings."""
    settings.window_geometry = bytes(window.saveGeometry().toBase64().data()).decode()
    settings.window_state = bytes(window.saveState().toBase64().data()).decode()
    settings.thumbnail_size = tile_size
    settings.save()
