"""Photo → Write Metadata to Files, Re-read from Files and the write-back options, for one
window: the dialogs, the background jobs, the undo step of a re-read, and the window's one
writer of files (`WriteQueue`): explicit writes run on it — the job shows progress and
Cancel while it waits for them — and so do the sidecars written after every edit when the
catalog's preference says so; one file at a time, each with the latest values.

The window hands over edits (`edited`), and listens to `changed` (values a re-read put in
the catalog, or took out again on undo) like it listens to the editor.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu

from photoarchive.errors import PhotoarchiveError
from photoarchive.services.archive import Archive
from photoarchive.services.editing import ChangeSet, snapshot
from photoarchive.services.photos import query_ids
from photoarchive.services.reread_steps import (
    RereadPreview,
    apply_reread,
    preview_reread,
    record_reread,
)
from photoarchive.services.write_queue import WriteQueue
from photoarchive.services.writeback import (
    WriteReport,
    get_preferences,
    set_preferences,
    write_metadata,
)
from photoarchive.ui.commands import ApplyValuesCommand
from photoarchive.ui.dialogs.writeback import (
    RereadDialog,
    WriteDialog,
    WriteReportDialog,
    report_rows,
    window_words,
    write_summary,
)
from photoarchive.ui.jobs import Jobs
from photoarchive.ui.sync_badges import SyncStates

#: The checkable options: preference name → menu text.
OPTIONS = {"write_on_edit": "Write Sidecars After Every Edit",
           "embed_iptc": "Add IPTC When Writing Into Files",
           "keep_file_times": "Keep Files' Modification Times"}


class WritebackActions(QObject):
    """Signals: `changed(ChangeSet)` after a re-read is applied, undone or redone;
    `write_finished(WriteReport)` after a write from the menu; `queue_wrote(WriteReport)`
    after the writer wrote the sidecars of a batch of edits."""

    changed = Signal(object)
    write_finished = Signal(object)
    queue_wrote = Signal(object)
    _queue_failed = Signal(str)  # from the writer thread

    def __init__(self, archive: Archive, window: QMainWindow, undo_stack: QUndoStack,
                 jobs: Jobs, sync: SyncStates) -> None:
        super().__init__(window)
        self.archive, self.window, self.undo_stack = archive, window, undo_stack
        self.jobs, self.sync = jobs, sync
        self.writer = WriteQueue(archive, "sidecar", on_report=self.queue_wrote.emit,
                                 on_error=lambda exc: self._queue_failed.emit(str(exc)))
        self.write_on_edit = get_preferences(archive).write_on_edit
        self.options: dict[str, QAction] = {}
        self.write_dialog: WriteDialog | None = None
        self.report_dialog: WriteReportDialog | None = None
        self.reread_dialog: RereadDialog | None = None
        self.queue_wrote.connect(self._queue_report)
        self._queue_failed.connect(lambda message: self._say(
            f"Writing sidecars after the edit failed: {message}", 15000))

    def _say(self, text: str, msecs: int = 10000) -> None:
        self.window.statusBar().showMessage(text, msecs)

    def add_actions(self, menu: QMenu) -> None:
        """Add the write-back entries (and an options submenu) to the Photo menu."""
        menu.addAction("&Write Metadata to Files…", self.open_write_dialog)
        menu.addAction("Re-read from F&iles…", self.reread_selection)
        options = menu.addMenu("Write-back &Options")
        prefs = get_preferences(self.archive)
        for name, text in OPTIONS.items():
            action = options.addAction(text)
            action.setCheckable(True)
            action.setChecked(getattr(prefs, name))
            action.toggled.connect(lambda on, name=name: self.set_option(name, on))
            self.options[name] = action
        self.options["write_on_edit"].setToolTip(
            "Per catalog. Sidecars are written in the background, in the order of the edits.")

    # -- options and writing after edits -----------------------------------------------------
    def set_option(self, name: str, on: bool) -> None:
        """Change one per-catalog write-back preference (and whether edits are written)."""
        prefs = get_preferences(self.archive)
        setattr(prefs, name, on)
        set_preferences(self.archive, prefs)
        if name == "write_on_edit":
            self.write_on_edit = on  # sidecars already queued are still written
        action = self.options.get(name)
        if action is not None and action.isChecked() != on:
            action.setChecked(on)

    def edited(self, changes: ChangeSet) -> None:
        """After any change to the catalog: badges are stale; sidecars follow if asked."""
        self.sync.invalidate(changes.photo_ids)
        if self.write_on_edit and changes.photo_ids:
            self.writer.submit(sorted(changes.photo_ids))

    def _queue_report(self, report: WriteReport) -> None:
        self.sync.invalidate([p.id for p in report.photos])
        rows = report_rows(report)
        if rows:
            name, outcome, reason = rows[0]
            more = f" (and {len(rows) - 1} more)" if len(rows) > 1 else ""
            self._say(f"Sidecar of {name} {outcome}: {reason}{more}", 15000)

    # -- writing -----------------------------------------------------------------------------
    def open_write_dialog(self) -> WriteDialog:
        """Ask what to write and where (non-modal); writing starts when it is accepted."""
        ids = list(self.window.selected_ids())
        dialog = WriteDialog(len(ids), getattr(self.window, "total", -1), self.window)
        dialog.preview_requested.connect(lambda: self._run_write(dialog, ids, dry_run=True))
        dialog.accepted.connect(lambda: self._run_write(dialog, ids, dry_run=False))
        self.write_dialog = dialog
        dialog.open()
        return dialog

    def _run_write(self, dialog: WriteDialog, selected: list[int], dry_run: bool) -> None:
        everything, mode, force = dialog.all_photos, dialog.mode, dialog.force
        writer = self.writer

        def work(progress, cancel) -> tuple[WriteReport, bool]:
            ids = query_ids(self.archive, "", sort="path") if everything else selected
            if dry_run:  # writes nothing: no need to wait for the writer
                report = write_metadata(self.archive, ids, mode, True, force=force,
                                        progress=progress, cancel=cancel)
            else:  # on the one writer, after the edits queued before it
                report = writer.write(ids, mode, force=force, progress=progress, cancel=cancel)
            return report, cancel.cancelled

        if dry_run:
            started = self.jobs.run("Checking", work, lambda r: dialog.show_preview(r[0]),
                                    lambda exc: dialog.show_preview(None, str(exc)))
            if started is None:
                dialog.show_preview(None, "another task is still running")
        else:
            self.jobs.run("Writing", work, lambda r: self._written(*r))

    def _written(self, report: WriteReport, cancelled: bool) -> None:
        self.sync.invalidate([p.id for p in report.photos])
        self._say(write_summary(report, cancelled), 15000)
        if report_rows(report):
            self.report_dialog = WriteReportDialog(report, cancelled, self.window)
            self.report_dialog.open()
        self.write_finished.emit(report)

    # -- re-reading ----------------------------------------------------------------------------
    def reread_selection(self) -> None:
        """Read the selected photos' files; show the differences before applying them."""
        ids = list(self.window.selected_ids())
        if not ids:
            self._say("Select the photos to re-read first.", 4000)
            return
        self.jobs.run("Reading", lambda progress, cancel: preview_reread(
            self.archive, ids, progress, cancel), self._previewed)

    def _previewed(self, preview: RereadPreview) -> None:
        report = preview.report
        if preview.cancelled:
            self._say("Re-reading stopped; nothing was changed.", 8000)
            return
        if not report.changed:
            record_reread(self.archive, preview)  # nothing to apply: now known to agree
            self.sync.invalidate([p.id for p in report.photos])
            failed = sum(1 for p in report.photos if p.error)
            self._say(f"The catalog already holds what the files say ({len(report.photos):,} "
                      f"photo(s))." + (f" {failed} could not be read." if failed else ""), 10000)
            return
        self.reread_dialog = RereadDialog(preview, self.window)
        self.reread_dialog.accepted.connect(lambda: self.apply_reread(preview))
        self.reread_dialog.open()

    def apply_reread(self, preview: RereadPreview) -> ApplyValuesCommand | None:
        """Put the files' values into the catalog as one undo step."""
        new = preview.values()
        names = {name for values in new.values() for name in values}
        try:
            old = snapshot(self.archive, list(new), names)
        except PhotoarchiveError as error:
            self._say(f"Nothing was applied: {error}", 10000)
            return None
        count = len(new)
        command = ApplyValuesCommand(
            self.archive, new, old, "Re-read from files" + (f" ({count} photos)" if count > 1
                                                            else ""),
            origin="reread", on_change=self.changed.emit,
            on_error=lambda error: self._say(f"Nothing was applied: {window_words(str(error))}",
                                             10000),
            apply=lambda values: apply_reread(self.archive, preview, values),
            on_kept=lambda _kept, text: self._say(text, 15000))
        self.undo_stack.push(command)
        self.sync.invalidate([p.id for p in preview.report.photos])
        if command.error is None:
            self._say(f"Applied {preview.change_count:,} change(s) from the files; "
                      "Edit → Undo puts the catalog's values back.", 10000)
        return command

    def shutdown(self) -> None:
        """Finish the sidecars still queued (their edits are saved and should reach disk);
        the window's jobs are stopped first, so an explicit write has been cancelled."""
        self.writer.close(wait=True)
