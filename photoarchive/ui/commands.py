"""Undo commands: every user edit is one `QUndoCommand` that calls a service.

`redo()` and `undo()` take the same service path (ARCHITECTURE.md, "How a caption travels"):
the first `redo()` applies the user's request with `apply_edits`; it then records the values
that request produced, so a later redo restores exactly those with `apply_values`, and
`undo()` restores the values recorded before the edit. Undo and redo go through
`restore_values`: a field changed since by another process (the command line, another
window) is left as it is, and `on_kept` gets a message naming each such photo and field.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path

from PySide6.QtGui import QUndoCommand

from photoarchive.errors import PhotoarchiveError
from photoarchive.services import collections
from photoarchive.services.archive import Archive
from photoarchive.services.browse import rotate
from photoarchive.services.editing import (
    ChangeSet,
    EditRequest,
    Kept,
    Value,
    apply_edits,
    apply_values,
    restore_values,
    snapshot,
)
from photoarchive.services.fields import FIELDS_BY_NAME
from photoarchive.services.removal import RemovedPhotos, remove_photos, restore_photos

Snapshot = dict[int, dict[str, Value]]

#: Consecutive commits of one field on one selection within this many seconds are one step.
MERGE_SECONDS = 3.0
#: At most this many fields are named in the message about fields an undo left as they are.
KEPT_NAMED = 5


def kept_message(verb: str, kept: list[Kept]) -> str:
    """What an undo (`verb` "Undo") or redo left as it was, in one status-bar line:
    "Undo left the caption of a.jpg as it is: it was changed elsewhere since (…)"."""
    held = {(k.photo_id, k.field): k.value for k in kept}
    fields = [k for k in kept if k.field != "date_display"
              or (k.photo_id, "date") not in held]  # a date is named once
    shown = [f"the {_label(k.field)} of {Path(k.path).name or f'photo {k.photo_id}'}"
             for k in fields]
    named = ", ".join(shown[:KEPT_NAMED]) + (
        f" and {len(shown) - KEPT_NAMED:,} more" if len(shown) > KEPT_NAMED else "")
    if len(shown) == 1:
        first = fields[0]
        value = held.get((first.photo_id, "date_display"), first.value) \
            if first.field == "date" else first.value
        now = f" (it now reads \u201c{_short(value)}\u201d)" if value not in (None, "", []) else ""
        return (f"{verb} left {named} as it is: it was changed elsewhere since this step"
                f"{now}.")
    return (f"{verb} left {len(shown):,} fields as they are, changed elsewhere since this "
            f"step: {named}.")


def _label(name: str) -> str:
    label = FIELDS_BY_NAME[name].label
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _short(value: Value, limit: int = 60) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class EditFieldsCommand(QUndoCommand):
    """One edit of descriptive fields on a set of photos, undoable and redoable.

    `request_or_values` is an `EditRequest` (what the user asked for, applied to every
    photo) or a per-photo mapping `{id: {field: value}}`. `old_snapshot` holds the values
    of every touched field before the edit (`services.editing.snapshot`). `on_change` is
    called with the `ChangeSet` after every redo and undo; `on_error` with the error when
    the service refuses (the command then removes itself from the stack).

    Typing in one field is one step: a command merges into the previous one when both have
    the same `merge_key` (e.g. the field name) and the same photos, and either belong to
    the same typing `session` or follow each other within `MERGE_SECONDS`.
    """

    ID = 0x5EDF

    def __init__(self, archive: Archive, ids: Iterable[int],
                 request_or_values: EditRequest | Mapping[int, Mapping[str, Value]],
                 old_snapshot: Mapping[int, Mapping[str, Value]], text: str = "Edit",
                 on_change: Callable[[ChangeSet], None] | None = None, *,
                 on_error: Callable[[PhotoarchiveError], None] | None = None,
                 merge_key: Hashable | None = None, session: int | None = None,
                 origin: str = "gui", on_kept: Callable[[list[Kept], str], None] | None = None
                 ) -> None:
        super().__init__(text)
        self.archive = archive
        self.ids = list(dict.fromkeys(ids))
        self.request = request_or_values
        self.old: Snapshot = {i: dict(v) for i, v in old_snapshot.items()}
        self.new: Snapshot | None = None
        self.on_change = on_change
        self.on_error = on_error
        self.on_kept = on_kept
        self.merge_key = merge_key
        self.session = session
        self.origin = origin
        self.last_commit = time.monotonic()
        self.changes = ChangeSet()
        self.error: PhotoarchiveError | None = None

    @property
    def field_names(self) -> list[str]:
        names: dict[str, None] = {}
        for values in self.old.values():
            names.update(dict.fromkeys(values))
        return list(names)

    # QUndoCommand --------------------------------------------------------------------
    def id(self) -> int:
        return self.ID if self.merge_key is not None else -1

    def redo(self) -> None:
        if self.new is not None:
            self._restore(self.new, self.old, "Redo")
            return
        if isinstance(self.request, EditRequest):
            request = self.request
            ok = self._run(lambda: apply_edits(self.archive, self.ids, request, self.origin))
        else:
            values = self.request
            ok = self._run(lambda: apply_values(self.archive, values, self.origin))
        if ok:
            self.new = snapshot(self.archive, self.ids, self.field_names)
            if not self.changes:
                self.setObsolete(True)  # nothing changed: not worth an undo step

    def undo(self) -> None:
        self._restore(self.old, self.new or {}, "Undo")

    def _restore(self, values: Snapshot, expected: Snapshot, verb: str) -> None:
        """Set `values` where the fields still hold `expected` (see `restore_values`)."""
        kept: list[Kept] = []

        def call() -> ChangeSet:
            restored = restore_values(self.archive, values, expected, self.origin)
            kept.extend(restored.kept)
            return restored.changes

        if self._run(call) and kept and self.on_kept is not None:
            self.on_kept(kept, kept_message(verb, kept))

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditFieldsCommand) or other.isObsolete():
            return False
        if other.merge_key != self.merge_key or other.ids != self.ids or self.new is None:
            return False
        if set(other.field_names) != set(self.field_names):
            return False
        same_session = self.session is not None and other.session == self.session
        if not same_session and other.last_commit - self.last_commit > MERGE_SECONDS:
            return False
        self.new = other.new
        self.request = other.request
        self.last_commit = other.last_commit
        self.changes = other.changes
        if self.new == self.old:
            self.setObsolete(True)  # typed and then typed back: no step at all
        return True

    # ---------------------------------------------------------------------------------
    def _run(self, call: Callable[[], ChangeSet]) -> bool:
        try:
            self.changes = call()
        except PhotoarchiveError as error:
            # The service ran in one transaction, so the catalog is unchanged.
            self.error = error
            self.changes = ChangeSet()
            self.setObsolete(True)
            if self.on_error is not None:
                self.on_error(error)
            return False
        if self.on_change is not None:
            self.on_change(self.changes)
        return True



class ApplyValuesCommand(QUndoCommand):
    """Per-photo values from outside the editor (a re-read, a CSV file) as one undo step.

    `apply(values)` writes `new` (first redo and every redo after an undo) and returns the
    `ChangeSet`; by default `apply_values` with `origin`, but a re-read also records the
    files' state. `undo()` restores `old` with `restore_values`, logged as the person's own
    edit ("gui"): it puts back what they had, except on fields changed elsewhere since
    (those go to `on_kept`, with a message). Errors go to `on_error` and make the command
    obsolete, like `EditFieldsCommand`.
    """

    def __init__(self, archive: Archive, new: Mapping[int, Mapping[str, Value]],
                 old: Mapping[int, Mapping[str, Value]], text: str, origin: str = "gui",
                 on_change: Callable[[ChangeSet], None] | None = None, *,
                 on_error: Callable[[PhotoarchiveError], None] | None = None,
                 apply: Callable[[Snapshot], ChangeSet] | None = None,
                 on_kept: Callable[[list[Kept], str], None] | None = None) -> None:
        super().__init__(text)
        self.archive, self.origin = archive, origin
        self.new: Snapshot = {i: dict(v) for i, v in new.items()}
        self.old: Snapshot = {i: dict(v) for i, v in old.items()}
        self.on_change, self.on_error, self.on_kept = on_change, on_error, on_kept
        self._apply = apply or (lambda values: apply_values(self.archive, values, self.origin))
        self.changes = ChangeSet()
        self.error: PhotoarchiveError | None = None

    def redo(self) -> None:
        self._run(lambda: self._apply(self.new))

    def undo(self) -> None:
        kept: list[Kept] = []

        def call() -> ChangeSet:
            restored = restore_values(self.archive, self.old, self.new, "gui")
            kept.extend(restored.kept)
            return restored.changes

        if self._run(call) and kept and self.on_kept is not None:
            self.on_kept(kept, kept_message("Undo", kept))

    def _run(self, call: Callable[[], ChangeSet]) -> bool:
        try:
            self.changes = call()
        except PhotoarchiveError as error:
            self.error, self.changes = error, ChangeSet()
            self.setObsolete(True)
            if self.on_error is not None:
                self.on_error(error)
            return False
        if self.on_change is not None:
            self.on_change(self.changes)
        return True


class RotateCommand(QUndoCommand):
    """Turning photos by quarter turns (the catalog's rotation; originals untouched) as one
    undo step; undo turns them back. `on_turned` gets each photo's new rotation."""

    def __init__(self, archive: Archive, ids: Iterable[int], quarter_turns: int,
                 on_turned: Callable[[dict[int, int]], None],
                 on_error: Callable[[PhotoarchiveError], None] | None = None) -> None:
        self.ids = list(ids)
        way = "right" if quarter_turns > 0 else "left"
        count = len(self.ids)
        super().__init__(f"Rotate {way}" + (f" ({count} photos)" if count > 1 else ""))
        self.archive, self.quarter_turns = archive, quarter_turns
        self.on_turned, self.on_error = on_turned, on_error

    def redo(self) -> None:
        self._turn(self.quarter_turns)

    def undo(self) -> None:
        self._turn(-self.quarter_turns)

    def _turn(self, quarter_turns: int) -> None:
        try:
            turned = rotate(self.archive, self.ids, quarter_turns)
        except PhotoarchiveError as error:
            self.setObsolete(True)
            if self.on_error is not None:
                self.on_error(error)
            return
        self.on_turned(turned)


class RemovePhotosCommand(QUndoCommand):
    """Taking photos out of the catalog (their files untouched) as one undo step: redo
    removes them (`services.removal`), undo puts every row back as it was. `on_done(ids,
    removed)` is called after each: `removed` True after a redo, False after an undo."""

    def __init__(self, archive: Archive, ids: Iterable[int],
                 on_done: Callable[[list[int], bool], None],
                 on_error: Callable[[PhotoarchiveError], None] | None = None) -> None:
        self.ids = list(dict.fromkeys(ids))
        count = len(self.ids)
        super().__init__("Remove from catalog" + (f" ({count} photos)" if count > 1 else ""))
        self.archive, self.on_done, self.on_error = archive, on_done, on_error
        self.removed: RemovedPhotos | None = None
        self.error: PhotoarchiveError | None = None

    def redo(self) -> None:
        try:
            self.removed = remove_photos(self.archive, self.ids, origin="gui")
        except PhotoarchiveError as error:
            self._failed(error)
            return
        self.on_done(self.ids, True)

    def undo(self) -> None:
        if self.removed is None:
            return
        try:
            restore_photos(self.archive, self.removed)
        except PhotoarchiveError as error:
            self._failed(error)
            return
        self.on_done(self.ids, False)

    def _failed(self, error: PhotoarchiveError) -> None:
        self.error = error
        self.setObsolete(True)  # the catalog is as it was (one transaction)
        if self.on_error is not None:
            self.on_error(error)


class RemoveFromCollectionCommand(QUndoCommand):
    """Taking photos out of a collection as one undo step; undo puts them back in their
    places. `on_done(ids, removed)` is called after each, like `RemovePhotosCommand`'s."""

    def __init__(self, archive: Archive, name: str, ids: Iterable[int],
                 on_done: Callable[[list[int], bool], None],
                 on_error: Callable[[PhotoarchiveError], None] | None = None) -> None:
        self.ids = list(dict.fromkeys(ids))
        count = len(self.ids)
        super().__init__(f"Remove from “{name}”" + (f" ({count} photos)" if count > 1 else ""))
        self.archive, self.name = archive, name
        self.on_done, self.on_error = on_done, on_error
        self.positions: dict[int, int] = {}

    def redo(self) -> None:
        def take_out() -> None:
            order = collections.show(self.archive, self.name).photo_ids
            self.positions = {pid: order.index(pid) for pid in self.ids if pid in order}
            collections.remove(self.archive, self.name, list(self.positions))
        self._run(take_out, True)

    def undo(self) -> None:
        self._run(lambda: collections.put_back(self.archive, self.name, self.positions), False)

    def _run(self, call: Callable[[], object], removed: bool) -> None:
        try:
            call()
        except PhotoarchiveError as error:
            self.setObsolete(True)
            if self.on_error is not None:
                self.on_error(error)
            return
        self.on_done(list(self.positions), removed)
