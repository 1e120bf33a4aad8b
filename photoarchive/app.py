"""The composition root of the desktop app: QApplication, catalog, settings, main window.

`main(argv)` is what `photoarchive` (no command) and `photoarchive gui` run, via
`photoarchive.launcher`. Only this module and `cli.py` build concrete objects.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from photoarchive import __version__, paths
from photoarchive.errors import PhotoarchiveError
from photoarchive.services.archive import Archive, catalog_exists, open_archive
from photoarchive.services.backup import restore
from photoarchive.settings import Settings
from photoarchive.ui.dialogs.catalogs import choose_catalog
from photoarchive.ui.dialogs.recovery import RecoveryDialog
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


ChooseFile = Callable[[QWidget | None, Path], Path | None]


class Session(QObject):
    """The open catalog and its window; switches catalogs on request (File → Open…,
    Recent), restores backups, and — when a catalog cannot be opened — shows the recovery
    dialog (a damaged one: its newest good backup) instead of a traceback or an empty
    catalog. Signal `gave_up(code)` when the user quits from there with no window open."""

    gave_up = Signal(int)

    def __init__(self, settings: Settings, backups: bool = True,
                 choose: ChooseFile | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.backups = backups  # the daily backup on opening (off for screenshots)
        self.choose: ChooseFile = choose or (
            lambda parent, start: choose_catalog(parent, start, create=False))  # type: ignore
        self.archive: Archive | None = None
        self.window: MainWindow | None = None
        self.recovery: RecoveryDialog | None = None

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
        self.window.safety.restore_requested.connect(self.restore_backup)
        if self.backups:
            self.window.safety.auto_backup()
        if show:
            self.window.show()
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_archive is not None:
            old_archive.close()
        return self.window

    def try_open(self, catalog: Path | None) -> MainWindow | None:
        """`open`, or the recovery dialog (`self.recovery`) when the catalog cannot be."""
        path = Path(catalog) if catalog else paths.default_catalog_path()
        path = path.expanduser().absolute()
        try:
            return self.open(path)
        except PhotoarchiveError as exc:
            self.offer_recovery(path, exc)
            return None

    def _switch(self, path: Path, create: bool) -> None:
        if create and catalog_exists(path):  # an empty file, or a creation killed: create
            QMessageBox.warning(self.window, "New catalog",
                                f"{path} already exists. Use File → Open Catalog to open it.")
            return
        self.try_open(path)

    # -- a catalog that cannot be opened ----------------------------------------------------
    def offer_recovery(self, path: Path, problem: PhotoarchiveError) -> RecoveryDialog:
        """Show (non-blocking) what went wrong and the ways out."""
        dialog = RecoveryDialog(path, problem, another_open=self.window is not None)
        dialog.restore_requested.connect(lambda backup: self._restore_damaged(dialog, backup))
        dialog.choose_requested.connect(lambda: self._choose_other(dialog))
        dialog.quit_requested.connect(self._not_opened)
        self.recovery = dialog
        dialog.open()
        return dialog

    def _restore_damaged(self, dialog: RecoveryDialog, backup: Path) -> None:
        try:
            kept = restore(dialog.catalog_path, backup)
        except (PhotoarchiveError, OSError) as exc:
            dialog.show_error(f"The backup could not be restored: {exc}")
            return
        window = self.try_open(dialog.catalog_path)  # a new dialog if even that fails
        self._close_recovery(dialog)
        if window is not None:
            window.statusBar().showMessage(
                f"Restored the backup {backup.name}. The damaged catalog was kept as "
                f"{kept.name} in {kept.parent}.", 30000)

    def _choose_other(self, dialog: RecoveryDialog) -> None:
        chosen = self.choose(dialog, dialog.catalog_path.parent)
        if chosen is not None:
            self.try_open(chosen)
            self._close_recovery(dialog)

    def _close_recovery(self, dialog: RecoveryDialog) -> None:
        """Close a dialog that was answered (after the window it led to is up)."""
        dialog.accept()
        dialog.deleteLater()
        if self.recovery is dialog:
            self.recovery = None

    def _not_opened(self) -> None:
        self.recovery = None
        if self.window is None:
            self.gave_up.emit(2)

    # -- restoring the open catalog ----------------------------------------------------------
    def restore_backup(self, backup: Path) -> MainWindow | None:
        """File → Restore from Backup: close the catalog, put the backup in its place (the
        current file is kept as a backup first), and open it again in a new window."""
        old, archive = self.window, self.archive
        if old is None or archive is None:
            return None
        path = archive.path
        old.save_state()
        old.shutdown()  # typing committed, background work finished: nothing holds the file
        archive.close()
        self.window = self.archive = None
        try:
            kept: Path | None = restore(path, backup)
            problem = ""
        except (PhotoarchiveError, OSError) as exc:
            kept, problem = None, str(exc)
        window = self.try_open(path)
        old.close()
        old.deleteLater()
        if window is not None and kept is not None:
            window.statusBar().showMessage(
                f"Restored the backup {backup.name}. The catalog as it was is kept as "
                f"{kept.name} (File → Restore from Backup lists it).", 30000)
        elif window is not None:
            QMessageBox.warning(window, "Restore from Backup",
                                f"Nothing was restored: {problem}")
        return window

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
    session = Session(settings, backups=not args.screenshot)
    if args.screenshot:
        try:
            window = session.open(args.catalog, show=False)
        except PhotoarchiveError as exc:
            print(f"photoarchive: error: {exc}", file=sys.stderr)
            return 2
        window.persist_state = False
        window.resize(*SCREENSHOT_SIZE)
        shot = Screenshot(window, args.screenshot, args.select, args.view)
        window.show()
        shot.start()
    else:
        session.gave_up.connect(app.exit)  # "Quit" in the recovery dialog
        if session.try_open(args.catalog) is None and session.recovery is not None:
            print(f"photoarchive: error: {session.recovery.problem}", file=sys.stderr)
    _quit_on_signals(app)
    # Everything made while starting (Qt wrappers, SQLAlchemy's compiled state, modules)
    # lives as long as the window: out of the collector's way, a full collection stays
    # short instead of pausing the event loop for tens of milliseconds.
    gc.freeze()
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
