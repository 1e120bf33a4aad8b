"""Unreadable files and folders, and a catalog that cannot be written: plain messages.

Permissions do not bind root, so as root the command line runs as the user `nobody`."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _as_user() -> dict:
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no user 'nobody' to drop to")
    return {"user": "nobody", "group": "nogroup" if _has_group("nogroup") else None}


def _has_group(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PHOTOARCHIVE_HOME=str(home), HOME=str(home))
    extra = {k: v for k, v in _as_user().items() if v is not None}
    return subprocess.run([sys.executable, "-m", "photoarchive.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, **extra)


@pytest.fixture
def place(tmp_path: Path) -> Path:
    tmp_path.chmod(0o755)
    for parent in tmp_path.parents:  # pytest's base folder is private to its user
        if parent == Path("/tmp") or parent == parent.parent:
            break
        parent.chmod(parent.stat().st_mode | 0o011)
    home = tmp_path / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    return tmp_path


def test_unreadable_entries_are_reported(place: Path, sample_dir: Path) -> None:
    photos = place / "photos"
    (photos / "locked folder").mkdir(parents=True)
    for n, src in enumerate(sorted(sample_dir.glob("*.jpg"))[:3]):
        shutil.copy(src, photos / f"{n}.jpg")
    shutil.copy(sorted(sample_dir.glob("*.jpg"))[4], photos / "locked folder" / "x.jpg")
    (photos / "1.jpg").chmod(0o000)
    (photos / "locked folder").chmod(0o000)
    catalog_dir = place / "cat"
    catalog_dir.mkdir(mode=0o777)
    catalog_dir.chmod(0o777)
    done = _run(["--catalog", str(catalog_dir / "c.sqlite"), "import", str(photos)],
                place / "home")
    (photos / "locked folder").chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "2 added" in done.stdout and "2 failed" in done.stdout
    assert "1.jpg: cannot be read: permission denied" in done.stdout
    assert "locked folder: folder cannot be read" in done.stdout


def test_catalog_that_cannot_be_written(place: Path, sample_dir: Path) -> None:
    folder = place / "readonly"
    folder.mkdir()
    first = _run(["--catalog", str(folder / "c.sqlite"), "list"], place / "home")
    if os.geteuid() == 0:  # made by root above? make it now, owned by root
        subprocess.run([sys.executable, "-m", "photoarchive.cli", "--catalog",
                        str(folder / "c.sqlite"), "import", str(sample_dir)],
                       capture_output=True, check=True)
    folder.chmod(0o555)
    (folder / "c.sqlite").chmod(0o444)
    try:
        done = _run(["--catalog", str(folder / "c.sqlite"), "edit", "1", "--set",
                     "caption=x"], place / "home")
    finally:
        folder.chmod(0o755)
    assert done.returncode == 2, (first.stderr, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "read-only" in done.stderr or "cannot" in done.stderr
