"""Re-exporting a gallery while originals are missing (a drive not connected, files moved):
published pages stay, an export that could publish nothing refuses and touches nothing, and
only an export that was carried out is remembered. On a copy of the sample (files move)."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sample_archive import COLLECTION, load_sample

from photoarchive.errors import PhotoarchiveError
from photoarchive.services import collections, open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import apply_values
from photoarchive.services.export_gallery import MANIFEST_NAME, export_gallery, select_photos
from photoarchive.services.gallery_settings import GallerySettings, gallery_start
from photoarchive.services.photos import get_photo

SMALL = {"image_size": 300, "thumb_size": 100}


@pytest.fixture
def sample(tmp_path: Path, sample_dir: Path) -> Iterator[tuple[Archive, list[int]]]:
    """The sample copied to tmp_path/originals and catalogued there."""
    shutil.copytree(sample_dir, tmp_path / "originals")
    archive = open_archive(tmp_path / "catalog.sqlite")
    yield archive, load_sample(archive, tmp_path / "originals")
    archive.close()


def _export(archive: Archive, out: Path, title: str | None = None):
    ids, name, intro = select_photos(archive, COLLECTION)
    return export_gallery(archive, ids, out, GallerySettings(title=title or name, intro=intro,
                                                             **SMALL),
                          collection=COLLECTION, workers=1)


def _move_away(archive: Archive, ids: list[int], away: Path) -> None:
    away.mkdir(exist_ok=True)
    for photo_id in ids:
        path = Path(get_photo(archive, photo_id).path)
        shutil.move(path, away / path.name)


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def _pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).tobytes()


def _index_titles(out: Path) -> list[str]:
    index = (out / "index.html").read_text(encoding="utf-8")
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', index)


def test_a_photo_whose_original_is_missing_keeps_its_published_page(sample,
                                                                    tmp_path: Path) -> None:
    archive, ids = sample
    site = tmp_path / "site"
    _export(archive, site)
    before = _files(site)
    gone = [ids[1], ids[4], ids[10]]
    _move_away(archive, gone, tmp_path / "away")
    apply_values(archive, {ids[4]: {"caption": "A caption written while the file was away."}},
                 origin="test")
    report = _export(archive, site)
    assert report.failed == [] and report.removed == []
    assert sorted(i for i, _ in report.kept) == sorted(gone)
    assert all(e.endswith("the file is missing") for _, e in report.kept)
    assert report.images_made == 0
    names = json.loads((site / MANIFEST_NAME).read_text())["photos"]
    for photo_id in gone:  # page, image and thumbnail at the same addresses
        name = names[str(photo_id)]["name"]
        assert (site / "photos" / f"{name}.html").is_file()
        for image in (f"images/{name}.jpg", f"thumbs/{name}.jpg"):
            now = (site / image).read_bytes()
            if photo_id == ids[4]:  # the caption changed: the same pixels, retagged
                assert _pixels(now) == _pixels(before[image]) and now != before[image]
                assert b"A caption written while" in now
            else:
                assert now == before[image]
    for folder in ("photos", "images", "thumbs"):
        assert len(list((site / folder).iterdir())) == 12
    assert _index_titles(site) == [get_photo(archive, i).title for i in ids]  # same places
    page = (site / "photos" / f"{names[str(ids[4])]['name']}.html").read_text(encoding="utf-8")
    assert "A caption written while the file was away." in page  # the catalog's text

    # Only a photo taken out of the collection loses its page.
    collections.remove(archive, COLLECTION, [ids[10]])
    report = _export(archive, site)
    assert [i for i, _ in report.kept] == [ids[1], ids[4]]  # in collection order
    assert len(report.removed) == 3 and len(list((site / "photos").iterdir())) == 11

    # Back in place, the kept images are still good: nothing is re-encoded.
    for path in (tmp_path / "away").iterdir():
        shutil.move(path, tmp_path / "originals" / path.name)
    report = _export(archive, site)
    assert (report.kept, report.failed, report.images_made) == ([], [], 0)


def test_an_export_with_every_original_missing_changes_nothing(sample, tmp_path: Path) -> None:
    archive, ids = sample
    site = tmp_path / "site"
    _export(archive, site, title="Published")
    before = _files(site)
    remembered = gallery_start(archive, COLLECTION)
    _move_away(archive, ids, tmp_path / "away")
    with pytest.raises(PhotoarchiveError, match=r"None of the 12 photos' original files can "
                                                r"be read .*the file is missing"):
        _export(archive, site, title="Failed one")
    assert _files(site) == before  # not an empty gallery: the folder as it was
    assert gallery_start(archive, COLLECTION) == remembered

    with pytest.raises(PhotoarchiveError, match="None of the 12"):
        _export(archive, tmp_path / "new" / "site", title="Failed one")
    assert not (tmp_path / "new").exists()
    assert gallery_start(archive, COLLECTION).settings.title == "Published"


def test_an_export_that_could_publish_nothing_changes_nothing(sample, tmp_path: Path) -> None:
    archive, ids = sample
    for photo_id in ids:  # the files are there but none can be read as an image
        Path(get_photo(archive, photo_id).path).write_bytes(b"not a JPEG")
    with pytest.raises(PhotoarchiveError, match=r"None of the 12 photos could be exported "
                                                r"\(loc_fsa_\w+\.jpg: .*nothing was published"):
        _export(archive, tmp_path / "new" / "site", title="Failed one")
    assert not (tmp_path / "new").exists()
    assert not gallery_start(archive, COLLECTION).remembered


def test_an_export_carried_out_with_photos_left_out_is_remembered(sample,
                                                                  tmp_path: Path) -> None:
    """'Complete' is an export that ran to the end and wrote the gallery: its settings are
    those of the pages now published, so the next export starts from them."""
    archive, ids = sample
    _move_away(archive, ids[:3], tmp_path / "away")
    report = _export(archive, tmp_path / "site", title="Nine of them")
    assert [i for i, _ in report.failed] == ids[:3] and report.kept == []
    start = gallery_start(archive, COLLECTION)
    assert start.remembered and start.settings.title == "Nine of them"
