"""Read descriptive and technical metadata: sidecar first, then the MWG precedence rules.

See docs METADATA.md. `read_metadata` never raises: whatever cannot be read becomes a
line in `FileMetadata.warnings`. It is a pure function over a path (worker-safe); the
result is a picklable dataclass.

Precedence (reading is the reverse of writing):
* a sidecar overrides embedded values field by field. A photo may have two, `name.ext.xmp`
  and `name.xmp` (Lightroom's name); photoarchive writes both, and when they differ the one
  changed last is read (another program changed it after us), `name.ext.xmp` on a tie; the
  other is named in `stale_sidecars` so that write-back status can say so;
* caption, creator, rights: Exif (if not blank) -> XMP -> IPTC-IIM; other shared fields:
  XMP -> IPTC. When the file's stored IPTC digest does not match its IPTC block (IIM was
  edited by a tool that does not know XMP), IPTC comes before XMP (MWG rule);
* location fields: IPTC Extension LocationShown (first entry) -> photoshop:/Iptc4xmpCore
  -> IPTC-IIM;
* date taken: Exif DateTimeOriginal -> XMP photoshop:DateCreated -> XMP
  exif:DateTimeOriginal -> IPTC 2:55 (+2:60); but an Exif date that is only the first day
  (at midnight) of the year or month the next of these dates gives is a placeholder for
  that year or month (Exif cannot hold less than a day), so "1936" stays "1936";
* the exact date: photoarchive:DateEDTF (with photoarchive:DateDisplay, see xmp.py) wins
  over that standard date only while it is consistent with it - the standard date found in
  the same source (file or sidecar) is what we wrote for that EDTF. Otherwise another
  program changed the date after us, and its date is the newer one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from photoarchive.errors import InvalidDate
from photoarchive.media import embedded
from photoarchive.media.dates import parse_date
from photoarchive.media.embedded import RawMetadata, clean_text
from photoarchive.media.mwg import (
    is_boilerplate_caption,
    is_placeholder_day,
    parse_date_taken,
    parse_exif_gps,
    parse_xmp_gps,
)
from photoarchive.media.xmp import DATE_DISPLAY, DATE_EDTF, edtf_is_current

__all__ = [
    "FIELD_NAMES", "LIST_FIELDS", "FileMetadata", "find_sidecar", "read_metadata",
    "shared_sidecar", "sidecar_note", "sidecars",
]

FIELD_NAMES: tuple[str, ...] = (
    "title", "headline", "caption", "alt_text", "creator", "date", "date_display",
    "sublocation", "city",
    "state", "country", "country_code", "keywords", "people", "event", "source", "credit",
    "rights", "rights_url", "identifier", "caption_writer", "notes", "rating",
)
LIST_FIELDS = frozenset({"keywords", "people"})

MAX_SIDECAR_BYTES = 16 * 1024 * 1024
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

FieldValue = str | list[str] | None


@dataclass(slots=True)
class FileMetadata:
    """Metadata of one file. `fields` has every name in FIELD_NAMES: text fields are None
    and list fields [] when the file has no value. `rating` is an int as a string;
    `date_display` is set only when the file carries our display text (else derive it)."""

    fields: dict[str, FieldValue] = field(default_factory=dict)
    camera_make: str | None = None
    camera_model: str | None = None
    taken_at: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    orientation: int = 1
    sidecar: Path | None = None  # the sidecar read (see `find_sidecar`)
    stale_sidecars: list[Path] = field(default_factory=list)  # others that show other values
    warnings: list[str] = field(default_factory=list)


def sidecars(path: Path) -> list[Path]:
    """The XMP sidecars beside a file: `name.ext.xmp` (darktable, digiKam, photoarchive),
    then `name.xmp` (Lightroom, Capture One, Photo Mechanic), each `.xmp` or `.XMP`."""
    found = []
    for candidate in (path.with_name(path.name + ".xmp"), path.with_suffix(".xmp")):
        for variant in (candidate, candidate.with_suffix(".XMP")):
            if variant != path and variant.is_file():
                found.append(variant)
                break
    return found


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("-inf")


def find_sidecar(path: Path) -> Path | None:
    """The sidecar that is read: of `sidecars`, the one changed last (`name.ext.xmp` on a
    tie). photoarchive writes every sidecar a photo has, so they agree after its writes;
    when they differ, another program changed one since, and that change is the newer."""
    found = sidecars(path)
    return max(found, key=_mtime) if found else None  # the first on a tie


def shared_sidecar(path: Path, sidecar: Path) -> Path | None:
    """For a `name.xmp` sidecar: another file of that name beside `path` (`x.tif` beside
    `x.jpg`, a RAW beside its JPEG) that reads it as its own sidecar too; else None."""
    if sidecar.name.lower() != path.stem.lower() + ".xmp":
        return None
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return None
    for entry in entries:
        other = Path(entry.name)
        if (other.stem == path.stem and entry.name != path.name
                and other.suffix.lower() != ".xmp" and entry.is_file()):
            return path.parent / entry.name
    return None


class _Source:
    """Typed accessors over one RawMetadata (Exif, IPTC and XMP values by key)."""

    def __init__(self, raw: RawMetadata, warnings: list[str]) -> None:
        self.raw = raw
        self.warnings = warnings

    def _text(self, value: str) -> str | None:
        return clean_text(value, self.warnings) or None

    def exif(self, key: str) -> str | None:
        value = self.raw.exif.get(key)
        return self._text(value) if isinstance(value, str) else None

    def iptc(self, key: str) -> str | None:
        return self._join(self.iptc_list(key))

    def iptc_list(self, key: str) -> list[str]:
        return self._items(self.raw.iptc.get(key, []))

    def xmp(self, key: str) -> str | None:
        value = self.raw.xmp.get(key)
        if isinstance(value, dict):
            text = value.get("x-default") or next(iter(value.values()), "")
            return self._text(text)
        if isinstance(value, list):
            return self._join(self._items(value))
        return self._text(value) if isinstance(value, str) else None

    def xmp_list(self, key: str) -> list[str]:
        value = self.raw.xmp.get(key)
        if isinstance(value, list):
            return self._items(value)
        text = self.xmp(key)
        return [text] if text else []

    def xmp_struct(self, array: str, member: str) -> str | None:
        """`member` of the first item of an XMP array of structs that has it."""
        for index in range(1, 100):
            item = f"{array}[{index}]"
            if item not in self.raw.xmp and not any(k.startswith(item + "/")
                                                    for k in self.raw.xmp):
                return None
            text = self.xmp(f"{item}/{member}")
            if text:
                return text
        return None

    def _items(self, values: Iterable[str]) -> list[str]:
        items = [t for t in (clean_text(v, self.warnings) for v in values) if t]
        items = list(dict.fromkeys(items))
        if len(items) > embedded.MAX_ITEMS:
            self.warnings.append(f"a list of {len(items):,} values was cut")
        return items[: embedded.MAX_ITEMS]

    @staticmethod
    def _join(items: list[str]) -> str | None:
        return "; ".join(items) or None


def _first(*candidates: Callable[[], FieldValue]) -> FieldValue:
    for candidate in candidates:
        value = candidate()
        if value:
            return value
    return None


def _xp(src: _Source, name: str) -> str | None:
    """Windows' own copy of a field (Exif XPTitle, XPComment, XPSubject, XPAuthor,
    XPKeywords): the last fallback of title, caption, creator and keywords, for files whose
    only copy is there (written by Windows Explorer). Writing removes them (iim_exif.py)."""
    return src.exif(f"Exif.Image.XP{name}")


def _xp_list(src: _Source, name: str) -> list[str]:
    return src._items((_xp(src, name) or "").split(";"))


def _keywords(src: _Source, iptc_first: bool) -> list[str]:
    hierarchy = src.xmp_list("Xmp.lr.hierarchicalSubject")
    flat = src.xmp_list("Xmp.dc.subject")
    parts = {part.strip() for path in hierarchy for part in path.split("|")}
    from_xmp = hierarchy + [k for k in flat if k not in parts and k not in hierarchy]
    from_iptc = src.iptc_list("Iptc.Application2.Keywords")
    order = (from_iptc, from_xmp) if iptc_first else (from_xmp, from_iptc)
    return next((lst for lst in (*order, _xp_list(src, "Keywords")) if lst), [])


def _creator(src: _Source, iptc_first: bool) -> str | None:
    lists = [src.xmp_list("Xmp.dc.creator"), src.iptc_list("Iptc.Application2.Byline")]
    if iptc_first:
        lists.reverse()
    artist = src.exif("Exif.Image.Artist")
    if artist:
        names = [n.strip() for n in artist.split(";") if n.strip()]
        # Exif Artist often holds only the first creator: if a longer XMP/IPTC list
        # contains every name of it, that list is the same value, complete.
        for names_list in lists:
            if len(names_list) > len(names) and all(n in names_list for n in names):
                return "; ".join(names_list)
        return "; ".join(names)
    return next(("; ".join(lst) for lst in (*lists, _xp_list(src, "Author")) if lst), None)


def _caption(src: _Source, iptc_first: bool) -> str | None:
    sources = [src.xmp("Xmp.dc.description"), src.iptc("Iptc.Application2.Caption")]
    if iptc_first:
        sources.reverse()
    for text in (src.exif("Exif.Image.ImageDescription"), *sources, _xp(src, "Comment"),
                 _xp(src, "Subject")):
        if text and not is_boilerplate_caption(text):
            return text
    return None


def _rating(src: _Source) -> str | None:
    text = src.xmp("Xmp.xmp.Rating")
    if text is None:
        values = src.raw.exif.get("Exif.Image.Rating")
        text = str(values[0]) if isinstance(values, tuple) and values else None
    if text is None:
        return None
    try:
        rating = round(float(text))
    except ValueError:
        rating = 99
    if not -1 <= rating <= 5:
        src.warnings.append(f"rating {text!r} is not between -1 and 5; ignored")
        return None
    return str(rating)


def _fields(src: _Source, iptc_first: bool) -> dict[str, FieldValue]:
    """Descriptive fields of one source (embedded file or sidecar) by precedence."""
    x, i = src.xmp, src.iptc

    def xi(xmp_key: str, iptc_key: str) -> tuple[Callable[[], FieldValue], ...]:
        pair = (lambda: x(xmp_key), lambda: i(iptc_key))
        return pair[::-1] if iptc_first else pair

    def shown(member: str) -> Callable[[], FieldValue]:
        return lambda: src.xmp_struct("Xmp.iptcExt.LocationShown", f"Iptc4xmpExt:{member}")

    app = "Iptc.Application2."
    return {
        "title": _first(*xi("Xmp.dc.title", app + "ObjectName"), lambda: _xp(src, "Title")),
        "headline": _first(*xi("Xmp.photoshop.Headline", app + "Headline")),
        "caption": _caption(src, iptc_first),
        "alt_text": x("Xmp.iptc.AltTextAccessibility"),
        "creator": _creator(src, iptc_first),
        "sublocation": _first(shown("Sublocation"),
                              *xi("Xmp.iptc.Location", app + "SubLocation")),
        "city": _first(shown("City"), *xi("Xmp.photoshop.City", app + "City")),
        "state": _first(shown("ProvinceState"),
                        *xi("Xmp.photoshop.State", app + "ProvinceState")),
        "country": _first(shown("CountryName"),
                          *xi("Xmp.photoshop.Country", app + "CountryName")),
        "country_code": _first(shown("CountryCode"),
                               *xi("Xmp.iptc.CountryCode", app + "CountryCode")),
        "keywords": _keywords(src, iptc_first),
        "people": src.xmp_list("Xmp.iptcExt.PersonInImage"),
        "event": x("Xmp.iptcExt.Event"),
        "source": _first(*xi("Xmp.photoshop.Source", app + "Source")),
        "credit": _first(*xi("Xmp.photoshop.Credit", app + "Credit")),
        "rights": _first(lambda: src.exif("Exif.Image.Copyright"),
                         *xi("Xmp.dc.rights", app + "Copyright")),
        "rights_url": x("Xmp.xmpRights.WebStatement"),
        "identifier": x("Xmp.dc.identifier"),
        "caption_writer": _first(*xi("Xmp.photoshop.CaptionWriter", app + "Writer")),
        "notes": _first(*xi("Xmp.photoshop.Instructions", app + "SpecialInstructions")),
        "rating": _rating(src),
    }


def _date_candidates(src: _Source, iptc_first: bool) -> list[tuple[str, str | None]]:
    exif_dt = src.exif("Exif.Photo.DateTimeOriginal")
    if exif_dt and not exif_dt.strip(": "):
        exif_dt = None  # all blanks: Exif's "unknown"
    offset = src.exif("Exif.Photo.OffsetTimeOriginal")
    iptc_date = src.iptc("Iptc.Application2.DateCreated")
    iptc_time = src.iptc("Iptc.Application2.TimeCreated")
    xmp = [("XMP photoshop:DateCreated", src.xmp("Xmp.photoshop.DateCreated")),
           ("XMP exif:DateTimeOriginal", src.xmp("Xmp.exif.DateTimeOriginal"))]
    iptc = [("IPTC DateCreated",
             f"{iptc_date}T{iptc_time}" if iptc_date and iptc_time else iptc_date)]
    rest = iptc + xmp if iptc_first else xmp + iptc
    exif = ("Exif DateTimeOriginal", f"{exif_dt}{offset or ''}" if exif_dt else None)
    return [exif, *rest]


def _standard_date(src: _Source, iptc_first: bool,
                   warnings: list[str]) -> tuple[str, str] | None:
    """(date, timestamp) of the first readable date by the MWG precedence - unless that
    is an Exif placeholder day for the year or month that the next readable date (XMP or
    IPTC) gives: then that less precise date (see `is_placeholder_day`)."""
    found: tuple[str, str] | None = None
    for label, text in _date_candidates(src, iptc_first):
        if not text:
            continue
        parsed = parse_date_taken(text)
        if isinstance(parsed, str):
            warnings.append(f"{label} {parsed}; ignored")
            continue
        if found is not None:
            return parsed if is_placeholder_day(found, parsed) else found
        if not label.startswith("Exif") or len(parsed[0]) != 10:
            return parsed
        found = parsed
    return found


@dataclass(slots=True)
class _DateRead:
    """The dates of one source: its standard date (MWG precedence) and our exact date,
    kept only when consistent with that standard date."""

    standard: tuple[str, str] | None = None  # (date, timestamp)
    edtf: str | None = None
    display: str | None = None


def _read_date(src: _Source, iptc_first: bool, warnings: list[str]) -> _DateRead:
    read = _DateRead(standard=_standard_date(src, iptc_first, warnings))
    found, stamp = read.standard or (None, None)
    edtf = src.xmp(DATE_EDTF)
    if edtf:
        try:
            edtf = parse_date(edtf).edtf
        except InvalidDate:
            warnings.append(f"photoarchive:DateEDTF {edtf!r} is not a date; ignored")
            return read
        if edtf_is_current(edtf, found, stamp):
            read.edtf, read.display = edtf, src.xmp(DATE_DISPLAY)
        else:
            warnings.append(_changed(edtf, found))
    return read


def _changed(edtf: str, found: str | None) -> str:
    return (f"the date {edtf} that photoarchive wrote was changed by another program to "
            f"{found or 'none'}; reading {found or 'no date'}")


def _set_date(meta: FileMetadata, embedded_read: _DateRead, side: _DateRead | None) -> None:
    """The date by precedence: a sidecar's date overrides the file's; our exact date of
    either source stands while the standard date that wins is still the one we wrote for
    it (another program that copies the file's date into its sidecar changes nothing)."""
    read = embedded_read
    if side is not None and (side.standard or side.edtf):
        if side.edtf is None and embedded_read.edtf and side.standard:
            if edtf_is_current(embedded_read.edtf, *side.standard):
                side.edtf, side.display = embedded_read.edtf, embedded_read.display
            else:
                meta.warnings.append(_changed(embedded_read.edtf, side.standard[0]))
        read = side
    date, stamp = read.standard or (None, None)
    meta.fields["date"] = read.edtf or date
    meta.fields["date_display"] = read.display if read.edtf else None
    meta.taken_at = stamp


def _apply(meta: FileMetadata, src: _Source, iptc_first: bool, sidecar: bool) -> _DateRead:
    """Fill `meta` from one source, except the date (returned, see `_set_date`); a
    sidecar only overrides what it has."""
    for name, value in _fields(src, iptc_first).items():
        if value or not sidecar:
            meta.fields[name] = value
    make = src.exif("Exif.Image.Make") or src.xmp("Xmp.tiff.Make")
    model = src.exif("Exif.Image.Model") or src.xmp("Xmp.tiff.Model")
    meta.camera_make = make or (None if not sidecar else meta.camera_make)
    meta.camera_model = model or (None if not sidecar else meta.camera_model)
    position = parse_exif_gps(src.raw.exif, meta.warnings)
    if position is None:
        position = parse_xmp_gps(src.xmp("Xmp.exif.GPSLatitude"),
                                 src.xmp("Xmp.exif.GPSLongitude"), meta.warnings)
    if position is not None:
        meta.latitude, meta.longitude = position
    if not sidecar:  # orientation describes the stored pixels: embedded value only
        meta.orientation = _orientation(src, meta.warnings)
    return _read_date(src, iptc_first, meta.warnings)


def _orientation(src: _Source, warnings: list[str]) -> int:
    values = src.raw.exif.get("Exif.Image.Orientation")
    text = str(values[0]) if isinstance(values, tuple) and values else src.xmp(
        "Xmp.tiff.Orientation")
    if text is None:
        return 1
    # 0-9 only, as Exif and XMP write it: "¹".isdigit() is true, and int("¹") raises.
    if text.isascii() and text.isdecimal() and 1 <= int(text) <= 8:
        return int(text)
    warnings.append(f"orientation {text!r} is not 1 to 8; using 1")
    return 1


def _read_sidecar(sidecar: Path, warnings: list[str]) -> RawMetadata | None:
    """Read an XMP sidecar after refusing DTDs (entity bombs, external entities)."""
    try:
        size = sidecar.stat().st_size
        if size > MAX_SIDECAR_BYTES:
            warnings.append(f"sidecar {sidecar.name} is larger than "
                            f"{MAX_SIDECAR_BYTES:,} bytes; ignored")
            return None
        data = sidecar.read_bytes()
    except OSError as exc:
        warnings.append(f"sidecar {sidecar.name} cannot be read ({exc.strerror or exc})")
        return None
    if _DTD.search(data):
        warnings.append(f"sidecar {sidecar.name} contains a DTD (DOCTYPE/ENTITY); "
                        "ignored for safety")
        return None
    raw = _read_packet(data.removeprefix(b"\xef\xbb\xbf"), f"sidecar {sidecar.name}")
    if not raw.xmp and not raw.warnings:
        raw.warnings.append(f"sidecar {sidecar.name} has no XMP properties")
    return raw


def _read_packet(packet: bytes, label: str) -> RawMetadata:
    """Read a bare XMP packet. exiv2 also converts it to Exif/IPTC (and logs conversion
    complaints such as "Unsupported date format" for a valid "1956"): keep only the XMP
    and the XMP parser's own messages."""
    raw = embedded.read_raw(packet, label=label)
    raw.exif, raw.iptc = {}, {}
    raw.warnings = [w for w in raw.warnings if not w.startswith("exiv2: ") or "XMP" in w]
    return raw


def _read_embedded(path: Path) -> RawMetadata:
    raw = embedded.read_raw(path, label=path.name)
    if not raw.xmp and path.suffix.lower() == ".gif":  # exiv2 skips GIF's XMP extension
        try:
            packet = embedded.find_xmp_packet(path)
        except OSError:
            packet = None
        if packet and not _DTD.search(packet):
            extra = _read_packet(packet, f"{path.name} XMP")
            raw.xmp, raw.warnings = extra.xmp, raw.warnings + extra.warnings
    return raw


def _empty() -> FileMetadata:
    return FileMetadata(fields={n: ([] if n in LIST_FIELDS else None) for n in FIELD_NAMES})


def _read_with(path: Path, raw: RawMetadata, sidecar: Path | None,
               meta: FileMetadata | None = None) -> FileMetadata:
    """The file's embedded values (`raw`) overridden by one sidecar's, into `meta`."""
    meta = meta if meta is not None else _empty()
    meta.warnings.extend(raw.warnings)
    dates = _apply(meta, _Source(raw, meta.warnings), raw.iptc_digest_matches is False, False)
    side_dates = None
    if sidecar is not None:
        side = _read_sidecar(sidecar, meta.warnings)
        if side is not None:
            meta.warnings.extend(side.warnings)
            meta.sidecar = sidecar
            side_dates = _apply(meta, _Source(side, meta.warnings), False, True)
    _set_date(meta, dates, side_dates)
    return meta


def _shown(meta: FileMetadata) -> tuple[object, ...]:
    """What a reader of one sidecar (over the file) sees, in comparable form."""
    fields = {k: sorted(v) if isinstance(v, list) else v for k, v in meta.fields.items()}
    return (sorted(fields.items()), meta.latitude, meta.longitude)


def _check_others(path: Path, raw: RawMetadata, meta: FileMetadata) -> None:
    """Note in `meta.stale_sidecars` each other sidecar of the photo that shows other
    values than the one read (a `name.xmp` that belongs to another file too is not ours
    to compare: see `shared_sidecar`)."""
    for other in sidecars(path):
        if other == meta.sidecar or shared_sidecar(path, other) is not None:
            continue
        if _shown(_read_with(path, raw, other)) != _shown(meta):
            meta.stale_sidecars.append(other)
    note = sidecar_note(meta)
    if note:
        meta.warnings.append(note)


def sidecar_note(meta: FileMetadata) -> str | None:
    """What to tell the user when the sidecars disagree: the one read and the others passed
    over (README "Sidecars"), or None when they agree."""
    if not meta.stale_sidecars or meta.sidecar is None:
        return None
    names = ", ".join(s.name for s in meta.stale_sidecars)
    newest = all(_mtime(meta.sidecar) > _mtime(s) for s in meta.stale_sidecars)
    why = "changed last" if newest else "changed at the same time; preferred on a tie"
    read = meta.sidecar.name
    return f"the sidecars {read} and {names} disagree; read {read}, {why}"


def read_metadata(path: Path) -> FileMetadata:
    """Metadata of an image file and its sidecar. Never raises; problems become warnings."""
    path = Path(path)
    meta = _empty()
    try:
        raw = _read_embedded(path)
        _read_with(path, raw, find_sidecar(path), meta)
        _check_others(path, raw, meta)
    except Exception as exc:  # noqa: BLE001 (hostile files: unreadable metadata is a warning)
        meta.warnings.append(f"{path.name}: metadata cannot be read ({type(exc).__name__})")
    return meta
