"""Gallery export on the real sample: pages, derivatives, manifest, re-export, themes, safety.

(What a real browser makes of the pages is in tests/browser/.)
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from sample_archive import COLLECTION, load_sample

from photoarchive.errors import UsageError
from photoarchive.media.derivatives import DerivativeJob, make_derivatives, scan_data
from photoarchive.media.metadata import read_metadata
from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import apply_values
from photoarchive.services.export_gallery import (
    MANIFEST_NAME,
    GallerySettings,
    export_gallery,
    select_photos,
)
from photoarchive.services.gallery_pages import first_sentence, slug
from photoarchive.services.importer import Importer
from photoarchive.services.markdown import render
from photoarchive.services.photos import get_photo, query_ids
from photoarchive.services.tasks import CancelToken

SMALL = {"image_size": 480, "thumb_size": 160}


@pytest.fixture(scope="module")
def sample(tmp_path_factory, sample_dir: Path) -> Iterator[tuple[Archive, list[int]]]:
    """The sample catalogued once for this module (tests that edit restore what they change)."""
    archive = open_archive(tmp_path_factory.mktemp("gallery-cat") / "catalog.sqlite")
    yield archive, load_sample(archive, sample_dir)
    archive.close()


def _export(archive: Archive, out: Path, ids: list[int] | None = None, workers: int = 1,
            **settings) -> object:
    if ids is None:
        ids, title, intro = select_photos(archive, COLLECTION)
        settings = {"title": title, "intro": intro, **settings}
    return export_gallery(archive, ids, out, GallerySettings(**{**SMALL, **settings}),
                          workers=workers)


def _state(out: Path) -> dict[str, tuple[int, int]]:
    """Every file's inode and mtime: a rewrite (temporary file + replace) changes both."""
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file() and p.name != MANIFEST_NAME}


def test_export_writes_the_gallery_in_collection_order(sample, tmp_path: Path) -> None:
    archive, ids = sample
    report = _export(archive, tmp_path / "site", workers=2)
    assert (report.photos, report.images_made, report.failed) == (12, 12, [])
    site = tmp_path / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', index)
    assert titles == [get_photo(archive, i).title for i in ids]
    assert "<strong>Carl Mydans</strong>" in index
    assert '<a href="https://www.loc.gov/pictures/">Library of Congress</a>' in index
    manifest = json.loads((site / MANIFEST_NAME).read_text())
    assert manifest["settings"]["image_size"] == 480
    for photo_id in ids:
        entry = manifest["photos"][str(photo_id)]
        assert entry["source_hash"] == get_photo(archive, photo_id).content_hash
        large = Image.open(site / "images" / f"{entry['name']}.jpg")
        thumb = Image.open(site / "thumbs" / f"{entry['name']}.jpg")
        assert max(large.size) == 480 and max(thumb.size) == 160
        assert large.size[0] > large.size[1]  # landscape, like the originals
        assert list(large.size) == entry["large"]
        assert (site / "photos" / f"{entry['name']}.html").is_file()
    record = get_photo(archive, ids[0])
    embedded = read_metadata(site / "images" / f"{manifest['photos'][str(ids[0])]['name']}.jpg")
    assert embedded.fields["caption"] == record.caption
    assert embedded.fields["credit"] == record.credit
    assert embedded.fields["rights"] == record.rights
    assert (site / "assets" / "style.css").is_file() and (site / "assets" / "gallery.js").is_file()


def test_reexport_after_a_caption_fix_rewrites_that_page_and_no_image(sample,
                                                                      tmp_path: Path) -> None:
    archive, ids = sample
    site = tmp_path / "site"
    _export(archive, site)
    before = _state(site)
    again = _export(archive, site)
    assert (again.images_made, again.images_retagged, again.pages_written) == (0, 0, [])
    assert _state(site) == before

    photo = ids[4]
    old_caption = get_photo(archive, photo).caption
    name = json.loads((site / MANIFEST_NAME).read_text())["photos"][str(photo)]["name"]
    pixels = scan_data(site / "images" / f"{name}.jpg")
    apply_values(archive, {photo: {"caption": "Fixed caption. Second sentence."}})
    try:
        report = _export(archive, site)
    finally:
        apply_values(archive, {photo: {"caption": old_caption}})
    assert report.images_made == 0 and report.images_retagged == 1
    assert sorted(report.pages_written) == ["index.html", f"photos/{name}.html"]
    after = _state(site)
    changed = {path for path in before if before[path] != after[path]}
    # Its page and the index are rewritten; its two images only get the new caption
    # embedded (same compressed pixels); nothing else is touched.
    assert changed == {"index.html", f"photos/{name}.html", f"images/{name}.jpg",
                       f"thumbs/{name}.jpg"}
    assert scan_data(site / "images" / f"{name}.jpg") == pixels
    assert read_metadata(site / "images" / f"{name}.jpg").fields["caption"] == (
        "Fixed caption. Second sentence.")
    page = (site / "photos" / f"{name}.html").read_text(encoding="utf-8")
    assert 'alt=""' in page  # no alt text: the caption beside it is not repeated


