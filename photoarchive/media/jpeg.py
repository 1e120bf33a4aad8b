"""The marker segments of a JPEG, up to its first scan: one walk for every reader.

A JPEG is SOI (FF D8), then marker segments - FF, a marker byte, a two-byte big-endian length
that counts itself, the body - up to SOS (FF DA), where the compressed image data starts.
Fill bytes (FF) may stand before a marker. Everything that needs the segments (the restoring
of untouched blocks, the IPTC digest, the scan a write must not change, the metadata of our
own derivatives) asks `layout`, which reads only the four bytes heading each segment: a large
file opened for reading is not read whole.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Literal

__all__ = ["APP1", "APP13", "FILL", "SOI", "Layout", "Segment", "layout"]

SOI = b"\xff\xd8"
FILL = 0xFF
APP1 = 0xE1
APP13 = 0xED
_SOS = 0xDA
_EOI = 0xD9

#: How a walk ended: at the first scan; at an EOI before any scan; at the end of the data (fewer
#: than the four bytes of a segment's head left); at a byte that is no marker or a length
#: under 2 ("damaged"); or at a segment that runs past the end of the data ("truncated").
Ending = Literal["scan", "eoi", "end", "damaged", "truncated"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One marker segment, or one fill byte (marker FILL), by its offsets in the file."""

    marker: int
    start: int  # offset of its FF
    end: int  # offset just past it; past the end of the data for a truncated last segment

    @property
    def fill(self) -> bool:
        return self.marker == FILL

    @property
    def body_start(self) -> int:
        """Where the body starts (after marker and length)."""
        return self.start + 4


@dataclass(frozen=True, slots=True)
class Layout:
    """The segments before the first scan, and where and how the walk stopped."""

    segments: tuple[Segment, ...]
    stop: int  # the SOS or EOI marker, the damaged byte, the truncated segment, or the end
    ending: Ending

    @property
    def scan(self) -> int | None:
        """The offset of the first SOS marker, if the walk reached one."""
        return self.stop if self.ending == "scan" else None


def _reader(source: bytes | BinaryIO) -> tuple[Callable[[int, int], bytes], int]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source) if isinstance(source, memoryview) else source
        return (lambda at, n: data[at:at + n]), len(data)
    size = source.seek(0, io.SEEK_END)

    def read(at: int, n: int) -> bytes:
        source.seek(at)
        return source.read(n)

    return read, size


def layout(source: bytes | BinaryIO) -> Layout | None:
    """The segments of a JPEG (bytes, or a seekable binary file) from after SOI up to the
    first scan; None when it does not start with SOI."""
    read, size = _reader(source)
    if read(0, 2) != SOI:
        return None
    found: list[Segment] = []
    pos = 2
    ending: Ending = "end"
    while pos + 4 <= size:
        head = read(pos, 4)
        marker = head[1]
        if head[0] != 0xFF:
            ending = "damaged"
            break
        if marker == FILL:
            found.append(Segment(FILL, pos, pos + 1))
            pos += 1
            continue
        if marker in (_SOS, _EOI):
            ending = "scan" if marker == _SOS else "eoi"
            break
        length = int.from_bytes(head[2:4], "big")
        if length < 2:
            ending = "damaged"
            break
        segment = Segment(marker, pos, pos + 2 + length)
        found.append(segment)
        if segment.end > size:
            ending = "truncated"
            break
        pos = segment.end
    return Layout(tuple(found), pos, ending)
