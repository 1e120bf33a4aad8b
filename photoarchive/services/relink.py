"""Finding moved photos again: match missing files by content hash under a new folder.

Only files whose size equals that of a missing photo are hashed, so pointing at a large
disk is quick. Captions and everything else stay: only the path changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from photoarchive.catalog.models import Photo
from photoarchive.errors import UsageError
from photoarchive.services.analyse import hash_file
from photoarchive.services.archive import Archive
from photoarchive.services.scan import Found, scan
from photoarchive.services.sync_log import log_files
from photoarchive.services.tasks import CancelToken, NullProgress, Progress


@dataclass
class RelinkReport:
    """Photos found again (id, old path, new path) and those still missing."""

    relinked: list[tuple[int, str, str]] = field(default_factory=list)
    still_missing: list[tuple[int, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"relinked": [{"id": i, "old": o, "new": n} for i, o, n in self.relinked],
                "still_missing": [{"id": i, "path": p} for i, p in self.still_missing]}


def missing_photos(archive: Archive) -> list[tuple[int, str, str, int]]:
    """(id, path, content hash, size) of every photo whose file is not where it was."""
    with archive.reader() as session:
        rows = session.execute(select(Photo.id, Photo.path, Photo.content_hash,
                                      Photo.file_size)).all()
    return [tuple(r) for r in rows if not os.path.exists(r[1])]  # type: ignore[misc]


def check_folder(folder: Path) -> None:
    """Raise `UsageError` unless `folder` is an existing folder to look in."""
    if not folder.exists():
        raise UsageError(f"{folder} does not exist; give the folder where the moved photos "
                         "are now.")
    if not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder; give the folder where the moved "
                         "photos are now.")


def relink(archive: Archive, folder: Path, dry_run: bool = False,
           progress: Progress | None = None, cancel: CancelToken | None = None) -> RelinkReport:
    """Look under `folder` for the files of missing photos and point the catalog at them."""
    check_folder(folder)
    progress = progress or NullProgress()
    cancel = cancel or CancelToken()
    missing = missing_photos(archive)
    by_size: dict[int, list[tuple[int, str, str, int]]] = {}
    for row in missing:
        by_size.setdefault(row[3], []).append(row)
    wanted = {row[2]: row for row in missing}
    found: dict[int, str] = {}
    candidates = [f for f in scan([folder]) if isinstance(f, Found) and f.size in by_size]
    progress.start(len(candidates), "Looking for moved files")
    for done, candidate in enumerate(candidates, 1):
        if cancel.cancelled or len(found) == len(wanted):
            break
        try:
            digest = hash_file(candidate.path)[0]
        except OSError:
            continue
        row = wanted.get(digest)
        if row is not None and row[0] not in found:
            found[row[0]] = str(candidate.path)
        progress.advance(done, len(candidates), str(candidate.path))
    progress.finish()
    report = RelinkReport()
    with archive.session() as session:
        taken = set(session.scalars(select(Photo.path).where(Photo.path.in_(found.values()))))
        for photo_id, old, _, _ in missing:
            new = found.get(photo_id)
            if new is None or new in taken:
                report.still_missing.append((photo_id, old))
                continue
            report.relinked.append((photo_id, old, new))
            if not dry_run:
                photo = session.get(Photo, photo_id)
                if photo is not None:
                    photo.path, photo.missing = new, False
                    st = os.stat(new)
                    photo.file_mtime = st.st_mtime
        if dry_run:
            session.rollback()
        else:  # a window sharing the catalog repaints them
            log_files(session, [photo_id for photo_id, _, _ in report.relinked], "relinked",
                      origin="relink")
    return report
