"""Issue 11 #4: the state follows the values on the files' side too. A write killed after it
replaced the files but before it recorded them leaves files that hold the catalog's values
and a stamp of before: `status` must call that "in sync" (and refresh the stamp), not
"file newer" or "conflict", and `write-metadata` must not skip it.

The kill's outcome is made deterministically: the media writer writes the files directly,
so the service's book-keeping (the new stamp) never happens."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from photoarchive.catalog.models import Photo
from photoarchive.media.write import write_file
from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.sync_log import synced_values
from photoarchive.services.writeback import (
    CATALOG_NEWER,
    CONFLICT,
    IN_SYNC,
    status,
    write_metadata,
)

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None,
                                reason="exiftool is not installed (it reads what we wrote)")


@pytest.fixture
def archive(tmp_path: Path, corpus_dir: Path) -> Iterator[Archive]:
    folder = tmp_path / "photos"
    folder.mkdir()
    # n3.jpg: exiv2 would drop its maker-note data, so an embedded write falls back to a
    # sidecar; i.jpg takes the values inside the file.
    shutil.copyfile(corpus_dir / "Nikon E995 (iptc).jpg", folder / "n3.jpg")
    shutil.copyfile(corpus_dir / "IPTC.jpg", folder / "i.jpg")
    opened = open_archive(tmp_path / "catalog.sqlite")
    Importer(opened, workers=1).run([folder])
    yield opened
    opened.close()


def _photos(archive: Archive) -> dict[str, Photo]:
    with archive.reader() as session:
        photos = session.query(Photo).all()
        session.expunge_all()
    return {Path(p.path).name: p for p in photos}


def _exiftool(path: Path, tag: str) -> str | None:
    import subprocess

    done = subprocess.run(["exiftool", "-j", f"-{tag}", str(path)], capture_output=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)[0].get(tag)


@pytest.mark.parametrize("mode", ["sidecar", "embed"])
def test_files_killed_after_the_write_hold_the_catalog_values_and_are_in_sync(
        archive: Archive, mode: str) -> None:
    photos = _photos(archive)
    ids = [p.id for p in photos.values()]
    apply_edits(archive, ids, EditRequest(set_values={"caption": "Az új felirat"}),
                origin="gui")
    assert {s.state for s in status(archive, ids)} == {CATALOG_NEWER}
    with archive.reader() as session:  # the write, killed before its book-keeping
        for photo in session.query(Photo):
            write_file(Path(photo.path), synced_values(photo), mode)  # type: ignore[arg-type]
    n3 = Path(photos["n3.jpg"].path)
    assert _exiftool(n3.with_name("n3.jpg.xmp"), "Description") == "Az új felirat"
    if mode == "embed":
        assert _exiftool(Path(photos["i.jpg"].path), "Description") == "Az új felirat"

    found = {Path(s.path).name: s for s in status(archive, ids)}
    assert {n: (s.state, s.detail) for n, s in found.items()} == {
        "n3.jpg": (IN_SYNC, ""), "i.jpg": (IN_SYNC, "")}
    after = _photos(archive)  # the stamp was refreshed: the next status stats, no more
    stamp = json.loads(after["n3.jpg"].file_state)
    assert [s["name"] for s in stamp["sidecars"]] == ["n3.jpg.xmp"]
    if mode == "embed":
        i = after["i.jpg"]
        assert (i.file_size, i.content_hash) != (photos["i.jpg"].file_size,
                                                 photos["i.jpg"].content_hash)
        assert json.loads(i.file_state)["file"]["hash"] == i.content_hash
    report = write_metadata(archive, ids, mode)
    assert {p.outcome for p in report.photos} == {"written"}, [p.messages for p in report.photos]
    assert {s.state for s in status(archive, ids)} == {IN_SYNC}


def test_files_changed_to_other_values_are_still_a_conflict(archive: Archive) -> None:
    """Only the values decide: a sidecar written with other values than the catalog's,
    over a catalog edit, stays a conflict."""
    photos = _photos(archive)
    n3 = photos["n3.jpg"]
    apply_edits(archive, [n3.id], EditRequest(set_values={"caption": "In the catalog"}))
    with archive.reader() as session:
        photo = session.get(Photo, n3.id)
        values = {**synced_values(photo), "caption": "Elsewhere"}
    write_file(Path(n3.path), values, "sidecar")
    (found,) = status(archive, [n3.id])
    assert found.state == CONFLICT and "a sidecar appeared (n3.jpg.xmp)" in found.detail
    assert write_metadata(archive, [n3.id]).photos[0].outcome == "skipped"
