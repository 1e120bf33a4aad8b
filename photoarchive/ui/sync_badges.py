"""Write-back state for the grid's badges and the editor's header, computed off the GUI thread.

`SyncStates` answers "what is this photo's state?" from a cache; a photo it does not know
yet is queued, and `services.writeback.status` runs for the queued photos on a worker
(it stats files, and hashes only files whose size or mtime moved). When the answers
arrive, `changed(ids)` repaints those tiles. Only what is painted (the visible tiles) or
selected is ever asked for, so a 100,000-photo catalog costs a few hundred `stat`s.
Edits, writes and re-reads call `invalidate(ids)`; a new grid query forgets everything,
which also picks up files changed by other programs meanwhile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from photoarchive.services.archive import Archive
from photoarchive.services.writeback import (
    CATALOG_NEWER,
    CONFLICT,
    FILE_NEWER,
    IN_SYNC,
    MISSING,
    STATES,
    PhotoStatus,
    status,
)
from photoarchive.ui.workers import Workers

if TYPE_CHECKING:  # the grid's model shows these states (and imports this module)
    from photoarchive.ui.grid.model import PhotoGridModel

BATCH = 200
MAX_CACHED = 20_000
MAX_NOTE_PHOTOS = 500  # larger selections get no state line in the editor

#: Tile badge text per state, and the hint the editor adds to the state in words.
BADGES = {CATALOG_NEWER: "Not in file", FILE_NEWER: "File changed", CONFLICT: "Conflict",
          MISSING: "Missing file"}
SENTENCES = {
    IN_SYNC: "",
    CATALOG_NEWER: "Edits not yet in the files: Photo → Write Metadata to Files.",
    FILE_NEWER: "Photo → Re-read from Files shows what changed.",
    CONFLICT: "Re-read from Files first (Photo menu) to see what the file says.",
    MISSING: "",
}


def tooltip_line(state: PhotoStatus | None) -> str:
    """A tile's tooltip line for its state ("" when in sync or not known yet)."""
    if state is None or state.state in (IN_SYNC, MISSING):  # missing: said already
        return ""
    detail = f" ({state.detail})" if state.detail else ""
    return f"Files: {state.state}{detail}"


def describe(states: list[PhotoStatus]) -> str:
    """One line for the editor: the state of one photo, or the count of each state."""
    if not states:
        return ""
    if len(states) == 1:
        state = states[0]
        if state.state == MISSING:
            return "Files: the file is missing."
        detail = state.detail if state.state in (FILE_NEWER, CONFLICT) else ""
        text = f"Files: {state.state}" + (f" — {detail}" if detail else "") + "."
        return " ".join(t for t in (text, SENTENCES[state.state]) if t)
    counts = Counter(s.state for s in states)
    parts = [f"{counts[s]} {s}" for s in STATES if counts[s]]
    return "Files: " + ", ".join(parts) + "."


def _status_of(archive: Archive, asked: tuple[int, dict[int, int]]
               ) -> tuple[tuple[int, dict[int, int]], list[PhotoStatus]]:
    """On a worker: the states of the asked photos, returned with the question."""
    return asked, status(archive, list(asked[1]))


class SyncStates(QObject):
    """A cache of write-back states filled in the background.

    Signals: `changed(list[int])` when states of those photos arrived or were forgotten,
    `cleared()` when all were; `note_changed(str)` with the editor's line for the photos
    `follow` was given.
    """

    changed = Signal(list)
    cleared = Signal()  # every state forgotten: repaint everything
    note_changed = Signal(str)

    def __init__(self, archive: Archive, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.workers = Workers(max_threads=1, parent=self)
        self._states: dict[int, PhotoStatus | None] = {}
        self._wanted: dict[int, None] = {}  # an ordered set
        self._pending: set[int] = set()
        self._generation: dict[int, int] = {}
        self._epoch = 0
        self._followed: list[int] = []
        self._timer = QTimer(self, singleShot=True, interval=20)  # gathers one paint's asks
        self._timer.timeout.connect(self._flush)

    def attach(self, model: PhotoGridModel, note: Callable[[str], None]) -> None:
        """Feed the grid's badges and, through `note`, the editor's line."""
        model.sync_lookup = self.state
        self.changed.connect(model.repaint)
        self.cleared.connect(model.repaint_all)
        self.note_changed.connect(note)

    # -- asking ----------------------------------------------------------------------------
    def state(self, photo_id: int) -> PhotoStatus | None:
        """The known state, or None (then it is computed and `changed` follows)."""
        if photo_id in self._states:
            return self._states[photo_id]
        if photo_id not in self._pending and photo_id not in self._wanted:
            self._wanted[photo_id] = None
            self._timer.start()
        return None

    def follow(self, ids: Iterable[int]) -> None:
        """Keep `note_changed` up to date for these photos (the editor's selection)."""
        self._followed = list(ids)[:MAX_NOTE_PHOTOS + 1]
        self._update_note(changed_photos=True)

    def invalidate(self, ids: Iterable[int] | None = None) -> None:
        """Forget the states of `ids` (or of every photo); asks again for followed ones."""
        if ids is None:
            self._epoch += 1
            self._states.clear()
            self._generation.clear()
            self._pending.clear()
            self._wanted.clear()
            forgotten: list[int] = []
            self.cleared.emit()
        else:
            forgotten = list(ids)
            for photo_id in forgotten:
                self._states.pop(photo_id, None)
                self._pending.discard(photo_id)
                self._generation[photo_id] = self._generation.get(photo_id, 0) + 1
        if forgotten:
            self.changed.emit(forgotten)  # the views repaint and ask again
        self._update_note()

    # -- answering -------------------------------------------------------------------------
    def _flush(self) -> None:
        ids = list(self._wanted)[:BATCH]
        for photo_id in ids:
            del self._wanted[photo_id]
        if self._wanted:
            self._timer.start()
        if not ids:
            return
        self._pending.update(ids)
        asked = (self._epoch, {i: self._generation.get(i, 0) for i in ids})
        # Bound methods, not lambdas: Qt drops the delivery if this object is gone by then.
        self.workers.submit(_status_of, self.archive, asked, on_done=self._arrived,
                            on_error=self._failed)

    def _failed(self, _exc: BaseException) -> None:
        self._pending.clear()  # asked again at the next paint

    def _arrived(self, answer: tuple[tuple[int, dict[int, int]], list[PhotoStatus]]) -> None:
        (epoch, generations), found = answer
        if epoch != self._epoch:
            return
        by_id = {s.id: s for s in found}
        fresh = [i for i, g in generations.items() if self._generation.get(i, 0) == g]
        if len(self._states) > MAX_CACHED:
            self._states.clear()
        for photo_id in fresh:
            self._pending.discard(photo_id)
            self._states[photo_id] = by_id.get(photo_id)  # None: no such photo any more
        if fresh:
            self.changed.emit(fresh)
            self._update_note()

    def _update_note(self, changed_photos: bool = False) -> None:
        ids = self._followed
        if not ids or len(ids) > MAX_NOTE_PHOTOS:
            self.note_changed.emit("")
            return
        known = [self.state(i) for i in ids]
        if all(i in self._states for i in ids):
            self.note_changed.emit(describe([s for s in known if s is not None]))
        elif changed_photos:  # an old line would describe other photos
            self.note_changed.emit("Files: checking…")

    def shutdown(self) -> None:
        self.workers.shutdown()
