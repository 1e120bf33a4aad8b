"""Write-back: the catalog's fields into sidecars and files, their state, and re-reading.

* `write_metadata` writes each photo's current catalog values (sidecar or embedded, see
  `media.write`) and records what the files look like afterwards.
* `status` tells, per photo, whether catalog and files agree: the catalog is newer when a
  photo was edited after the last sync (`modified_at > synced_at`); the file is newer when
  the photo or its sidecar changed on disk (size/mtime, then SHA-256) since we last read or
  wrote it; both is a conflict.
* `reread` compares what the files say with the catalog, field by field, and applies the
  differences in one transaction (`apply_values`, origin "reread").
* `WriteQueue` is the single writer the window feeds with ids ("write after every edit").

Values a file cannot hold exactly count as equal: "1956~" is written as photoshop:DateCreated
"1956" and reads back so; that is in sync, not a difference.
"""

from __future__ import annotations

import json
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Photo, Setting
from photoarchive.errors import UsageError
from photoarchive.media.metadata import FileMetadata, find_sidecar, read_metadata
from photoarchive.media.thumbnails import thumbnail_file
from photoarchive.media.write import (
    Mode,
    WriteFailed,
    WriteOptions,
    differences,
    expected_form,
    file_form,
    plan_write,
    write_file,
)
from photoarchive.media.xmp import TEXT_FIELDS, prepare
from photoarchive.services.analyse import hash_file
from photoarchive.services.archive import Archive
from photoarchive.services.editing import Value, apply_values, current_value
from photoarchive.services.fields import FIELD_NAMES
from photoarchive.services.tasks import CancelToken, NullProgress, Progress

IN_SYNC, CATALOG_NEWER, FILE_NEWER, CONFLICT, MISSING = (
    "in sync", "catalog newer", "file newer", "conflict", "missing")
STATES = (IN_SYNC, CATALOG_NEWER, FILE_NEWER, CONFLICT, MISSING)
MODES: tuple[str, ...] = ("sidecar", "embed")
CHUNK = 200
_WRITTEN_FIELDS = tuple(n for n in FIELD_NAMES if n != "date_display")


# -- per-catalog preferences ---------------------------------------------------------------
@dataclass
class WritebackPreferences:
    """Per-catalog write-back preferences (kept in the catalog's `setting` table)."""

    write_on_edit: bool = False  # the window writes sidecars after every edit
    embed_iptc: bool = False  # add IPTC-IIM to files that have none (embedded mode)
    keep_file_times: bool = False  # rewritten files keep their modification time


def get_preferences(archive: Archive) -> WritebackPreferences:
    """The catalog's write-back preferences (defaults for anything unset or damaged)."""
    prefs = WritebackPreferences()
    with archive.reader() as session:
        rows = session.scalars(select(Setting).where(Setting.key.like("writeback.%")))
        for row in rows:
            name = row.key.removeprefix("writeback.")
            try:
                value = json.loads(row.value)
            except ValueError:
                continue
            if hasattr(prefs, name) and isinstance(value, bool):
                setattr(prefs, name, value)
    return prefs


def set_preferences(archive: Archive, prefs: WritebackPreferences) -> None:
    """Save the catalog's write-back preferences."""
    with archive.session() as session:
        for name, value in asdict(prefs).items():
            session.merge(Setting(key=f"writeback.{name}", value=json.dumps(value)))


# -- file state ----------------------------------------------------------------------------
def _stamp(path: Path, known_hash: str | None = None) -> dict[str, Any]:
    st = path.stat()
    digest = known_hash or hash_file(path)[0]
    return {"size": st.st_size, "mtime": st.st_mtime, "hash": digest}


def _sidecar_stamp(path: Path) -> dict[str, Any] | None:
    sidecar = find_sidecar(path)
    return None if sidecar is None else {"name": sidecar.name, **_stamp(sidecar)}


def record_file_state(photo: Photo, path: str | Path, stamp: tuple[int, float, str],
                      synced: bool) -> None:
    """Remember the photo file (size, mtime, hash) and its sidecar as just read; with
    `synced`, the catalog now holds what the files say. Called by the importer."""
    size, mtime, digest = stamp
    state = {"file": {"size": size, "mtime": mtime, "hash": digest},
             "sidecar": _sidecar_stamp(Path(path))}
    photo.file_state = json.dumps(state)
    if synced:
        photo.synced_at = photo.modified_at


def _changed(recorded: dict[str, Any] | None, path: Path) -> bool:
    """Whether a file differs from its recorded stamp (hash only when size/mtime moved)."""
    if recorded is None:
        return path.exists()
    try:
        st = path.stat()
    except OSError:
        return True
    if (st.st_size, st.st_mtime) == (recorded["size"], recorded["mtime"]):
        return False
    return st.st_size != recorded["size"] or hash_file(path)[0] != recorded["hash"]


