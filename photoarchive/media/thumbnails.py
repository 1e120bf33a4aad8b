"""Thumbnails: small sRGB JPEGs, cached on disk by content hash.

`make_thumbnail` is a pure function over a path (safe in worker threads and processes);
`write_thumbnail` writes atomically so readers never see a half-written file;
`decode_thumbnail` reads one back for display, decoding no more detail than is shown.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from photoarchive.errors import MediaError
from photoarchive.media.decode import DEFAULT_MAX_PIXELS, load_oriented

__all__ = [
    "SMALL_SIZE",
    "THUMBNAIL_QUALITY",
    "THUMBNAIL_SIZE",
    "ThumbnailPixels",
    "decode_thumbnail",
    "encode_thumbnail",
    "make_thumbnail",
    "small_thumbnail_file",
    "thumbnail_file",
    "write_small_thumbnail",
    "write_thumbnail",
]

THUMBNAIL_SIZE = 400
"""Long edge of a thumbnail, in pixels."""

THUMBNAIL_QUALITY = 85

SMALL_SIZE = 180
"""Long edge of the second, grid-sized copy of each thumbnail: the grid's default tile
(`settings.thumbnail_size`), shown from it as decoded, with no scaling step; a smaller
tile decodes it too (≈0.25 ms), a larger one the full thumbnail (≈0.45 ms)."""

# Extra clockwise rotation (degrees) -> Pillow transposition.
_ROTATIONS: dict[int, Image.Transpose | None] = {
    0: None,
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}

_HASH = re.compile(r"[0-9a-f]{3,128}")


def make_thumbnail(
    path: Path | str,
    size: int = THUMBNAIL_SIZE,
    rotation: int = 0,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> bytes:
    """JPEG bytes of the image fitted in `size` x `size`, oriented, sRGB, no metadata.

    `rotation` is an extra clockwise turn (0, 90, 180 or 270 degrees, or any multiple)
    applied after the Exif orientation, e.g. a rotation the archivist chose.
    Raises MediaError when the file cannot be decoded.
    """
    _check_rotation(rotation)
    img = load_oriented(path, max_size=size, max_pixels=max_pixels, resampling="thumbnail")
    return encode_thumbnail(img, Path(path).name, rotation)


def _check_rotation(rotation: int) -> int:
    turn = rotation % 360
    if turn not in _ROTATIONS:
        raise ValueError(f"rotation must be a multiple of 90 degrees, not {rotation}")
    return turn


def encode_thumbnail(img: Image.Image, name: str = "image", rotation: int = 0) -> bytes:
    """The thumbnail JPEG of an image already decoded and fitted (by `load_oriented` or
    `probe_and_load` with `resampling="thumbnail"`); `name` is for the error message."""
    op = _ROTATIONS[_check_rotation(rotation)]
    if op is not None:
        img = img.transpose(op)
    buffer = io.BytesIO()
    try:
        img.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, progressive=False,
                 optimize=False)
    except (OSError, ValueError) as exc:
        raise MediaError(f"{name}: cannot encode the thumbnail ({exc})") from exc
    return buffer.getvalue()


def thumbnail_file(cache_dir: Path, content_hash: str) -> Path:
    """Where the thumbnail of a file with this content hash lives: cache_dir/ab/abcd….jpg."""
    digest = content_hash.lower()
    if not _HASH.fullmatch(digest):
        raise ValueError(f"not a hexadecimal content hash: {content_hash!r}")
    return Path(cache_dir) / digest[:2] / f"{digest}.jpg"


def small_thumbnail_file(cache_dir: Path, content_hash: str) -> Path:
    """Where the grid-sized copy of a thumbnail lives, beside it: …/abcd….s.jpg."""
    big = thumbnail_file(cache_dir, content_hash)
    return big.with_name(big.stem + ".s.jpg")


def write_thumbnail(cache_dir: Path, content_hash: str, data: bytes,
                    image: Image.Image | None = None) -> Path:
    """Store thumbnail bytes atomically (temporary file, then os.replace), and its
    grid-sized copy (`write_small_thumbnail`, from `image` — the pixels `data` was encoded
    from — when given, which saves decoding it again); return the thumbnail's path."""
    target = thumbnail_file(cache_dir, content_hash)
    _write_atomic(target, data)
    with contextlib.suppress(MediaError):  # the grid decodes the thumbnail itself then
        write_small_thumbnail(cache_dir, content_hash, image if image is not None else target)
    return target


def write_small_thumbnail(cache_dir: Path, content_hash: str,
                          source: Path | Image.Image) -> Path:
    """Make and store the grid-sized copy (`SMALL_SIZE`) of a thumbnail (its file, or the
    pixels it was made from). Raises MediaError when the thumbnail cannot be read."""
    if isinstance(source, Image.Image):
        small = source.convert("RGB") if source.mode != "RGB" else source
    else:
        try:
            with Image.open(source) as img:
                img.draft("RGB", (SMALL_SIZE, SMALL_SIZE))
                small = img.convert("RGB") if img.mode != "RGB" else img.copy()
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise MediaError(f"The cached thumbnail of {content_hash[:12]} cannot be read "
                             f"({exc}).") from exc
    factor = max(small.size) // SMALL_SIZE
    if factor >= 2:  # a box filter halving (or more) first: as good, and far quicker
        small = small.reduce(factor)
    if max(small.size) > SMALL_SIZE:
        small = small.copy() if small is source else small
        small.thumbnail((SMALL_SIZE, SMALL_SIZE), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
    target = small_thumbnail_file(cache_dir, content_hash)
    _write_atomic(target, buffer.getvalue())
    return target


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


@dataclass(frozen=True)
class ThumbnailPixels:
    """A thumbnail decoded for display: `data` is RGB, 3 bytes a pixel, rows packed, of
    `width` x `height` pixels, to be shown at `shown` (the caller scales it: a JPEG by
    less than half)."""

    data: bytes
    width: int
    height: int
    shown: tuple[int, int]


def decode_thumbnail(path: Path | str, size: int = 0) -> ThumbnailPixels:
    """Decode a cached thumbnail to be shown fitted in `size` x `size` (as stored when
    `size` is 0 or not smaller).

    A JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) still at least as large
    as the shown size: libjpeg skips the detail a smaller tile cannot show, and the rest
    (less than halving) is left to the caller. Pillow releases the GIL while decoding, so
    threads decode side by side. Raises MediaError.
    """
    try:
        with Image.open(path) as img:
            width, height = img.size
            shown = (width, height)
            if size > 0 and max(width, height) > size:
                scale = min(size / width, size / height)
                shown = (max(1, round(width * scale)), max(1, round(height * scale)))
                if img.format == "JPEG":
                    img.draft("RGB", shown)
            rgb = img.convert("RGB") if img.mode != "RGB" else img
            rgb.load()
            return ThumbnailPixels(rgb.tobytes(), rgb.width, rgb.height, shown)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        name = Path(path).name
        raise MediaError(f"The cached thumbnail {name} cannot be read ({exc}).") from exc
