"""The descriptive field set of METADATA.md, declared once for the CLI, CSV and the editor.

Each field has its catalog/CLI name, a UI label and a kind that says how values are
parsed and normalised. Text is normalised to NFC with Unix newlines; single-line fields
lose their line breaks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from photoarchive.errors import UsageError

Kind = Literal["line", "text", "date", "list", "float", "rating", "code"]


@dataclass(frozen=True)
class Field:
    """One descriptive field: `name` as in the CLI and CSV, `label` as in the window."""

    name: str
    label: str
    kind: Kind
    help: str = ""


FIELDS: tuple[Field, ...] = (
    Field("title", "Title", "line"),
    Field("headline", "Headline", "line"),
    Field("caption", "Caption", "text"),
    Field("alt_text", "Alt text", "text", "A short description for people who cannot see it"),
    Field("creator", "Photographer", "line"),
    Field("date", "Date", "date", "1956, 1956-10, 1956-10-23, c. 1956, 1950s, 1956/1958"),
    Field("date_display", "Date as shown", "line"),
    Field("sublocation", "Sublocation / street", "line"),
    Field("city", "City", "line"),
    Field("state", "Province / state", "line"),
    Field("country", "Country", "line"),
    Field("country_code", "Country code", "code"),
    Field("latitude", "Latitude", "float"),
    Field("longitude", "Longitude", "float"),
    Field("keywords", "Keywords", "list", "Hierarchy with |, e.g. Places|Hungary|Budapest"),
    Field("people", "People shown", "list"),
    Field("event", "Event", "line"),
    Field("source", "Source", "line", "The holding institution"),
    Field("credit", "Credit line", "line"),
    Field("rights", "Copyright notice", "text"),
    Field("rights_url", "Rights statement URL", "line"),
    Field("identifier", "Identifier", "line", "Accession or call number"),
    Field("caption_writer", "Caption writer", "line"),
    Field("notes", "Notes (internal)", "text"),
    Field("rating", "Rating", "rating", "0 to 5, or -1 for rejected"),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
LIST_FIELDS = ("keywords", "people")
#: Plain text-like columns on the photo row (everything but lists, date and numbers).
COLUMN_TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind in ("line", "text", "code"))

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def field(name: str) -> Field:
    """The field called `name`, or a UsageError listing the known names."""
    try:
        return FIELDS_BY_NAME[name]
    except KeyError:
        raise UsageError(
            f"Unknown field '{name}'. Known fields: {', '.join(FIELD_NAMES)}.") from None


def normalise_text(value: str, multiline: bool) -> str:
    """NFC, Unix newlines, no control characters; single-line fields lose line breaks."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split("\n"))
    return text.strip()


def normalise_list(values: list[str] | str) -> list[str]:
    """A clean, de-duplicated list; a string is split on ';' (and ',' when no ';')."""
    if isinstance(values, str):
        sep = ";" if ";" in values else ","
        values = values.split(sep)
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        clean = normalise_text(value, multiline=False)
        clean = "|".join(part.strip() for part in clean.split("|") if part.strip())
        if clean and clean.casefold() not in seen:
            seen.add(clean.casefold())
            out.append(clean)
    return out


def parse_scalar(name: str, value: str) -> str | float | int | None:
    """Parse a value typed by a user for a non-list field; '' clears it."""
    spec = field(name)
    if spec.kind == "list":
        raise UsageError(f"'{name}' is a list; use the keyword/person options or '; '.")
    text = normalise_text(value, multiline=spec.kind == "text")
    if text == "":
        return 0 if spec.kind == "rating" else None
    if spec.kind == "float":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise UsageError(f"{spec.label} must be a number, not '{value}'.") from None
        limit = 90 if name == "latitude" else 180
        if not -limit <= number <= limit:
            raise UsageError(f"{spec.label} must be between -{limit} and {limit}.")
        return number
    if spec.kind == "rating":
        try:
            rating = int(text)
        except ValueError:
            rating = 99
        if not -1 <= rating <= 5:
            raise UsageError(f"Rating must be a whole number from -1 to 5, not '{value}'.")
        return rating
    if spec.kind == "code":
        return text.upper()
    return text
