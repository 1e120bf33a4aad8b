"""Gallery settings remembered per collection in the catalog (and per output folder for
query exports), on real exports of the sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_archive import COLLECTION, INTRO, load_sample
from sqlalchemy import text

from photoarchive.errors import NotFound
from photoarchive.services import collections, open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.export_gallery import export_gallery, folder_start, select_photos
from photoarchive.services.gallery_settings import GallerySettings, gallery_start
from photoarchive.services.tasks import CancelToken


@pytest.fixture
def sample(tmp_path: Path, sample_dir: Path) -> Iterator[tuple[Archive, list[int]]]:
    archive = open_archive(tmp_path / "catalog.sqlite")
    yield archive, load_sample(archive, sample_dir)
    archive.close()


def _rows(archive: Archive) -> list[tuple]:
    with archive.reader() as session:
        return list(session.execute(text(
            "SELECT collection_id, title, intro, theme, image_size, thumb_size, out_dir "
            "FROM gallery_settings")))


def test_a_collection_starts_from_its_name_and_description(sample) -> None:
    archive, _ids = sample
    start = gallery_start(archive, COLLECTION.upper())  # names match case-insensitively
    assert not start.remembered and start.out_dir is None
    assert (start.settings.title, start.settings.intro) == (COLLECTION, INTRO)
    assert (start.settings.image_size, start.settings.thumb_size) == (1600, 400)
    with pytest.raises(NotFound, match="no collection called 'Nope'"):
        gallery_start(archive, "Nope")


def test_an_export_remembers_its_settings_for_the_next(sample, tmp_path: Path) -> None:
    archive, _ids = sample
    ids, _title, _intro = select_photos(archive, COLLECTION)
    theme = tmp_path / "theme"
    theme.mkdir()
    chosen = GallerySettings(title="Milwaukee, 1936", intro="Our *own* words.",
                             theme=str(theme), image_size=500, thumb_size=180)
    export_gallery(archive, ids, tmp_path / "site", chosen, collection=COLLECTION, workers=1)
    start = gallery_start(archive, COLLECTION)
    assert start.remembered and start.out_dir == tmp_path / "site"
    got = start.settings
    assert (got.title, got.intro, got.theme, got.image_size, got.thumb_size) == (
        "Milwaukee, 1936", "Our *own* words.", str(theme), 500, 180)
    # A query export remembers nothing in the catalog.
    export_gallery(archive, ids[:1], tmp_path / "other", GallerySettings(title="X"),
                   query="courthouse", workers=1)
    assert len(_rows(archive)) == 1


def test_text_left_as_the_collection_had_it_follows_the_collection(sample,
                                                                   tmp_path: Path) -> None:
    archive, _ids = sample
    ids, title, intro = select_photos(archive, COLLECTION)
    export_gallery(archive, ids[:2], tmp_path / "site",
                   GallerySettings(title=title, intro=intro, image_size=300, thumb_size=100),
                   collection=COLLECTION, workers=1)
    assert [r[1:3] for r in _rows(archive)] == [(None, None)]
    collections.rename(archive, COLLECTION, "Milwaukee, April 1936")
    collections.describe(archive, "Milwaukee, April 1936", "New words.")
    start = gallery_start(archive, "Milwaukee, April 1936")
    assert (start.settings.title, start.settings.intro) == ("Milwaukee, April 1936",
                                                            "New words.")
    assert start.settings.image_size == 300 and start.remembered
    collections.delete(archive, "Milwaukee, April 1936")
    assert _rows(archive) == []  # the remembered settings go with the collection


def test_a_cancelled_export_remembers_nothing(sample, tmp_path: Path) -> None:
    archive, _ids = sample
    ids, _title, _intro = select_photos(archive, COLLECTION)
    cancel = CancelToken()
    cancel.cancel()
    report = export_gallery(archive, ids, tmp_path / "site", GallerySettings(title="T"),
                            collection=COLLECTION, workers=1, cancel=cancel)
    assert report.cancelled and _rows(archive) == []


def test_a_folder_remembers_the_text_of_the_gallery_it_holds(sample, tmp_path: Path) -> None:
    archive, ids = sample
    assert folder_start(tmp_path / "site") is None
    export_gallery(archive, ids[:2], tmp_path / "site",
                   GallerySettings(title="Bridges", intro="*Two* of them.", image_size=300,
                                   thumb_size=100), query="keyword:bridges", workers=1)
    start = folder_start(tmp_path / "site")
    assert start is not None and start.out_dir == tmp_path / "site"
    assert (start.settings.title, start.settings.intro, start.settings.image_size,
            start.settings.thumb_size, start.settings.theme) == (
        "Bridges", "*Two* of them.", 300, 100, None)
