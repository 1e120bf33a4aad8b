"""How the command line shows things to a person: tables, one photo, a progress bar."""

from __future__ import annotations

import json
import shutil
import time
from typing import TextIO

from photoarchive.services.fields import FIELDS
from photoarchive.services.history import Change
from photoarchive.services.photos import PhotoRecord
from photoarchive.services.sync_log import SYNC_FIELD

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
                               "\ufffd")


def _cut(text: str, width: int) -> str:
    # One line per photo: no line breaks, and no right-to-left overrides reordering the row.
    text = " ".join(text.translate(_BIDI_CONTROLS).split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def format_table(records: list[PhotoRecord], numbered: bool = False) -> str:
    """One line per photo: id, date as shown, title (or file name)."""
    width = shutil.get_terminal_size((100, 20)).columns
    lines = []
    for index, r in enumerate(records, 1):
        name = r.text.get("title") or r.path.rsplit("/", 1)[-1]
        prefix = f"{index:>3}. " if numbered else ""
        head = f"{prefix}{r.id:>6}  {(r.date_display or '–'):<18}  "
        lines.append(head + _cut(name, max(20, width - len(head))))
    return "\n".join(lines)


def format_photo(r: PhotoRecord) -> str:
    """Every field of one photo with its label, then the file's data."""
    data = r.to_dict()
    lines = [f"Photo {r.id}: {r.path}" + ("  (FILE MISSING)" if r.missing else "")]
    size = f"{r.width}×{r.height}" if r.width else "size unknown"
    lines.append(f"  {r.format or '?'}, {size}, imported {r.imported_at}")
    if r.camera_make or r.camera_model or r.taken_at:
        camera = " ".join(x for x in (r.camera_make, r.camera_model) if x)
        lines.append(f"  camera: {camera or '–'}; taken: {r.taken_at or '–'}")
    for f in FIELDS:
        value = data.get(f.name)
        if value in (None, "", [], 0) and f.name != "caption":
            continue
        if isinstance(value, list):
            value = "; ".join(value)
        if f.name == "date" and r.date_display:
            value = f"{value}  ({r.date_display})"
        lines.append(f"  {f.label + ':':<22} {value if value not in (None, '') else '–'}")
    if r.collections:
        lines.append(f"  {'Collections:':<22} {'; '.join(r.collections)}")
    return "\n".join(lines)


class TerminalProgress:
    """A one-line progress bar on a terminal (stderr), redrawn at most ten times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.what = ""
        self._last = 0.0

    def start(self, total: int, what: str) -> None:
        self.what = what
        self.advance(0, total)

    def advance(self, done: int, total: int, current: str = "") -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        width = 30
        filled = int(width * done / total) if total else width
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(f"\r{self.what} {bar} {done}/{total}")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\r" + " " * 60 + "\r")
        self.stream.flush()


def nothing_matches(query: str) -> str:
    """What to say when a query finds nothing; for a query of bare numbers (a user who meant
    photo ids), how to ask for ids."""
    if not query:
        return "The catalog is empty."
    words = query.split()
    if all(w.replace(",", "").isdecimal() and w.isascii() for w in words):
        ids = ",".join(w.strip(",") for w in words)
        return f"No photos match. (Words are searched as text; for photos by number: id:{ids})"
    return "No photos match."


#: Longest value `format_history` shows whole; names of a list shown before "… N more".
HISTORY_TEXT, HISTORY_NAMES = 60, 5


def _history_value(value: str | None) -> str:
    """A logged value for one line: lists (logged as JSON) as names, long text cut."""
    if value is None or value == "":
        return "(empty)"
    if value.startswith("["):
        try:
            names = json.loads(value)
        except ValueError:
            names = None
        if isinstance(names, list):
            if not names:
                return "(none)"
            more = len(names) - HISTORY_NAMES
            shown = "; ".join(map(str, names[:HISTORY_NAMES]))
            return _cut(shown, HISTORY_TEXT) + (f" … {more} more" if more > 0 else "")
    return repr(_cut(value, HISTORY_TEXT))


def format_history(photo_id: int, changes: list[Change]) -> str:
    """One line per change, newest first: local time, user, origin in words, field, old →
    new (a note about the files: what happened to them)."""
    if not changes:
        return f"Photo {photo_id}: no changes logged."
    lines = [f"Photo {photo_id}: {len(changes)} change(s), newest first"]
    for c in changes:
        head = (f"  {c.at.astimezone():%Y-%m-%d %H:%M:%S}  {c.user or '?'}  "
                f"{c.origin_text}  {c.field}: ")
        if c.field == SYNC_FIELD and c.old is None:
            lines.append(head + _cut(c.new or "", HISTORY_TEXT))
        else:
            lines.append(head + f"{_history_value(c.old)} → {_history_value(c.new)}")
    return "\n".join(lines)
