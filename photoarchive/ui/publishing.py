"""File → Export Gallery…, Import Metadata from CSV…, Export CSV… and Export Dublin Core…
for one window: dialogs, background jobs (progress and Cancel in the status bar), and the
CSV import as one undo step.

Exports read the catalog, so they take the photos shown in the grid, or the selection when
more than one photo is selected; the status line says which.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QUndoStack
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from photoarchive.errors import PhotoarchiveError
from photoarchive.services.archive import Archive
from photoarchive.services.collections import list_collections
from photoarchive.services.editing import snapshot
from photoarchive.services.export_csv import ImportPlan, export_csv, plan_import, summary
from photoarchive.services.export_dc import export_dublin_core
from photoarchive.services.export_gallery import GalleryReport, export_gallery, select_photos
from photoarchive.services.gallery_gaps import collection_query, join_query
from photoarchive.services.photos import get_photos
from photoarchive.ui.commands import ApplyValuesCommand
from photoarchive.ui.dialogs.csv_import import CsvImportDialog
from photoarchive.ui.dialogs.export_gallery import GalleryChoice, GalleryDialog
from photoarchive.ui.jobs import Jobs

CSV_FILTERS = ("CSV for spreadsheet programs, UTF-8 with BOM (*.csv)", "CSV, UTF-8 (*.csv)")


def _photos(count: int) -> str:
    return f"{count:,} photo{'s' if count != 1 else ''}"


def _plan_with_names(archive: Archive, path: Path) -> tuple[ImportPlan, dict[int, str]]:
    plan = plan_import(archive, path)
    ids = sorted({c.photo_id for c in plan.changes})
    names = {r.id: Path(r.path).name for r in get_photos(archive, ids)} if ids else {}
    return plan, names


class PublishingActions(QObject):
    """Signals: `changed(ChangeSet)` after a CSV import is applied, undone or redone;
    `gallery_exported(GalleryReport)`; `exported(str)` with the status line of a CSV or
    Dublin Core export."""

    changed = Signal(object)
    gallery_exported = Signal(object)
    exported = Signal(str)

    def __init__(self, archive: Archive, window: QMainWindow, undo_stack: QUndoStack,
                 jobs: Jobs) -> None:
        super().__init__(window)
        self.archive, self.window, self.undo_stack, self.jobs = archive, window, undo_stack, jobs
        self.gallery_workers: int | None = None  # processes for images (None: one per CPU)
        self.gallery_dialog: GalleryDialog | None = None
        self.csv_dialog: CsvImportDialog | None = None
        self.message: QMessageBox | None = None

    def add_actions(self, menu: QMenu) -> None:
        """Add the import and export entries to the File menu."""
        menu.addSeparator()
        menu.addAction("Import &Metadata from CSV…", self.choose_csv_import)
        menu.addSeparator()
        menu.addAction("Export &Gallery…", self.open_gallery_dialog)
        menu.addAction("Export &CSV…", self.choose_csv_export)
        menu.addAction("Export &Dublin Core…", self.choose_dc_export)

    def _say(self, text: str, msecs: int = 10000) -> None:
        self.window.statusBar().showMessage(text, msecs)

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        """A message box that does not block (tests and the event loop carry on)."""
        self.message = QMessageBox(icon, title, text, QMessageBox.StandardButton.Close,
                                   self.window)
        self.message.open()
        return self.message

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        return lambda exc: self._tell(QMessageBox.Icon.Warning, what, str(exc) or what)

    def _export_ids(self) -> tuple[list[int], str]:
        selected = list(self.window.selected_ids())
        if len(selected) > 1:
            return selected, "the selected photos"
        return list(self.window.model.ids), "the photos shown"

    # -- gallery -----------------------------------------------------------------------------
    def _shown_query(self) -> str | None:
        """The search that selects the photos the grid shows (the sidebar's source and the
        search box), or None when none does (the latest import)."""
        source = getattr(self.window, "source", None)
        browser = getattr(self.window, "browser", None)
        search = browser.search.text if browser is not None else ""
        if source is None or source.kind == "all":
            return join_query(search)
        if source.kind == "collection":
            return join_query(collection_query(source.name), search)
        if source.kind == "search":
            return join_query(source.query, search)
        return None

    def open_gallery_dialog(self) -> GalleryDialog:
        """Ask for the gallery's settings (non-modal); the export starts when accepted."""
        source = getattr(self.window, "source", None)
        current = source.name if source is not None and source.kind == "collection" else None
        dialog = GalleryDialog(list_collections(self.archive), list(self.window.model.ids),
                               list(self.window.selected_ids()), current, self.window,
                               archive=self.archive, shown_query=self._shown_query())
        dialog.accepted.connect(lambda: self.export_gallery(dialog.choice()))
        self.gallery_dialog = dialog
        dialog.open()
        return dialog

    def export_gallery(self, choice: GalleryChoice) -> None:
        """Export in the background; at the end offer to open index.html."""
        def work(progress, cancel) -> GalleryReport:
            ids = select_photos(self.archive, collection=choice.collection)[0] \
                if choice.collection else choice.ids
            return export_gallery(self.archive, ids, choice.out_dir, choice.settings,
                                  collection=choice.collection, query=choice.query,
                                  workers=self.gallery_workers, progress=progress, cancel=cancel)

        self.jobs.run("Exporting the gallery", work, self._gallery_done,
                      self._failed("The gallery was not exported"),
                      cancel_tip="Stop the export; exporting to the same folder again "
                                 "finishes it.", counted=False)  # its steps are not photos

    def _gallery_done(self, report: GalleryReport) -> None:
        index = Path(report.out_dir) / "index.html"
        done = report.photos - len(report.failed)
        if report.cancelled:
            self._say(f"Export stopped; export to {report.out_dir} again to finish it.", 15000)
        else:
            self._say(f"Exported {_photos(done)} to {index} in {report.seconds:.1f} s.", 15000)
            lines = [f"The gallery of {_photos(done)} is in {report.out_dir}."]
            lines += [f"Kept as last published (its page stays, with the image of the last "
                      f"export): {error}" for _id, error in report.kept[:10]]
            lines += [f"Left out: {error}" for _id, error in report.failed[:10]]
            lines += report.gaps.lines() if report.gaps else []
            box = self._tell(QMessageBox.Icon.Information, "Gallery exported", "\n".join(lines))
            opener = box.addButton("Open index.html", QMessageBox.ButtonRole.AcceptRole)
            opener.clicked.connect(lambda: QDesktopServices.openUrl(
                QUrl.fromLocalFile(str(index))))
        self.gallery_exported.emit(report)

    # -- CSV import ------------------------------------------------------------------------------
    def choose_csv_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import metadata from CSV", "",
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.import_csv(Path(path))

    def import_csv(self, path: Path) -> None:
        """Read and check `path` in the background, then show its changes (or problems)."""
        self.jobs.run("Reading", lambda _progress, _cancel: _plan_with_names(
            self.archive, path), lambda result: self._planned(*result),
            self._failed(f"{path.name} was not imported"))

    def _planned(self, plan: ImportPlan, names: dict[int, str]) -> None:
        if not plan.errors and not plan.changes:
            self._say(summary(plan), 10000)
            return
        dialog = CsvImportDialog(plan, names, self.window)
        if not dialog.refused:
            dialog.accepted.connect(lambda: self.apply_csv(plan))
        self.csv_dialog = dialog
        dialog.open()

    def apply_csv(self, plan: ImportPlan) -> ApplyValuesCommand | None:
        """Apply a checked plan as one undo step (undo restores the values it replaced)."""
        new = plan.values()
        names = {name for values in new.values() for name in values}
        try:  # the values as they are now, date as shown included: what undo restores
            old = snapshot(self.archive, list(new), names)
        except PhotoarchiveError as error:
            self._say(f"Nothing was changed: {error}", 10000)
            return None
        text = f"Import {Path(plan.path).name} ({_photos(len(new))})"
        command = ApplyValuesCommand(self.archive, new, old, text, origin="csv",
                                     on_change=self.changed.emit,
                                     on_error=lambda e: self._say(f"Nothing was changed: {e}"),
                                     on_kept=lambda _kept, text: self._say(text, 15000))
        self.undo_stack.push(command)
        if command.error is None:
            plan.applied = True
            self._say(summary(plan) + " Edit → Undo puts the old values back.", 15000)
        return command

    # -- CSV and Dublin Core export -------------------------------------------------------
    def choose_csv_export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export CSV", "photos.csv",
                                                   ";;".join(CSV_FILTERS))
        if path:
            self.export_csv(Path(path), bom=chosen == CSV_FILTERS[0])

    def export_csv(self, path: Path, bom: bool = False) -> None:
        ids, which = self._export_ids()
        self.jobs.run("Exporting", lambda _p, _c: export_csv(self.archive, path, bom=bom,
                                                             photo_ids=ids),
                      lambda count: self._exported(count, which, path),
                      self._failed("The CSV file was not written"))

    def choose_dc_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export Dublin Core",
                                              "photos.jsonld", "JSON-LD (*.jsonld *.json)")
        if path:
            self.export_dublin_core(Path(path))

    def export_dublin_core(self, path: Path) -> None:
        ids, which = self._export_ids()
        self.jobs.run("Exporting", lambda _p, _c: export_dublin_core(self.archive, path,
                                                                     photo_ids=ids),
                      lambda count: self._exported(count, which, path),
                      self._failed("The Dublin Core file was not written"))

    def _exported(self, count: int, which: str, path: Path) -> None:
        text = f"Wrote {_photos(count)} ({which}) to {path}."
        self._say(text, 15000)
        self.exported.emit(text)
