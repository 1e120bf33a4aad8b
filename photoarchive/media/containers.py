"""Put the metadata blocks a write did not change back, byte for byte, after exiv2 wrote a file.

exiv2 re-encodes every metadata block of a file it writes, changed or not: it rebuilds the
Exif block (at times in another byte order, dropping IFD0 tags it deems out of place in a JPEG
or sub-directories it does not know), rebuilds the Photoshop block around the IPTC, and
recompresses a PNG's ICC profile. A block whose values we did not change must stay exactly as
it was, so after exiv2 has written, the original bytes of each untouched block replace
exiv2's version of it:

* JPEG: the APP1 Exif segment ("exif"), the APP13 Photoshop segment with the IPTC ("iptc"),
  the APP2 ICC profile segments ("icc");
* PNG: the eXIf chunk or the "Raw profile type exif/APP1" text chunk ("exif"), the "Raw
  profile type iptc" text chunk ("iptc"), the iCCP chunk ("icc");
* WebP: the EXIF chunk ("exif"), the ICCP chunk ("icc").

TIFF and PSD weave their metadata into the file's own structure (IFD0 is the image's
directory), so nothing is restored there: exiv2 keeps the values, and the offsets that move
point at data verified separately. A block is restored only where both files have it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Collection
from pathlib import Path

from photoarchive.media import jpeg

__all__ = ["KINDS", "block_size", "jfif_density", "jpeg_components", "restore_untouched"]

KINDS = frozenset({"exif", "iptc", "icc"})

Piece = tuple[str | None, bytes]  # (kind or None, the bytes of one segment or chunk)


# -- JPEG ----------------------------------------------------------------------------------
def _jpeg_kind(marker: int, body: bytes) -> str | None:
    if marker == 0xE1 and body.startswith(b"Exif\x00"):
        return "exif"
    if marker == 0xED and body.startswith(b"Photoshop 3.0\x00"):
        return "iptc"
    if marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"):
        return "icc"
    return None


def _jpeg_pieces(data: bytes) -> list[Piece] | None:
    """SOI, each segment (and fill byte) before the first scan, then the rest; None if not a
    JPEG, or a damaged or truncated one (its pieces would not add up to the file)."""
    walk = jpeg.layout(data)
    if walk is None or walk.ending in ("damaged", "truncated"):
        return None
    pieces: list[Piece] = [(None, data[:2])]
    for seg in walk.segments:
        kind = None if seg.fill else _jpeg_kind(seg.marker, data[seg.body_start:seg.end])
        pieces.append((kind, data[seg.start:seg.end]))
    pieces.append((None, data[walk.stop:]))
    return pieces


def jfif_density(data: bytes) -> tuple[int, int, int] | None:
    """A JPEG's JFIF density as (unit, x, y) - unit 1 dots per inch, 2 per centimetre - or
    None when it has no JFIF header or gives only an aspect ratio (unit 0)."""
    for _kind, piece in _jpeg_pieces(data) or []:
        if piece[:2] == b"\xff\xe0" and piece[4:9] == b"JFIF\x00" and len(piece) >= 16:
            unit, x, y = piece[11], *struct.unpack(">HH", piece[12:16])
            return (unit, x, y) if unit in (1, 2) and x and y else None
    return None


def jpeg_components(data: bytes) -> tuple[int, int | None] | None:
    """A JPEG's number of colour components (from its SOF segment) and the colour transform
    of its Adobe APP14 segment (0: none, so RGB or CMYK; 1: YCbCr; 2: YCCK) or None without
    one; None when no SOF precedes the first scan."""
    transform = None
    for _kind, piece in _jpeg_pieces(data) or []:
        if piece[:2] == b"\xff\xee" and piece[4:9] == b"Adobe" and len(piece) >= 16:
            transform = piece[15]
        elif (len(piece) >= 10 and piece[0] == 0xFF and 0xC0 <= piece[1] <= 0xCF
              and piece[1] not in (0xC4, 0xC8, 0xCC)):  # SOFn, not DHT, JPG or DAC
            return piece[9], transform
    return None


# -- PNG -----------------------------------------------------------------------------------
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_PROFILES = {b"Raw profile type exif": "exif", b"Raw profile type APP1": "exif",
                 b"Raw profile type iptc": "iptc"}


def _png_kind(kind: bytes, body: bytes) -> str | None:
    if kind == b"eXIf":
        return "exif"
    if kind == b"iCCP":
        return "icc"
    if kind in (b"tEXt", b"zTXt", b"iTXt"):
        return _PNG_PROFILES.get(body.split(b"\x00", 1)[0])
    return None


def _png_pieces(data: bytes) -> list[Piece] | None:
    if not data.startswith(_PNG_SIGNATURE):
        return None
    pieces: list[Piece] = [(None, data[:8])]
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        end = pos + 12 + length
        if end > len(data):
            return None
        kind = data[pos + 4:pos + 8]
        pieces.append((_png_kind(kind, data[pos + 8:pos + 8 + length]), data[pos:end]))
        pos = end
        if kind == b"IEND":
            break
    pieces.append((None, data[pos:]))
    return pieces


# -- WebP ----------------------------------------------------------------------------------
def _webp_pieces(data: bytes) -> list[Piece] | None:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    pieces: list[Piece] = [("riff", data[:12])]
    pos = 12
    while pos + 8 <= len(data):
        fourcc = data[pos:pos + 4]
        size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        end = pos + 8 + size + (size & 1)
        if end > len(data):
            return None
        kind = {b"EXIF": "exif", b"ICCP": "icc"}.get(fourcc)
        pieces.append((kind, data[pos:end]))
        pos = end
    pieces.append((None, data[pos:]))
    return pieces


def _webp_join(pieces: list[Piece]) -> bytes:
    body = b"".join(chunk for _kind, chunk in pieces[1:])
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


# -- restoring -----------------------------------------------------------------------------
_FORMATS: tuple[tuple[Callable[[bytes], list[Piece] | None], Callable[[list[Piece]], bytes]],
                ...] = (
    (_jpeg_pieces, lambda pieces: b"".join(chunk for _kind, chunk in pieces)),
    (_png_pieces, lambda pieces: b"".join(chunk for _kind, chunk in pieces)),
    (_webp_pieces, _webp_join),
)


def _swap(old: list[Piece], new: list[Piece], kind: str) -> list[Piece]:
    """`new` with its pieces of `kind` replaced by those of `old`, where the first stood."""
    mine = [p for p in old if p[0] == kind]
    where = [i for i, p in enumerate(new) if p[0] == kind]
    if not mine or not where:
        return new
    kept = [p for p in new if p[0] != kind]
    return kept[:where[0]] + mine + kept[where[0]:]


def block_size(data: bytes, kind: str) -> int | None:
    """Bytes of the `kind` blocks of a JPEG, PNG or WebP file; None for other formats."""
    for split, _join in _FORMATS:
        pieces = split(data)
        if pieces is not None:
            return sum(len(piece) for found, piece in pieces if found == kind)
    return None


def restore_untouched(original: Path, written: Path, kinds: Collection[str]) -> list[str]:
    """Give `written` the original bytes of the blocks named in `kinds` (see KINDS) where
    exiv2 changed them; returns the kinds restored. Other formats are left as they are."""
    old_data, new_data = original.read_bytes(), written.read_bytes()
    for split, join in _FORMATS:
        old, new = split(old_data), split(new_data)
        if old is None or new is None:
            continue
        restored = []
        for kind in sorted(set(kinds) & KINDS):
            swapped = _swap(old, new, kind)
            if [p[1] for p in swapped] != [p[1] for p in new]:
                new = swapped
                restored.append(kind)
        if restored:
            written.write_bytes(join(new))
        return restored
    return []
