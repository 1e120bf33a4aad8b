"""Thumbnail bytes, cache layout, atomic writes, reading back for display, and use from
worker processes."""

from __future__ import annotations

import io
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest
from PIL import Image

from photoarchive.errors import MediaError
from photoarchive.media.decode import probe
from photoarchive.media.metadata import read_metadata
from photoarchive.media.thumbnails import (
    THUMBNAIL_SIZE,
    decode_thumbnail,
    make_thumbnail,
    thumbnail_file,
    write_thumbnail,
)

HASH = "ab" + "0123456789abcdef" * 4


def test_thumbnail_is_a_plain_baseline_jpeg_without_metadata(corpus):
    data = make_thumbnail(corpus / "iphone_gpsinfo_exif.JPG")  # has Exif, XMP, IPTC, ICC
    assert data[:2] == b"\xff\xd8"
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.size == (400, 300) and thumb.mode == "RGB"
        assert not thumb.info.get("progressive") and not thumb.info.get("progression")
        assert "exif" not in thumb.info and "icc_profile" not in thumb.info
        assert "xmp" not in thumb.info and not thumb.getexif()
    assert b"Photoshop 3.0" not in data and b"http://ns.adobe.com/xap" not in data


def test_thumbnail_of_a_progressive_jpeg_is_baseline(corpus):
    with Image.open(io.BytesIO(make_thumbnail(corpus / "Issue 116.jpg"))) as thumb:
        assert thumb.size == (THUMBNAIL_SIZE, 173)
        assert not thumb.info.get("progressive")


def test_thumbnail_size_and_extra_rotation(corpus):
    path = corpus / "Landscape_6.jpg"
    sizes = {
        rotation: Image.open(io.BytesIO(make_thumbnail(path, size=120, rotation=rotation))).size
        for rotation in (0, 90, 180, 270, -90, 450)
    }
    assert sizes == {0: (120, 80), 90: (80, 120), 180: (120, 80), 270: (80, 120),
                     -90: (80, 120), 450: (80, 120)}
    with pytest.raises(ValueError):
        make_thumbnail(path, rotation=45)


def test_thumbnail_file_layout(tmp_path):
    assert thumbnail_file(tmp_path, HASH) == tmp_path / "ab" / f"{HASH}.jpg"
    assert thumbnail_file(tmp_path, HASH.upper()) == tmp_path / "ab" / f"{HASH}.jpg"
    for bad in ("", "../../etc/passwd", "ab/cd", "xyz123"):
        with pytest.raises(ValueError):
            thumbnail_file(tmp_path, bad)


def test_write_thumbnail_is_atomic_and_replaces(tmp_path):
    cache = tmp_path / "cache"
    first = write_thumbnail(cache, HASH, b"first")
    assert first == thumbnail_file(cache, HASH) and first.read_bytes() == b"first"
    assert write_thumbnail(cache, HASH, b"second").read_bytes() == b"second"
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temp files left


def test_write_thumbnail_leaves_no_temp_file_on_failure(tmp_path, monkeypatch):
    from photoarchive.media import thumbnails

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(thumbnails.os, "replace", fail)
    with pytest.raises(OSError):
        write_thumbnail(tmp_path, HASH, b"data")
    assert list((tmp_path / "ab").iterdir()) == []


def _work(path):
    try:
        thumb = make_thumbnail(path)
    except MediaError as exc:
        thumb = exc
    return probe(path), thumb, read_metadata(path)


def test_results_and_errors_cross_process_boundaries(corpus):
    paths = [corpus / "GPS.jpg", corpus / "truncated_jpeg.jpg"]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        (info, thumb, meta), (_, error, _) = list(pool.map(_work, paths))
    assert (info.width, info.height) == (120, 80)
    assert thumb[:2] == b"\xff\xd8" and meta.fields["title"] == "Communications"
    assert isinstance(error, MediaError) and "truncated" in str(error)
    assert pickle.loads(pickle.dumps(meta)) == meta


