"""The legacy carriers of an embedded write: IPTC-IIM and Exif, with exiv2 (METADATA.md).

IPTC-IIM is always written as UTF-8 (dataset 1:90 = ESC % G); text that was stored in
another character set is converted so that no dataset we leave alone turns into mojibake.
IIM's byte limits (2:120 Caption 2000 bytes, 2:25 Keywords 64, ...) are respected by
cutting on a character boundary; the full text stays in XMP. Exif gets ImageDescription,
Artist, Copyright, the GPS position and DateTimeOriginal - the latter only for an exact
day with a known time; a DateTimeOriginal that contradicts the catalog's date is removed
(it would win over our date in every MWG reader).

`fix_iptc_digest` keeps Photoshop's IPTC digest (JPEG APP13, resource 0x0425) true after
exiv2 rewrote the IPTC block; a stale digest tells readers the IPTC was edited by a tool
that ignored XMP, and they would prefer the (cut) IPTC values.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import exiv2

from photoarchive.media.mwg import is_boilerplate_caption
from photoarchive.media.xmp import Prepared

__all__ = ["IIM_LIMITS", "apply_exif", "apply_iptc", "clip_bytes", "fix_iptc_digest"]

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


def apply_iptc(data: exiv2.IptcData, p: Prepared) -> None:
    """Write our fields into IPTC-IIM (as UTF-8), keeping every other dataset."""
    _to_utf8(data)
    _erase_iptc(data, CHARSET)
    data.add(exiv2.IptcKey(CHARSET), exiv2.StringValue(UTF8_ESCAPE.decode("ascii")))
    if data.findKey(exiv2.IptcKey(_APP + "RecordVersion")) == data.end():
        data.add(exiv2.IptcKey(_APP + "RecordVersion"), exiv2.UShortValue(4))
    for name, (key, limit) in IIM_LIMITS.items():
        text = p.text.get(name)
        _add_texts(data, key, [text] if text else [], limit)
    _add_texts(data, BYLINE, p.creators, BYLINE_LIMIT)
    _add_texts(data, KEYWORDS, p.flat_keywords, KEYWORD_LIMIT)
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


def _apply_date(data: exiv2.ExifData, p: Prepared, messages: list[str]) -> None:
    found = _get(data, _DTO)
    current = found.toString().strip() if found is not None else ""
    day = p.exact_day.replace("-", ":") if p.exact_day else None
    if day and p.time:
        wanted = f"{day} {p.time}"
        if current != wanted:
            data[_DTO] = exiv2.AsciiValue(wanted)
            _erase_exif(data, *_DTO_EXTRA)
        if p.offset:
            data[_DTO_EXTRA[0]] = exiv2.AsciiValue(p.offset)
    elif current and not (day and current.startswith(day)):
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


def apply_exif(data: exiv2.ExifData, p: Prepared) -> list[str]:
    """Write our Exif fields; returns messages about values removed as contradictory."""
    messages: list[str] = []
    caption = p.text.get("caption")
    old = _get(data, "Exif.Image.ImageDescription")
    if caption or old is None or not is_boilerplate_caption(old.toString()):
        _set_ascii(data, "Exif.Image.ImageDescription", caption)  # camera boilerplate stays
    _set_ascii(data, "Exif.Image.Artist", "; ".join(p.creators) or None)
    _set_ascii(data, "Exif.Image.Copyright", p.text.get("rights"))
    _apply_gps(data, p.position)
    _apply_date(data, p, messages)
    _apply_rating(data, p.rating)
    return messages


# -- Photoshop's IPTC digest ---------------------------------------------------------------
def _irb_resources(seg: bytes) -> list[tuple[int, int, int]]:
    """(resource id, body offset in `seg`, body size) of an APP13 "Photoshop 3.0" segment."""
    found = []
    pos = 14
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


def fix_iptc_digest(path: Path) -> bool:
    """Make a JPEG's stored IPTC digest match its IPTC block; True when it was rewritten."""
    iptc = b""
    digest_at: list[int] = []
    with open(path, "r+b") as fh:
        if fh.read(2) != b"\xff\xd8":
            return False
        while True:
            head = fh.read(4)
            if len(head) < 4 or head[0] != 0xFF or head[1] in (0xD9, 0xDA):
                break
            length = struct.unpack(">H", head[2:])[0]
            start = fh.tell()
            if length < 2:
                break
            if head[1] != 0xED:
                fh.seek(length - 2, 1)
                continue
            seg = fh.read(length - 2)
            if not seg.startswith(b"Photoshop 3.0\x00"):
                continue
            for rid, offset, size in _irb_resources(seg):
                if rid == 0x0404:
                    iptc += seg[offset:offset + size]
                elif rid == 0x0425 and size == 16:
                    digest_at.append(start + offset)
        if not iptc or not digest_at:
            return False
        digest = hashlib.md5(iptc).digest()  # Photoshop's format, not security
        for offset in digest_at:
            fh.seek(offset)
            fh.write(digest)
    return True
