"""Backups, restore, and a damaged catalog: detected, never overwritten, a backup offered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from photoarchive.cli import main
from photoarchive.errors import CatalogDamaged
from photoarchive.services import backup, open_archive
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, query_ids


def _damage(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    with path.open("r+b") as fh:
        for offset in range(4096, size, 4096):
            fh.seek(offset + 100)
            fh.write(b"\xde\xad" * 200)


@pytest.fixture
def filled(tmp_path: Path, sample_dir: Path):
    path = tmp_path / "archive.sqlite"
    archive = open_archive(path)
    Importer(archive, workers=1).run([sample_dir / "loc_fsa_8b26527.jpg",
                                      sample_dir / "loc_fsa_8b26528.jpg"])
    yield archive
    archive.close()


def test_backup_verifies_and_rotates(filled) -> None:
    made = [backup.backup_now(filled, keep=3) for _ in range(5)]
    kept = [b.path for b in backup.list_backups(filled.path)]
    assert sorted(kept) == sorted(made[-3:])
    assert not made[0].exists()
    assert backup.auto_backup(filled) is None  # a fresh one exists already


def test_damaged_catalog_is_refused_and_restored(filled, capsys) -> None:
    photo_id = query_ids(filled)[0]
    apply_edits(filled, [photo_id], EditRequest(set_values={"caption": "Before the damage"}))
    good = backup.backup_now(filled)
    filled.close()
    _damage(filled.path)
    damaged_bytes = filled.path.read_bytes()
    with pytest.raises(CatalogDamaged):
        open_archive(filled.path)
    assert filled.path.read_bytes() == damaged_bytes  # never silently recreated
    code = main(["--catalog", str(filled.path), "list"])
    err = capsys.readouterr().err
    assert code == 2 and "damaged" in err and str(good) in err and "Traceback" not in err
    assert main(["--catalog", str(filled.path), "restore", str(good)]) == 0
    reopened = open_archive(filled.path)
    try:
        assert get_photo(reopened, photo_id).caption == "Before the damage"
    finally:
        reopened.close()
    kept = [b for b in backup.list_backups(filled.path) if b.reason == "before_restore"]
    assert kept and kept[0].path.read_bytes() == damaged_bytes


def test_restore_refuses_a_bad_backup(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    code = main(["--catalog", str(tmp_path / "c.sqlite"), "restore", str(bad)])
    assert code == 2 and "cannot be restored" in capsys.readouterr().err
