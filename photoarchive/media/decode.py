"""Safe image decoding: format check, pixel limit, Exif orientation, sRGB, plain RGB.

Every function here is a pure function over a path and is safe to call from worker threads
and worker processes. Every failure (Pillow, OS, codec) becomes a `MediaError` whose text
is a plain reason a user can act on.

Pillow's decompression-bomb guard is process-wide (`Image.MAX_IMAGE_PIXELS`: a warning
above it, an error above twice it). `open_image` enforces its own per-call `max_pixels`
before any pixel is decoded. So that Pillow's guard never rejects an image this module
accepts, `_allow_pixels` only ever *raises* `Image.MAX_IMAGE_PIXELS` (never lowers it,
never sets it to None), under a lock; Pillow's hard error stays as a backstop for other
callers. The `DecompressionBombWarning` that Pillow may emit for images between the two
thresholds is ignored by a warnings filter installed once at import (warnings must not
reach stderr). `ImageFile.LOAD_TRUNCATED_IMAGES` is left at its default (False): a
truncated file must fail.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms, UnidentifiedImageError, features

from photoarchive.errors import MediaError

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "HEIF_AVAILABLE",
    "SUPPORTED_EXTENSIONS",
    "ImageInfo",
    "is_candidate",
    "load_oriented",
    "open_image",
    "probe",
    "probe_and_load",
]

DEFAULT_MAX_PIXELS = 200_000_000
"""Largest image (width x height, in pixels) decoded by default: 200 megapixels."""

HEIF_AVAILABLE: bool = importlib.util.find_spec("pillow_heif") is not None
"""True when the optional `pillow-heif` package is installed (HEIC/HEIF support)."""

_AVIF_AVAILABLE: bool = bool(features.check("avif"))

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp", ".psd"}
    | ({".heic", ".heif"} if HEIF_AVAILABLE else set())
    | ({".avif"} if _AVIF_AVAILABLE else set())
)
"""Lower-case file extensions (with the dot) that the importer treats as images."""

# Pillow format ids we let Image.open try. Other plugins (EPS, FLI, SPIDER, ICO, ...) are
# never reached: less attack surface, and no Ghostscript. PSD: Pillow reads the merged
# composite image, which is what an archive needs of a Photoshop master.
_PILLOW_FORMATS: tuple[str, ...] = (
    "JPEG", "MPO", "PNG", "TIFF", "WEBP", "GIF", "BMP", "DIB", "AVIF", "HEIF", "PSD",
)

HEIF_EXTRA_HINT = "HEIC needs the optional 'heif' extra (pip install photoarchive[heif])"
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
                b"mif1", b"msf1"}

BACKGROUND = (255, 255, 255)
"""Colour that transparent areas are composited over (white)."""

# Exif orientation -> Pillow transposition (same table as ImageOps.exif_transpose).
_ORIENTATION_OPS: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}

_lock = threading.Lock()
_heif_registered = False



def _quiet_pillow() -> None:
    """Keep Pillow's complaints about file data off stderr (process-wide, idempotent).

    Pillow reports damaged Exif/TIFF tags with UserWarning and large images with
    DecompressionBombWarning; the warnings module has no thread-safe per-call capture,
    so these two categories from Pillow modules are ignored, once, at import.
    """
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")


_quiet_pillow()


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What `probe` learns without decoding pixels. Width/height are as displayed."""

    format: str
    width: int
    height: int
    orientation: int
    frames: int


def is_candidate(path: Path | str) -> bool:
    """True when the file name has a supported image extension (case-insensitive)."""
    # Plain string work: the scanner calls this for every file of a tree.
    name = os.path.basename(os.fspath(path))
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:].lower() in SUPPORTED_EXTENSIONS


def _register_heif() -> bool:
    """Register pillow-heif's opener once, if installed. Returns True when available."""
    global _heif_registered
    if _heif_registered or not HEIF_AVAILABLE:
        return _heif_registered
    with _lock:
        if not _heif_registered:
            try:
                from pillow_heif import register_heif_opener

                register_heif_opener()
                _heif_registered = True
            except Exception:  # noqa: BLE001
                return False
    return _heif_registered


def _open_formats() -> list[str]:
    """The allowed Pillow formats that are registered (plugins load on first use)."""
    _register_heif()
    Image.init()
    return [fmt for fmt in _PILLOW_FORMATS if fmt in Image.OPEN]


def _allow_pixels(max_pixels: int) -> None:
    """Raise Pillow's process-wide guard so that it never fires below `max_pixels`."""
    with _lock:
        current = Image.MAX_IMAGE_PIXELS
        if current is not None and current < max_pixels:
            Image.MAX_IMAGE_PIXELS = max_pixels


