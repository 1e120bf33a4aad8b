"""Keeping the catalog safe from the window: the daily backup on opening, File → Back Up
Catalog Now, Restore from Backup…, Find Missing Files…, and following changes made by
another process (`CatalogWatch`).

Restoring replaces the catalog file, so the window cannot do it itself: it asks with
`restore_requested(Path)`, and the session (app.py) closes the catalog, restores and
opens it again in a new window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from photoarchive.services.archive import Archive
from photoarchive.services.backup import auto_backup, backup_now, list_backups
from photoarchive.services.relink import RelinkReport
from photoarchive.settings import Settings
from photoarchive.ui.catalog_watch import CatalogWatch
from photoarchive.ui.dialogs.backups import BackupsDialog
from photoarchive.ui.dialogs.relink import RelinkDialog
from photoarchive.ui.jobs import Jobs
from photoarchive.ui.workers import Workers

if TYPE_CHECKING:
    from photoarchive.ui.main_window import MainWindow


class SafetyActions(QObject):
    """Signals: `restore_requested(Path)`, `backed_up(Path | None)` after any backup (None:
    the daily one was not due)."""

    restore_requested = Signal(object)
    backed_up = Signal(object)

    def __init__(self, archive: Archive, settings: Settings, window: MainWindow,
                 jobs: Jobs) -> None:
        super().__init__(window)
        self.archive, self.settings, self.window, self.jobs = archive, settings, window, jobs
        self.workers = Workers(max_threads=1, parent=self)
        self.backups_dialog: BackupsDialog | None = None
        self.relink_dialog: RelinkDialog | None = None
        self.watch = CatalogWatch(archive, parent=self)
        self.watch.follow(window)
        self.watch.start()
        window.viewer.find_missing_requested.connect(lambda _id: self.find_missing())

    def add_actions(self, menu: QMenu) -> None:
        """File menu: Back Up Catalog Now, Restore from Backup…, Find Missing Files…"""
        for text, slot in (("&Back Up Catalog Now", self.backup_now),
                           ("Restore from Bac&kup…", self.show_backups),
                           ("Find &Missing Files…", self.find_missing)):
            action = QAction(text, self.window)
            action.triggered.connect(slot)
            menu.addAction(action)

    def _say(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # -- backups ---------------------------------------------------------------------------
    def auto_backup(self) -> None:
        """The daily backup, if one is due, on a worker (the window is usable meanwhile)."""
        self.workers.submit(auto_backup, self.archive, keep=self.settings.backups_keep,
                            on_done=self._auto_done, on_error=self._auto_failed)

    def _auto_done(self, path: Path | None) -> None:
        if path is not None:
            self._say("Made today's backup of the catalog.", 5000)
        self.backed_up.emit(path)

    def _auto_failed(self, exc: BaseException) -> None:
        self._say(f"Today's backup of the catalog could not be made: {exc} "
                  "Use File → Back Up Catalog Now to try again.", 20000)
        self.backed_up.emit(None)

    def backup_now(self) -> None:
        keep = self.settings.backups_keep
        self.jobs.run("Backing up the catalog",
                      lambda _progress, _cancel: backup_now(self.archive, keep=keep),
                      on_done=self._backup_done, on_error=self._backup_failed,
                      cancel_tip="A backup takes moments and is not stopped part-way.",
                      counted=False)

    def _backup_done(self, path: Path) -> None:
        self._say(f"Backed up the catalog to {path.name} (the newest "
                  f"{self.settings.backups_keep} backups are kept in {path.parent}).", 15000)
        self.backed_up.emit(path)

    def _backup_failed(self, exc: BaseException) -> None:
        self._say(f"The catalog was not backed up: {exc}", 20000)

    def show_backups(self) -> BackupsDialog:
        """The list of backups; non-blocking (`open()`), returned for tests."""
        dialog = BackupsDialog(self.archive.path, list_backups(self.archive.path),
                               self.settings.backups_keep, self.window)
        dialog.keep_changed.connect(lambda n: setattr(self.settings, "backups_keep", n))
        dialog.restore_requested.connect(self.restore_requested)
        self.backups_dialog = dialog
        dialog.open()
        return dialog

    # -- missing files ---------------------------------------------------------------------
    def find_missing(self) -> RelinkDialog:
        """The Find Missing Files dialog (the running one if a search is under way)."""
        if self.relink_dialog is not None and self.relink_dialog.running:
            self.relink_dialog.open()
            return self.relink_dialog
        if self.relink_dialog is not None:
            self.relink_dialog.deleteLater()
        dialog = RelinkDialog(self.archive, self.jobs, self.window)
        dialog.relinked.connect(self._relinked)
        self.relink_dialog = dialog
        dialog.open()
        return dialog

    def _relinked(self, report: RelinkReport) -> None:
        ids = [photo_id for photo_id, _old, _new in report.relinked]
        window = self.window
        window.model.refresh(ids)
        window.sync.invalidate(ids)
        window.editor.refresh(ids)
        if window.viewer_shown and window.viewer.photo_id in ids:
            window.viewer.show_photo(window.viewer.photo_id)
        window.refresh_counts()
        left = len(report.still_missing)
        self._say(f"Found {len(ids):,} missing file{'s' if len(ids) != 1 else ''}"
                  + (f"; {left:,} still missing." if left else "."), 15000)

    def shutdown(self) -> None:
        self.watch.shutdown()
        self.workers.shutdown(30000)
