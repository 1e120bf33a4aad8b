"""Write-back book-keeping: per-catalog preferences and whether catalog and files agree.

A photo's `file_state` (JSON) holds the size, mtime and SHA-256 of the photo file and of each
of its sidecars (`name.ext.xmp`, `name.xmp`) as they were when the catalog and the files last
agreed (import, write, re-read), which sidecars showed other values than the one read
(`"stale"`: a write brings them up to date, so such a photo is "catalog newer"), and a digest
of the field values the files then held (`sync_log.values_digest`); `synced_at` holds the
photo's `modified_at` of that moment. From these, `photo_status` tells "in sync", "catalog
newer" (values differ from the files' since: an edit undone is no difference), "file newer"
(changed on disk since: size and mtime first, the hash only when they moved, so a touched
file is still in sync), "conflict" (both) or "missing".

The files' side follows the values too: when they changed on disk but now hold the catalog's
values (a write killed after it replaced them, before it recorded them; another program
writing the same values), the photo is in sync, and `status` records their new stamp. Only
then are the files read: a photo whose stamp did not move costs a stat, as before.

Files written or read before photoarchive kept exact dates in its own XMP namespace hold an
approximate date ("1956~", "195X", a range) only at the precision photoshop:DateCreated
has; their stamp lacks `"dates"`. Such a photo is "catalog newer" until written again, not
"in sync": its files do not hold the catalog's date.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from photoarchive.catalog.models import Photo, Setting
from photoarchive.errors import CatalogError, InvalidDate
from photoarchive.media.dates import display_text
from photoarchive.media.metadata import read_metadata, sidecars
from photoarchive.media.thumbnails import small_thumbnail_file, thumbnail_file
from photoarchive.media.xmp import xmp_date
from photoarchive.services.analyse import hash_file
from photoarchive.services.archive import Archive
from photoarchive.services.file_values import compare
from photoarchive.services.sync_log import VALUES_KEY, log_files, synced_values, values_digest

__all__ = [
    "CATALOG_NEWER", "CONFLICT", "FILE_NEWER", "IN_SYNC", "MISSING", "STATES", "PhotoStatus",
    "WritebackPreferences", "adopt_stamp", "get_preferences", "mark_in_sync", "photo_status",
    "photos_in_chunks", "record_file_state", "set_preferences", "stamp_files", "status",
]

IN_SYNC, CATALOG_NEWER, FILE_NEWER, CONFLICT, MISSING = (
    "in sync", "catalog newer", "file newer", "conflict", "missing")
STATES = (IN_SYNC, CATALOG_NEWER, FILE_NEWER, CONFLICT, MISSING)
CHUNK = 200
#: In a file stamp: the files carry the exact date (photoarchive:DateEDTF, DateDisplay).
DATES_KEY, DATES_EXACT = "dates", "edtf"
#: In a file stamp: every sidecar's stamp, and the sidecars that disagreed with the one read.
SIDECARS_KEY, STALE_KEY = "sidecars", "stale"


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


def _sidecar_stamps(path: Path) -> dict[str, Any]:
    """The stamps of every sidecar, and the names of those that show other values than
    the one read (compared only when there are two: a rare case worth one more read)."""
    found = sidecars(path)
    stale = [s.name for s in read_metadata(path).stale_sidecars] if len(found) > 1 else []
    return {SIDECARS_KEY: [{"name": s.name, **_stamp(s)} for s in found], STALE_KEY: stale}


def stamp_files(path: Path, known_hash: str | None = None) -> dict[str, Any]:
    """The current state of a photo file and its sidecars, for `Photo.file_state`."""
    return {"file": _stamp(path, known_hash), **_sidecar_stamps(path),
            DATES_KEY: DATES_EXACT}


def record_file_state(photo: Photo, path: str | Path, stamp: tuple[int, float, str],
                      synced: bool) -> None:
    """Remember the photo file (size, mtime, hash) and its sidecar as just read; with
    `synced`, the catalog now holds what the files say. Called by the importer."""
    size, mtime, digest = stamp
    state = {"file": {"size": size, "mtime": mtime, "hash": digest},
             **_sidecar_stamps(Path(path)), DATES_KEY: DATES_EXACT}
    if synced:
        state[VALUES_KEY] = values_digest(synced_values(photo))
    photo.file_state = json.dumps(state)
    if synced:
        photo.synced_at = photo.modified_at


def mark_in_sync(photo: Photo, state: dict[str, Any]) -> None:
    """Record `state` (from `stamp_files`, taken before the files were read) and that the
    catalog now holds what the files say (after a re-read)."""
    photo.file_state = json.dumps({**state, VALUES_KEY: values_digest(synced_values(photo))})
    photo.synced_at = photo.modified_at


def adopt_stamp(session: Session, archive: Archive, photo: Photo, state: dict[str, Any],
                digest: str, synced_at: datetime | None) -> tuple[int, str] | None:
    """Record `state` (from `stamp_files`) as files that hold the values of `digest`, as the
    catalog held them at `synced_at`. The photo's identity follows its file: size, mtime
    and hash, its thumbnails renamed to the new hash (same pixels: they still fit).

    Returns (id, path) of another photo whose file is now byte-identical (two copies of one
    scan given the same values): the content hash identifies one photo (it relinks moved
    files and skips duplicates on import), so this photo keeps the one it had until the two
    differ again; its file state records the new hash, so it is in sync."""
    stamp = state["file"]
    twin = None if stamp["hash"] == photo.content_hash else session.execute(
        select(Photo.id, Photo.path).where(Photo.content_hash == stamp["hash"],
                                           Photo.id != photo.id)).first()
    if stamp["hash"] != photo.content_hash and twin is None:
        for where in (thumbnail_file, small_thumbnail_file):
            old = where(archive.thumbnail_dir, photo.content_hash)
            new = where(archive.thumbnail_dir, stamp["hash"])
            if old.exists() and not new.exists():
                new.parent.mkdir(parents=True, exist_ok=True)
                os.replace(old, new)
        photo.content_hash = stamp["hash"]
    photo.file_size, photo.file_mtime = stamp["size"], stamp["mtime"]
    photo.file_state = json.dumps({**state, VALUES_KEY: digest})
    photo.synced_at = synced_at
    return None if twin is None else (twin[0], twin[1])


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
    if SIDECARS_KEY not in state and "sidecar" not in state:
        return reasons
    recorded = _recorded_sidecars(state)
    on_disk = {s.name: s for s in sidecars(path)}
    passed_over = _passed_over(state, on_disk)
    reasons.extend(f"the sidecar was removed or renamed ({name})"
                   for name in recorded.keys() - on_disk.keys())
    for name, sidecar in on_disk.items():
        if name not in recorded and name not in passed_over:
            reasons.append(f"a sidecar appeared ({name})")
        elif name in recorded and _changed(recorded[name], sidecar):
            reasons.append(f"the sidecar changed ({name})")
    return reasons


def _recorded_sidecars(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if SIDECARS_KEY in state:
        return {s["name"]: s for s in state[SIDECARS_KEY]}
    old = state.get("sidecar")  # stamped by an earlier version: the one sidecar it read
    return {old["name"]: old} if old else {}


def _passed_over(state: dict[str, Any], on_disk: dict[str, Path]) -> list[str]:
    """Sidecars an earlier version neither read nor wrote: it knew one sidecar per photo,
    `name.ext.xmp` before `name.xmp`, so a `name.xmp` older than the `name.ext.xmp` it
    stamped was there all along, holding values of before (not a change made since)."""
    old = state.get("sidecar") if SIDECARS_KEY not in state else None
    if not old:
        return []
    out = []
    for name, sidecar in on_disk.items():
        if name != old["name"]:
            try:
                if sidecar.stat().st_mtime <= old["mtime"]:
                    out.append(name)
            except OSError:
                continue
    return out


def _stale_sidecars(photo: Photo, path: Path) -> str | None:
    """Why a sidecar of the photo does not hold the catalog's values though nothing
    changed since: it showed other values than the sidecar read when last stamped, or an
    earlier version passed it over."""
    state = json.loads(photo.file_state) if photo.file_state else {}
    stale = state.get(STALE_KEY) or []
    if stale:
        return (f"{', '.join(stale)} shows other values than the catalog; write the "
                "metadata to bring it up to date")
    if state.get("sidecar") and SIDECARS_KEY not in state:
        passed = _passed_over(state, {s.name: s for s in sidecars(path)})
        if passed:
            return (f"{', '.join(passed)} was not written by an earlier version (it wrote "
                    f"{state['sidecar']['name']} only); write the metadata again")
    return None


def _date_not_in_files(photo: Photo) -> str | None:
    """Why files stamped before exact dates were kept cannot hold the photo's date, or
    None when they can (or were stamped since)."""
    state = json.loads(photo.file_state) if photo.file_state else {}
    if state.get(DATES_KEY) == DATES_EXACT or not photo.date:
        return None
    try:
        derived = display_text(photo.date)
    except InvalidDate:
        return None
    held = xmp_date(photo.date)
    if held == photo.date and photo.date_display in (None, derived):
        return None
    shown = photo.date_display or derived
    return (f"the files hold the date as {held or 'no date'}, not {shown!r} (written by an "
            "earlier version); write the metadata again")


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _catalog_changed(photo: Photo) -> bool:
    """Whether the catalog's values differ from what the files were last known to hold:
    not edited since, or edited back to the same values (an undo), is no change."""
    synced = _utc(photo.synced_at)
    if synced is not None and _utc(photo.modified_at) <= synced:
        return False
    state = json.loads(photo.file_state) if photo.file_state else {}
    held = state.get(VALUES_KEY)
    return held is None or held != values_digest(synced_values(photo))


@dataclass
class PhotoStatus:
    """Whether one photo's catalog values and files agree."""

    id: int
    path: str
    state: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Adopted:
    """Files found holding the catalog's values after they changed: their new stamp."""

    recorded: str | None  # the stamp they replace (not adopted if it moved meanwhile)
    state: dict[str, Any]
    digest: str
    synced_at: datetime | None


