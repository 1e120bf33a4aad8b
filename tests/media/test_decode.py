"""Decoding and thumbnails against the shared corpus: succeed, or fail with a MediaError."""

from __future__ import annotations

import io
import shutil
import warnings
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageStat, JpegImagePlugin

from photoarchive.errors import MediaError
from photoarchive.media import decode
from photoarchive.media.decode import (
    HEIF_AVAILABLE,
    ImageInfo,
    is_candidate,
    load_oriented,
    open_image,
    probe,
)
from photoarchive.media.thumbnails import THUMBNAIL_SIZE, make_thumbnail


@pytest.fixture(autouse=True)
def _pillow_warnings_filtered():
    """pytest resets warning filters per test; restore the ones decode installs at import."""
    decode._quiet_pillow()


def _expect_success(name: str, pillow_result: str) -> bool:
    if name.lower().endswith((".heic", ".heif")):
        return HEIF_AVAILABLE
    return pillow_result == "load ok"


def test_every_corpus_file_thumbnails_or_raises_media_error(corpus, manifest, corpus_name):
    row = manifest[corpus_name]
    path = corpus / corpus_name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        decode._quiet_pillow()  # as installed at import (pytest resets filters per test)
        try:
            info = probe(path)
            data = make_thumbnail(path)
        except MediaError as exc:
            outcome: str | bytes = str(exc)
        else:
            outcome = data
    assert not [str(w.message) for w in caught], "warnings must not reach stderr"

    if _expect_success(corpus_name, row.pillow_result):
        assert isinstance(outcome, bytes), outcome
        assert isinstance(info, ImageInfo)
        with Image.open(io.BytesIO(outcome)) as thumb:
            assert thumb.format == "JPEG" and thumb.mode in ("RGB", "L")
            assert max(thumb.size) == min(THUMBNAIL_SIZE, max(info.width, info.height))
    else:
        assert isinstance(outcome, str), f"{corpus_name} should have failed"
        reason = outcome.split(":", 1)[-1].strip()
        assert reason and "Traceback" not in outcome


def test_probe_matches_manifest_sizes(corpus, manifest):
    checked = 0
    for name, row in manifest.items():
        size, fmt = row.expected.get("size"), row.expected.get("pillow_format")
        if not fmt or not _expect_success(name, row.pillow_result):
            continue
        info = probe(corpus / name)
        width, height = (int(v) for v in size.split("x"))
        if info.orientation >= 5:
            width, height = height, width
        assert (info.width, info.height) == (width, height), name
        assert info.format == fmt
        assert info.frames == max(1, int(row.expected.get("frames", 1))), name  # PSD: 0
        checked += 1
    assert checked > 45


@pytest.mark.parametrize("orientation", range(1, 9))
def test_all_eight_orientations_display_the_same(corpus, orientation):
    reference = load_oriented(corpus / "Landscape_1.jpg", max_size=THUMBNAIL_SIZE)
    path = corpus / f"Landscape_{orientation}.jpg"
    info = probe(path)
    assert (info.orientation, info.width, info.height) == (orientation, 1800, 1200)
    with Image.open(io.BytesIO(make_thumbnail(path))) as thumb:
        assert thumb.size == (400, 267)
        diff = ImageStat.Stat(ImageChops.difference(thumb.convert("RGB"), reference)).mean
    assert max(diff) < 12, f"orientation {orientation} is not applied correctly: {diff}"


def test_decompression_bomb_is_refused_with_the_pixel_count(corpus):
    with pytest.raises(MediaError, match=r"4,364,696,535 pixels, more than the limit of 200,000"):
        probe(corpus / "decompression_bomb.gif")
    with pytest.raises(MediaError, match="more than the limit"):
        make_thumbnail(corpus / "decompression_bomb.gif")


def test_pixel_limit_is_per_call(corpus):
    with pytest.raises(MediaError, match=r"2,160,000 pixels, more than the limit of 1,000,000"):
        probe(corpus / "Landscape_1.jpg", max_pixels=1_000_000)
    assert probe(corpus / "Landscape_1.jpg").width == 1800


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("truncated_jpeg.jpg", "truncated or corrupt image data"),
        ("crash-0c7e0e8e11ce787078f00b5b0ca409a167f070e0.tif", "truncated or corrupt"),
        ("fake.png", "empty file"),
        ("issue_ghsa_hrw9_ggg3_3r4r_poc.jpg", "not an image or an unsupported format"),
        ("broken.png", "not an image or an unsupported format"),
        ("table.jpg", "not an image or an unsupported format"),
    ],
)
def test_bad_files_give_plain_reasons(corpus, name, reason):
    with pytest.raises(MediaError, match=reason):
        make_thumbnail(corpus / name)


