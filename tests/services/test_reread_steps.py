"""Re-reading in two steps (the window's way): preview, then apply and record the state."""

from __future__ import annotations

import shutil
from pathlib import Path

from photoarchive.media.write import write_file
from photoarchive.services.editing import EditRequest, apply_edits, apply_values
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos
from photoarchive.services.reread_steps import apply_reread, preview_reread
from photoarchive.services.tasks import CancelToken
from photoarchive.services.writeback import CATALOG_NEWER, FILE_NEWER, IN_SYNC, status


def _library(archive, tmp_path: Path, corpus_dir: Path) -> dict[str, int]:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("IPTC.jpg", "PNG.png"):
        shutil.copyfile(corpus_dir / name, folder / name)
    Importer(archive, workers=1).run([folder])
    return {Path(r.path).name: r.id for r in list_photos(archive)}


def test_preview_changes_nothing_then_apply_brings_the_photos_in_sync(
        archive, tmp_path: Path, corpus_dir: Path) -> None:
    ids = _library(archive, tmp_path, corpus_dir)
    photo_id = ids["IPTC.jpg"]
    apply_edits(archive, [photo_id], EditRequest(set_values={"title": "Ours"}), origin="gui")
    write_file(tmp_path / "photos" / "IPTC.jpg", {"title": "Theirs"}, "sidecar")
    before = get_photo(archive, photo_id)

    preview = preview_reread(archive, ids.values())
    assert preview.values() == {photo_id: {"title": "Theirs"}}
    assert preview.old_values() == {photo_id: {"title": "Ours"}}
    assert get_photo(archive, photo_id) == before and not preview.report.applied

    changes = apply_reread(archive, preview)
    assert changes.photo_ids == {photo_id} and "title" in changes.fields
    assert get_photo(archive, photo_id).title == "Theirs"
    assert {s.state for s in status(archive, ids.values())} == {IN_SYNC}

    apply_values(archive, {photo_id: {"title": "Ours"}})  # what an undo does
    assert status(archive, [photo_id])[0].state == CATALOG_NEWER


def test_a_file_changed_after_the_preview_stays_file_newer(archive, tmp_path: Path,
                                                             corpus_dir: Path) -> None:
    ids = _library(archive, tmp_path, corpus_dir)
    photo_id = ids["PNG.png"]
    write_file(tmp_path / "photos" / "PNG.png", {"title": "First"}, "sidecar")
    preview = preview_reread(archive, [photo_id])
    write_file(tmp_path / "photos" / "PNG.png", {"title": "Second, longer"}, "sidecar")
    apply_reread(archive, preview)
    assert get_photo(archive, photo_id).title == "First"
    assert status(archive, [photo_id])[0].state == FILE_NEWER


def test_a_cancelled_preview_says_so(archive, tmp_path: Path, corpus_dir: Path) -> None:
    ids = _library(archive, tmp_path, corpus_dir)
    token = CancelToken()
    token.cancel()
    preview = preview_reread(archive, ids.values(), cancel=token)
    assert preview.cancelled and preview.report.photos == []
