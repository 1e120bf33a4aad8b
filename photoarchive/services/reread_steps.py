"""Re-reading from files in two steps, for the window: look (slow, off the GUI thread), then
apply (a quick catalog write that an undo command can repeat).

`writeback.reread` does both in one call for the command line. The window needs the diff
first, and it applies the diff as one undoable step: `preview_reread` reads the files and
remembers what they looked like (size, mtime, hash) when read; `apply_reread` applies the
file values with `apply_values` (origin "reread") and records that state, so the photos are
in sync afterwards — unless a file changed again after the preview, which then shows as
"file newer", as it should. Recording hashes nothing, so it is cheap enough for `redo()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photoarchive.catalog.models import Photo
from photoarchive.media.metadata import read_metadata, sidecar_note
from photoarchive.services.archive import Archive
from photoarchive.services.editing import ChangeSet, Value, apply_values
from photoarchive.services.file_values import compare as compare_with_file
from photoarchive.services.sync_log import log_files
from photoarchive.services.sync_state import mark_in_sync, photos_in_chunks, stamp_files
from photoarchive.services.tasks import CancelToken, NullProgress, Progress
from photoarchive.services.writeback import PhotoReread, RereadReport

__all__ = ["RereadPreview", "apply_reread", "preview_reread", "record_reread"]


@dataclass
class _Seen:
    """A photo's files as the preview read them, and the technical values found."""

    state: dict[str, Any]
    taken_at: str | None
    camera: tuple[str | None, str | None]


@dataclass
class RereadPreview:
    """The per-field differences (`report`, a dry-run `RereadReport`) plus what the files
    looked like when read, for `apply_reread`."""

    report: RereadReport
    cancelled: bool = False
    seen: dict[int, _Seen] = field(default_factory=dict)

    def values(self) -> dict[int, dict[str, Value]]:
        """The file values as `apply_values` takes them: {photo id: {field: value}}."""
        return {p.id: {c.field: c.file for c in p.changes} for p in self.report.changed}

    def old_values(self) -> dict[int, dict[str, Value]]:
        """The catalog values the file values replace."""
        return {p.id: {c.field: c.catalog for c in p.changes} for p in self.report.changed}

    @property
    def change_count(self) -> int:
        return sum(len(p.changes) for p in self.report.photos)


def preview_reread(archive: Archive, ids: Iterable[int], progress: Progress | None = None,
                   cancel: CancelToken | None = None) -> RereadPreview:
    """Read the files of `ids` and list every field whose file value differs from the
    catalog (like `reread(dry_run=True)`), remembering the files' state for applying."""
    ids = list(dict.fromkeys(ids))
    progress = progress or NullProgress()
    preview = RereadPreview(RereadReport(dry_run=True))
    progress.start(len(ids), "Reading the files")
    try:
        for _session, photos in photos_in_chunks(archive, ids):
            for photo in photos:
                if cancel is not None and cancel.cancelled:
                    preview.cancelled = True
                    return preview
                item = PhotoReread(photo.id, photo.path)
                preview.report.photos.append(item)
                path = Path(photo.path)
                try:
                    state = stamp_files(path)  # before reading: a later change is noticed
                except OSError as exc:
                    item.error = f"cannot be read: {exc.strerror or exc}"
                else:
                    meta = read_metadata(path)
                    item.changes = compare_with_file(photo, meta)
                    item.warnings = list(meta.warnings)
                    item.notes = [n for n in (sidecar_note(meta),) if n]
                    preview.seen[photo.id] = _Seen(state, meta.taken_at,
                                                   (meta.camera_make, meta.camera_model))
                progress.advance(len(preview.report.photos), len(ids), photo.path)
    finally:
        progress.finish()
    return preview


def record_reread(archive: Archive, preview: RereadPreview) -> None:
    """Record that the catalog now holds what the previewed files said (in sync)."""
    with archive.session() as session:
        for photo_id, seen in preview.seen.items():
            photo = session.get(Photo, photo_id)
            if photo is not None:
                photo.taken_at = seen.taken_at
                photo.camera_make, photo.camera_model = seen.camera
                mark_in_sync(photo, seen.state)
        log_files(session, list(preview.seen), "read", origin="read")


def apply_reread(archive: Archive, preview: RereadPreview,
                 values: Mapping[int, Mapping[str, Value]] | None = None) -> ChangeSet:
    """Apply the file values (all of `preview`'s, or `values`) in one transaction, then
    record the files' state; returns what changed."""
    wanted = preview.values() if values is None else values
    changes = apply_values(archive, wanted, origin="reread") if wanted else ChangeSet()
    record_reread(archive, preview)
    preview.report.applied = True
    return changes
