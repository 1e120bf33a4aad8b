"""What the editor shows for a selection: shared values, "multiple values", partial tokens.

Plain Python (no widgets), so the multi-selection rules are easy to test and read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from photoarchive.errors import UsageError
from photoarchive.services.datefmt import normalise_date
from photoarchive.services.editing import parse_value
from photoarchive.services.fields import FIELDS, FIELDS_BY_NAME, LIST_FIELDS


@dataclass(frozen=True)
class Shown:
    """One scalar field over the selection: the shared value, or `multiple` when it differs."""

    value: Any = None
    multiple: bool = False


@dataclass(frozen=True)
class ShownTokens:
    """A list field over the selection: tokens on every photo, and those on only some."""

    common: list[str] = field(default_factory=list)
    partial: dict[str, int] = field(default_factory=dict)  # token -> how many photos have it
    total: int = 0


def combine(records: Iterable[Mapping[str, Any]]) -> dict[str, Shown | ShownTokens]:
    """Fold the records (`PhotoRecord.to_dict()`) of a selection into what each field shows."""
    records = list(records)
    shown: dict[str, Shown | ShownTokens] = {}
    for spec in FIELDS:
        if spec.name in LIST_FIELDS:
            shown[spec.name] = _tokens(records, spec.name)
            continue
        values = [_blank_to_none(r.get(spec.name)) for r in records]
        if not values:
            shown[spec.name] = Shown()
        elif all(v == values[0] for v in values[1:]):
            shown[spec.name] = Shown(values[0])
        else:
            shown[spec.name] = Shown(None, multiple=True)
    return shown


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _tokens(records: list[Mapping[str, Any]], name: str) -> ShownTokens:
    counts: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for record in records:
        for token in dict.fromkeys(record.get(name) or []):
            key = token.casefold()
            spelled.setdefault(key, token)
            counts[key] = counts.get(key, 0) + 1
    total = len(records)
    common = [spelled[k] for k, n in counts.items() if n == total]
    partial = {spelled[k]: n for k, n in counts.items() if n < total}
    order = sorted(common, key=str.casefold)
    return ShownTokens(order, dict(sorted(partial.items(), key=lambda kv: kv[0].casefold())),
                       total)


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
            return (normalise_date(str(typed)) if typed else None) == _blank_to_none(value)
        return parse_value(name, text) == (_blank_to_none(value) if name != "rating" else value)
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
