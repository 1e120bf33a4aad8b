"""Low-level metadata reading with python-exiv2: Exif, IPTC-IIM and XMP as plain values.

`read_raw` never raises: anything exiv2 reports (exceptions and its log messages) ends up
in `RawMetadata.warnings`. Text comes back decoded (IPTC: 1:90 charset, else UTF-8, else
cp1252; Exif: UTF-8, else Latin-1) and sanitised (NFC, no NULs or lone surrogates).

Safety notes:
* exiv2 is C++ parsing untrusted files; a crash there would take the interpreter down,
  which is why the importer reads metadata in worker processes.
* XMP is parsed by exiv2's bundled Adobe XMP Toolkit (expat). The toolkit rejects any
  packet with a DOCTYPE ("XMLValidator" error), so neither external entities nor entity
  expansion bombs are processed; sidecars are additionally pre-checked in `metadata.py`.
* exiv2 logs through python-exiv2's handler to the `exiv2` Python logger. A filter on
  that logger diverts the records of the reading thread into the warnings of the file
  being read (thread-local), so nothing reaches stderr while `read_raw` runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import exiv2

from photoarchive.media import jpeg
from photoarchive.media.exiv2_log import capture

__all__ = ["ExifValue", "RawMetadata", "XmpValue", "clean_text", "read_raw"]

ExifValue = str | tuple[int, ...] | tuple[tuple[int, int], ...]
XmpValue = str | list[str] | dict[str, str]

# Exif tags we use; everything else (MakerNotes...) is never converted.
_EXIF_KEYS = frozenset({
    "Exif.Image.ImageDescription", "Exif.Image.Artist", "Exif.Image.Copyright",
    "Exif.Image.Make", "Exif.Image.Model", "Exif.Image.Orientation", "Exif.Image.Rating",
    "Exif.Photo.DateTimeOriginal", "Exif.Photo.OffsetTimeOriginal",
    "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef",
    "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef",
    *(f"Exif.Image.XP{name}" for name in ("Title", "Comment", "Subject", "Author", "Keywords")),
})
_EXIF_SPLIT_NUL = {"Exif.Image.Copyright"}  # "photographer\0editor" (Exif 2.3, 4.6.5)

MAX_TEXT = 65_536
"""Longest text value kept (characters); longer values are cut, with a warning."""
MAX_ITEMS = 1_000
"""Most items kept in one list value (keywords, people...)."""
_MAX_LOG_WARNINGS = 5

_UTF8_ESCAPE = b"\x1b%G"
_LATIN1_ESCAPES = {b"\x1b-A", b"\x1b.A"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# XMP Toolkit initialisation is not thread-safe: do it once, at import (older bindings
# initialise lazily and may not have it).
with contextlib.suppress(Exception):
    exiv2.XmpParser.initialize()


@dataclass(slots=True)
class RawMetadata:
    """Decoded values by exiv2 key (e.g. 'Iptc.Application2.Caption')."""

    exif: dict[str, ExifValue] = field(default_factory=dict)
    iptc: dict[str, list[str]] = field(default_factory=dict)
    xmp: dict[str, XmpValue] = field(default_factory=dict)
    iptc_digest_matches: bool | None = None  # None: no digest stored (or not JPEG)
    warnings: list[str] = field(default_factory=list)


def clean_text(text: str, warnings: list[str] | None = None) -> str:
    """NFC, LF line breaks, no control characters or lone surrogates, trimmed, capped."""
    text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()
    if len(text) > MAX_TEXT:
        if warnings is not None:
            warnings.append(f"a text value of {len(text):,} characters was cut")
        text = text[:MAX_TEXT]
    return text


def _exif_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _exif_value(datum: exiv2.Exifdatum) -> ExifValue | None:
    key = datum.key()
    type_name = datum.typeName()
    if type_name == "Ascii":
        raw = bytes(datum.value().data())
        if key in _EXIF_SPLIT_NUL:
            parts = [_exif_text(p).strip() for p in raw.split(b"\x00")]
            return "; ".join(p for p in parts if p)
        return _exif_text(raw.split(b"\x00", 1)[0])
    # Iterate the typed value: toRational()/toInt64() would wrap 4294967295 to -1.
    if type_name in ("Rational", "SRational"):
        return tuple((int(num), int(den)) for num, den in datum.value())
    if type_name in ("Short", "Long", "SShort", "SLong"):
        return tuple(int(number) for number in datum.value())
    if key.startswith("Exif.Image.XP"):  # Windows' tags: UCS-2 text in bytes
        raw = bytes(datum.value().data())
        return raw.decode("utf-16-le", "replace").split("\x00", 1)[0]
    if type_name in ("Byte", "SByte"):
        return tuple(int(datum.toInt64(i)) for i in range(datum.count()))
    return None


def _iptc_decode(raw: bytes, charset: bytes | None, warnings: list[str]) -> str:
    if charset == _UTF8_ESCAPE:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append("IPTC text declared UTF-8 is not valid UTF-8; read as cp1252")
    elif charset in _LATIN1_ESCAPES:
        return raw.decode("latin-1")
    else:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _xmp_value(datum: exiv2.Xmpdatum) -> XmpValue | None:
    value = datum.value()
    if isinstance(value, exiv2.LangAltValue):
        return dict(value)
    if isinstance(value, exiv2.XmpArrayValue):
        return [value.toString(i) for i in range(value.count())]
    if isinstance(value, exiv2.XmpTextValue) and (value.xmpStruct() or value.xmpArrayType()):
        return None  # container of a struct or array: its members have their own keys
    return datum.toString()


def _read_iptc_digest(path: Path) -> bool | None:
    """For a JPEG, whether Photoshop's stored IPTC digest matches the IPTC block.

    Walks the JPEG markers up to the first scan, reading only APP13 "Photoshop 3.0"
    segments (image resources 0x0404 = IPTC, 0x0425 = its MD5 digest).
    """
    resources: dict[int, bytes] = {}
    with open(path, "rb") as fh:
        walk = jpeg.layout(fh)
        if walk is None:
            return None
        for segment in walk.segments:
            if segment.marker != jpeg.APP13:
                continue
            fh.seek(segment.body_start)
            seg = fh.read(segment.end - segment.body_start)
            if not seg.startswith(b"Photoshop 3.0\x00"):
                continue
            pos = 14
            while pos + 12 <= len(seg) and seg[pos:pos + 4] == b"8BIM":
                rid = struct.unpack(">H", seg[pos + 4:pos + 6])[0]
                name_end = pos + 7 + seg[pos + 6]
                name_end += (name_end - pos) % 2
                size = struct.unpack(">I", seg[name_end:name_end + 4].rjust(4, b"\0"))[0]
                body = seg[name_end + 4:name_end + 4 + size]
                resources[rid] = resources.get(rid, b"") + body
                pos = name_end + 4 + size + size % 2
    digest = resources.get(0x0425)
    if digest is None or 0x0404 not in resources:
        return None
    return hashlib.md5(resources[0x0404]).digest() == digest


def _read_guarded(meta: RawMetadata, source: Path | bytes, label: str) -> None:
    """Read into `meta`; any failure becomes a warning, never an exception."""
    try:
        _read_into(meta, source)
        if isinstance(source, Path) and meta.iptc:
            with contextlib.suppress(OSError, struct.error):
                meta.iptc_digest_matches = _read_iptc_digest(source)
    except exiv2.Exiv2Error as exc:
        message = str(exc.args[1] if len(exc.args) > 1 else exc)
        if isinstance(source, Path):
            message = message.replace(f"{source}: ", "")
        meta.warnings.append(f"{label or 'metadata'}: {clean_text(message)}")
    except Exception as exc:  # noqa: BLE001 (hostile input)
        meta.warnings.append(f"{label or 'metadata'}: cannot be read ({type(exc).__name__})")


def read_raw(source: Path | bytes, *, label: str = "") -> RawMetadata:
    """Read Exif, IPTC and XMP from a file path or from an in-memory file/XMP packet."""
    meta = RawMetadata()
    with capture() as log:
        _read_guarded(meta, source, label)
    unique = list(dict.fromkeys(clean_text(m) for m in log if m.strip()))
    meta.warnings.extend(f"exiv2: {m}" for m in unique[:_MAX_LOG_WARNINGS])
    if len(unique) > _MAX_LOG_WARNINGS:
        meta.warnings.append(f"exiv2: {len(unique) - _MAX_LOG_WARNINGS} more warnings")
    return meta


def _read_into(meta: RawMetadata, source: Path | bytes) -> None:
    image = exiv2.ImageFactory.open(source if isinstance(source, bytes) else str(source))
    image.readMetadata()
    for datum in image.exifData():
        key = datum.key()
        if key in _EXIF_KEYS and key not in meta.exif:
            try:
                value = _exif_value(datum)
            except Exception:  # noqa: BLE001 (hostile files: one bad tag is reported and skipped)
                meta.warnings.append(f"unreadable Exif tag {key}")
                continue
            if value is not None:
                meta.exif[key] = value
    charset: bytes | None = None
    raw_iptc: list[tuple[str, bytes | str]] = []
    for datum in image.iptcData():
        key = datum.key()
        value = datum.value()
        if key == "Iptc.Envelope.CharacterSet":
            charset = bytes(value.data())
        elif key.startswith("Iptc.Application2."):
            if isinstance(value, exiv2.StringValue):
                raw_iptc.append((key, bytes(value.data())))
            else:
                raw_iptc.append((key, datum.toString()))
    for key, raw in raw_iptc:
        text = raw if isinstance(raw, str) else _iptc_decode(raw, charset, meta.warnings)
        meta.iptc.setdefault(key, []).append(text)
    for datum in image.xmpData():
        try:
            value = _xmp_value(datum)
        except Exception:  # noqa: BLE001 (hostile files: one bad property is reported and skipped)
            meta.warnings.append(f"unreadable XMP property {datum.key()}")
            continue
        if value is not None:
            meta.xmp.setdefault(datum.key(), value)


_PACKET = re.compile(rb"<x:xmpmeta[\s>].*?</x:xmpmeta>", re.DOTALL)


def find_xmp_packet(path: Path, limit: int = 16 * 1024 * 1024) -> bytes | None:
    """The first <x:xmpmeta> packet in the first `limit` bytes of a file (for GIF, whose
    XMP application extension exiv2 does not read), or None."""
    with open(path, "rb") as fh:
        data = fh.read(limit)
    match = _PACKET.search(data)
    return match.group(0) if match else None
