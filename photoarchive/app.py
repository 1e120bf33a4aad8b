"""The composition root of the desktop app: QApplication, catalog, settings, main window.

`main(argv)` is what `photoarchive` (no command) and `photoarchive gui` run, via
`photoarchive.launcher`. Only this module and `cli.py` build concrete objects.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from photoarchive import __version__, paths
from photoarchive.errors import PhotoarchiveError
from photoarchive.services.archive import Archive, open_archive
from photoarchive.settings import Settings
from photoarchive.ui.main_window import MainWindow
from photoarchive.ui.screenshot import Screenshot

SCREENSHOT_SIZE = (1280, 800)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photoarchive gui", description="Open the photoarchive window.")
    parser.add_argument("--catalog", type=Path, metavar="PATH",
                        help="catalog file (default: $PHOTOARCHIVE_CATALOG or the user data "
                             "folder's catalog.sqlite)")
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png",
                        help="save a PNG of the window (1280x800) once loaded, then quit")
    parser.add_argument("--select", type=int, metavar="ID",
                        help="with --screenshot: the photo to select (default: the first)")
    parser.add_argument("--view", choices=("grid", "viewer"), default="grid",
                        help="with --screenshot: show the grid or the viewer")
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Accepts `[--catalog P] [gui] [options]`: the `gui` word may appear once, anywhere."""
    args = list(argv)
    if "gui" in args:
        args.remove("gui")
    return build_parser().parse_args(args)


def app_icon() -> QIcon:
    return QIcon(str(paths.resources_dir() / "icons" / "photoarchive.svg"))


def make_application(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication, configured once: names, icon, high-DPI rounding."""
    existing = QApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(["photoarchive", *argv])
    app.setApplicationName("photoarchive")
    app.setApplicationDisplayName("photoarchive")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("photoarchive")
    app.setDesktopFileName("photoarchive")
    app.setWindowIcon(app_icon())
    return app


class Session(QObject):
    """The open catalog and its window; switches catalogs on request (File → Open…)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.archive: Archive | None = None
        self.window: MainWindow | None = None

    def open(self, catalog: Path | None, show: bool = True) -> MainWindow:
        """Open `catalog` in a new window; the previous window and catalog close after it
        is up (so the application never runs out of windows in between)."""
        archive = open_archive(catalog)
        old_window, old_archive = self.window, self.archive
        if old_window is not None:
            old_window.save_state()  # the new window starts with its layout
        self.archive = archive
        self.settings.remember_catalog(archive.path)
        self.window = MainWindow(archive, self.settings)
        self.window.catalog_requested.connect(self._switch)
        if show:
            self.window.show()
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_archive is not None:
            old_archive.close()
        return self.window

    def _switch(self, path: Path, create: bool) -> None:
        if create and path.exists() and path.stat().st_size > 0:
            QMessageBox.warning(self.window, "New catalog",
                                f"{path} already exists. Use File → Open Catalog to open it.")
            return
        try:
            self.open(path)
        except PhotoarchiveError as exc:
            QMessageBox.warning(self.window, "Open catalog", str(exc))

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl+C or SIGTERM closes the window as its close button would (state is saved).

    Python runs signal handlers only between bytecodes, so a timer wakes it regularly."""
    def close(*_args: object) -> None:
        QTimer.singleShot(0, app.closeAllWindows)

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, close)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window (or take a screenshot of it); returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = make_application()
    settings = Settings() if args.screenshot else Settings.load()
    session = Session(settings)
    try:
        window = session.open(args.catalog, show=False)
    except PhotoarchiveError as exc:
        print(f"photoarchive: error: {exc}", file=sys.stderr)
        if not args.screenshot:
            QMessageBox.critical(None, "photoarchive", str(exc))
        return 2
    _quit_on_signals(app)
    if args.screenshot:
        window.persist_state = False
        window.resize(*SCREENSHOT_SIZE)
        shot = Screenshot(window, args.screenshot, args.select, args.view)
        window.show()
        shot.start()
    else:
        window.show()
    try:
        code = app.exec()
    finally:
        if session.window is not None:
            session.window.close()
        session.close()
    if not args.screenshot:
        settings.save()
    return code


if __name__ == "__main__":
    sys.exit(main())
