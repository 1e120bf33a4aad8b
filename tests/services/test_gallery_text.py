"""Headings and alt text of exported pages, and the count of photos that lack them (real
exports of the sample; what Chromium makes of them is in tests/browser/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_archive import COLLECTION, load_sample

from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import apply_values
from photoarchive.services.export_gallery import GallerySettings, export_gallery, select_photos
from photoarchive.services.gallery_gaps import collection_query, text_gaps
from photoarchive.services.photos import get_photo, query_ids

SMALL = {"image_size": 320, "thumb_size": 120}


@pytest.fixture(scope="module")
def sample(tmp_path_factory, sample_dir: Path) -> Iterator[tuple[Archive, list[int]]]:
    """The sample catalogued for this module; photo 3 has no title, photo 4 has alt text,
    photo 5 an alt text that repeats the start of its caption."""
    archive = open_archive(tmp_path_factory.mktemp("gallery-text") / "catalog.sqlite")
    ids = load_sample(archive, sample_dir)
    caption = get_photo(archive, ids[5]).caption
    apply_values(archive, {ids[3]: {"title": None},
                           ids[4]: {"alt_text": "Rows of freight cars below factory chimneys."},
                           ids[5]: {"alt_text": caption.split(";")[0]}}, origin="test")
    yield archive, ids
    archive.close()


@pytest.fixture(scope="module")
def site(sample, tmp_path_factory) -> Path:
    archive, _ids = sample
    chosen, title, intro = select_photos(archive, COLLECTION)
    out = tmp_path_factory.mktemp("site") / "site"
    export_gallery(archive, chosen, out, GallerySettings(title=title, intro=intro, **SMALL),
                   workers=1)
    return out


def _page(site: Path, photo_id: int) -> str:
    return next((site / "photos").glob(f"*-{photo_id}.html")).read_text(encoding="utf-8")


def test_an_untitled_photo_is_never_headed_by_its_file_name(sample, site: Path) -> None:
    _archive, ids = sample
    page = _page(site, ids[3])
    assert "loc_fsa" not in page  # the file is loc_fsa_8b28647.jpg
    assert "<h1>Photograph 4</h1>" in page  # its place in the gallery
    assert "<title>Photograph 4 — Milwaukee 1936</title>" in page
    index = (site / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', index)
    assert headings[3] == "Photograph 4"
    assert not any("loc_fsa" in h for h in headings)


def test_alt_text_never_repeats_the_caption_printed_beside_the_image(sample, site: Path) -> None:
    archive, ids = sample
    alts = {i: re.findall(r'<img [^>]*alt="([^"]*)"', _page(site, i)) for i in ids}
    assert alts[ids[4]] == ["Rows of freight cars below factory chimneys."]
    assert alts[ids[5]] == [""]  # it only repeated the caption's first clause
    assert alts[ids[0]] == [""]  # no alt text: the caption beside it is read instead
    caption = get_photo(archive, ids[0]).caption
    assert _page(site, ids[0]).count(caption.split(";")[0]) == 1
    index = (site / "index.html").read_text(encoding="utf-8")
    frames = re.findall(r'<a class="frame"[^>]*>\s*<img [^>]*>', index)
    assert len(frames) == 12
    # The thumbnail repeats the card's heading link: hidden from screen readers and the
    # Tab key, with a null alt (the heading and caption below say what it shows).
    assert all('tabindex="-1" aria-hidden="true"' in f and 'alt=""' in f for f in frames)


def test_the_report_counts_photos_without_title_or_alt_text(sample, tmp_path: Path) -> None:
    archive, ids = sample
    chosen, title, _intro = select_photos(archive, COLLECTION)
    report = export_gallery(archive, chosen, tmp_path / "site",
                            GallerySettings(title=title, **SMALL), collection=COLLECTION,
                            workers=1)
    gaps = report.gaps
    assert (gaps.photos, gaps.untitled, gaps.no_alt_text) == (12, 1, 10)
    assert gaps.query("alt_text") == 'collection:"Milwaukee 1936" missing:alt_text'
    # The searches named list exactly the photos counted.
    assert query_ids(archive, gaps.query("title")) == [ids[3]]
    assert len(query_ids(archive, gaps.query("alt_text"))) == 10
    lines = gaps.lines("photoarchive list")
    assert lines == [
        ("1 of the 12 photos has no title. To list them: photoarchive list "
         "'collection:\"Milwaukee 1936\" missing:title'"),
        ("10 of the 12 photos have no alt text (a description of the picture for people who "
         "cannot see it). To list them: photoarchive list "
         "'collection:\"Milwaukee 1936\" missing:alt_text'")]
    assert report.to_dict()["gaps"]["queries"]["title"] == (
        'collection:"Milwaukee 1936" missing:title')


def test_gaps_of_a_query_and_of_a_hand_made_selection(sample) -> None:
    archive, ids = sample
    gaps = text_gaps(archive, ids[2:5], None)  # no query describes them
    assert (gaps.untitled, gaps.no_alt_text) == (1, 2)
    assert gaps.query("title") == "missing:title"
    assert "among all photos" in gaps.lines()[0]
    gaps = text_gaps(archive, query_ids(archive, "freight"), "freight")
    assert gaps.query("alt_text") == "freight missing:alt_text"
    assert collection_query('The "best" ones') is None
    assert text_gaps(archive, ids[4:5], None).lines() == []  # titled, with alt text
    assert text_gaps(archive, ids[3:4], None).lines()[0].startswith("The photo has no title.")
