"""The one walk over a JPEG's marker segments (media/jpeg.py), on the corpus and on JPEGs cut
short or padded the ways real files are; Pillow's own parser is the independent reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from photoarchive.errors import MediaError
from photoarchive.media import jpeg
from photoarchive.media.containers import jfif_density, restore_untouched
from photoarchive.media.derivatives import scan_data
from photoarchive.media.embedded import read_raw


def _contiguous(walk: jpeg.Layout) -> bool:
    ends = [2, *(s.end for s in walk.segments)]
    starts = [*(s.start for s in walk.segments), walk.stop]
    return ends[:len(starts)] == starts if walk.ending != "truncated" else ends[:-1] == starts[:-1]


def test_every_corpus_jpeg_walks_as_pillow_reads_it(
        corpus: Path, manifest: dict[str, Any], corpus_name: str) -> None:
    path = corpus / corpus_name
    data = path.read_bytes()
    walk = jpeg.layout(data)
    if not data.startswith(jpeg.SOI):
        assert walk is None
        return
    assert walk is not None and _contiguous(walk)
    with open(path, "rb") as fh:
        assert jpeg.layout(fh) == walk  # the file is walked as its bytes are
    if not manifest[corpus_name].pillow_result.startswith(("load ok", "opens")):
        return
    with Image.open(path) as img:
        if img.format != "JPEG":
            return
        pillow = [(name, body) for name, body in img.applist]
    assert walk.ending == "scan"
    ours = [(f"APP{s.marker & 15}" if 0xE0 <= s.marker <= 0xEF else "COM",
             data[s.body_start:s.end])
            for s in walk.segments if 0xE0 <= s.marker <= 0xEF or s.marker == 0xFE]
    assert ours == pillow
    assert data[walk.scan:walk.scan + 2] == b"\xff\xda"


def test_odd_corpus_jpegs(corpus: Path) -> None:
    # Cut short inside the image data: the whole head is there.
    truncated = jpeg.layout((corpus / "truncated_jpeg.jpg").read_bytes())
    assert truncated is not None and truncated.ending == "scan"
    assert [s.marker for s in truncated.segments] == [0xE0, 0xDB, 0xDB, 0xC2, 0xC4, 0xC4]
    # SOI, then garbage where a marker should be.
    fuzzed = jpeg.layout((corpus / "issue_1815_poc.jpg").read_bytes())
    assert fuzzed == jpeg.Layout((), 2, "damaged")
    # Metadata only (exiv2's test file): segments, then EOI and no scan.
    table = (corpus / "table.jpg").read_bytes()
    head = jpeg.layout(table)
    assert head is not None and head.scan is None and head.ending == "end"
    assert [s.marker for s in head.segments] == [0xED, 0xFE, 0xE0, 0xE1]
    assert table[head.stop:] == b"\xff\xd9"
    for name in ("issue_ghsa_hrw9_ggg3_3r4r_poc.jpg", "issue_2352_poc.jpg"):
        assert jpeg.layout((corpus / name).read_bytes()) is None  # not JPEGs at all


def test_a_head_cut_short_is_truncated_and_its_readers_say_so(
        corpus: Path, tmp_path: Path) -> None:
    data = (corpus / "Canon_40D.jpg").read_bytes()
    whole = jpeg.layout(data)
    assert whole is not None
    exif = next(s for s in whole.segments if s.marker == jpeg.APP1)
    cut = data[:(exif.start + exif.end) // 2]
    walk = jpeg.layout(cut)
    assert walk is not None and walk.ending == "truncated" and walk.scan is None
    assert walk.segments[-1] == exif and walk.segments[-1].end > len(cut)
    assert walk.segments == whole.segments[:len(walk.segments)]
    (tmp_path / "cut.jpg").write_bytes(cut)
    with pytest.raises(MediaError, match="without image data"):
        scan_data(tmp_path / "cut.jpg")
    assert jpeg.layout(data[:3]) == jpeg.Layout((), 2, "end")
    assert jpeg.layout(data[:2] + b"\xff\xe1\x00\x01" + data[2:]) == jpeg.Layout(
        (), 2, "damaged")  # a length under 2


def test_fill_bytes_before_a_marker_are_walked_over(corpus: Path, tmp_path: Path) -> None:
    """Fill bytes (FF) may precede any marker: every reader of the segments skips them."""
    original = corpus / "IPTC.jpg"
    data = original.read_bytes()
    padded = data[:2] + b"\xff\xff" + data[2:]
    walk = jpeg.layout(padded)
    assert walk is not None and walk.ending == "scan"
    assert [s.fill for s in walk.segments[:3]] == [True, True, False]
    plain = jpeg.layout(data)
    assert plain is not None
    assert [s.marker for s in walk.segments[2:]] == [s.marker for s in plain.segments]
    path = tmp_path / "padded.jpg"
    path.write_bytes(padded)
    assert scan_data(path) == scan_data(original)
    # The stale IPTC digest is found behind the fill bytes too.
    assert read_raw(original).iptc_digest_matches is False
    assert read_raw(path).iptc_digest_matches is False
    # Restoring an untouched block puts back its bytes and keeps every other, fill bytes too.
    iptc = next(s for s in walk.segments if s.marker == jpeg.APP13)
    changed = bytearray(padded)
    changed[iptc.end - 1] ^= 0xFF
    written = tmp_path / "written.jpg"
    written.write_bytes(bytes(changed))
    assert restore_untouched(path, written, {"iptc"}) == ["iptc"]
    assert written.read_bytes() == padded
    assert jfif_density(padded) == jfif_density(data)
