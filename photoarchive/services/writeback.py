"""Write-back: the catalog's fields into sidecars and files, their state, and re-reading.

* `write_metadata` writes each photo's current catalog values (sidecar or embedded, see
  `media.write`) and records what the files look like afterwards.
* `status` tells, per photo, whether catalog and files agree: the catalog is newer when a
  photo's values differ from those last written or read (`sync_state`); the file is newer
  when the photo or its sidecar changed on disk (size/mtime, then SHA-256) since we last
  read or wrote it; both is a conflict.
* `reread` compares what the files say with the catalog, field by field, and applies the
  differences in one transaction (`apply_values`, origin "reread").
* `write_queue.WriteQueue` is the window's one writer: explicit writes and the sidecars
  written after edits, one file at a time.

Each photo is written inside a write transaction of the catalog that reads its values and
then records what the files hold: the values are the latest, and no other writer — of this
program or another process on the same catalog — changes them or writes the same files
until the write is recorded (the catalog's write lock is the writers' lock).

The date is compared whole: "1956~" is written as photoshop:DateCreated "1956" for other
programs and exactly (EDTF and display text) in photoarchive's own XMP namespace, so a file
that says only "1956" differs from a catalog that says "c. 1956".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoarchive.catalog.models import Photo
from photoarchive.errors import UsageError
from photoarchive.media.metadata import FileMetadata, read_metadata, sidecar_note
from photoarchive.media.write import Mode, WriteFailed, WriteOptions, plan_write, write_file
from photoarchive.services.archive import Archive
from photoarchive.services.editing import Value, apply_values
from photoarchive.services.file_values import FieldChange, compare
from photoarchive.services.sync_log import log_files, synced_values, values_digest
from photoarchive.services.sync_state import (
    CATALOG_NEWER,
    CONFLICT,
    FILE_NEWER,
    IN_SYNC,
    MISSING,
    STATES,
    PhotoStatus,
    WritebackPreferences,
    adopt_stamp,
    get_preferences,
    mark_in_sync,
    photo_status,
    photos_in_chunks,
    record_file_state,
    set_preferences,
    stamp_files,
    status,
)
from photoarchive.services.tasks import CancelToken, NullProgress, Progress

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "CATALOG_NEWER", "CONFLICT", "FILE_NEWER", "IN_SYNC", "MISSING", "MODES", "STATES",
    "FieldChange", "PhotoReread", "PhotoStatus", "PhotoWrite", "RereadReport", "WriteReport",
    "WritebackPreferences", "get_preferences", "record_file_state", "reread",
    "set_preferences", "status", "write_metadata",
]

MODES: tuple[str, ...] = ("sidecar", "embed")


# -- writing -------------------------------------------------------------------------------
@dataclass
class PhotoWrite:
    """What happened to one photo: "written", "would write", "skipped" or "failed"."""

    id: int
    path: str
    outcome: str
    mode: str = ""  # what was (or would be) written: "embed", or "sidecar" (also fallback)
    files: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class WriteReport:
    """The outcome of one `write_metadata` call."""

    mode: str
    dry_run: bool
    photos: list[PhotoWrite] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for p in self.photos if p.outcome == outcome)

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "dry_run": self.dry_run,
                "photos": [asdict(p) for p in self.photos]}


def _values(photo: Photo) -> dict[str, Value]:
    return synced_values(photo)  # every field (date_display too) and the time taken


def _write_one(photo: Photo, mode: Mode, options: WriteOptions, dry_run: bool,
               force: bool) -> PhotoWrite:
    record = PhotoWrite(photo.id, photo.path, "failed")
    current = photo_status(photo)
    if current.state == MISSING:
        record.messages.append("the file is missing")
        return record
    if current.state in (FILE_NEWER, CONFLICT) and not force:
        record.outcome = "skipped"
        record.messages.append(f"{current.state}: {current.detail}; re-read it first "
                               "(photoarchive reread) or write with --force")
        return record
    try:
        if dry_run:
            result = plan_write(Path(photo.path), mode)
        else:
            result = write_file(Path(photo.path), _values(photo), mode, options)
    except WriteFailed as exc:
        record.messages.append(str(exc))
        return record
    record.outcome = "would write" if dry_run else "written"
    record.mode = result.mode
    record.files = [str(p) for p in result.written]
    record.messages.extend(result.messages)
    return record


def _record_write(session: Session, archive: Archive, photo: Photo, embedded: bool,
                  written: str) -> str | None:
    """Record the files of `photo` as written now, holding the values of digest `written`
    (the photo's current values: the write and this record share one transaction).

    Returns a message when the written file is now byte-identical to another photo's (two
    copies of one scan given the same values): the content hash identifies one photo (it
    relinks moved files and skips duplicates on import), so this photo keeps the one it had
    until the two differ again; its file state records the new hash, so it is in sync.
    """
    path = Path(photo.path)
    st = path.stat()
    same = not embedded and (st.st_size, st.st_mtime) == (photo.file_size, photo.file_mtime)
    state = stamp_files(path, photo.content_hash if same else None)
    twin = adopt_stamp(session, archive, photo, state, written, photo.modified_at)
    log_files(session, [photo.id], f"written: {'embed' if embedded else 'sidecar'}",
              origin="write")
    if twin is None:
        return None
    return (f"its file is now identical to that of photo {twin[0]} ({twin[1]}): two "
            "catalog records of one file. Keep one and remove the other from the catalog.")


def _write_photo(archive: Archive, photo_id: int, mode: Mode, options: WriteOptions,
                 force: bool) -> PhotoWrite | None:
    """Write one photo in its own write transaction (see the module doc); None if unknown."""
    with archive.session() as session:
        photo = session.get(Photo, photo_id)
        if photo is None:
            return None
        record = _write_one(photo, mode, options, False, force)
        if record.outcome == "written":
            duplicate = _record_write(session, archive, photo, record.mode == "embed",
                                      values_digest(_values(photo)))
            if duplicate:
                record.messages.append(duplicate)
        return record


def write_metadata(archive: Archive, ids: Iterable[int], mode: str = "sidecar",
                   dry_run: bool = False, *, force: bool = False,
                   progress: Progress | None = None,
                   cancel: CancelToken | None = None,
                   between: Callable[[], None] | None = None) -> WriteReport:
    """Write the current catalog values of `ids` to their files (see the module doc).

    Photos changed outside the app since the last sync are skipped unless `force`.
    `between` is called before each photo, outside any transaction (the window's writer
    writes the sidecars of edits made meanwhile there).
    """
    if mode not in MODES:
        raise UsageError(f"Unknown write mode '{mode}'. Use one of: {', '.join(MODES)}.")
    prefs = get_preferences(archive)
    options = WriteOptions(embed_iptc=prefs.embed_iptc, keep_file_times=prefs.keep_file_times)
    ids = list(dict.fromkeys(ids))
    progress = progress or NullProgress()
    report = WriteReport(mode=mode, dry_run=dry_run)
    progress.start(len(ids), "Writing metadata")
    try:
        if dry_run:  # nothing is written: the photos are read in chunks
            for _session, photos in photos_in_chunks(archive, ids):
                for photo in photos:
                    if cancel is not None and cancel.cancelled:
                        return report
                    report.photos.append(_write_one(photo, mode, options,  # type: ignore[arg-type]
                                                    True, force))
                    progress.advance(len(report.photos), len(ids), photo.path)
            return report
        for photo_id in ids:
            if cancel is not None and cancel.cancelled:
                return report
            if between is not None:
                between()
            record = _write_photo(archive, photo_id, mode, options, force)  # type: ignore[arg-type]
            if record is not None:
                report.photos.append(record)
                progress.advance(len(report.photos), len(ids), record.path)
    finally:
        progress.finish()
    return report


# -- re-reading ----------------------------------------------------------------------------
@dataclass
class PhotoReread:
    """The differences found for one photo (or why its files could not be read)."""

    id: int
    path: str
    changes: list[FieldChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the user: a sidecar passed over
    error: str | None = None


@dataclass
class RereadReport:
    """The outcome of one `reread` call; `applied` is False for a dry run."""

    dry_run: bool
    photos: list[PhotoReread] = field(default_factory=list)
    applied: bool = False

    @property
    def changed(self) -> list[PhotoReread]:
        return [p for p in self.photos if p.changes]

    def to_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "applied": self.applied,
                "photos": [asdict(p) for p in self.photos]}


def reread(archive: Archive, ids: Iterable[int], dry_run: bool = False) -> RereadReport:
    """Read the files of `ids` again and show (or apply, in one transaction) every field
    whose file value differs from the catalog. Afterwards the photos are in sync."""
    report = RereadReport(dry_run=dry_run)
    seen: dict[int, tuple[dict[str, Any], FileMetadata]] = {}
    for _session, photos in photos_in_chunks(archive, list(dict.fromkeys(ids))):
        for photo in photos:
            item = PhotoReread(photo.id, photo.path)
            report.photos.append(item)
            path = Path(photo.path)
            try:
                state = stamp_files(path)  # before reading: a later change is noticed
            except OSError as exc:
                item.error = f"cannot be read: {exc.strerror or exc}"
                continue
            meta = read_metadata(path)
            item.changes = compare(photo, meta)
            item.warnings = list(meta.warnings)
            item.notes = [n for n in (sidecar_note(meta),) if n]
            seen[photo.id] = (state, meta)
    if dry_run:
        return report
    values = {p.id: {c.field: c.file for c in p.changes} for p in report.changed}
    if values:
        apply_values(archive, values, origin="reread")
    with archive.session() as session:
        for photo_id, (state, meta) in seen.items():
            photo = session.get(Photo, photo_id)
            if photo is not None:
                photo.taken_at = meta.taken_at
                photo.camera_make, photo.camera_model = meta.camera_make, meta.camera_model
                mark_in_sync(photo, state)
        log_files(session, list(seen), "read", origin="read")
    report.applied = True
    return report
