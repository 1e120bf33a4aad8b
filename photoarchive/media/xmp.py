"""XMP for the catalog's fields (METADATA.md), built and merged with exiv2's `XmpData`.

`prepare` turns catalog values into what the standards can hold (creator lists, flat and
hierarchical keywords, a date at its known precision, GPS text); `apply_fields` writes them
(all, or the fields named: an embedded write names those that differ) into an `XmpData`
that may hold anything else, replacing only the properties of those fields - a property
that already holds the value is left as it is - and keeping every other one (another
application's history, develop settings, unknown
namespaces, other entries of LocationShown, translations of a title).

Decisions:
* Lang-alt values (dc:title, dc:description, dc:rights, AltTextAccessibility, Event) get a
  new x-default; other languages are kept unless they were a copy of the old x-default.
* Keywords: dc:subject holds every part of every keyword ("Places|Hungary" gives "Places"
  and "Hungary", as Lightroom does); when any keyword is hierarchical, lr:hierarchicalSubject
  holds all keywords as paths, so the catalog's list reads back unchanged.
* The XMP toolkit inside exiv2 remembers one prefix per namespace for the whole process.
  `_prime_toolkit` registers the standard ones (Iptc4xmpCore, Iptc4xmpExt) before anything
  else, so files get the prefixes every other tool writes.
* Dates: photoshop:DateCreated can only hold a year, a month or a day, so "1956~",
  "195X" or "1956-10-23/1956-11-10" lose their approximation there. Our own namespace
  (`NS_URI`, prefix "photoarchive") carries the exact value beside it:
  `photoarchive:DateEDTF` (the catalog's EDTF string) and `photoarchive:DateDisplay` (the
  display text, "c. 1956"). The standard date stays what other programs read; on reading,
  `edtf_is_current` decides whether our EDTF still describes it (metadata.py).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import exiv2

from photoarchive.errors import InvalidDate, MediaError
from photoarchive.media.dates import parse_date
from photoarchive.media.exiv2_log import capture

__all__ = [
    "DATE_DISPLAY", "DATE_EDTF", "MANAGED_KEYS", "NS_PREFIX", "NS_URI", "Prepared",
    "apply_fields", "edtf_is_current", "encode_packet", "exact_day", "exiv2_log", "gps_text",
    "parse_packet", "prepare", "snapshot", "xmp_date",
]

IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
#: photoarchive's own XMP namespace. Stable: files in archives carry it; never change it.
#: (An XMP namespace is a name, it need not resolve to a document.)
NS_URI = "http://ns.photoarchive.org/1.0/"
NS_PREFIX = "photoarchive"
#: The exact date (EDTF, as the catalog stores it) and its display text.
DATE_EDTF = f"Xmp.{NS_PREFIX}.DateEDTF"
DATE_DISPLAY = f"Xmp.{NS_PREFIX}.DateDisplay"
_PRIMER = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
    f'xmlns:Iptc4xmpExt="{IPTC_EXT}" xmlns:lr="http://ns.adobe.com/lightroom/1.0/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" '
    'Iptc4xmpCore:Location="" Iptc4xmpExt:Event="" lr:privateRTKInfo="" '
    f'xmlns:{NS_PREFIX}="{NS_URI}" '
    f'photoshop:City="" xmpRights:Marked="" {NS_PREFIX}:DateEDTF=""/></rdf:RDF></x:xmpmeta>'
).encode()

#: Simple text properties by catalog field.
TEXT_KEYS: dict[str, str] = {
    "headline": "Xmp.photoshop.Headline",
    "sublocation": "Xmp.iptc.Location",
    "city": "Xmp.photoshop.City",
    "state": "Xmp.photoshop.State",
    "country": "Xmp.photoshop.Country",
    "country_code": "Xmp.iptc.CountryCode",
    "source": "Xmp.photoshop.Source",
    "credit": "Xmp.photoshop.Credit",
    "rights_url": "Xmp.xmpRights.WebStatement",
    "identifier": "Xmp.dc.identifier",
    "caption_writer": "Xmp.photoshop.CaptionWriter",
    "notes": "Xmp.photoshop.Instructions",
}
#: Language alternatives by catalog field (we set x-default).
LANG_ALT_KEYS: dict[str, str] = {
    "title": "Xmp.dc.title",
    "caption": "Xmp.dc.description",
    "rights": "Xmp.dc.rights",
    "alt_text": "Xmp.iptc.AltTextAccessibility",
    "event": "Xmp.iptcExt.Event",
}
LOCATION_SHOWN = "Xmp.iptcExt.LocationShown"
_SHOWN_MEMBERS: dict[str, str] = {
    "sublocation": "Sublocation", "city": "City", "state": "ProvinceState",
    "country": "CountryName", "country_code": "CountryCode",
}
_OTHER_KEYS = (
    "Xmp.dc.creator", "Xmp.dc.subject", "Xmp.lr.hierarchicalSubject",
    "Xmp.iptcExt.PersonInImage", "Xmp.photoshop.DateCreated", "Xmp.exif.DateTimeOriginal",
    "Xmp.xmp.Rating", "Xmp.exif.GPSLatitude", "Xmp.exif.GPSLongitude",
    DATE_EDTF, DATE_DISPLAY,
)
#: Every XMP property this module may change (LocationShown: only its first entry).
MANAGED_KEYS: tuple[str, ...] = (
    *TEXT_KEYS.values(), *LANG_ALT_KEYS.values(), *_OTHER_KEYS, LOCATION_SHOWN,
    "Xmp.xmp.MetadataDate",
)
TEXT_FIELDS = tuple(TEXT_KEYS) + tuple(LANG_ALT_KEYS)
_FLAGS = exiv2.XmpParser.XmpFormatFlags
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class Prepared:
    """Catalog values in the shapes the standards hold (see `prepare`)."""

    text: dict[str, str | None] = field(default_factory=dict)
    creators: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # as in the catalog, "A|B" paths
    flat_keywords: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    date: str | None = None  # photoshop:DateCreated: "1956", "1956-10", a day, a day+time
    edtf: str | None = None  # the catalog's date exactly ("1956~"): photoarchive:DateEDTF
    display: str | None = None  # its display text ("c. 1956"): photoarchive:DateDisplay
    exact_day: str | None = None  # "YYYY-MM-DD" only for an exact, certain day
    time: str | None = None  # "HH:MM:SS" when the exact day's time is known
    offset: str | None = None  # "+02:00" when the time's UTC offset is known
    rating: int = 0
    position: tuple[float, float] | None = None

    @property
    def hierarchical(self) -> bool:
        return any("|" in k for k in self.keywords)


def _clean(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def xmp_date(edtf: str | None) -> str | None:
    """The EDTF date at the finest precision that holds it whole: "1956~" -> "1956",
    "1956-10-23/1956-11-10" -> "1956"; None when not even the year is known ("195X")."""
    if not edtf:
        return None
    try:
        bounds = parse_date(edtf)
    except InvalidDate:
        return None
    first, last = bounds.earliest, bounds.latest
    if first.year != last.year or first.year < 1000 or last.year > 9999:
        return None
    if first == last:
        return first.isoformat()
    if first.month == last.month:
        return f"{first.year:04}-{first.month:02}"
    return f"{first.year:04}"


def edtf_is_current(edtf: str, found: str | None, taken_at: str | None = None) -> bool:
    """Whether our EDTF still describes a file whose standard date reads `found`
    ("1956", "1956-10", "1956-10-23" or None; `taken_at` its time stamp, if any).

    True when `found` is what `prepare` writes for `edtf` (photoshop:DateCreated at the
    known precision, or nothing for "195X"), or that period's first day without a time or
    at midnight (programs that store every date as a full date-time write "1956" back as
    "1956-01-01T00:00:00"). Anything else means another program changed the date after
    we wrote it: its date is newer than our EDTF.
    """
    written = xmp_date(edtf)
    if found == written:
        return True
    if not found or not written or len(found) != 10 or len(written) == 10:
        return False
    first = written + ("-01-01" if len(written) == 4 else "-01")
    time = (taken_at or "")[11:19]
    return found == first and time in ("", "00:00:00")


def exact_day(edtf: str | None) -> str | None:
    """"YYYY-MM-DD" when the date is one certain day (no qualifier, no range), else None."""
    return edtf if edtf and re.fullmatch(r"\d{4}-\d{2}-\d{2}", edtf) else None


def prepare(values: Mapping[str, Any]) -> Prepared:
    """Catalog values (by catalog name, plus `taken_at`) in the shapes files hold."""
    text = {name: _clean(values.get(name)) for name in TEXT_FIELDS}
    creators = _unique([c.strip() for c in str(values.get("creator") or "").split(";")])
    keywords = _unique([str(k).strip() for k in values.get("keywords") or []])
    flat = _unique([part.strip() for k in keywords for part in k.split("|")])
    people = _unique([str(p).strip() for p in values.get("people") or []])
    edtf = _clean(values.get("date"))
    display = None
    if edtf:
        try:
            parsed = parse_date(edtf)
            edtf, display = parsed.edtf, parsed.display
        except InvalidDate:
            pass
        display = _clean(values.get("date_display")) or display
    day, date = exact_day(edtf), xmp_date(edtf)
    time = offset = None
    match = _TIME.fullmatch(str(values.get("taken_at") or ""))
    if day and match and match[1] == day:
        time, offset = match[2], ("+00:00" if match[3] == "Z" else match[3])
        date = f"{day}T{time}{offset or ''}"
    lat, lon = values.get("latitude"), values.get("longitude")
    position = (float(lat), float(lon)) if lat is not None and lon is not None else None
    return Prepared(text=text, creators=creators, keywords=keywords, flat_keywords=flat,
                    people=people, date=date, edtf=edtf, display=display if edtf else None,
                    exact_day=day, time=time, offset=offset,
                    rating=int(values.get("rating") or 0), position=position)


def gps_text(value: float, positive: str, negative: str) -> str:
    """XMP GPSCoordinate "DDD,MM.mmmmmmmmK" for signed decimal degrees."""
    ref = positive if value >= 0 else negative
    value = abs(value)
    degrees = int(value)
    minutes = f"{(value - degrees) * 60:.8f}".rstrip("0").rstrip(".")
    return f"{degrees},{minutes}{ref}"


# -- the XMP toolkit's namespace prefixes ---------------------------------------------------
def _prime_toolkit() -> None:
    with contextlib.suppress(Exception):
        exiv2.XmpParser.initialize()
        exiv2.XmpProperties.registerNs(NS_URI, NS_PREFIX)
        image = exiv2.ImageFactory.open(_PRIMER)
        image.readMetadata()


_prime_toolkit()


@functools.lru_cache(maxsize=1)
def _ext_prefix() -> str:
    """The prefix the toolkit writes for IPTC Extension (normally "Iptc4xmpExt")."""
    data = exiv2.XmpData()
    data["Xmp.iptcExt.Event"] = exiv2.XmpTextValue("x")
    packet = encode_packet(data).decode("utf-8")
    match = re.search(r'xmlns:([\w.-]+)="' + re.escape(IPTC_EXT) + '"', packet)
    return match[1] if match else "iptcExt"


@contextlib.contextmanager
def exiv2_log(messages: list[str] | None = None) -> Iterator[None]:
    """Collect what exiv2 logs meanwhile; the first few messages go to `messages`."""
    with capture() as log:
        try:
            yield
        finally:
            if messages is not None:
                messages.extend(f"exiv2: {m.strip()}" for m in dict.fromkeys(log[:3])
                                if m.strip())


# -- reading and writing packets -----------------------------------------------------------
def parse_packet(packet: bytes) -> exiv2.XmpData:
    """The properties of an XMP packet (a sidecar's bytes). Raises exiv2.Exiv2Error.
    exiv2 also converts the packet to Exif (complaining about dates like "1956"): its
    log is dropped, only the XMP is kept."""
    image = exiv2.ImageFactory.open(packet)
    with exiv2_log():
        image.readMetadata()
    data = exiv2.XmpData()
    for datum in image.xmpData():
        data.add(datum)
    return data


def encode_packet(data: exiv2.XmpData) -> bytes:
    """Serialise properties as a sidecar: UTF-8, xpacket wrapper, compact RDF."""
    result = exiv2.XmpParser.encode(data, _FLAGS.omitPacketWrapper | _FLAGS.useCompactFormat)
    code, text = result if isinstance(result, (list, tuple)) else (1, "")
    if code != 0:
        raise MediaError(f"exiv2 could not encode the XMP packet (code {code})")
    head = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    return (head + text + '<?xpacket end="w"?>\n').encode("utf-8")


def snapshot(data: exiv2.XmpData) -> list[tuple[str, str, str]]:
    """Every property as (key, type, text), sorted: two equal snapshots hold the same XMP."""
    return sorted((d.key(), d.typeName(), d.toString()) for d in data)


# -- merging our fields ------------------------------------------------------------------------
def _keys(data: exiv2.XmpData) -> list[str]:
    return [d.key() for d in data]


def _erase(data: exiv2.XmpData, key: str) -> None:
    """Remove a property with its array items and struct members."""
    for doomed in [k for k in _keys(data) if k == key or k.startswith((key + "[", key + "/"))]:
        found = data.findKey(exiv2.XmpKey(doomed))
        if found != data.end():
            data.erase(found)


def _set_text(data: exiv2.XmpData, key: str, text: str | None) -> None:
    found = data.findKey(exiv2.XmpKey(key))
    if (text and found != data.end() and type(found.value()) is exiv2.XmpTextValue
            and not _has_children(data, key) and found.toString() == text):
        return  # already so: the property and its qualifiers stay as they are
    _erase(data, key)
    if text:
        data[key] = exiv2.XmpTextValue(text)


def _has_children(data: exiv2.XmpData, key: str) -> bool:
    return any(k.startswith((key + "[", key + "/")) for k in _keys(data))


def _set_array(data: exiv2.XmpData, key: str, items: list[str], kind: exiv2.TypeId) -> None:
    found = data.findKey(exiv2.XmpKey(key))
    if items and found != data.end() and isinstance(found.value(), exiv2.XmpArrayValue):
        value = found.value()
        current = [value.toString(i) for i in range(value.count())]
        if found.typeId() == kind and current == items:
            return
    _erase(data, key)
    if items:
        value = exiv2.XmpArrayValue(kind)
        for item in items:
            value.read(item)
        data[key] = value


def _set_lang_alt(data: exiv2.XmpData, key: str, text: str | None) -> None:
    old: dict[str, str] = {}
    found = data.findKey(exiv2.XmpKey(key))
    if found != data.end() and isinstance(found.value(), exiv2.LangAltValue):
        old = dict(found.value())
    if text and old.get("x-default") == text:
        return
    _erase(data, key)
    if not text:
        return
    previous = old.get("x-default")
    kept = {lang: t for lang, t in old.items() if lang != "x-default" and t != previous}
    data[key] = exiv2.LangAltValue({"x-default": text, **kept})


def _container(data: exiv2.XmpData, key: str, array: bool) -> None:
    value = exiv2.XmpTextValue("")
    if array:
        value.setXmpArrayType(exiv2.XmpValue.XmpArrayType.xaBag)
    else:
        value.setXmpStruct()
    data.add(exiv2.XmpKey(key), value)


def _set_location_shown(data: exiv2.XmpData, text: Mapping[str, str | None],
                        names: Collection[str]) -> None:
    """Our location is the first LocationShown entry; its other members and the other
    entries stay. Only the members of `names` (catalog fields) are written."""
    first = f"{LOCATION_SHOWN}[1]"
    keys = _keys(data)
    wanted = {member: text.get(name) for name, member in _SHOWN_MEMBERS.items()
              if name in names}
    if not wanted:
        return
    if LOCATION_SHOWN not in keys:
        if not any(wanted.values()):
            return
        _container(data, LOCATION_SHOWN, array=True)
    if first not in keys:
        _container(data, first, array=False)
    prefix = _ext_prefix()
    for member, value in wanted.items():
        members = [key for key in keys if _is_member(key, first, member)]
        if value and [data.findKey(exiv2.XmpKey(k)).toString() for k in members] == [value]:
            continue
        for key in members:
            _erase(data, key)
        if value:
            data[f"{first}/{prefix}:{member}"] = exiv2.XmpTextValue(value)
    remaining = [k for k in _keys(data) if k.startswith(LOCATION_SHOWN + "[")]
    if remaining == [first]:
        _erase(data, LOCATION_SHOWN)


def _is_member(key: str, first: str, member: str) -> bool:
    rest = key[len(first) + 1:] if key.startswith(first + "/") else ""
    return bool(rest) and "/" not in rest and "[" not in rest and rest.split(":")[-1] == member


def apply_fields(data: exiv2.XmpData, p: Prepared, *, sidecar: bool = False,
                 fields: Collection[str] | None = None) -> None:
    """Write our fields into `data`, replacing only the properties we manage: those of
    `fields` (names of write.expected_form; None: every field). In a sidecar the rating is
    written even when 0, so that it overrides the file's own."""
    def wanted(name: str) -> bool:
        return fields is None or name in fields

    for name, key in TEXT_KEYS.items():
        if wanted(name):
            _set_text(data, key, p.text.get(name))
    for name, key in LANG_ALT_KEYS.items():
        if wanted(name):
            _set_lang_alt(data, key, p.text.get(name))
    _set_location_shown(data, p.text, [n for n in _SHOWN_MEMBERS if wanted(n)])
    if wanted("creator"):
        _set_array(data, "Xmp.dc.creator", p.creators, exiv2.TypeId.xmpSeq)
    if wanted("keywords"):
        _set_array(data, "Xmp.dc.subject", p.flat_keywords, exiv2.TypeId.xmpBag)
        _set_array(data, "Xmp.lr.hierarchicalSubject", p.keywords if p.hierarchical else [],
                   exiv2.TypeId.xmpBag)
    if wanted("people"):
        _set_array(data, "Xmp.iptcExt.PersonInImage", p.people, exiv2.TypeId.xmpBag)
    if wanted("date"):
        _set_text(data, "Xmp.photoshop.DateCreated", p.date)
        found = data.findKey(exiv2.XmpKey("Xmp.exif.DateTimeOriginal"))
        if found != data.end() and not (p.exact_day
                                         and found.toString().startswith(p.exact_day)):
            _erase(data, "Xmp.exif.DateTimeOriginal")  # it would contradict the date we write
    if wanted("date") or wanted("date_display"):  # the display text is read only with it
        _set_text(data, DATE_EDTF, p.edtf)
        _set_text(data, DATE_DISPLAY, p.display)
    if wanted("rating"):
        _set_text(data, "Xmp.xmp.Rating", str(p.rating) if p.rating or sidecar else None)
    if wanted("position"):
        lat = gps_text(p.position[0], "N", "S") if p.position else None
        lon = gps_text(p.position[1], "E", "W") if p.position else None
        _set_text(data, "Xmp.exif.GPSLatitude", lat)
        _set_text(data, "Xmp.exif.GPSLongitude", lon)
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    _set_text(data, "Xmp.xmp.MetadataDate", stamp)