def _is_heif(path: Path) -> bool:
    """Sniff an ISO-BMFF 'ftyp' box with a HEIF brand (regardless of the extension)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return len(head) == 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _too_large(path: Path, pixels: int, max_pixels: int) -> MediaError:
    return MediaError(
        f"{path.name} has {pixels:,} pixels, more than the limit of {max_pixels:,}"
    )


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot read the file ({exc.strerror or exc})"


def _error(path: Path, exc: BaseException, max_pixels: int) -> MediaError:
    """Translate any exception raised while opening or decoding into a MediaError."""
    if isinstance(exc, MediaError):
        return exc
    if isinstance(exc, Image.DecompressionBombError):
        match = re.search(r"\((\d+) pixels\)", str(exc))
        return _too_large(path, int(match.group(1)) if match else 0, max_pixels)
    if isinstance(exc, MemoryError):
        return MediaError(f"{path.name}: image too large to decode in memory")
    if isinstance(exc, UnidentifiedImageError):
        if _is_heif(path) and not _register_heif():
            return MediaError(f"{path.name}: {HEIF_EXTRA_HINT}")
        return MediaError(f"{path.name}: not an image or an unsupported format")
    if isinstance(exc, OSError) and exc.errno is not None:
        return MediaError(f"{path.name}: {_os_reason(exc)}")
    # Pillow reports bad data as OSError (decoder errors, "image file is truncated"),
    # SyntaxError, ValueError, EOFError, struct.error, IndexError...
    return MediaError(f"{path.name}: truncated or corrupt image data")


def open_image(path: Path | str, max_pixels: int = DEFAULT_MAX_PIXELS,
               data: bytes | None = None) -> Image.Image:
    """Open an image lazily (no pixels decoded) after checking size and format.

    `data`, when given, is the file's bytes already read (`path` then only names it).
    Returns an open Pillow image: use it as a context manager so the file is closed.
    Raises MediaError for an empty file, a non-image, an unsupported format, or an image
    with more than `max_pixels` pixels.
    """
    path = Path(path)
    try:
        if (len(data) if data is not None else os.stat(path).st_size) == 0:
            raise MediaError(f"{path.name}: empty file")
    except OSError as exc:
        raise MediaError(f"{path.name}: {_os_reason(exc)}") from exc
    _allow_pixels(max_pixels)
    try:
        img = Image.open(io.BytesIO(data) if data is not None else path,
                         formats=_open_formats())
    except Exception as exc:  # every failure becomes a MediaError
        raise _error(path, exc, max_pixels) from exc
    width, height = img.size
    if width <= 0 or height <= 0:
        img.close()
        raise MediaError(f"{path.name}: image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        img.close()
        raise _too_large(path, width * height, max_pixels)
    return img


def _orientation(img: Image.Image) -> int:
    """Exif orientation 1..8 of an open image; 1 when absent or unreadable."""
    try:
        value = img.getexif().get(0x0112, 1)
        value = int(value[0] if isinstance(value, tuple) else value)
    except Exception:  # noqa: BLE001 (hostile files: Pillow's Exif parser raises anything)
        return 1
    return value if 1 <= value <= 8 else 1


def _info(img: Image.Image) -> ImageInfo:
    """What `probe` reports, read from an open image (no pixels decoded)."""
    fmt = img.format or "UNKNOWN"
    width, height = img.size
    orientation = _orientation(img)
    try:  # a PSD's "frames" are its layers: the composite is the one image
        frames = 1 if fmt == "PSD" else max(1, int(getattr(img, "n_frames", 1)))
    except Exception:  # noqa: BLE001 (hostile files: a broken frame count is one frame)
        frames = 1
    if orientation >= 5:
        width, height = height, width
    return ImageInfo(fmt, width, height, orientation, frames)


def probe(path: Path | str, max_pixels: int = DEFAULT_MAX_PIXELS) -> ImageInfo:
    """Format, displayed size, Exif orientation and frame count, without decoding pixels."""
    path = Path(path)
    with open_image(path, max_pixels) as img:
        try:
            return _info(img)
        except Exception as exc:
            raise _error(path, exc, max_pixels) from exc


@lru_cache(maxsize=16)
def _srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform:
    """A cached transform from an embedded ICC profile to sRGB for one input mode."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    target = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return ImageCms.buildTransform(source, target, mode, "RGB")


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert an RGB, L or CMYK image to sRGB RGB using its ICC profile, if any."""
    if icc and img.mode in ("RGB", "L", "CMYK"):
        with contextlib.suppress(Exception):  # bad or mismatched profile: plain conversion
            return ImageCms.applyTransform(img, _srgb_transform(icc, img.mode))
    return img if img.mode == "RGB" else img.convert("RGB")


def _flatten(img: Image.Image) -> Image.Image:
    """Bring any Pillow mode to RGB, L or CMYK; alpha is composited over BACKGROUND."""
    mode = img.mode
    if mode == "P":
        mode_to = "RGBA" if "transparency" in img.info else "RGB"
        img, mode = img.convert(mode_to), mode_to
    if mode.endswith(("A", "a")):  # RGBA, LA, PA, RGBa, La
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, BACKGROUND)
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    if mode in ("RGB", "L", "CMYK"):
        return img
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I"):  # 16- or 32-bit grey: scale 0..65535 to 0..255
        return img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return img.convert("RGB")


def _orient(img: Image.Image, orientation: int) -> Image.Image:
    for op in _ORIENTATION_OPS.get(orientation, ()):
        img = img.transpose(op)
    return img


def _fit(size: tuple[int, int], max_size: int) -> tuple[int, int]:
    """Size scaled down (never up) so that the long edge is at most max_size."""
    width, height = size
    scale = min(1.0, max_size / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


#: How images are reduced: "fine" (LANCZOS, for web derivatives seen large) or "thumbnail"
#: (BICUBIC after a 2× box reduction, as `Image.thumbnail` does: half the cost, and at
#: 400 px indistinguishable; what the issue's "Means" prescribe).
_RESAMPLING: dict[str, tuple[Image.Resampling, float]] = {
    "fine": (Image.Resampling.LANCZOS, 3.0),
    "thumbnail": (Image.Resampling.BICUBIC, 2.0),
}


def _decode(img: Image.Image, max_size: int | None, resampling: str) -> Image.Image:
    """Decode an open image's first frame: sRGB RGB, oriented, fitted in `max_size`."""
    orientation = _orientation(img)
    icc = img.info.get("icc_profile") or None
    if max_size is not None and img.format in ("JPEG", "MPO"):
        img.draft(None, _fit(img.size, max_size))
    img.load()
    frame: Image.Image = img
    if max_size is not None and max(frame.size) > max_size:
        resample, gap = _RESAMPLING[resampling]
        frame = _flatten(frame)  # resize in a plain mode (never palette)
        frame = frame.resize(_fit(frame.size, max_size), resample, reducing_gap=gap)
    rgb = _to_srgb(_flatten(frame), icc)
    rgb = _orient(rgb, orientation)
    if rgb is img:
        rgb = img.copy()
    rgb.info = {}
    return rgb


