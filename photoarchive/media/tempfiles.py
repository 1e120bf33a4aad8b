"""Temporary files beside photos: unmistakably ours, locked while in use, cleaned up after a kill.

Every write beside a photo (the embedded copy, a new sidecar) goes to a hidden file
`.{target}.photoarchive-XXXXXXXX.tmp` in the same folder (`target` is the file it will replace,
XXXXXXXX eight random characters), which is renamed over the target once it verifies. A kill
between the two leaves that file behind. `remove_leftovers` deletes such leftovers; it is called
by the next write of the photo and by `photoarchive check`.

Only a file that matches the pattern exactly *and* names a file we write (the photo or one of
its sidecars, see `targets_of`) is ever removed, so a user's own files are never touched. A
write in progress holds an exclusive lock (flock) on its temporary file for its whole life;
a file another process still has locked is in use, not left over, and is kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there anyway
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "MARK", "earlier_leftovers", "leftovers", "remove_leftovers", "targets_of",
    "temporary_beside",
]

MARK = "photoarchive"
#: `.{target}.photoarchive-XXXXXXXX.tmp`; mkstemp's random part is 8 of [a-z0-9_].
_LEFTOVER = re.compile(rf"\.(?P<target>.+)\.{MARK}-[a-z0-9_]{{8}}\.tmp")
#: What versions before this naming left: `.{stem}.XXXXXXXX.tmp{suffix}` (a photo) and
#: `.{name}.xmp.XXXXXXXX.tmp` (a sidecar). Not provably ours: listed, never removed.
_EARLIER = (re.compile(r"\.(?P<stem>.+)\.[a-z0-9_]{8}\.tmp(?P<suffix>\.[^.]+)"),
            re.compile(r"\.(?P<stem>.+\.xmp)\.[a-z0-9_]{8}\.tmp(?P<suffix>)"))


def targets_of(photo: Path) -> set[str]:
    """The names whose temporary files belong to `photo`: itself and its sidecars."""
    name, stem = photo.name, photo.stem
    return {name, *(base + ext for base in (name, stem) for ext in (".xmp", ".XMP"))}


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A new, empty, locked temporary file beside `target` (mode 0600); removed on exit
    unless it was renamed away meanwhile."""
    fd, path = _locked_new(target)
    try:
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)


def _locked_new(target: Path) -> tuple[int, Path]:
    """mkstemp, then the lock. A cleaner could delete the file between the two (it is not
    locked yet): then the name no longer leads to our file, and we take another."""
    for _attempt in range(5):
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{MARK}-",
                                    suffix=".tmp")
        path = Path(name)
        if fcntl is None:
            return fd, path
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else locks it
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd, path
        except FileNotFoundError:
            pass
        os.close(fd)
    raise OSError(f"could not create a temporary file beside {target.name}")


def leftovers(folder: Path, targets: Collection[str]) -> list[Path]:
    """Temporary files of ours in `folder` that belong to one of `targets` (file names)."""
    return [folder / name for name in _names(folder)
            if (match := _LEFTOVER.fullmatch(name)) and match["target"] in targets]


def _names(folder: Path) -> list[str]:
    """The names in `folder`, sorted; none when it cannot be listed."""
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def earlier_leftovers(folder: Path, targets: Collection[str]) -> list[Path]:
    """Files in `folder` named like the temporary files of earlier versions for one of
    `targets`: very likely leftovers, but a user could have named a file so."""
    found = []
    for name in _names(folder):
        for pattern in _EARLIER:
            match = pattern.fullmatch(name)
            if match and match["stem"] + match["suffix"] in targets:
                found.append(folder / name)
                break
    return found


def _in_use(path: Path) -> bool:
    """Whether another process holds the lock of a write in progress on `path`."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True  # cannot even look: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases the probe's lock


def remove_leftovers(folder: Path, targets: Collection[str]) -> list[Path]:
    """Delete the leftovers `leftovers` finds that no write is using; return those deleted."""
    removed = []
    for path in leftovers(folder, targets):
        if path.is_symlink() or not path.is_file() or _in_use(path):
            continue
        try:
            path.unlink()
        except OSError:
            continue  # read-only folder and the like: `check` will list it again
        removed.append(path)
    return removed
