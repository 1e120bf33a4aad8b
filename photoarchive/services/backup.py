"""Backups of the catalog: on demand, at most once a day on open, and restore.

Copies are made with SQLite's online backup API (a consistent snapshot even while another
process writes), verified with `PRAGMA integrity_check`, and rotated so the newest `keep`
remain. Restoring first keeps a copy of the current file, whatever its state.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from photoarchive import paths
from photoarchive.catalog.db import backup_to, verify_file
from photoarchive.catalog.models import Photo
from photoarchive.errors import CatalogError, NotFound
from photoarchive.services.archive import Archive

DEFAULT_KEEP = 10
_STAMP = "%Y%m%d-%H%M%S%f"  # microseconds keep names unique and ordered


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    created: datetime
    size: int
    reason: str

    def to_dict(self) -> dict:
        return {"path": str(self.path), "created": self.created.isoformat(timespec="seconds"),
                "size": self.size, "reason": self.reason}


def _name(catalog_path: Path, reason: str) -> str:
    """`{stem}-{date}-{time}-{reason}.sqlite`, unique in the backup folder."""
    stamp = datetime.now().strftime(_STAMP)
    folder = paths.backup_dir(catalog_path)
    name, n = f"{catalog_path.stem}-{stamp}-{reason}.sqlite", 1
    while (folder / name).exists():
        n += 1
        name = f"{catalog_path.stem}-{stamp}-{reason}_{n}.sqlite"
    return name


def list_backups(catalog_path: Path) -> list[BackupInfo]:
    """The catalog's backups, newest first."""
    folder = paths.backup_dir(catalog_path)
    found = []
    for file in folder.glob("*.sqlite") if folder.is_dir() else []:
        parts = file.stem.rsplit("-", 3)
        try:
            created = datetime.strptime(f"{parts[-3]}-{parts[-2]}", _STAMP)
            reason = parts[-1]
        except (IndexError, ValueError):
            created, reason = datetime.fromtimestamp(file.stat().st_mtime), "unknown"
        found.append(BackupInfo(file, created, file.stat().st_size, reason))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def _rotate(catalog_path: Path, keep: int) -> None:
    for old in list_backups(catalog_path)[max(1, keep):]:
        old.path.unlink(missing_ok=True)


def backup_now(archive: Archive, dest: Path | None = None, keep: int = DEFAULT_KEEP,
               reason: str = "manual") -> Path:
    """Back the catalog up to `dest` (a file or folder) or the backup folder; verified."""
    if dest is not None and dest.is_dir():
        dest = dest / _name(archive.path, reason)
    target = dest or paths.backup_dir(archive.path) / _name(archive.path, reason)
    if target.resolve() == archive.path.resolve():
        raise CatalogError("A backup cannot overwrite the catalog itself.")
    try:
        backup_to(archive.path, target)
    except OSError as exc:
        raise CatalogError(f"Could not write the backup {target}: {exc.strerror or exc}.") from exc
    problems = verify_file(target)
    if problems:
        target.unlink(missing_ok=True)
        raise CatalogError(f"The backup did not verify ({problems[0]}); nothing was kept. "
                           "Run 'photoarchive check'.")
    if dest is None:
        _rotate(archive.path, keep)
    return target


def auto_backup(archive: Archive, keep: int = DEFAULT_KEEP,
                every: timedelta = timedelta(days=1)) -> Path | None:
    """A backup when the newest is older than `every` (and the catalog holds photos)."""
    newest = next(iter(list_backups(archive.path)), None)
    if newest is not None and datetime.now() - newest.created < every:
        return None
    with archive.reader() as session:
        if not session.scalar(select(func.count()).select_from(Photo)):
            return None
    return backup_now(archive, keep=keep, reason="daily")


def newest_good_backup(catalog_path: Path) -> Path | None:
    """The newest backup that passes the integrity check."""
    for backup in list_backups(catalog_path):
        if not verify_file(backup.path):
            return backup.path
    return None


def restore(catalog_path: Path, backup: Path) -> Path:
    """Replace the catalog with `backup`; the current file is kept first. Returns that copy.

    The catalog must not be open elsewhere while this runs.
    """
    catalog_path = catalog_path.expanduser().absolute()
    backup = backup.expanduser().absolute()
    if not backup.is_file():
        raise NotFound(f"There is no backup at {backup}.")
    problems = verify_file(backup)
    if problems:
        raise CatalogError(f"{backup} cannot be restored: {problems[0]}.")
    folder = paths.backup_dir(catalog_path)
    folder.mkdir(parents=True, exist_ok=True)
    safety = folder / _name(catalog_path, "before_restore")
    if catalog_path.exists():
        # Byte copies, not the backup API: the current file may be damaged.
        shutil.copy2(catalog_path, safety)
        for suffix in ("-wal", "-shm"):
            side = catalog_path.with_name(catalog_path.name + suffix)
            if side.exists():
                shutil.copy2(side, safety.with_name(safety.name + suffix))
    temp = catalog_path.with_name(catalog_path.name + ".restoring")
    shutil.copy2(backup, temp)
    with temp.open("rb+") as fh:
        os.fsync(fh.fileno())
    for suffix in ("-wal", "-shm"):
        catalog_path.with_name(catalog_path.name + suffix).unlink(missing_ok=True)
    os.replace(temp, catalog_path)
    return safety
