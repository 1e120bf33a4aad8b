"""Removing photos from the catalog and putting them back: the files are never touched,
every row comes back byte for byte (keywords, people, places in collections, the edit
log), the search index follows, and a restore that would clash refuses, changing nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from photoarchive.errors import NotFound, UsageError
from photoarchive.services import collections, open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.browse import browse_ids, sidebar_counts
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos
from photoarchive.services.removal import remove_photos, restore_photos
from photoarchive.services.writeback import IN_SYNC, status, write_metadata

TABLES = {"photo": "id", "photo_keyword": "photo_id", "photo_person": "photo_id",
          "collection_member": "photo_id", "edit": "photo_id"}


@pytest.fixture
def library(tmp_path: Path, sample_dir: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for path in sorted(sample_dir.glob("*.jpg"))[:5]:
        shutil.copyfile(path, folder / path.name)
    return folder


@pytest.fixture
def archive(tmp_path: Path, library: Path) -> Iterator[Archive]:
    opened = open_archive(tmp_path / "catalog.sqlite")
    Importer(opened, workers=1).run([library])
    ids = [r.id for r in list_photos(opened, sort="path")]
    for n, photo_id in enumerate(ids):
        apply_edits(opened, [photo_id], EditRequest(
            set_values={"caption": f"Mill workers {n}", "date": "1936-04"},
            add_keywords=[f"Roll {n}", "Milwaukee"], add_people=[f"Worker {n}"]), "gui")
    for name, members in (("Exhibition", ids), ("Shortlist", ids[::-1][:3])):
        collections.create(opened, name)
        collections.add(opened, name, members)
    yield opened
    opened.close()


def _rows(archive: Archive, ids: list[int]) -> dict[str, list[tuple]]:
    """Every stored row about these photos, read with plain sqlite3 (raw values)."""
    conn = sqlite3.connect(archive.path)
    try:
        marks = ",".join("?" * len(ids))
        return {table: sorted(conn.execute(
            f"SELECT * FROM {table} WHERE {column} IN ({marks})", ids).fetchall(),
            key=repr) for table, column in TABLES.items()}
    finally:
        conn.close()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_remove_then_restore_puts_every_row_back(archive: Archive, library: Path) -> None:
    ids = [r.id for r in list_photos(archive, sort="path")]
    gone = [ids[1], ids[3]]
    before, files = _rows(archive, gone), _digests(library)
    exhibition = collections.show(archive, "Exhibition").photo_ids
    shortlist = collections.show(archive, "Shortlist").photo_ids
    assert browse_ids(archive, "\"Mill workers 3\"") == [ids[3]]

    removed = remove_photos(archive, gone, origin="gui")
    assert sorted(removed.ids) == sorted(gone)
    for photo_id in gone:
        with pytest.raises(NotFound):
            get_photo(archive, photo_id)
    assert _digests(library) == files  # the files are untouched
    assert browse_ids(archive, "\"Mill workers 3\"") == []
    assert browse_ids(archive, "keyword:\"Roll 1\"") == []
    assert collections.show(archive, "Exhibition").photo_ids == [
        i for i in exhibition if i not in gone]
    assert list(collections.show(archive, "Shortlist").photo_ids) == [
        i for i in shortlist if i not in gone]
    assert sidebar_counts(archive).all == 3
    assert _rows(archive, gone)["edit"] == []  # the log no longer points at them

    changes = restore_photos(archive, removed)
    assert changes.photo_ids == set(gone)
    after = _rows(archive, gone)
    restored_log = [r for r in after["edit"] if r[3] == "restored"]
    assert len(restored_log) == 2
    after["edit"] = [r for r in after["edit"] if r[3] != "restored"]
    assert after == before  # byte for byte, the edit log pointing at them again
    assert collections.show(archive, "Exhibition").photo_ids == exhibition
    assert collections.show(archive, "Shortlist").photo_ids == shortlist
    assert browse_ids(archive, "\"Mill workers 3\"") == [ids[3]]
    assert browse_ids(archive, "keyword:\"Roll 1\"") == [ids[1]]
    assert sidebar_counts(archive).all == 5


def test_a_photo_imported_again_comes_back_from_its_files_and_blocks_the_restore(
        archive: Archive, library: Path) -> None:
    ids = [r.id for r in list_photos(archive, sort="path")]
    write_metadata(archive, [ids[0]], "sidecar")  # its caption is in its sidecar
    removed = remove_photos(archive, [ids[0], ids[2]])
    Importer(archive, workers=1).run([library])  # both files come back as new photos
    back = {Path(r.path).name: r for r in list_photos(archive)}
    first = back[Path(removed.paths[ids[0]]).name]
    third = back[Path(removed.paths[ids[2]]).name]
    assert first.caption == "Mill workers 0"  # it was written to the files
    assert third.caption != "Mill workers 2"  # only in the catalog: gone with the row
    count = sidebar_counts(archive).all
    with pytest.raises(UsageError, match="cannot be put back: its file was imported again"):
        restore_photos(archive, removed)
    assert sidebar_counts(archive).all == count  # nothing changed
    assert {s.state for s in status(archive, [first.id])} == {IN_SYNC}


def test_unknown_ids_remove_nothing(archive: Archive) -> None:
    ids = [r.id for r in list_photos(archive)]
    with pytest.raises(NotFound, match="no photo with id 999"):
        remove_photos(archive, [ids[0], 999])
    assert sidebar_counts(archive).all == 5


def test_a_collection_deleted_meanwhile_is_left_out(archive: Archive) -> None:
    ids = [r.id for r in list_photos(archive, sort="path")]
    removed = remove_photos(archive, [ids[4]])
    collections.delete(archive, "Shortlist")
    restore_photos(archive, removed)
    assert collections.show(archive, "Exhibition").photo_ids == ids
    assert get_photo(archive, ids[4]).keywords == ["Milwaukee", "Roll 4"]


def test_taking_photos_out_of_a_collection_and_putting_them_back(archive: Archive) -> None:
    order = collections.show(archive, "Exhibition").photo_ids
    collections.remove(archive, "Exhibition", [order[1], order[3]])
    collections.put_back(archive, "Exhibition", {order[3]: 3, order[1]: 1})
    assert collections.show(archive, "Exhibition").photo_ids == order
