"""Backups, restore, and a damaged catalog: detected, never overwritten, a backup offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from damage import damage_catalog

from photoarchive.cli import main
from photoarchive.errors import CatalogDamaged
from photoarchive.services import backup, open_archive
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, query_ids


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
    damage_catalog(filled.path)
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


def _sqlite_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name.endswith(("-wal", "-shm", "-journal", ".part")))


def test_backups_are_single_files_and_pruning_removes_their_companions(filled) -> None:
    made = [backup.backup_now(filled, keep=2) for _ in range(2)]
    folder = made[0].parent
    for path in made:
        assert backup.verify_file(path) == []  # verifying leaves nothing beside it
        with path.open("rb") as fh:
            assert fh.read(20)[18:20] == b"\x01\x01"  # rollback journal, not WAL
    assert _sqlite_leftovers(folder) == []
    # A backup made by an older version (WAL, with -wal/-shm beside it) goes with them.
    for suffix in ("-wal", "-shm"):
        made[0].with_name(made[0].name + suffix).write_bytes(b"")
    backup.backup_now(filled, keep=2)
    assert not made[0].exists() and _sqlite_leftovers(folder) == []


def test_backup_into_a_folder_keeps_the_newest(filled, tmp_path: Path, capsys) -> None:
    dest = tmp_path / "trial-bk"  # no .sqlite suffix: a folder, made if needed
    other = tmp_path / "trial-bk" / "notes.sqlite"
    for _ in range(3):
        code = main(["--catalog", str(filled.path), "backup", str(dest), "--keep", "2"])
        assert code == 0, capsys.readouterr().err
        if not other.exists():
            other.write_text("not ours")
    kept = sorted(p.name for p in dest.iterdir())
    assert len(kept) == 3 and "notes.sqlite" in kept  # pruning touches only our backups
    assert all(backup.verify_file(dest / name) == [] for name in kept if name != "notes.sqlite")
    out = capsys.readouterr().out
    assert str(dest / kept[0]) in out or str(dest / kept[1]) in out
    # A trailing slash names a folder even with a .sqlite-like name.
    assert main(["--catalog", str(filled.path), "backup", str(tmp_path / "x.sqlite") + "/"]) == 0
    assert (tmp_path / "x.sqlite").is_dir()


@pytest.mark.parametrize("argv, message", [
    (["backup", "--keep", "0"], "--keep: must be 1 or more"),
    (["backup", "DEST", "--keep", "-1"], "--keep: must be 1 or more"),
    (["backup", "one.sqlite", "--keep", "2"], "--keep applies to a folder of backups"),
    (["backup", "CATALOG"], "cannot overwrite the catalog itself"),
    (["backup", "live.sqlite"], "is a catalog in use, not a backup"),
    (["backup", "notes.sqlite"], "is not a photoarchive backup"),
    (["backup", "notes.txt"], "is a file, not a folder"),
])
def test_backup_refuses(filled, tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    live = open_archive(tmp_path / "live.sqlite")
    live.close()
    (tmp_path / "notes.sqlite").write_text("my notes")
    (tmp_path / "notes.txt").write_text("my notes")
    names = {"CATALOG": str(filled.path), "DEST": str(tmp_path / "bk")}
    argv = [names.get(a, str(tmp_path / a) if "." in a and not a.startswith("-") else a)
            for a in argv]
    before = sorted(tmp_path.iterdir())
    try:
        code = main(["--catalog", str(filled.path), *argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert sorted(tmp_path.iterdir()) == before
    assert (tmp_path / "notes.sqlite").read_text() == "my notes"
    assert backup.verify_file(tmp_path / "live.sqlite") == []


def test_backup_to_a_file_replaces_an_earlier_backup(filled, tmp_path: Path, capsys) -> None:
    dest = tmp_path / "weekly.sqlite"
    for _ in range(2):
        assert main(["--catalog", str(filled.path), "backup", str(dest)]) == 0
    assert backup.verify_file(dest) == []
    assert not [p for p in _sqlite_leftovers(tmp_path) if p.startswith("weekly")]
    assert f"to {dest} (verified)" in capsys.readouterr().out
