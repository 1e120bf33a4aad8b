"""Web derivatives of one photo: a large image and a thumbnail, with metadata embedded.

Plain functions over paths, safe in worker processes: `make_derivatives` decodes the
source once (at a reduced DCT scale for JPEGs, orientation applied, sRGB), resizes to both
sizes and writes two progressive JPEGs atomically. Each derivative carries the caption,
title, photographer, credit and rights as Exif (ImageDescription, Artist, Copyright; UTF-8
as the Metadata Working Group recommends) and as an XMP packet, so a visitor who saves the
image keeps its attribution. `retag` swaps those metadata segments in an existing
derivative without touching its compressed pixels: a caption fix never re-encodes an image.
"""

from __future__ import annotations

import io
import os
import secrets
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms

from photoarchive.errors import MediaError
from photoarchive.media import jpeg
from photoarchive.media.decode import load_oriented

__all__ = [
    "DerivativeJob",
    "DerivativeResult",
    "EmbeddedText",
    "make_derivatives",
    "metadata_segments",
    "retag",
    "scan_data",
]

#: Bumped when the pixels we produce change, so older exports are redone.
#: 2: thumbnails resized with a 2× reducing gap.
PIXEL_VERSION = 2

_ROTATIONS: dict[int, Image.Transpose | None] = {
    0: None, 90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
_XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
_EXIF_ID = b"Exif\x00\x00"
_MAX_SEGMENT = 65533          # payload bytes one JPEG marker segment can hold
_MAX_TEXT = 8000              # characters of one embedded value (captions are far shorter)


@dataclass(frozen=True)
class EmbeddedText:
    """The descriptive values written into a derivative (None: left out)."""

    title: str | None = None
    caption: str | None = None
    alt_text: str | None = None
    creator: str | None = None
    credit: str | None = None
    rights: str | None = None
    rights_url: str | None = None
    identifier: str | None = None


@dataclass(frozen=True)
class DerivativeJob:
    """One photo's derivatives to make: picklable, so it crosses into a worker process."""

    source: str
    large: str
    thumb: str
    large_size: int
    thumb_size: int
    rotation: int = 0
    quality: int = 85
    text: EmbeddedText = EmbeddedText()


@dataclass(frozen=True)
class DerivativeResult:
    """Pixel sizes of what was written, or the reason it could not be."""

    source: str
    large: tuple[int, int] = (0, 0)
    thumb: tuple[int, int] = (0, 0)
    error: str | None = None


def escape(text: str) -> str:
    """XML character data: `&`, `<` and `>` escaped (what xml.sax.saxutils.escape does,
    without importing it: it pulls in urllib and ssl, 20 ms of every worker's start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=1)
def _srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(img: Image.Image, quality: int, text: EmbeddedText) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True,
             icc_profile=_srgb_icc())
    return with_metadata(buffer.getvalue(), text)


def new_file_mode() -> int:
    """The mode a file created now gets: 0o666 less the process's umask.

    Read from /proc where there is one; elsewhere by setting the umask and putting it back
    at once (the only portable way to read it).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _create_temporary(folder: Path, suffix: str) -> tuple[int, Path]:
    # Not tempfile.mkstemp: it creates files 0600 whatever the umask, so a gallery (the
    # files we publish) would be unreadable to the web server that serves it. Opened with
    # 0666, the kernel applies the umask as for any file a program creates.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        tmp = folder / f".tmp-{secrets.token_hex(6)}{suffix}"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {folder}")


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to `path` through a temporary file and os.replace; the file's mode
    follows the umask (0644 under the usual 022), like any file a program writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path.parent, path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def make_derivatives(job: DerivativeJob) -> DerivativeResult:
    """Decode `job.source` once and write the large image and the thumbnail.

    Never raises for a bad source: the result's `error` says what went wrong, so one
    damaged file does not stop a whole export.
    """
    turn = job.rotation % 360
    try:
        if turn not in _ROTATIONS:
            raise MediaError(f"rotation must be a multiple of 90 degrees, not {job.rotation}")
        img = load_oriented(job.source, max_size=job.large_size)
        op = _ROTATIONS[turn]
        if op is not None:
            img = img.transpose(op)
        # From the large image: box-reduced 2× first where it is over twice the size
        # (`reducing_gap=2.0`), then LANCZOS — a third of the time of LANCZOS over the
        # whole 2048 px image, and within half a level of it (mean, out of 255).
        thumb = img.resize(_fit(img.size, job.thumb_size), Image.Resampling.LANCZOS,
                           reducing_gap=2.0) if max(img.size) > job.thumb_size else img
        write_atomic(Path(job.large), _encode(img, job.quality, job.text))
        write_atomic(Path(job.thumb), _encode(thumb, job.quality, job.text))
        return DerivativeResult(job.source, img.size, thumb.size)
    except MediaError as exc:
        return DerivativeResult(job.source, error=str(exc))
    except (OSError, ValueError) as exc:
        return DerivativeResult(job.source, error=f"{Path(job.source).name}: {exc}")


def retag(path: Path | str, text: EmbeddedText) -> None:
    """Replace the embedded metadata of a derivative we wrote; pixels stay byte for byte."""
    path = Path(path)
    write_atomic(path, with_metadata(path.read_bytes(), text))


# -- metadata segments -------------------------------------------------------------------------
def _clip(value: str | None) -> str | None:
    return value[:_MAX_TEXT] if value else None


def _exif(text: EmbeddedText) -> bytes | None:
    """A minimal big-endian TIFF IFD0 with ImageDescription, Artist and Copyright."""
    tags = [(0x010E, text.caption), (0x013B, text.creator), (0x8298, text.rights)]
    entries = [(tag, _clip(value).encode("utf-8") + b"\x00")  # type: ignore[union-attr]
               for tag, value in tags if value]
    if not entries:
        return None
    offset = 8 + 2 + 12 * len(entries) + 4
    ifd, data = [struct.pack(">H", len(entries))], []
    for tag, raw in entries:
        if len(raw) <= 4:
            ifd.append(struct.pack(">HHI4s", tag, 2, len(raw), raw.ljust(4, b"\x00")))
        else:
            ifd.append(struct.pack(">HHII", tag, 2, len(raw), offset))
            data.append(raw)
            offset += len(raw)
    return _EXIF_ID + b"MM\x00\x2a" + struct.pack(">I", 8) + b"".join(ifd) + b"\x00" * 4 \
        + b"".join(data)


def _alt(tag: str, value: str | None) -> str:
    if not value:
        return ""
    return (f"<{tag}><rdf:Alt><rdf:li xml:lang=\"x-default\">{escape(_clip(value) or '')}"
            f"</rdf:li></rdf:Alt></{tag}>")


def _simple(tag: str, value: str | None) -> str:
    return f"<{tag}>{escape(_clip(value) or '')}</{tag}>" if value else ""


def _xmp(text: EmbeddedText) -> bytes | None:
    body = "".join([
        _alt("dc:title", text.title), _alt("dc:description", text.caption),
        _alt("Iptc4xmpCore:AltTextAccessibility", text.alt_text),
        (f"<dc:creator><rdf:Seq><rdf:li>{escape(_clip(text.creator) or '')}</rdf:li>"
         "</rdf:Seq></dc:creator>") if text.creator else "",
        _alt("dc:rights", text.rights), _simple("photoshop:Credit", text.credit),
        _simple("xmpRights:WebStatement", text.rights_url),
        _simple("dc:identifier", text.identifier),
    ])
    if not body:
        return None
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" '
        'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">'
        f"{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>')
    return _XMP_ID + packet.encode("utf-8")


def metadata_segments(text: EmbeddedText) -> list[bytes]:
    """The APP1 payloads (Exif, then XMP) for `text`; an over-long one is left out."""
    return [p for p in (_exif(text), _xmp(text)) if p and len(p) <= _MAX_SEGMENT]


def _segments(data: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """Marker segments before the first scan, and the offset where the scan starts."""
    walk = jpeg.layout(data)
    if walk is None:
        raise MediaError("not a JPEG file")
    if walk.ending == "damaged":
        raise MediaError("damaged JPEG marker")
    if walk.scan is None:
        raise MediaError("JPEG file without image data")
    return [(s.marker, data[s.body_start:s.end]) for s in walk.segments if not s.fill], walk.scan


def with_metadata(data: bytes, text: EmbeddedText) -> bytes:
    """JPEG bytes with their Exif and XMP segments replaced by those for `text`."""
    segments, scan = _segments(data)
    kept = [(m, p) for m, p in segments
            if not (m == 0xE1 and p.startswith((_EXIF_ID, _XMP_ID)))]
    new = [(0xE1, p) for p in metadata_segments(text)]
    at = 1 if kept and kept[0][0] == 0xE0 else 0  # after the JFIF header, if any
    ordered = kept[:at] + new + kept[at:]
    head = b"".join(b"\xff" + bytes([m]) + struct.pack(">H", len(p) + 2) + p
                    for m, p in ordered)
    return b"\xff\xd8" + head + data[scan:]


def scan_data(path: Path | str) -> bytes:
    """The compressed image data of a JPEG (from the first scan on): equal means same pixels."""
    data = Path(path).read_bytes()
    return data[_segments(data)[1]:]
