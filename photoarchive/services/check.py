"""`photoarchive check`: is the catalog sound, are the photos where it says, thumbnails made.

It also removes what interrupted writes left beside the photos (hidden temporary files of
ours, see media.tempfiles) and lists each file it removed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text, update

from photoarchive.catalog.db import integrity_problems
from photoarchive.catalog.models import Photo
from photoarchive.media.tempfiles import earlier_leftovers, remove_leftovers, targets_of
from photoarchive.media.thumbnails import thumbnail_file
from photoarchive.services.archive import Archive


@dataclass
class CheckReport:
    """Problems found; `ok` when there are none."""

    photos: int = 0
    integrity: list[str] = field(default_factory=list)
    missing_files: list[tuple[int, str]] = field(default_factory=list)
    missing_thumbnails: list[tuple[int, str]] = field(default_factory=list)
    index_out_of_step: bool = False
    removed_leftovers: list[str] = field(default_factory=list)  # repaired: not a problem
    earlier_leftovers: list[str] = field(default_factory=list)  # listed only: not provably ours

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.missing_files or self.missing_thumbnails
                    or self.index_out_of_step)

    def to_dict(self) -> dict:
        return {
            "ok": self.ok, "photos": self.photos, "integrity": self.integrity,
            "missing_files": [{"id": i, "path": p} for i, p in self.missing_files],
            "missing_thumbnails": [{"id": i, "path": p} for i, p in self.missing_thumbnails],
            "index_out_of_step": self.index_out_of_step,
            "removed_leftovers": self.removed_leftovers,
            "earlier_leftovers": self.earlier_leftovers,
        }


def check(archive: Archive) -> CheckReport:
    """Check the catalog file, every photo's file and thumbnail; record which are missing."""
    report = CheckReport(integrity=integrity_problems(archive.catalog.engine))
    with archive.reader() as session:
        rows = session.execute(select(Photo.id, Photo.path, Photo.content_hash)).all()
        indexed = session.scalar(text("SELECT count(*) FROM photo_fts")) or 0
        report.index_out_of_step = indexed != (session.scalar(
            select(func.count()).select_from(Photo)) or 0)
    report.photos = len(rows)
    now_missing: list[int] = []
    targets: dict[Path, set[str]] = defaultdict(set)
    for photo_id, path, content_hash in rows:
        targets[Path(path).parent] |= targets_of(Path(path))
        if not os.path.exists(path):
            report.missing_files.append((photo_id, path))
            now_missing.append(photo_id)
        elif not thumbnail_file(archive.thumbnail_dir, content_hash).exists():
            report.missing_thumbnails.append((photo_id, path))
    for folder, names in sorted(targets.items()):
        report.removed_leftovers += [str(p) for p in remove_leftovers(folder, names)]
        report.earlier_leftovers += [str(p) for p in earlier_leftovers(folder, names)]
    with archive.session() as session:
        session.execute(update(Photo).values(missing=False).where(Photo.missing.is_(True)))
        for start in range(0, len(now_missing), 500):
            chunk = now_missing[start:start + 500]
            session.execute(update(Photo).where(Photo.id.in_(chunk)).values(missing=True))
    return report
