"""Backups of the catalog: on demand, at most once a day on open, and restore.

Copies are made with SQLite's online backup API (a consistent snapshot even while another
process writes), made single self-contained files (no `-wal`/`-shm` beside them), verified
with `PRAGMA integrity_check`, and rotated so the newest `keep` remain. Restoring first
keeps a copy of the current file, whatever its state.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from photoarchive import paths
from photoarchive.catalog.db import backup_to, verify_file
from photoarchive.catalog.models import Photo
from photoarchive.errors import CatalogError, NotFound, UsageError
from photoarchive.services.archive import Archive

DEFAULT_KEEP = 10
#: A backup destination ending in one of these names a file; anything else is a folder.
FILE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
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


def _name(catalog_path: Path, reason: str, folder: Path | None = None) -> str:
    """`{stem}-{date}-{time}-{reason}.sqlite`, unique in `folder` (the backup folder)."""
    stamp = datetime.now().strftime(_STAMP)
    folder = folder if folder is not None else paths.backup_dir(catalog_path)
    name, n = f"{catalog_path.stem}-{stamp}-{reason}.sqlite", 1
    while (folder / name).exists():
        n += 1
        name = f"{catalog_path.stem}-{stamp}-{reason}_{n}.sqlite"
    return name


def _is_backup_name(catalog_path: Path, name: str) -> bool:
    """True for a file name `_name` makes for this catalog (so pruning a folder the user
    chose never touches anything else in it)."""
    pattern = re.escape(catalog_path.stem) + r"-\d{8}-\d{12}-[a-z_]+(_\d+)?\.sqlite"
    return re.fullmatch(pattern, name, re.ASCII) is not None  # \d: 0-9, not "١"


def list_backups(catalog_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """The catalog's backups in `folder` (default: its backup folder), newest first.

    In a folder other than the backup folder only files named like our backups of this
    catalog are listed.
    """
    own_folder = folder is None
    folder = paths.backup_dir(catalog_path) if folder is None else folder
    found = []
    for file in folder.glob("*.sqlite") if folder.is_dir() else []:
        if not own_folder and not _is_backup_name(catalog_path, file.name):
            continue
        parts = file.stem.rsplit("-", 3)
        try:
            created = datetime.strptime(f"{parts[-3]}-{parts[-2]}", _STAMP)
            reason = parts[-1]
        except (IndexError, ValueError):
            created, reason = datetime.fromtimestamp(file.stat().st_mtime), "unknown"
        found.append(BackupInfo(file, created, file.stat().st_size, reason))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def _remove(backup: Path) -> None:
    """Delete a backup file and whatever SQLite kept beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        backup.with_name(backup.name + suffix).unlink(missing_ok=True)


def _rotate(catalog_path: Path, keep: int, folder: Path | None = None) -> None:
    for old in list_backups(catalog_path, folder)[max(1, keep):]:
        _remove(old.path)


def check_keep(keep: int) -> None:
    """`keep` must leave at least one backup."""
    if keep < 1:
        raise UsageError(f"--keep must be 1 or more (it is how many backups to keep), "
                         f"not {keep}.")


def is_folder_destination(dest: Path | str) -> bool:
    """Whether a backup destination names a folder (an existing folder, a path ending in
    '/', or a name without a database suffix such as .sqlite) rather than one backup file."""
    text = str(dest)
    path = Path(text).expanduser()
    return (path.is_dir() or text.endswith(("/", os.sep))
            or path.suffix.lower() not in FILE_SUFFIXES)


def _is_live_catalog(path: Path) -> bool:
    """A catalog in use keeps WAL mode (file format bytes 18-19 are 2); our backups do not."""
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    return header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"


def _check_file_target(archive: Archive, target: Path) -> None:
    """Refuse to write a backup over the catalog itself, a catalog in use or a file that
    is not a photoarchive catalog."""
    live = archive.path.expanduser().resolve()
    if target.resolve() == live or (target.exists() and os.path.samefile(target, live)):
        raise UsageError("A backup cannot overwrite the catalog itself; give another file "
                         "name or a folder.")
    if not target.exists():
        return
    if target.is_dir() or not target.is_file():
        raise UsageError(f"{target} is not a file; give a file name ending in .sqlite or a "
                         "folder.")
    if _is_live_catalog(target):
        raise UsageError(f"{target} is a catalog in use, not a backup; a backup never "
                         "replaces one. Give another file name or a folder.")
    if verify_file(target):
        raise UsageError(f"{target} exists and is not a photoarchive backup; nothing was "
                         "written. Give another file name or a folder.")


def backup_now(archive: Archive, dest: Path | str | None = None, keep: int = DEFAULT_KEEP,
               reason: str = "manual") -> Path:
    """Back the catalog up; verified. Returns the backup file.

    With no `dest`, into the backup folder; `dest` a folder (see `is_folder_destination`),
    a dated file inside it. Either way only the newest `keep` backups of this catalog are
    kept there. `dest` naming a .sqlite file: exactly that file (an earlier backup there is
    replaced; the catalog itself, a catalog in use or any other file is refused).
    """
    check_keep(keep)
    folder: Path | None
    if dest is None:
        folder = paths.backup_dir(archive.path)
        target = folder / _name(archive.path, reason, folder)
    elif is_folder_destination(dest):
        folder = Path(dest).expanduser()
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder} is a file, not a folder; give a folder or a file name "
                             "ending in .sqlite.")
        target = folder / _name(archive.path, reason, folder)
    else:
        folder, target = None, Path(dest).expanduser()
        _check_file_target(archive, target)
    try:
        backup_to(archive.path, target)
    except OSError as exc:
        raise CatalogError(f"Could not write the backup {target}: {exc.strerror or exc}.") from exc
    problems = verify_file(target)
    if problems:
        _remove(target)
        raise CatalogError(f"The backup did not verify ({problems[0]}); nothing was kept. "
                           "Run 'photoarchive check'.")
    if folder is not None:
        _rotate(archive.path, keep, None if dest is None else folder)
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
