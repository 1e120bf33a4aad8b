"""Full screen for the main window; in the viewer, the photo alone.

F11 (and the platform's own key, see `ui.shortcuts`) toggles it and Esc leaves it. While the
window is full screen and shows the viewer, the menu bar, status bar, docks and the viewer's
toolbar and caption are hidden, as in every photo viewer; back in the grid, or out of full
screen, they return as they were.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QStackedWidget, QWidget

from photoarchive.ui.shortcuts import matches
from photoarchive.ui.viewer import PhotoViewer


class FullScreen(QObject):
    """Watches the window's state and page; `toggle()`, `leave()`, `show_panels()`."""

    def __init__(self, window: QMainWindow, pages: QStackedWidget, viewer: PhotoViewer) -> None:
        super().__init__(window)
        self._window, self._pages, self._viewer = window, pages, viewer
        self._hidden: list[QWidget] = []
        window.installEventFilter(self)
        pages.currentChanged.connect(lambda _index: self._follow())

    @property
    def photo_alone(self) -> bool:
        return bool(self._hidden)

    def toggle(self) -> None:
        self.leave() if self._window.isFullScreen() else self._window.setWindowState(
            self._window.windowState() | Qt.WindowState.WindowFullScreen)

    def leave(self) -> None:
        """Back to the window as it was (maximised stays maximised)."""
        if self._window.isFullScreen():
            self._window.setWindowState(
                self._window.windowState() & ~Qt.WindowState.WindowFullScreen)

    def keep_shortcuts(self) -> None:
        """Qt ignores the shortcuts of actions whose only place is a hidden menu bar: give
        every action with keys to the window itself too (call once the menus are built)."""
        self._window.addActions([a for a in self._window.findChildren(QAction)
                                 if a.shortcuts() and a not in self._window.actions()])

    def show_panels(self) -> None:
        """Show what the photo-alone view hid (before the layout is saved, for one)."""
        hidden, self._hidden = self._hidden, []
        for widget in hidden:
            widget.show()

    def _follow(self) -> None:
        alone = self._window.isFullScreen() and self._pages.currentWidget() is self._viewer
        if alone and not self._hidden:
            window = self._window
            panels = [window.menuBar(), window.statusBar(), *window.findChildren(QDockWidget),
                      self._viewer.toolbar, self._viewer.info]
            self._hidden = [w for w in panels if w.isVisible()]
            for widget in self._hidden:
                widget.hide()
            self._viewer.setFocus()  # a hidden dock may have had it
        elif not alone and self._hidden:
            self.show_panels()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.WindowStateChange:
            self._follow()
        elif (kind == QEvent.Type.KeyPress and self._window.isFullScreen()
              and matches(event, "leave_full_screen")):
            # Keys no widget took (the viewer passes Esc on while full screen) reach here.
            self.leave()
            return True
        return super().eventFilter(watched, event)