def _files_changed(photo: Photo, path: Path) -> list[str]:
    state = json.loads(photo.file_state) if photo.file_state else None
    if state is None:  # imported before write-back existed: the import's identity only
        state = {"file": {"size": photo.file_size, "mtime": photo.file_mtime,
                          "hash": photo.content_hash}}
    reasons = []
    if _changed(state["file"], path):
        reasons.append("the file changed")
    if "sidecar" in state:
        recorded = state["sidecar"]
        sidecar = find_sidecar(path)
        if recorded and (sidecar is None or sidecar.name != recorded["name"]):
            reasons.append("the sidecar was removed or renamed")
        elif sidecar is not None and _changed(recorded, sidecar):
            reasons.append("the sidecar changed" if recorded else "a sidecar appeared")
    return reasons


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _catalog_changed(photo: Photo) -> bool:
    synced = _utc(photo.synced_at)
    return synced is None or _utc(photo.modified_at) > synced


@dataclass
class PhotoStatus:
    """Whether one photo's catalog values and files agree."""

    id: int
    path: str
    state: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _state(photo: Photo) -> PhotoStatus:
    path = Path(photo.path)
    if not path.exists():
        return PhotoStatus(photo.id, photo.path, MISSING, "the file is missing")
    reasons = _files_changed(photo, path)
    if _catalog_changed(photo):
        reasons.insert(0, "edited in the catalog")
        state = CONFLICT if len(reasons) > 1 else CATALOG_NEWER
    else:
        state = FILE_NEWER if reasons else IN_SYNC
    return PhotoStatus(photo.id, photo.path, state, "; ".join(reasons))


def _photos(archive: Archive, ids: list[int]) -> Iterator[tuple[Session, list[Photo]]]:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with archive.reader() as session:
            found = {p.id: p for p in session.scalars(select(Photo).where(Photo.id.in_(chunk)))}
            yield session, [found[i] for i in chunk if i in found]


def status(archive: Archive, ids: Iterable[int]) -> list[PhotoStatus]:
    """The write-back state of each photo, in the order of `ids` (unknown ids left out)."""
    out: list[PhotoStatus] = []
    for _session, photos in _photos(archive, list(dict.fromkeys(ids))):
        out.extend(_state(p) for p in photos)
    return out


# -- writing -------------------------------------------------------------------------------
@dataclass
class PhotoWrite:
    """What happened to one photo: "written", "would write", "skipped" or "failed"."""

    id: int
    path: str
    outcome: str
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
    values = {name: current_value(photo, name) for name in _WRITTEN_FIELDS}
    values["taken_at"] = photo.taken_at
    return values


def _write_one(photo: Photo, mode: Mode, options: WriteOptions, dry_run: bool,
               force: bool) -> PhotoWrite:
    record = PhotoWrite(photo.id, photo.path, "failed")
    current = _state(photo)
    if current.state == MISSING:
        record.messages.append("the file is missing")
        return record
    if current.state in (FILE_NEWER, CONFLICT) and not force:
        record.outcome = "skipped"
        record.messages.append(f"{current.state}: {current.detail}; re-read it first "
                               "(photoarchive reread) or write with --force")
        return record
    try:
        result = (plan_write if dry_run else write_file)(
            Path(photo.path), *(() if dry_run else (_values(photo),)), mode,
            *(() if dry_run else (options,)))
    except WriteFailed as exc:
        record.messages.append(str(exc))
        return record
    record.outcome = "would write" if dry_run else "written"
    record.files = [str(p) for p in result.written]
    record.messages.extend(result.messages)
    return record


def _record_write(archive: Archive, photo_id: int, seen_modified: datetime,
                  embedded: bool) -> None:
    with archive.session() as session:
        photo = session.get(Photo, photo_id)
        if photo is None:
            return
        path = Path(photo.path)
        stamp = _stamp(path, None if embedded else photo.content_hash)
        if embedded and stamp["hash"] != photo.content_hash:
            old = thumbnail_file(archive.thumbnail_dir, photo.content_hash)
            new = thumbnail_file(archive.thumbnail_dir, stamp["hash"])
            if old.exists() and not new.exists():  # same pixels: the thumbnail still fits
                new.parent.mkdir(parents=True, exist_ok=True)
                os.replace(old, new)
            photo.content_hash = stamp["hash"]
        photo.file_size, photo.file_mtime = stamp["size"], stamp["mtime"]
        photo.file_state = json.dumps({"file": stamp, "sidecar": _sidecar_stamp(path)})
        photo.synced_at = seen_modified  # an edit made meanwhile stays "catalog newer"


def write_metadata(archive: Archive, ids: Iterable[int], mode: str = "sidecar",
                   dry_run: bool = False, *, force: bool = False,
                   progress: Progress | None = None,
                   cancel: CancelToken | None = None) -> WriteReport:
    """Write the current catalog values of `ids` to their files (see the module doc).

    Photos changed outside the app since the last sync are skipped unless `force`.
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
        for _session, photos in _photos(archive, ids):
            for photo in photos:
                if cancel is not None and cancel.cancelled:
                    return report
                record = _write_one(photo, mode, options, dry_run, force)  # type: ignore[arg-type]
                report.photos.append(record)
                if record.outcome == "written":
                    embedded = photo.path in record.files
                    _record_write(archive, photo.id, photo.modified_at, embedded)
                progress.advance(len(report.photos), len(ids), photo.path)
    finally:
        progress.finish()
    return report