def _holding_catalog_values(photo: Photo, path: Path) -> dict[str, Any] | None:
    """The files' new stamp when, changed on disk, they hold exactly the catalog's values
    (every sidecar too); else None."""
    try:
        state = stamp_files(path)  # before reading: a change after it is noticed next time
    except OSError:
        return None
    meta = read_metadata(path)
    if state[STALE_KEY] or meta.stale_sidecars or compare(photo, meta):
        return None
    return state


def photo_status(photo: Photo, adopted: dict[int, _Adopted] | None = None) -> PhotoStatus:
    """The write-back state of one photo (stats its files; hashes only what moved, reads
    the metadata only of files that moved). Files that moved but hold the catalog's values
    are in sync; their new stamp goes into `adopted` for the caller to record."""
    path = Path(photo.path)
    if not path.exists():
        return PhotoStatus(photo.id, photo.path, MISSING, "the file is missing")
    reasons = _files_changed(photo, path)
    if reasons:
        state = _holding_catalog_values(photo, path)
        if state is not None:
            if adopted is not None:
                adopted[photo.id] = _Adopted(photo.file_state, state,
                                             values_digest(synced_values(photo)),
                                             photo.modified_at)
            return PhotoStatus(photo.id, photo.path, IN_SYNC)
    if _catalog_changed(photo):
        reasons.insert(0, "edited in the catalog")
        state = CONFLICT if len(reasons) > 1 else CATALOG_NEWER
    elif reasons:
        state = FILE_NEWER
    else:
        lost = _date_not_in_files(photo) or _stale_sidecars(photo, path)
        state, reasons = (CATALOG_NEWER, [lost]) if lost else (IN_SYNC, reasons)
    return PhotoStatus(photo.id, photo.path, state, "; ".join(reasons))


