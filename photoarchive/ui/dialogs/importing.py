"""Importing from the window: the importer on a worker, progress and Cancel in the status
bar, photos reported batch by batch, and a report of the files that failed."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoarchive.services.archive import Archive
from photoarchive.services.importer import Importer, ImportReport
from photoarchive.settings import Settings
from photoarchive.ui.jobs import progress_row
from photoarchive.ui.workers import Task, TaskProgress, Workers


def _run_import(task: Task, archive: Archive, paths: list[Path], processes: int) -> ImportReport:
    importer = Importer(archive, workers=processes, progress=TaskProgress(task),
                        cancel=task.cancel, on_batch=task.emit_partial)
    return importer.run(paths)


class ImportJob(QObject):
    """One import run in the background. Signals arrive on the GUI thread."""

    progress = Signal(int, int, str)  # done, total, current file
    batch_added = Signal(list)  # ids added or updated, batch by batch
    finished = Signal(object)  # the ImportReport
    failed = Signal(str)  # the import as a whole could not run

    def __init__(self, archive: Archive, workers: Workers, paths: list[Path],
                 processes: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = [Path(p) for p in paths]
        self.report: ImportReport | None = None
        self.running = False
        processes = processes or max(1, min(os.cpu_count() or 1, 6))
        self._task = workers.submit(_run_import, archive, self.paths, processes,
                                    pass_task=True, start=False)
        self._task.relay.progress.connect(self.progress)
        self._task.relay.partial.connect(lambda ids: self.batch_added.emit(list(ids)))
        self._task.relay.done.connect(self._done)
        self._task.relay.failed.connect(self._failed)
        self._workers = workers

    def start(self) -> None:
        self.running = True
        self._workers.start(self._task)

    def cancel(self) -> None:
        self._task.cancel.cancel()

    def _done(self, report: ImportReport) -> None:
        self.running = False
        self.report = report
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.failed.emit(str(exc) or exc.__class__.__name__)


class ImportProgress(QWidget):
    """Status-bar widget: "Importing 23 of 120", a bar and Cancel; hidden when idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label, self.bar, self.cancel_button = progress_row(self)
        self.cancel_button.setToolTip("Stop the import; photos imported so far stay. "
                                      "Import the same folder again to finish it.")
        self._job: ImportJob | None = None
        self.cancel_button.clicked.connect(self._cancel)
        self.hide()

    def track(self, job: ImportJob) -> None:
        self._job = job
        self.label.setText("Looking for photos…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        job.progress.connect(self._progress)
        job.finished.connect(lambda _report: self.hide())
        job.failed.connect(lambda _message: self.hide())
        self.show()

    def _progress(self, done: int, total: int, current: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(f"Importing {done:,} of {total:,}")
        self.label.setToolTip(current)

    def _cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.label.setText("Stopping after the current files…")
            self.cancel_button.setEnabled(False)


def summary(report: ImportReport) -> str:
    """One line for the status bar."""
    parts = [f"{report.added:,} added"]
    for count, word in ((report.updated, "updated"), (report.relinked, "relinked"),
                        (report.unchanged, "unchanged"), (len(report.failed), "could not be read")):
        if count:
            parts.append(f"{count:,} {word}")
    verb = "Import stopped" if report.cancelled else "Import finished"
    return f"{verb}: {', '.join(parts)} ({report.seconds:.1f} s)."


class ImportReportDialog(QDialog):
    """The files an import could not take, each with its reason."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        n = len(report.failed)
        self.setWindowTitle("Import report")
        layout = QVBoxLayout(self)
        heading = QLabel(f"{summary(report)}<br><b>{n} file{'s' if n != 1 else ''} could not "
                         "be imported:</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.table = QTableWidget(n, 2)
        self.table.setHorizontalHeaderLabels(["File", "Reason"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (path, reason) in enumerate(report.failed):
            item = QTableWidgetItem(Path(path).name)
            item.setToolTip(path)
            self.table.setItem(row, 0, item)
            reason_item = QTableWidgetItem(reason)
            reason_item.setToolTip(reason)
            self.table.setItem(row, 1, reason_item)
        self.table.resizeColumnToContents(0)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(720, 360)


class ImportController(QObject):
    """Runs one import at a time for a window: choosing files, progress in the status bar,
    the summary and the failure report at the end. Signals: `batch_added(ids)` while it
    runs, `finished(report or None)` at the end."""

    batch_added = Signal(list)
    finished = Signal(object)

    def __init__(self, archive: Archive, settings: Settings, window: QMainWindow) -> None:
        super().__init__(window)
        self.archive, self.settings, self.window = archive, settings, window
        self.workers = Workers(max_threads=1, parent=self)
        self.progress = ImportProgress()
        self.job: ImportJob | None = None
        self.report_dialog: ImportReportDialog | None = None

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder",
                                                  self.settings.last_import_folder)
        if folder:
            self.settings.last_import_folder = folder
            self.start([Path(folder)])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.window, "Import photos",
                                                self.settings.last_import_folder)
        if files:
            self.settings.last_import_folder = str(Path(files[0]).parent)
            self.start([Path(f) for f in files])

    def start(self, paths: list[Path], processes: int | None = None) -> ImportJob | None:
        """Import files and folders in the background (one import at a time)."""
        status = self.window.statusBar()
        if self.job is not None:
            status.showMessage("An import is already running; wait for it to finish or "
                               "cancel it.", 6000)
            return None
        job = ImportJob(self.archive, self.workers, paths, processes, self)
        self.job = job
        job.batch_added.connect(self.batch_added)
        job.finished.connect(self._done)
        job.failed.connect(lambda message: self._done(None, message))
        self.progress.track(job)
        job.start()
        return job

    def _done(self, report: ImportReport | None, message: str | None = None) -> None:
        self.job = None
        status = self.window.statusBar()
        if report is None:
            status.showMessage(f"The import could not run: {message}", 10000)
        else:
            status.showMessage(summary(report), 15000)
            if report.failed:
                self.report_dialog = ImportReportDialog(report, self.window)
                self.report_dialog.open()
        self.finished.emit(report)

    def shutdown(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.workers.shutdown(30000)