def test_truncated_jpeg_opens_but_does_not_load(corpus):
    assert probe(corpus / "truncated_jpeg.jpg").width == 100
    with pytest.raises(MediaError, match="truncated"):
        load_oriented(corpus / "truncated_jpeg.jpg")


def test_open_image_is_lazy_and_closes(corpus):
    with open_image(corpus / "42_IndexError.jpg") as img:
        assert img.size == (4032, 3024) and img.tile  # tiles not decoded yet
    assert img.fp is None


def test_missing_file(tmp_path):
    with pytest.raises(MediaError, match="file not found"):
        probe(tmp_path / "nope.jpg")


def test_heic_without_pillow_heif_names_the_extra(corpus, monkeypatch):
    formats = [f for f in decode._open_formats() if f != "HEIF"]
    monkeypatch.setattr(decode, "_open_formats", lambda: formats)
    monkeypatch.setattr(decode, "_register_heif", lambda: False)
    with pytest.raises(MediaError, match=r"pip install photoarchive\[heif\]"):
        probe(corpus / "Stonehenge.heic")


@pytest.mark.skipif(not HEIF_AVAILABLE, reason="pillow-heif not installed")
def test_heic_with_pillow_heif(corpus):
    info = probe(corpus / "Stonehenge.heic")
    assert (info.format, info.width, info.height) == ("HEIF", 300, 200)
    assert load_oriented(corpus / "Stonehenge.heic").size == (300, 200)


def test_is_candidate():
    assert is_candidate(Path("a/B.JPG")) and is_candidate("x.jpeg") and is_candidate("y.Tiff")
    assert is_candidate("scan.jpe") and is_candidate("p.webp") and is_candidate("q.avif")
    assert not is_candidate("a.jpg.xmp") and not is_candidate("notes.txt")
    assert is_candidate("Photoshop.PSD") and not is_candidate("noext")
    assert is_candidate("s.HEIC") == HEIF_AVAILABLE


@pytest.mark.parametrize(
    "name",
    ["pil_sample_cmyk.jpg", "transparent.png", "transparent.webp", "tiff_16bit_RGB.tiff",
     "hopper.gif", "multipage.tiff", "PNG.png", "hopper_gray.jpg", "Crémieux11.tiff",
     "iss634.gif", "Animation Lossy.webp", "exif.avif", "BMP.bmp"],
)
def test_load_oriented_is_plain_rgb(corpus, name):
    img = load_oriented(corpus / name)
    assert img.mode == "RGB" and img.info == {}
    img.getpixel((0, 0))  # fully decoded: no file access needed any more


def test_transparency_is_composited_over_white(corpus):
    with Image.open(corpus / "transparent.png") as src:
        alpha = src.getchannel("A")
        xy = next((x, y) for y in range(src.height) for x in range(src.width)
                  if alpha.getpixel((x, y)) == 0)
    assert load_oriented(corpus / "transparent.png").getpixel(xy) == (255, 255, 255)


def test_embedded_icc_profile_is_converted_to_srgb(corpus, tmp_path):
    with Image.open(corpus / "Photoshop.psd") as psd:  # an "Apple RGB" (gamma 1.8) profile
        icc = psd.info["icc_profile"]
    assert "Apple RGB" in ImageCms.getProfileDescription(
        ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    Image.new("RGB", (8, 8), (128, 128, 128)).save(tmp_path / "apple.png", icc_profile=icc)
    Image.new("RGB", (8, 8), (128, 128, 128)).save(tmp_path / "plain.png")
    assert load_oriented(tmp_path / "plain.png").getpixel((0, 0)) == (128, 128, 128)
    converted = load_oriented(tmp_path / "apple.png").getpixel((0, 0))
    assert all(140 <= c <= 152 for c in converted), converted  # gamma 1.8 -> sRGB


def test_large_jpeg_uses_dct_scaling(corpus, monkeypatch):
    calls = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        calls.append((self.size, result))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    img = load_oriented(corpus / "42_IndexError.jpg", max_size=400)
    assert img.size == (400, 300)
    assert calls and calls[0][0] == (504, 378)  # decoded at 1/8 scale, never 4032x3024


def test_load_oriented_max_size_never_upscales(corpus):
    assert load_oriented(corpus / "GPS.jpg", max_size=400).size == (120, 80)
    with pytest.raises(ValueError):
        load_oriented(corpus / "GPS.jpg", max_size=0)


def test_corpus_file_copied_under_odd_name_still_works(corpus, tmp_path):
    target = tmp_path / "Dépôt (1) #2.JPEG"
    shutil.copyfile(corpus / "Landscape_6.jpg", target)
    assert probe(target).width == 1800
