"""Unreadable files and folders, and a catalog that cannot be written: plain messages.

Permissions do not bind root, so as root the command line runs without the capabilities
that override them (util-linux `setpriv`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without util-linux setpriv to drop DAC override")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([*_prefix(), sys.executable, "-m", "photoarchive.cli", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_unreadable_entries_are_reported(tmp_path: Path, sample_dir: Path) -> None:
    photos = tmp_path / "photos"
    (photos / "locked folder").mkdir(parents=True)
    for n, src in enumerate(sorted(sample_dir.glob("*.jpg"))[:3]):
        shutil.copy(src, photos / f"{n}.jpg")
    shutil.copy(sorted(sample_dir.glob("*.jpg"))[4], photos / "locked folder" / "x.jpg")
    (photos / "1.jpg").chmod(0o000)
    (photos / "locked folder").chmod(0o000)
    try:
        done = _run(["--catalog", str(tmp_path / "c.sqlite"), "import", str(photos)])
    finally:
        (photos / "locked folder").chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "2 added" in done.stdout and "2 failed" in done.stdout, done.stdout
    assert "1.jpg: cannot be read: permission denied" in done.stdout.lower()
    assert "locked folder: folder cannot be read" in done.stdout


def test_catalog_that_cannot_be_written(tmp_path: Path, sample_dir: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    made = _run(["--catalog", str(folder / "c.sqlite"), "import",
                 str(sample_dir / "loc_fsa_8b26527.jpg")])
    assert made.returncode == 0, made.stderr
    (folder / "c.sqlite").chmod(0o444)
    folder.chmod(0o555)
    try:
        listed = _run(["--catalog", str(folder / "c.sqlite"), "list"])
        edited = _run(["--catalog", str(folder / "c.sqlite"), "edit", "1", "--set",
                       "caption=x"])
    finally:
        folder.chmod(0o755)
    for done in (listed, edited):
        assert "Traceback" not in done.stderr
    assert edited.returncode == 2, (edited.stdout, edited.stderr)
    assert len(edited.stderr.strip().splitlines()) == 1
    assert "read-only" in edited.stderr or "cannot" in edited.stderr, edited.stderr


def test_an_empty_catalog_file_that_cannot_be_written(tmp_path: Path, sample_dir: Path) -> None:
    """An empty file (a creation killed before it committed) on read-only media: no catalog
    to list, and none can be created in it; both said plainly."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    catalog = folder / "c.sqlite"
    catalog.write_bytes(b"")
    catalog.chmod(0o444)
    folder.chmod(0o555)
    try:
        listed = _run(["--catalog", str(catalog), "list"])
        made = _run(["--catalog", str(catalog), "import", str(sample_dir / "loc_fsa_8b26527.jpg")])
    finally:
        folder.chmod(0o755)
    assert listed.returncode == 2 and "There is no catalog at" in listed.stderr
    assert "the file is there but empty" in listed.stderr
    assert made.returncode == 2 and "Traceback" not in made.stderr
    assert (f"{catalog} is an empty file, not a catalog yet, and it is read-only here, so no "
            "catalog can be created in it.") in made.stderr, made.stderr
    assert catalog.read_bytes() == b"" and sorted(p.name for p in folder.iterdir()) == ["c.sqlite"]