def test_values_are_escaped_and_names_are_safe(sample, tmp_path: Path) -> None:
    archive, ids = sample
    hostile = "<script>alert(1)</script> & Ödön"
    first, second = ids[:2]
    saved = {i: {"title": get_photo(archive, i).title, "caption": get_photo(archive, i).caption,
                 "rights_url": get_photo(archive, i).rights_url} for i in (first, second)}
    apply_values(archive, {
        first: {"title": "../../etc/passwd", "caption": hostile,
                "rights_url": "javascript:alert(3)"},
        second: {"title": "../../etc/passwd", "caption": hostile}})
    try:
        report = _export(archive, tmp_path / "site", ids=[first, second], title="<b>T</b>",
                         intro="<img src=x onerror=alert(1)> [x](javascript:alert(2))")
    finally:
        apply_values(archive, saved)
    assert not report.failed
    pages = sorted((tmp_path / "site" / "photos").iterdir())
    assert [p.name for p in pages] == sorted([f"etc-passwd-{first}.html",
                                              f"etc-passwd-{second}.html"])
    assert not (tmp_path / "etc").exists()
    for path in [tmp_path / "site" / "index.html", *pages]:
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
        assert not re.search(r'(href|src)="\s*javascript', html, re.IGNORECASE)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Ödön" in html
        assert "&lt;b&gt;T&lt;/b&gt;" in html
    first_page = tmp_path / "site" / "photos" / f"etc-passwd-{first}.html"
    assert "Rights statement: javascript:alert(3)" in first_page.read_text(encoding="utf-8")


def test_user_theme_overrides_single_templates(sample, tmp_path: Path) -> None:
    archive, ids = sample
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "index.html").write_text(
        '{% extends "base.html" %}{% block body %}<h1 class="mine">{{ gallery.title }}</h1>'
        '{% for p in photos %}<p>{{ p.caption }}</p>{% endfor %}{% endblock %}')
    (theme / "style.css").write_text("body { color: teal; }")
    _export(archive, tmp_path / "site", ids=ids[:2], title="Mine & yours", theme=str(theme))
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="mine">Mine &amp; yours</h1>' in index
    assert (tmp_path / "site" / "assets" / "style.css").read_text() == "body { color: teal; }"
    assert (tmp_path / "site" / "assets" / "gallery.js").is_file()  # from the default theme
    page = next((tmp_path / "site" / "photos").iterdir()).read_text(encoding="utf-8")
    assert 'class="details"' in page  # photo.html still comes from the default theme
    (theme / "photo.html").write_text("{{ photo.nonexistent_value }}")
    with pytest.raises(UsageError, match=r"photo\.html"):
        _export(archive, tmp_path / "site", ids=ids[:2], theme=str(theme))


def test_usage_errors(sample, tmp_path: Path) -> None:
    archive, ids = sample
    with pytest.raises(UsageError, match="no theme called 'nope'"):
        _export(archive, tmp_path / "a", ids=ids[:1], theme="nope")
    with pytest.raises(UsageError, match="--thumb-size"):
        _export(archive, tmp_path / "a", ids=ids[:1], image_size=100, thumb_size=200)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("mine")
    with pytest.raises(UsageError, match="not empty"):
        _export(archive, tmp_path / "busy", ids=ids[:1])
    with pytest.raises(UsageError, match="either --collection"):
        select_photos(archive, COLLECTION, "milwaukee")
    with pytest.raises(UsageError, match="Say what to publish"):
        select_photos(archive)
    assert select_photos(archive, query="courthouse")[0] == [ids[0]]


def test_photos_that_leave_the_selection_are_cleaned_up(sample, tmp_path: Path) -> None:
    archive, ids = sample
    site = tmp_path / "site"
    _export(archive, site, ids=ids[:3], title="Three")
    report = _export(archive, site, ids=ids[:2], title="Two")
    assert len(report.removed) == 3  # the third photo's page, image and thumbnail
    assert len(list((site / "photos").iterdir())) == 2
    assert len(list((site / "images").iterdir())) == 2


