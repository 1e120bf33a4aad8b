"""The metadata editor dock: shows the selection's fields and turns typing into undo steps.

How a caption travels (ARCHITECTURE.md): typing stays in the field until a commit (focus-out,
Enter in single-line fields, Ctrl+Enter, a selection change, Alt+Page Down/Up, or a short
pause in typing so nothing is lost on a crash). A commit becomes one `EditFieldsCommand`
carrying the old values; its `redo()` calls the editing service, which writes the catalog
in one transaction. Consecutive commits while typing in one field merge into one step.
After every redo and undo the dock re-reads the photos it shows and emits `edited`; the
field the user is typing in is never overwritten by that echo.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QPalette, QUndoStack
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from photoarchive.errors import PhotoarchiveError, UsageError
from photoarchive.services.archive import Archive
from photoarchive.services.browse import all_keywords, all_people
from photoarchive.services.editing import ChangeSet, EditRequest, Kept, parse_value, snapshot
from photoarchive.services.fields import normalise_list
from photoarchive.services.selection import Selection, summarise
from photoarchive.ui.commands import EditFieldsCommand
from photoarchive.ui.editor.field_widgets import FieldEditor, error_color, muted_color
from photoarchive.ui.editor.form import Editor, EditorForm
from photoarchive.ui.editor.state import describe, label_of, token_action
from photoarchive.ui.editor.tokens import TokenField


class EditorDock(QDockWidget):
    """Metadata editor for the selected photos; every commit is one step on `undo_stack`."""

    edited = Signal(object)  # ChangeSet, after every edit, undo and redo made here
    notice = Signal(str)  # a message for the status bar (an undo that left a field as it is)
    next_requested = Signal()  # Alt+Page Down in any field (after committing)
    previous_requested = Signal()  # Alt+Page Up

    #: Typing is committed after this pause (ms), so a crash loses at most a few words.
    AUTOSAVE_MS = 1500
    #: After Alt+Page Down, the next `set_selection` within this time refocuses the field.
    RESTORE_SECONDS = 2.0

    def __init__(self, archive: Archive, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__("Metadata", parent)
        self.setObjectName("EditorDock")
        self._archive = archive
        self._stack = undo_stack
        self._ids: list[int] = []
        self._session = 0
        self._restore: tuple[str, float] | None = None
        self._echo = False
        self._completions_stale = True
        self._status_blocking = False
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(2)
        self.heading = QLabel(body)
        self.heading.setObjectName("editorHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.subheading = QLabel(body)
        self.subheading.setWordWrap(True)
        self.file_state = QLabel(body)  # write-back state, from the window (set_file_state)
        self.file_state.setObjectName("editorFileState")
        self.file_state.setWordWrap(True)
        self.file_state.hide()
        self.status = QLabel(body)
        self.status.setObjectName("editorStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        for label in (self.heading, self.subheading, self.file_state, self.status):
            label.setContentsMargins(10, 0, 10, 0)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = EditorForm(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.file_state)
        layout.addWidget(self.status)
        layout.addWidget(self.form, 1)
        self.setWidget(body)
        self.setMinimumWidth(280)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(self.AUTOSAVE_MS)
        self._autosave.timeout.connect(self._autosave_now)
        self._autosave_on = True
        for editor in self.form.editors.values():
            self._connect(editor)
        self._reload(keep_typing=False)

    # --- public API ----------------------------------------------------------------------
    @property
    def editors(self) -> dict[str, Editor]:
        """The field editors by field name (for the main window and tests)."""
        return self.form.editors

    @property
    def autosave_ms(self) -> int:
        """Pause in typing (ms) after which the text is committed; 0 turns that off."""
        return self._autosave.interval() if self._autosave_on else 0

    @autosave_ms.setter
    def autosave_ms(self, ms: int) -> None:
        self._autosave_on = ms > 0
        self._autosave.setInterval(max(ms, 0))
        if not self._autosave_on:
            self._autosave.stop()

    def selection(self) -> list[int]:
        return list(self._ids)

    def set_selection(self, ids: Iterable[int]) -> None:
        """Commit any pending edit, then show these photos."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        if ids == self._ids and self._restore is None:
            # The same photos again (a view refreshed its selection): save, but leave the
            # cursor and the text being typed where they are.
            self.commit_pending()
            self._reload(keep_typing=True)
            return
        restore = self._take_restore()
        focused = self.focused_editor()
        lost = self._unsaved_names() if not self.commit_pending() else []
        self._ids = ids
        self._session += 1
        self._reload(keep_typing=False)
        if lost:
            self._show_status("Not saved: " + "; ".join(lost), error=True)
        else:
            self._show_status(None)
        target = self.editors.get(restore) if restore else focused
        if target is not None and self._ids:
            self.focus_field(target.name)

    def commit_pending(self) -> bool:
        """Commit what is still being typed; False if a field holds a value it refused."""
        self._autosave.stop()
        ok = True
        for editor in self.editors.values():
            if isinstance(editor, TokenField):
                if editor.pending():
                    ok = self._commit_tokens(editor, editor.pending(), [], typed=True) and ok
            elif editor.touched:
                ok = self._commit_field(editor) and ok
        return ok

    def refresh(self, ids: Iterable[int]) -> None:
        """Reload the shown values if any of `ids` changed elsewhere (our own echo is ignored)."""
        if self._echo:
            return  # our own edit: _changed has seen to it
        self._completions_changed()
        if set(ids) & set(self._ids):
            self._reload(keep_typing=True)

    def set_file_state(self, text: str) -> None:
        """Say in words whether the shown photos' files hold what the catalog says."""
        self.file_state.setText(text)
        self.file_state.setVisible(bool(text) and bool(self._ids))

    def focused_editor(self) -> Editor | None:
        return next((e for e in self.editors.values() if e.has_input_focus()), None)

    def focus_field(self, name: str) -> None:
        """Put the keyboard focus in a field, cursor at the end."""
        self.form.reveal(name)
        self.editors[name].focus_input()

    # --- loading -------------------------------------------------------------------------
    def _reload(self, keep_typing: bool) -> None:
        try:
            selection = summarise(self._archive, self._ids)
        except PhotoarchiveError as error:
            self._show_status(str(error), error=True)
            return
        self._ids = selection.ids  # photos deleted meanwhile drop out
        shown = selection.shown
        for name, editor in self.editors.items():
            value = shown[name]
            if isinstance(editor, TokenField):
                editor.set_shown(value)  # type: ignore[arg-type]
            elif keep_typing and (editor.touched or (editor.has_input_focus()
                                                     and editor.represents(value))):
                editor.adopt(value)  # never clobber the text being typed
            else:
                editor.set_shown(value)  # type: ignore[arg-type]
        self.form.setEnabled(bool(self._ids))
        self._show_heading(selection)

    def _show_heading(self, selection: Selection) -> None:
        record = selection.record
        if not selection.ids:
            self.heading.setText("No photo selected")
            details = "Select photos in the grid to describe them."
        elif record is not None:
            self.heading.setText(Path(record.path).name)
            identifier = record.identifier or ""
            if len(identifier) > 40:
                identifier = identifier[:39].rstrip() + "\u2026"
            parts = [record.date_display or "", identifier]
            if record.width and record.height:
                width, height = record.width, record.height
                if record.rotation % 180 == 90:  # turned a quarter in the catalog
                    width, height = height, width
                parts.append(f"{width} \u00d7 {height}")
            details = " \u00b7 ".join(p for p in parts if p)
        else:
            self.heading.setText(f"{len(selection.ids):,} photos selected")
            details = ("Changes apply to all of them. Fields that differ say "
                       "\u201cMultiple values\u201d.")
        self.subheading.setText(details)
        self.subheading.setVisible(bool(details))
        palette = QPalette(self.palette())
        palette.setColor(QPalette.ColorRole.WindowText, muted_color(palette))
        self.subheading.setPalette(palette)
        self.file_state.setPalette(palette)

    def _show_status(self, message: str | None, error: bool = False,
                     blocking: bool = False) -> None:
        self._status_blocking = blocking  # cleared by the next successful save
        self.status.setText(message or "")
        self.status.setVisible(bool(message))
        palette = QPalette(self.palette())
        color = error_color(palette) if error else muted_color(palette)
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self.status.setPalette(palette)

    def _completions_changed(self) -> None:
        """Keywords or people may have changed: a token field being typed in offers them at
        once (the cursor often stays there from photo to photo); the others on entry."""
        self._completions_stale = True
        if any(isinstance(e, TokenField) and e.has_input_focus() for e in self.editors.values()):
            self._refresh_completions()

    def _refresh_completions(self) -> None:
        if not self._completions_stale:
            return
        try:
            self.editors["keywords"].set_completions(all_keywords(self._archive))
            self.editors["people"].set_completions(all_people(self._archive))
        except PhotoarchiveError:
            return  # completion is a convenience; the fields still work without it
        self._completions_stale = False

    # --- committing ----------------------------------------------------------------------
    def _connect(self, editor: Editor) -> None:
        editor.navigate_requested.connect(self._navigate)
        editor.entered.connect(self._entered)
        if isinstance(editor, TokenField):
            editor.tokens_added.connect(
                lambda field, tokens: self._commit_tokens(field, tokens, [], typed=True))
            editor.tokens_removed.connect(
                lambda field, tokens: self._commit_tokens(field, [], tokens))
        else:
            editor.commit_requested.connect(self._commit_field)
            editor.typed.connect(self._typed)
            editor.reverted.connect(lambda _e: self._clear_blocking_status())

    def _typed(self, _editor: FieldEditor) -> None:
        if self._autosave_on:
            self._autosave.start()

    def _entered(self, editor: Editor) -> None:
        self._session += 1  # a new typing session: its commits form one undo step
        if isinstance(editor, TokenField):
            self._refresh_completions()

    def _commit_field(self, editor: FieldEditor, quiet: bool = False) -> bool:
        if not self._ids or not editor.touched:
            return True
        if not editor.is_dirty():
            if editor.shown.multiple or not editor.has_input_focus():
                editor.revert()  # "Multiple values" again, or the value as the catalog has it
            else:
                editor.touched = False
            return True
        text = editor.text()
        try:
            parse_value(editor.name, text)
        except UsageError as error:
            if not quiet:
                editor.set_error(str(error))
            return False
        action = f"Edit {label_of(editor.name)}"
        editor.mark_committed()
        ok = self._push(EditRequest(set_values={editor.name: text}), [editor.name],
                        describe(action, len(self._ids)), editor,
                        merge_key=editor.name, session=self._session)
        if not ok:
            editor.touched = True  # still not saved: keep it marked
        return ok

    def _commit_tokens(self, field: TokenField, add: list[str], remove: list[str],
                       typed: bool = False) -> bool:
        if not self._ids:
            return True
        present = {t.casefold() for t in field.shown.common}
        add = [t for t in normalise_list(add) if t.casefold() not in present]
        remove = normalise_list(remove)
        if typed:
            field.clear_input()
        if not add and not remove:
            return True
        request = (EditRequest(add_keywords=add, remove_keywords=remove)
                   if field.name == "keywords"
                   else EditRequest(add_people=add, remove_people=remove))
        text = describe(token_action(field.name, add, remove), len(self._ids))
        ok = self._push(request, [field.name], text, field)
        if not ok and typed:
            field.input.setText("; ".join(add))
        return ok

    def _push(self, request: EditRequest, names: list[str], text: str, source: Editor,
              merge_key: str | None = None, session: int | None = None) -> bool:
        errors: list[PhotoarchiveError] = []
        if not shiboken6.isValid(self._stack):
            return False  # the window is being torn down
        try:
            old = snapshot(self._archive, self._ids, names)
        except PhotoarchiveError as error:
            errors.append(error)
        else:
            command = EditFieldsCommand(self._archive, self._ids, request, old, text=text,
                                        on_change=_weak(self, EditorDock._changed),
                                        on_error=errors.append, merge_key=merge_key,
                                        session=session, on_kept=_weak(self, EditorDock._kept))
            self._stack.push(command)
        if errors:
            source.set_error(str(errors[0]))
            return False
        source.set_error(None)
        self._clear_blocking_status()
        return True

    def _clear_blocking_status(self) -> None:
        if self._status_blocking and not any(e.touched for e in self.editors.values()):
            self._show_status(None)

    def _changed(self, changes: ChangeSet) -> None:
        """After every redo and undo: refresh the shown values, tell the window."""
        if changes.fields & {"keywords", "people"}:
            self._completions_changed()
        if changes and changes.photo_ids & set(self._ids):
            self._reload(keep_typing=True)
        self._echo = True
        try:
            self.edited.emit(changes)
        finally:
            self._echo = False

    def _kept(self, kept: list[Kept], text: str) -> None:
        """An undo or redo left fields changed elsewhere as they are: show what they hold
        (the catalog watch may not have told yet) and say so."""
        if {k.photo_id for k in kept} & set(self._ids):
            self._reload(keep_typing=True)
        self.notice.emit(text)

    def _autosave_now(self) -> None:
        for editor in self.editors.values():
            if isinstance(editor, FieldEditor) and editor.touched:
                self._commit_field(editor, quiet=True)

    def _unsaved_names(self) -> list[str]:
        """What commit_pending could not save, for a status line."""
        lost = []
        for editor in self.editors.values():
            if editor.touched:
                typed = editor.text() if isinstance(editor, FieldEditor) else editor.input.text()
                lost.append(f"{label_of(editor.name)} \u201c{typed.strip()}\u201d")
        return lost

    # --- moving through a roll ------------------------------------------------------------
    def _navigate(self, editor: Editor, step: int) -> None:
        if not self.commit_pending():
            unsaved = "; ".join(self._unsaved_names())
            self._show_status(f"Not saved yet: {unsaved}. Correct it, or press Esc in the "
                              "field to put back the saved value, before moving on.",
                              error=True, blocking=True)
            return
        self._restore = (editor.name, time.monotonic())
        (self.next_requested if step > 0 else self.previous_requested).emit()

    def _take_restore(self) -> str | None:
        restore, self._restore = self._restore, None
        if restore and time.monotonic() - restore[1] <= self.RESTORE_SECONDS:
            return restore[0]
        return None

    def hideEvent(self, event: QHideEvent) -> None:
        self.commit_pending()  # hiding the dock must not lose typing
        super().hideEvent(event)


def _weak(dock: EditorDock, method: Callable[..., None]) -> Callable[..., None]:
    """A callback for undo commands that outlive the dock (they stay on the stack)."""
    ref = weakref.ref(dock)

    def call(*args: object) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            method(target, *args)

    return call