def _gradient(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    img = Image.linear_gradient("L").resize(size)
    return img if mode == "L" else Image.merge("RGB", (img, img.transpose(
        Image.Transpose.FLIP_LEFT_RIGHT), img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))


def test_decode_thumbnail_decodes_no_more_detail_than_is_shown(tmp_path, corpus):
    path = write_thumbnail(tmp_path, HASH, make_thumbnail(corpus / "Landscape_6.jpg"))
    whole = decode_thumbnail(path)
    assert (whole.width, whole.height) == whole.shown == (400, 267)
    assert len(whole.data) == 400 * 267 * 3
    for size, shown in ((180, (180, 120)), (120, (120, 80)), (60, (60, 40)), (30, (30, 20))):
        pixels = decode_thumbnail(path, size)
        assert pixels.shown == shown
        # JPEG DCT scaling: at least the shown size, less than twice it.
        assert shown[0] <= pixels.width < 2 * shown[0] and shown[1] <= pixels.height
        assert pixels.width < 400 and len(pixels.data) == pixels.width * pixels.height * 3
    assert decode_thumbnail(path, 400).shown == (400, 267) == decode_thumbnail(path, 999).shown
    # Colours survive: the top-left pixel of the reduced image is the whole one's, nearly.
    small = decode_thumbnail(path, 180)
    assert all(abs(a - b) < 40 for a, b in zip(small.data[:3], whole.data[:3], strict=True))


def test_decode_thumbnail_of_other_modes_and_formats(tmp_path):
    grey = tmp_path / "grey.jpg"
    _gradient((300, 200), "L").save(grey, quality=85)
    pixels = decode_thumbnail(grey, 100)
    assert pixels.shown == (100, 67) and len(pixels.data) == pixels.width * pixels.height * 3
    png = tmp_path / "plain.png"
    _gradient((300, 200)).save(png)
    pixels = decode_thumbnail(png, 100)  # no DCT scaling: the caller reduces it all
    assert (pixels.width, pixels.height) == (300, 200) and pixels.shown == (100, 67)


def test_decode_thumbnail_reports_a_damaged_file(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(MediaError, match=r"bad\.jpg"):
        decode_thumbnail(bad, 100)
    with pytest.raises(MediaError):
        decode_thumbnail(tmp_path / "missing.jpg")


def test_write_thumbnail_also_writes_the_grid_sized_copy(tmp_path, corpus):
    from photoarchive.media.thumbnails import SMALL_SIZE, small_thumbnail_file

    data = make_thumbnail(corpus / "iphone_gpsinfo_exif.JPG")
    big = write_thumbnail(tmp_path, HASH, data)
    small = small_thumbnail_file(tmp_path, HASH)
    assert small == big.with_name(f"{HASH}.s.jpg")
    with Image.open(small) as copy, Image.open(big) as thumb:
        assert copy.format == "JPEG" and max(copy.size) == SMALL_SIZE
        assert abs(copy.size[0] / copy.size[1] - thumb.size[0] / thumb.size[1]) < 0.02
    # What the grid shows from either is the same picture at the same size.
    a, b = decode_thumbnail(big, 180), decode_thumbnail(small, 180)
    assert a.shown == b.shown


def test_the_grid_decodes_the_copy_and_remakes_it_when_missing(tmp_path, corpus):
    from photoarchive.media.thumbnails import small_thumbnail_file
    from photoarchive.services.browse import thumbnail_pixels

    source = corpus / "iphone_gpsinfo_exif.JPG"
    write_thumbnail(tmp_path, HASH, make_thumbnail(source))
    small = small_thumbnail_file(tmp_path, HASH)
    small.unlink()  # a cache made before there were copies
    pixels = thumbnail_pixels(tmp_path, str(source), HASH, 180)
    assert small.exists() and pixels.shown == (180, 135)
    assert max(pixels.width, pixels.height) <= 200  # decoded from the copy
    small.write_bytes(b"damaged")
    assert thumbnail_pixels(tmp_path, str(source), HASH, 180).shown == (180, 135)
    assert thumbnail_pixels(tmp_path, str(source), HASH, 300).width == 400  # the full one


def test_the_grid_sized_copy_is_the_default_tile_so_it_is_shown_unscaled(tmp_path, corpus):
    from photoarchive.media.thumbnails import SMALL_SIZE
    from photoarchive.services.browse import thumbnail_pixels
    from photoarchive.settings import Settings

    assert Settings().thumbnail_size == SMALL_SIZE
    source = corpus / "iphone_gpsinfo_exif.JPG"
    write_thumbnail(tmp_path, HASH, make_thumbnail(source))
    pixels = thumbnail_pixels(tmp_path, str(source), HASH, SMALL_SIZE)
    assert (pixels.width, pixels.height) == pixels.shown == (180, 135)