def test_missing_files_are_left_out_and_reported(archive, three_photos, sample_dir: Path,
                                                 tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(sample_dir / "loc_fsa_8b28625.jpg", folder / "street.jpg")
    assert Importer(archive, workers=1).run([folder]).added == 1
    real = [i for i in query_ids(archive) if i not in three_photos]
    report = export_gallery(archive, [three_photos[0], *real], tmp_path / "site",
                            GallerySettings(title="Mixed", **SMALL), workers=1)
    assert report.failed == [(three_photos[0], "1.jpg: the file is missing")]
    assert report.images_made == 1
    assert [p.name for p in (tmp_path / "site" / "photos").iterdir()] == [f"street-{real[0]}.html"]
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Street 1" not in index


def test_cancel_leaves_a_gallery_the_next_run_completes(sample, tmp_path: Path) -> None:
    archive, ids = sample
    cancel = CancelToken()

    class CancelAfterTwo:
        def start(self, total: int, what: str) -> None:
            self.total = total

        def advance(self, done: int, total: int, current: str = "") -> None:
            if done >= 2:
                cancel.cancel()

        def finish(self) -> None:
            pass

    site = tmp_path / "site"
    report = export_gallery(archive, ids, site, GallerySettings(**SMALL), workers=1,
                            progress=CancelAfterTwo(), cancel=cancel)
    assert report.cancelled and report.images_made == 2
    assert not (site / "index.html").exists()
    report = _export(archive, site, ids=ids)
    assert not report.cancelled and (report.images_kept, report.images_made) == (2, 10)


def test_markdown_is_small_and_safe() -> None:
    html = render("# Title\n\nSome *em*, **strong**, `code` and [a link](https://x.org/?a=1&b=2)."
                  "\n\n- one\n- two <b>\n\n1. first\n2. second\n\n"
                  "<script>alert(1)</script> [bad](javascript:alert(1)) "
                  "[data](data:text/html,x) <https://auto.link> \\*not em\\*")
    assert "<h2>Title</h2>" in html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://x.org/?a=1&amp;b=2">a link</a>' in html
    assert "<ul><li>one</li><li>two &lt;b&gt;</li></ul>" in html
    assert "<ol><li>first</li><li>second</li></ol>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html.replace("[bad](javascript:alert(1))", "")
    assert 'href="data:' not in html
    assert '<a href="https://auto.link">https://auto.link</a>' in html
    assert "*not em*" in html
    assert render("") == "" and render(None) == ""


def test_markdown_links_and_markup_of_commonmark_stay_safe() -> None:
    """The ways CommonMark has to write a link or markup, beyond `[text](url)`, keep the
    same rules: only http, https and mailto addresses, no raw HTML, no images."""
    html = render("[ok][2] and [bad][1]\n\n[2]: https://ok.org\n\n[1]: javascript:alert(1)\n\n"
                  "[x](&#106;avascript:alert(1)) <javascript:alert(1)> [rel](photos/x.html) "
                  "[d](data:image/png;base64,AAAA) ![i](https://x.org/i.png) "
                  "<mailto:ann@example.org> <bob@example.org>\n\n"
                  "<div onclick=alert(1)>\n\nhi\n\n</div>\n\n###### deep")
    assert '<a href="https://ok.org">ok</a> and [bad][1]' in html
    assert re.findall(r'href="([^"]*)"', html) == [  # an image is shown as a link to it
        "https://ok.org", "https://x.org/i.png", "mailto:ann@example.org",
        "mailto:bob@example.org"]
    assert ">ann@example.org</a>" in html  # an autolink shows the address, not "mailto:"
    assert "<img" not in html and "<div" not in html and "&lt;div onclick" in html
    assert "<h6>deep</h6>" in html  # demoted no further than h6
    assert render("    indented, as curators write") == "<p>indented, as curators write</p>"


def test_names_and_alt_text_helpers() -> None:
    assert slug("Ödön utca 5.") == "odon-utca-5"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("日本") == "photo"
    assert len(slug("word " * 40)) <= 48
    assert first_sentence("Budapest, 1956. október 23. Tüntetők a Bem téren.") == (
        "Budapest, 1956. október 23.")
    assert first_sentence("Photo by J. Smith at St. Mary's. Next.") == (
        "Photo by J. Smith at St. Mary's.")


def test_derivatives_apply_orientation_and_rotation(tmp_path: Path) -> None:
    source = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    Image.new("RGB", (300, 200), (200, 30, 30)).save(source, exif=exif)
    out = {"large": str(tmp_path / "l.jpg"), "thumb": str(tmp_path / "t.jpg")}
    result = make_derivatives(DerivativeJob(str(source), **out, large_size=150, thumb_size=60))
    assert (result.error, result.large, result.thumb) == (None, (100, 150), (40, 60))
    assert Image.open(out["large"]).size == (100, 150)
    icc = ImageCms.ImageCmsProfile(io.BytesIO(Image.open(out["large"]).info["icc_profile"]))
    assert "sRGB" in ImageCms.getProfileDescription(icc)
    turned = make_derivatives(DerivativeJob(str(source), **out, large_size=150, thumb_size=60,
                                            rotation=90))
    assert turned.large == (150, 100)
    (tmp_path / "broken.jpg").write_bytes(source.read_bytes()[:300])
    broken = make_derivatives(DerivativeJob(str(tmp_path / "broken.jpg"), **out,
                                            large_size=150, thumb_size=60))
    assert broken.error and "broken.jpg" in broken.error