def photos_in_chunks(archive: Archive,
                     ids: list[int]) -> Iterator[tuple[Session, list[Photo]]]:
    """The photos of `ids` in order (unknown ids left out), a reading session per chunk."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with archive.reader() as session:
            found = {p.id: p for p in session.scalars(select(Photo).where(Photo.id.in_(chunk)))}
            yield session, [found[i] for i in chunk if i in found]


def status(archive: Archive, ids: Iterable[int]) -> list[PhotoStatus]:
    """The write-back state of each photo, in the order of `ids` (unknown ids left out)."""
    out: list[PhotoStatus] = []
    adopted: dict[int, _Adopted] = {}
    for _session, photos in photos_in_chunks(archive, list(dict.fromkeys(ids))):
        out.extend(photo_status(p, adopted) for p in photos)
    if adopted:
        _adopt(archive, adopted)
    return out


def _adopt(archive: Archive, adopted: dict[int, _Adopted]) -> None:
    """Record the new stamps of files found holding the catalog's values, unless another
    write or re-read recorded the photo since it was looked at. A catalog that cannot be
    written (read-only, busy) is left as it is: the state is the same, found again next time."""
    try:
        with archive.session() as session:
            done = []
            for photo_id, found in adopted.items():
                photo = session.get(Photo, photo_id)
                if photo is not None and photo.file_state == found.recorded:
                    adopt_stamp(session, archive, photo, found.state, found.digest,
                                found.synced_at)
                    done.append(photo_id)
            log_files(session, done, "in sync: the files hold the catalog's values",
                      origin="status")
    except (CatalogError, OSError):
        return
