"""The legacy carriers of an embedded write: IPTC-IIM and Exif, with exiv2 (METADATA.md).

Both writers take the set of catalog fields to write (`fields`, the names of `expected_form`
in write.py): only the datasets and tags of those fields change, everything else in the block
stays as it was (see docs/metadata.md). `None` means every field, for a block the write
creates.

IPTC-IIM is written as UTF-8 (dataset 1:90 = ESC % G); text that was stored in another
character set is converted so that no dataset we leave alone turns into mojibake. IIM's byte
limits (2:120 Caption 2000 bytes, 2:25 Keywords 64, ...) are respected by cutting on a
character boundary; the full text stays in XMP. 2:100 takes a country code only in IIM's
three letters ("HUN"); a two-letter "HU" stays in XMP, which allows both. Exif gets
ImageDescription, Artist, Copyright,
the GPS position and DateTimeOriginal - the latter only for an exact day, with 00:00:00 when
the time is not known (the day-precision XMP and IPTC dates beside it say that the time is a
placeholder); a DateTimeOriginal that contradicts the catalog's date is removed (it would win
over our date in every MWG reader). Windows' XP tags (XPTitle, XPComment, XPSubject, XPAuthor,
XPKeywords) of a field we write are removed, as Photini does: they are a Microsoft-only copy
that Windows itself reads after XMP, and a stale copy shows as a contradiction.

An IFD the write creates gets the tags the Exif standard requires in it, so that a new block
never adds a `exiftool -validate` warning: for IFD0 of a JPEG the resolution (from the JFIF
header, else the Exif default of 72 dpi) and YCbCrPositioning; for the Exif IFD the version
(2.32), FlashpixVersion, ColorSpace, the pixel dimensions and, in a JPEG,
ComponentsConfiguration - the JPEG's own components: Y, Cb, Cr; R, G, B for an Adobe RGB
JPEG; Y alone for a grayscale one (Exif 2.32 writes 0 for a component that does not exist);
for the GPS IFD its version. YCbCrPositioning is written for a grayscale JPEG too: Exif
requires it in the IFD0 of every JPEG (exiftool -validate warns without it), and it says
nothing where there is no chroma to position.

`fix_iptc_digest` keeps Photoshop's IPTC digest (JPEG APP13 or PSD image resource 0x0425)
true after exiv2 rewrote the IPTC block; a stale digest tells readers the IPTC was edited by a
tool that ignored XMP, and they would prefer the (cut) IPTC values.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import exiv2

from photoarchive.media import jpeg
from photoarchive.media.mwg import is_boilerplate_caption
from photoarchive.media.xmp import Prepared

__all__ = [
    "IIM_LIMITS", "XP_TAGS", "ExifContext", "apply_exif", "apply_iptc", "clip_bytes",
    "fix_iptc_digest",
]

_APP = "Iptc.Application2."
#: Catalog text field -> (IIM dataset, byte limit).
IIM_LIMITS: dict[str, tuple[str, int]] = {
    "title": (_APP + "ObjectName", 64),
    "headline": (_APP + "Headline", 256),
    "caption": (_APP + "Caption", 2000),
    "sublocation": (_APP + "SubLocation", 32),
    "city": (_APP + "City", 32),
    "state": (_APP + "ProvinceState", 32),
    "country": (_APP + "CountryName", 64),
    "country_code": (_APP + "CountryCode", 3),
    "source": (_APP + "Source", 32),
    "credit": (_APP + "Credit", 32),
    "rights": (_APP + "Copyright", 128),
    "caption_writer": (_APP + "Writer", 32),
    "notes": (_APP + "SpecialInstructions", 256),
}
BYLINE, BYLINE_LIMIT = _APP + "Byline", 32
KEYWORDS, KEYWORD_LIMIT = _APP + "Keywords", 64
CHARSET = "Iptc.Envelope.CharacterSet"
UTF8_ESCAPE = b"\x1b%G"
_DTO = "Exif.Photo.DateTimeOriginal"
_DTO_EXTRA = ("Exif.Photo.OffsetTimeOriginal", "Exif.Photo.SubSecTimeOriginal")
_GPS = "Exif.GPSInfo."
_RATING_PERCENT = {1: 1, 2: 25, 3: 50, 4: 75, 5: 99}  # what Windows writes
#: Windows' own tags (UCS-2 text in IFD0) by the catalog field they repeat.
XP_TAGS: dict[str, tuple[str, ...]] = {
    "title": ("Exif.Image.XPTitle",),
    "caption": ("Exif.Image.XPComment", "Exif.Image.XPSubject"),
    "creator": ("Exif.Image.XPAuthor",),
    "keywords": ("Exif.Image.XPKeywords",),
}


def clip_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, never inside a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


# -- IPTC-IIM ------------------------------------------------------------------------------
def _erase_iptc(data: exiv2.IptcData, key: str) -> None:
    while (found := data.findKey(exiv2.IptcKey(key))) != data.end():
        data.erase(found)


def _decode_legacy(raw: bytes) -> str:
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _to_utf8(data: exiv2.IptcData) -> None:
    """Re-encode every text dataset as UTF-8 when the block did not declare UTF-8."""
    found = data.findKey(exiv2.IptcKey(CHARSET))
    if found != data.end() and bytes(found.value().data()) == UTF8_ESCAPE:
        return
    items: list[tuple[str, exiv2.Value]] = []
    for datum in data:  # copies: the values die with `data.clear()`
        value = datum.value()
        if isinstance(value, exiv2.StringValue):
            items.append((datum.key(), exiv2.StringValue(_decode_legacy(bytes(value.data())))))
        else:
            items.append((datum.key(), value.clone()))
    data.clear()
    for key, value in items:
        if key != CHARSET:
            data.add(exiv2.IptcKey(key), value)


def _add_texts(data: exiv2.IptcData, key: str, texts: list[str], limit: int) -> None:
    _erase_iptc(data, key)
    for text in dict.fromkeys(clip_bytes(t, limit).strip() for t in texts):
        if text:
            data.add(exiv2.IptcKey(key), exiv2.StringValue(text))


def apply_iptc(data: exiv2.IptcData, p: Prepared,
               fields: Collection[str] | None = None) -> None:
    """Write `fields` (None: all) into IPTC-IIM as UTF-8, keeping every other dataset."""
    def wanted(name: str) -> bool:
        return fields is None or name in fields

    if data.count() == 0 and data.findKey(exiv2.IptcKey(_APP + "RecordVersion")) == data.end():
        data.add(exiv2.IptcKey(_APP + "RecordVersion"), exiv2.UShortValue(4))  # IIM: mandatory
    _to_utf8(data)
    _erase_iptc(data, CHARSET)
    data.add(exiv2.IptcKey(CHARSET), exiv2.StringValue(UTF8_ESCAPE.decode("ascii")))
    for name, (key, limit) in IIM_LIMITS.items():
        if wanted(name):
            text = p.text.get(name)
            if name == "country_code" and len(text or "") != 3:
                text = None  # IIM holds ISO 3166's three letters only; "HU" stays in XMP
            _add_texts(data, key, [text] if text else [], limit)
    if wanted("creator"):
        _add_texts(data, BYLINE, p.creators, BYLINE_LIMIT)
    if wanted("keywords"):
        _add_texts(data, KEYWORDS, p.flat_keywords, KEYWORD_LIMIT)
    if wanted("date"):
        _erase_iptc(data, _APP + "DateCreated")
        _erase_iptc(data, _APP + "TimeCreated")
        if p.exact_day:  # 2:55 (+2:60) only for an exact day
            date = exiv2.DateValue()
            date.read(p.exact_day)
            data.add(exiv2.IptcKey(_APP + "DateCreated"), date)
            if p.time and p.offset:
                time = exiv2.TimeValue()
                time.read(p.time + p.offset)
                data.add(exiv2.IptcKey(_APP + "TimeCreated"), time)


# -- Exif ----------------------------------------------------------------------------------
def _get(data: exiv2.ExifData, key: str) -> exiv2.Exifdatum | None:
    found = data.findKey(exiv2.ExifKey(key))
    return None if found == data.end() else found


def _erase_exif(data: exiv2.ExifData, *keys: str) -> None:
    for key in keys:
        if (found := _get(data, key)) is not None:
            data.erase(found)


def _set_ascii(data: exiv2.ExifData, key: str, text: str | None) -> None:
    if text:
        data[key] = exiv2.AsciiValue(text)
    else:
        _erase_exif(data, key)


def _rationals(value: float) -> list[tuple[int, int]]:
    """Degrees, minutes, seconds (to a millionth of a second) of |value|."""
    micro = round(abs(value) * 3600 * 1_000_000)
    degrees, rest = divmod(micro, 3600 * 1_000_000)
    minutes, seconds = divmod(rest, 60 * 1_000_000)
    return [(degrees, 1), (minutes, 1), (seconds, 1_000_000)]


def _apply_gps(data: exiv2.ExifData, position: tuple[float, float] | None) -> None:
    if position is None:
        _erase_exif(data, *(_GPS + k for k in ("GPSLatitude", "GPSLatitudeRef",
                                                "GPSLongitude", "GPSLongitudeRef")))
        return
    if _get(data, _GPS + "GPSVersionID") is None:
        version = exiv2.DataValue(exiv2.TypeId.unsignedByte)
        version.read("2 3 0 0")
        data[_GPS + "GPSVersionID"] = version
    lat, lon = position
    data[_GPS + "GPSLatitudeRef"] = exiv2.AsciiValue("N" if lat >= 0 else "S")
    data[_GPS + "GPSLatitude"] = exiv2.URationalValue(_rationals(lat))
    data[_GPS + "GPSLongitudeRef"] = exiv2.AsciiValue("E" if lon >= 0 else "W")
    data[_GPS + "GPSLongitude"] = exiv2.URationalValue(_rationals(lon))


def _exif_version(data: exiv2.ExifData) -> bytes:
    found = _get(data, "Exif.Photo.ExifVersion")
    return bytes(found.value().data()) if found is not None else b""


def _apply_date(data: exiv2.ExifData, p: Prepared, messages: list[str]) -> None:
    found = _get(data, _DTO)
    current = found.toString().strip() if found is not None else ""
    day = p.exact_day.replace("-", ":") if p.exact_day else None
    if day:
        if p.time:
            wanted = f"{day} {p.time}"
        elif current.startswith(day):
            wanted = current  # a time the catalog does not know, on the same day: kept
        else:
            wanted = f"{day} 00:00:00"  # no time known: midnight, a placeholder
        if current != wanted:
            data[_DTO] = exiv2.AsciiValue(wanted)
            _erase_exif(data, *_DTO_EXTRA)
        # OffsetTimeOriginal exists from Exif 2.31 on: an older block keeps the offset in
        # XMP and IPTC only (exiftool -validate would flag it).
        if p.time and p.offset and _exif_version(data) >= b"0231":
            data[_DTO_EXTRA[0]] = exiv2.AsciiValue(p.offset)
    elif current:
        _erase_exif(data, _DTO, *_DTO_EXTRA)
        messages.append(f"removed Exif DateTimeOriginal {current}: it contradicted the "
                        f"catalog date ({p.date or 'none'})")


def _apply_rating(data: exiv2.ExifData, rating: int) -> None:
    found = _get(data, "Exif.Image.Rating")
    if found is None or found.toString() == str(rating):
        return
    if 1 <= rating <= 5:
        data["Exif.Image.Rating"] = exiv2.UShortValue(rating)
        data["Exif.Image.RatingPercent"] = exiv2.UShortValue(_RATING_PERCENT[rating])
    else:
        _erase_exif(data, "Exif.Image.Rating", "Exif.Image.RatingPercent")


@dataclass(frozen=True)
class ExifContext:
    """What the required tags of a new IFD are made from (see the module doc)."""

    jpeg: bool = False
    width: int = 0
    height: int = 0
    density: tuple[int, int, int] | None = None  # JFIF (unit, x, y): 1 = dpi, 2 = dpcm
    has_icc: bool = False
    components: tuple[int, int, int, int] = (1, 2, 3, 0)  # Exif's codes: Y, Cb, Cr, none


def _ifds(data: exiv2.ExifData) -> set[str]:
    return {d.key().split(".")[1] for d in data}


def _undefined(text: str) -> exiv2.DataValue:
    value = exiv2.DataValue(exiv2.TypeId.undefined)
    value.read(" ".join(str(b) for b in text.encode("ascii")))
    return value


def _complete_new_ifds(data: exiv2.ExifData, new: set[str], ctx: ExifContext) -> None:
    """Add the tags the Exif standard requires in the IFDs this write created."""
    required: dict[str, exiv2.Value] = {}
    if "Image" in new and ctx.jpeg:
        unit, x, y = ctx.density or (1, 72, 72)
        required |= {
            "Exif.Image.XResolution": exiv2.URationalValue([(x, 1)]),
            "Exif.Image.YResolution": exiv2.URationalValue([(y, 1)]),
            "Exif.Image.ResolutionUnit": exiv2.UShortValue(3 if unit == 2 else 2),
            "Exif.Image.YCbCrPositioning": exiv2.UShortValue(1),  # centred, as in JFIF
        }
    if "Photo" in new:
        required |= {
            "Exif.Photo.ExifVersion": _undefined("0232"),
            "Exif.Photo.FlashpixVersion": _undefined("0100"),
            # sRGB is what viewers assume without a profile; with one, colour is
            # "uncalibrated" in Exif's terms (the ICC profile says what it is).
            "Exif.Photo.ColorSpace": exiv2.UShortValue(0xFFFF if ctx.has_icc else 1),
        }
        if ctx.width and ctx.height:
            required["Exif.Photo.PixelXDimension"] = exiv2.ULongValue(ctx.width)
            required["Exif.Photo.PixelYDimension"] = exiv2.ULongValue(ctx.height)
        if ctx.jpeg:
            components = exiv2.DataValue(exiv2.TypeId.undefined)
            components.read(" ".join(map(str, ctx.components)))
            required["Exif.Photo.ComponentsConfiguration"] = components
    for key, value in required.items():
        if _get(data, key) is None:
            data[key] = value


def apply_exif(data: exiv2.ExifData, p: Prepared, fields: Collection[str] | None = None,
               ctx: ExifContext | None = None) -> list[str]:
    """Write the Exif tags of `fields` (None: all); returns messages about values removed
    as contradictory."""
    def wanted(name: str) -> bool:
        return fields is None or name in fields

    messages: list[str] = []
    had = _ifds(data)
    if wanted("caption"):
        caption = p.text.get("caption")
        old = _get(data, "Exif.Image.ImageDescription")
        if caption or old is None or not is_boilerplate_caption(old.toString()):
            _set_ascii(data, "Exif.Image.ImageDescription", caption)  # camera boilerplate stays
    if wanted("creator"):
        _set_ascii(data, "Exif.Image.Artist", "; ".join(p.creators) or None)
    if wanted("rights"):
        _set_ascii(data, "Exif.Image.Copyright", p.text.get("rights"))
    if wanted("position"):
        _apply_gps(data, p.position)
    if wanted("rating"):
        _apply_rating(data, p.rating)
    for name, keys in XP_TAGS.items():
        if wanted(name):
            _erase_exif(data, *keys)
    ctx = ctx or ExifContext()
    if wanted("date"):
        if p.exact_day and "Photo" not in had:
            _complete_new_ifds(data, {"Photo"}, ctx)  # first: DateTimeOriginal needs the version
        _apply_date(data, p, messages)
    created = _ifds(data) - had
    if created and "Image" not in had:
        created.add("Image")  # a new Exif or GPS IFD hangs from a new IFD0
    _complete_new_ifds(data, created, ctx)
    return messages


# -- Photoshop's IPTC digest ---------------------------------------------------------------
def _irb_resources(seg: bytes, pos: int = 14) -> list[tuple[int, int, int]]:
    """(resource id, body offset in `seg`, body size) of the Photoshop image resources that
    start at `pos` (14: after an APP13 segment's "Photoshop 3.0" signature)."""
    found = []
    while pos + 12 <= len(seg) and seg[pos:pos + 4] == b"8BIM":
        rid = struct.unpack(">H", seg[pos + 4:pos + 6])[0]
        name_end = pos + 7 + seg[pos + 6]
        name_end += (name_end - pos) % 2
        if name_end + 4 > len(seg):
            break
        size = struct.unpack(">I", seg[name_end:name_end + 4])[0]
        found.append((rid, name_end + 4, size))
        pos = name_end + 4 + size + size % 2
    return found


def _jpeg_resource_blocks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the image resources in each APP13 "Photoshop 3.0" segment of a JPEG."""
    walk = jpeg.layout(data)
    return [(seg.body_start + 14, seg.end) for seg in (walk.segments if walk else ())
            if seg.marker == jpeg.APP13
            and data[seg.body_start:seg.body_start + 14] == b"Photoshop 3.0\x00"]


def _psd_resource_blocks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of a PSD's image resources section (after the header and colour data)."""
    if len(data) < 34:
        return []
    colour = struct.unpack(">I", data[26:30])[0]
    at = 30 + colour
    if at + 4 > len(data):
        return []
    size = struct.unpack(">I", data[at:at + 4])[0]
    return [(at + 4, min(at + 4 + size, len(data)))]


def _digest_state(data: bytes) -> tuple[bytes, list[int]]:
    """The IPTC block (resource 0x0404) and where the stored digests (0x0425) are."""
    if data.startswith(b"\xff\xd8"):
        blocks = _jpeg_resource_blocks(data)
    elif data.startswith(b"8BPS"):
        blocks = _psd_resource_blocks(data)
    else:
        return b"", []
    iptc, digest_at = b"", []
    for start, end in blocks:
        for rid, offset, size in _irb_resources(data[:end], start):
            if rid == 0x0404:
                iptc += data[offset:offset + size]
            elif rid == 0x0425 and size == 16:
                digest_at.append(offset)
    return iptc, digest_at


def fix_iptc_digest(path: Path) -> bool:
    """Make a JPEG's or PSD's stored IPTC digest match its IPTC block; True when it was
    rewritten."""
    data = path.read_bytes()
    iptc, digest_at = _digest_state(data)
    if not iptc or not digest_at:
        return False
    digest = hashlib.md5(iptc).digest()  # Photoshop's format, not security
    if all(data[at:at + 16] == digest for at in digest_at):
        return False
    with open(path, "r+b") as fh:
        for offset in digest_at:
            fh.seek(offset)
            fh.write(digest)
    return True
