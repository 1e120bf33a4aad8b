"""The write-back state follows the values: a photo is "catalog newer" while its catalog
values differ from what its files were last known to hold (imported, written or re-read),
not merely because an edit happened since. An edit undone leaves it in sync."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import EditRequest, apply_edits, apply_values, snapshot
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos
from photoarchive.services.writeback import (
    CATALOG_NEWER,
    IN_SYNC,
    reread,
    status,
    write_metadata,
)

#: Files with IPTC keywords in a non-alphabetical order, GPS, and plain sample photos.
FILES = ("IPTC.jpg", "GPS.jpg", "XMP.jpg")


@pytest.fixture
def archive(tmp_path: Path, corpus_dir: Path) -> Iterator[Archive]:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in FILES:
        shutil.copyfile(corpus_dir / name, folder / name)
    opened = open_archive(tmp_path / "catalog.sqlite")
    Importer(opened, workers=1).run([folder])
    yield opened
    opened.close()


def _states(archive: Archive) -> dict[int, str]:
    return {s.id: s.state for s in status(archive, [r.id for r in list_photos(archive)])}


def _cli_status(archive: Archive) -> str:
    done = subprocess.run([sys.executable, "-m", "photoarchive.cli", "--catalog",
                           str(archive.path), "status"],
                          check=True, capture_output=True, text=True, timeout=60)
    return done.stdout.strip().splitlines()[-1]


def test_undoing_captions_back_to_the_files_values_is_in_sync(archive: Archive) -> None:
    ids = [r.id for r in list_photos(archive)]
    assert set(_states(archive).values()) == {IN_SYNC}
    olds = []
    for n, photo_id in enumerate(ids):  # a caption typed on each of three photos
        olds.append(snapshot(archive, [photo_id], ["caption"]))
        apply_edits(archive, [photo_id], EditRequest(set_values={"caption": f"Typed {n}"}),
                    origin="gui")
    assert set(_states(archive).values()) == {CATALOG_NEWER}
    assert _cli_status(archive) == "3 catalog newer."
    for old in reversed(olds):  # Ctrl+Z three times: what the undo commands do
        apply_values(archive, old, origin="gui")
    assert set(_states(archive).values()) == {IN_SYNC}
    assert _cli_status(archive) == "3 in sync."


def test_keywords_and_places_edited_and_put_back_are_in_sync(archive: Archive) -> None:
    ids = [r.id for r in list_photos(archive)]
    old = snapshot(archive, ids, ["keywords", "latitude", "date"])
    apply_edits(archive, ids, EditRequest(set_values={"latitude": 47.5, "date": "1956-10"},
                                          add_keywords=["Budapest"]), origin="gui")
    assert set(_states(archive).values()) == {CATALOG_NEWER}
    apply_values(archive, old, origin="gui")
    assert set(_states(archive).values()) == {IN_SYNC}


def test_after_a_write_or_a_reread_the_written_values_count(archive: Archive) -> None:
    ids = [r.id for r in list_photos(archive)]
    first = ids[0]
    apply_edits(archive, [first], EditRequest(set_values={"title": "Written"}), origin="gui")
    write_metadata(archive, [first], "sidecar")
    assert _states(archive)[first] == IN_SYNC
    old = snapshot(archive, [first], ["title"])
    apply_edits(archive, [first], EditRequest(set_values={"title": "Not written"}))
    assert _states(archive)[first] == CATALOG_NEWER
    apply_values(archive, old)  # back to what was written, not to what was imported
    assert _states(archive)[first] == IN_SYNC
    before_write = {first: {"title": "Not written"}}
    apply_values(archive, before_write)
    reread(archive, [first])  # the file's "Written" comes back in: in sync again
    assert _states(archive)[first] == IN_SYNC
    apply_values(archive, before_write)
    assert _states(archive)[first] == CATALOG_NEWER