def _check_size(max_size: int | None, resampling: str) -> None:
    if max_size is not None and max_size < 1:
        raise ValueError(f"max_size must be positive, not {max_size}")
    if resampling not in _RESAMPLING:
        raise ValueError(f"resampling must be one of {sorted(_RESAMPLING)}, not {resampling!r}")


def load_oriented(
    path: Path | str, max_size: int | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
    *, resampling: str = "fine",
) -> Image.Image:
    """Decode the first frame fully, as an sRGB RGB image with Exif orientation applied.

    With `max_size`, the long edge is reduced to at most that many pixels, and JPEGs are
    decoded at a reduced DCT scale (a 6000x4000 JPEG is never decoded in full);
    `resampling` is "fine" (LANCZOS) or "thumbnail" (BICUBIC with a 2× reducing gap).
    Raises MediaError for anything that cannot be decoded (truncated files included).
    """
    _check_size(max_size, resampling)
    path = Path(path)
    with open_image(path, max_pixels) as img:
        try:
            return _decode(img, max_size, resampling)
        except Exception as exc:  # every failure becomes a MediaError (truncation too)
            raise _error(path, exc, max_pixels) from exc


def probe_and_load(
    path: Path | str, max_size: int | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
    *, resampling: str = "thumbnail", data: bytes | None = None,
) -> tuple[ImageInfo, Image.Image]:
    """`probe` and `load_oriented` with one open of the file (one parse of its headers);
    from `data`, the file's bytes, when the caller has read them already."""
    _check_size(max_size, resampling)
    path = Path(path)
    with open_image(path, max_pixels, data) as img:
        try:
            info = _info(img)
            if info.frames > 1 and img.tell() != 0:
                img.seek(0)  # counting frames must leave the reader on the first frame
            return info, _decode(img, max_size, resampling)
        except Exception as exc:  # every failure becomes a MediaError (truncation too)
            raise _error(path, exc, max_pixels) from exc
