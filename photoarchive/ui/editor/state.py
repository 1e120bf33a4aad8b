"""What the editor shows for a selection: shared values, "multiple values", partial tokens.

Plain Python (no widgets), so the multi-selection rules are easy to test and read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from photoarchive.errors import UsageError
from photoarchive.services.datefmt import normalise_date
from photoarchive.services.editing import parse_value
from photoarchive.services.fields import FIELDS_BY_NAME
from photoarchive.services.selection import (
    Shown,
    ShownTokens,
    blank_to_none,
    shown_of_records,
)


def combine(records: Iterable[Mapping[str, Any]]) -> dict[str, Shown | ShownTokens]:
    """Fold the records (`PhotoRecord.to_dict()`) of a selection into what each field shows
    (`services.selection.summarise` does the same in SQL for a selection of any size)."""
    return shown_of_records(dict(r) for r in records)


def as_text(name: str, value: Any) -> str:
    """A catalog value as the editor's text."""
    if value is None:
        return ""
    if FIELDS_BY_NAME[name].kind == "float":
        return f"{float(value):.7f}".rstrip("0").rstrip(".")
    return str(value)


def equivalent(name: str, text: str, value: Any) -> bool:
    """Would committing `text` leave `value` as it is? (False when `text` is not valid.)"""
    try:
        if FIELDS_BY_NAME[name].kind == "date":
            typed = parse_value(name, text)
            return (normalise_date(str(typed)) if typed else None) == blank_to_none(value)
        return parse_value(name, text) == (blank_to_none(value) if name != "rating" else value)
    except UsageError:
        return False


def label_of(name: str) -> str:
    """A field's label inside a sentence: "caption", "rights statement URL"."""
    label = FIELDS_BY_NAME[name].label
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def describe(action: str, count: int) -> str:
    """Undo text: "Edit caption (3 photos)" or "Edit caption" for one photo."""
    return action if count == 1 else f"{action} ({count} photos)"


def token_action(name: str, adding: list[str], removing: list[str]) -> str:
    """Undo text for a keyword/person change: "Add keyword “Budapest”"."""
    noun = "keyword" if name == "keywords" else "person"
    tokens = adding or removing
    verb = "Add" if adding else "Remove"
    if len(tokens) == 1:
        return f"{verb} {noun} \u201c{tokens[0]}\u201d"
    plural = "keywords" if name == "keywords" else "people"
    return f"{verb} {len(tokens)} {plural}"
