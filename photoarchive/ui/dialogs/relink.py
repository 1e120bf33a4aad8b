"""File → Find Missing Files…: which photos' files are not where the catalog says, and a
search for them under a folder the user picks (`services.relink`: same size, then same
content hash), in the background with progress and Cancel. Captions and every other
field stay; only the paths change.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photoarchive.errors import PhotoarchiveError
from photoarchive.services.archive import Archive
from photoarchive.services.relink import RelinkReport, missing_photos, relink
from photoarchive.services.tasks import CancelToken, Progress
from photoarchive.ui.jobs import Jobs
from photoarchive.ui.workers import Task, Workers

SHOWN = 200  # paths listed; the rest are counted


@dataclass(frozen=True)
class MissingFiles:
    """What the dialog lists: how many photos lack their file, the first paths, and a
    folder worth searching (the nearest folder of the first one that still exists)."""

    count: int
    paths: list[str]
    suggestion: str


def find_missing(archive: Archive) -> MissingFiles:
    """On a worker: stats every photo's file."""
    rows = missing_photos(archive)
    paths = sorted(r[1] for r in rows)
    return MissingFiles(len(rows), paths[:SHOWN], _suggestion(paths[0]) if paths else "")


def _suggestion(path: str) -> str:
    """The nearest existing folder above a missing file, unless that is too broad to search
    (the root or the home folder)."""
    folder = Path(path).parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    too_broad = {Path(folder.anchor), Path.home(), Path.home().parent}
    return "" if folder in too_broad else str(folder)


class RelinkDialog(QDialog):
    """Shown with `open()`. Signal `relinked(RelinkReport)` after a search changed the
    catalog (the window repaints those photos). `choose_folder` asks for a folder (tests
    set it, or type into `folder`)."""

    relinked = Signal(object)

    def __init__(self, archive: Archive, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive, self.jobs = archive, jobs
        self.missing: MissingFiles | None = None
        self.report: RelinkReport | None = None
        self.task: Task | None = None
        self.choose_folder: Callable[[QWidget, str], str] = _choose_folder
        self.setWindowTitle("Find Missing Files")
        self.summary = QLabel("Looking for photos whose files are missing…")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.paths = QListWidget()
        self.paths.setAlternatingRowColors(True)
        self.paths.setAccessibleName("Missing files")
        how = QLabel("photoarchive looks in this folder and all its subfolders for files with "
                     "the same content, and points the catalog at them. Captions and all other "
                     "fields are kept.")
        how.setWordWrap(True)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("Folder to search (its subfolders too)")
        self.folder.setAccessibleName("Folder to search")
        self.folder.textChanged.connect(self._update_buttons)
        browse = QPushButton("Choose Folder…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.find_button = QPushButton("Find Files")
        self.find_button.setDefault(True)
        self.stop_button = QPushButton("Stop")
        buttons.addButton(self.find_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.stop_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.stop_button.hide()  # after addButton, which shows it
        buttons.rejected.connect(self.reject)
        self.find_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.paths, 1)
        layout.addWidget(how)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        self.resize(640, 440)
        self._update_buttons()
        self._workers = Workers(max_threads=1, parent=self)
        self._workers.submit(find_missing, archive, on_done=self._listed,
                             on_error=self._list_failed)

    @property
    def running(self) -> bool:
        return self.task is not None

    # -- what is missing -----------------------------------------------------------------
    def _listed(self, missing: MissingFiles) -> None:
        self.missing = missing
        self._show_list(missing.count, missing.paths)
        if missing.suggestion and not self.folder.text():
            self.folder.setText(missing.suggestion)
        self._update_buttons()

    def _show_list(self, count: int, paths: list[str]) -> None:
        self.paths.clear()
        self.paths.addItems(paths)
        if count > len(paths):
            self.paths.addItem(f"… and {count - len(paths):,} more")
        if count:
            self.summary.setText(f"<b>{count:,} photo{'s' if count != 1 else ''}</b> "
                                 f"{'are' if count != 1 else 'is'} missing "
                                 f"{'their files' if count != 1 else 'its file'}; the catalog "
                                 "still has them where they were:")
        else:
            self.summary.setText("<b>No files are missing.</b> Every photo's file is where "
                                 "the catalog says it is.")

    def _list_failed(self, exc: BaseException) -> None:
        self.summary.setText(f"Could not check the files: {html.escape(str(exc))}")

    def _browse(self) -> None:
        chosen = self.choose_folder(self, self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _update_buttons(self) -> None:
        has_missing = self.missing is not None and self.missing.count > 0
        self.find_button.setEnabled(has_missing and bool(self.folder.text().strip())
                                    and not self.running)

    # -- the search ----------------------------------------------------------------------
    def start(self) -> None:
        folder = Path(self.folder.text().strip()).expanduser()
        if not folder.is_dir():
            self._say(f"There is no folder {html.escape(str(folder))}.", error=True)
            return

        def work(progress: Progress, cancel: CancelToken) -> RelinkReport:
            return relink(self.archive, folder, progress=progress, cancel=cancel)

        self.task = self.jobs.run("Looking for moved files", work, on_done=self._done,
                                  on_error=self._failed,
                                  cancel_tip="Stop looking; files found so far are kept.")
        if self.task is None:
            self._say("Another task is still running; wait for it to finish or cancel it.",
                      error=True)
            return
        self.task.relay.progress.connect(self._progress)
        self.bar.setRange(0, 0)
        self.bar.show()
        self.stop_button.show()
        self.stop_button.setEnabled(True)
        self.result.hide()
        self._update_buttons()

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel.cancel()
            self.stop_button.setEnabled(False)

    def _progress(self, done: int, total: int, _current: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _finish_run(self) -> bool:
        stopped = self.task is not None and self.task.cancel.cancelled
        self.task = None
        self.bar.hide()
        self.stop_button.hide()
        self._update_buttons()
        return stopped

    def _done(self, report: RelinkReport) -> None:
        stopped = self._finish_run()
        self.report = report
        found, left = len(report.relinked), len(report.still_missing)
        folder = html.escape(self.folder.text().strip())
        if found:
            text = (f"Found {found:,} of {found + left:,}; "
                    f"{left:,} still missing." if left else
                    f"Found all {found:,}; none is missing any more.")
        else:
            text = f"None of the {left:,} missing files is in {folder} or its subfolders."
        self._say(("Stopped. " if stopped else "") + text)
        self._show_list(left, sorted(p for _, p in report.still_missing)[:SHOWN])
        if self.missing is not None:
            self.missing = MissingFiles(left, [], self.missing.suggestion)
            self._update_buttons()
        if found:
            self.relinked.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._finish_run()
        message = str(exc) if isinstance(exc, PhotoarchiveError | OSError) else repr(exc)
        self._say(f"The search did not finish: {html.escape(message)}", error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.result.setText(f"<span style='color: #b22'>{text}</span>" if error else
                            f"<b>{text}</b>")
        self.result.show()

    def done(self, result: int) -> None:
        """Closing stops the listing; a running search goes on in the status bar."""
        self._workers.shutdown()
        super().done(result)


def _choose_folder(parent: QWidget, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, "Folder to search",
                                            start or os.path.expanduser("~"))
