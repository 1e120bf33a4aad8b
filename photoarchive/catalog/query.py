"""The search-box language, parsed into a plain value (no SQL here; see `catalog.search`).

Syntax (terms are separated by white space and all must match):

- ``word`` matches photos whose indexed text has a word starting with it (prefix match,
  case and diacritics ignored: ``oktober`` finds "október"). A word with punctuation is
  split as the full-text index splits text: ``ref2017.1`` is the token sequence
  ``ref2017``, ``1…``. Identifier-like words (with a digit or punctuation, at least three
  characters) also match as a plain case-insensitive substring of the file path, title,
  identifier, source, caption or notes, so accession numbers such as ``8b28631`` or
  ``LC-DIG-fsa-8b28631`` are found inside longer identifiers and file names.
- ``"a phrase"`` matches those words in that order (whole words, no prefix).
- ``-word``, ``-"a phrase"``, ``-keyword:x`` exclude. An excluded filter keeps photos where
  the field is empty (``-creator:smith`` keeps photos with no creator).
- Filters ``name:value``; the value may be quoted (``collection:"Milwaukee 1936"``):
  ``keyword:`` (a whole keyword or whole ``|``-segments of a hierarchical one, so
  ``keyword:Places``, ``keyword:Budapest`` and ``keyword:Hungary|Budapest`` all match
  ``Places|Hungary|Budapest``), ``person:``, ``creator:``, ``city:``, ``country:``
  (contain the value; ``country:`` also equals the country code), ``collection:`` (the
  collection's name), ``date:`` (any date form the dates module accepts; photos whose date
  range overlaps it) and ``missing:`` (one of `MISSING_FIELDS`).
  Names are case-insensitive; ``keywords:`` and ``people:`` are accepted as aliases.

Words with a colon: only ``letters:value`` is read as a filter, and an unknown name is an
error (quote it to search for the text: ``"isbn:978"``). Anything else with a colon is a
word: times (``12:30``), URLs (``http://…``), identifiers (``LC-USZ62:123``) and a word
followed by a colon (``Budapest:``).

Malformed queries raise `QueryError` with a message meant for the user; nothing else is
raised for any input text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from photoarchive.errors import QueryError

#: Values of ``missing:`` (canonical name → what is empty).
MISSING_FIELDS: tuple[str, ...] = (
    "title", "caption", "alt_text", "creator", "date", "place", "rights", "identifier",
    "keywords", "people", "collection",
)
MISSING_ALIASES: dict[str, str] = {
    "alt-text": "alt_text", "alttext": "alt_text", "alt": "alt_text",
    "keyword": "keywords", "person": "people", "places": "place", "location": "place",
    "collections": "collection",
}

#: The filters: name -> (an example, what it finds), in the order shown in help and error
#: messages. The parser reads its names from here and the window's Help -> Search Syntax
#: shows these rows, so the help cannot name a filter the parser does not know, or miss one.
FILTER_HELP: dict[str, tuple[str, str]] = {
    "keyword": ("keyword:Budapest",
                ("photos with that keyword, or that level of a hierarchical one "
                 "(Places|Hungary|Budapest)")),
    "person": ('person:"Carl Mydans"', "a person shown whose name contains the text"),
    "creator": ("creator:Mydans", "the photographer's name contains the text"),
    "city": ("city:Milwaukee", "the city contains the text"),
    "country": ("country:HU", "the country contains the text, or is that country code"),
    "collection": ('collection:"Milwaukee 1936"', "the members of that collection"),
    "date": ("date:1950..1959",
             ("dates that overlap that range, or a date in any form the Date field takes: "
              'date:1936-04, date:"c. 1936" (approximate dates by their earliest and latest '
              "day)")),
    "missing": ("missing:caption",
                "records where that field is still empty: " + ", ".join(MISSING_FIELDS)),
    "id": ("id:3,7,10..20", "photos by their numbers, as list and show give them"),
}
FILTERS: tuple[str, ...] = tuple(FILTER_HELP)
FILTER_ALIASES: dict[str, str] = {"keywords": "keyword", "people": "person"}

#: The rest of the language: (an example, what it finds), for Help -> Search Syntax.
TERM_HELP: tuple[tuple[str, str], ...] = (
    ("tram budapest", ("both words, anywhere in the text (beginnings of words, accents "
                       "ignored: oktober finds \u201cokt\u00f3ber\u201d)")),
    ('"corvin k\u00f6z"', "those words as a phrase"),
    ("-colour", "photos without the word; a - before a phrase or a filter excludes it too"),
    ("8b28631", ("a word with a digit or punctuation also matches inside file names and "
                 "identifiers")),
    ('keyword:"Street scenes"', "quote a value with spaces"),
    ('"isbn:978"', "quote text with a colon to search for it rather than use a filter"),
)

_FILTER_NAME = re.compile(r"[^\W\d]+")  # letters and underscores only
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DIGIT = re.compile(r"[0-9]")  # what a date has (isdigit is also true of "¹")


@dataclass(frozen=True)
class Filter:
    """A field filter: `field` is one of `FILTERS`, `value` is never empty."""

    field: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed search query; every part must hold (AND)."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded_words: tuple[str, ...] = ()
    excluded_phrases: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = field(default=())

    def is_empty(self) -> bool:
        """True when the query puts no condition at all (matches every photo)."""
        return not (self.words or self.phrases or self.excluded_words
                    or self.excluded_phrases or self.filters)


def has_token(text: str) -> bool:
    """True if `text` has a character the full-text tokenizer keeps (letter, digit, mark).

    Mirrors FTS5 ``unicode61``: categories L*, N*, M* and Co are token characters,
    everything else separates tokens.
    """
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LNM" or cat == "Co":
            return True
    return False


def known_filters_text() -> str:
    """The filter names for messages: ``keyword:, person:, …``."""
    return ", ".join(f"{name}:" for name in FILTERS)


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The text inside the quote that opens at `start`, and the index after it."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError(
            f'The quote opened before "{_excerpt(text[start + 1:])}" is not closed; '
            'add the closing " or remove the quote.')
    return text[start + 1:end], end + 1


def _excerpt(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _normalise_value(name: str, value: str, raw: str) -> str:
    """Check and tidy one filter's value."""
    value = " ".join(value.split())
    if name == "keyword":
        value = "|".join(part.strip() for part in value.split("|") if part.strip())
    if not value:
        example = f'{name}:"…"' if name != "missing" else "missing:caption"
        raise QueryError(f"The filter {raw!r} has no value; write it like {example}.")
    if name == "missing":
        key = value.lower()
        key = MISSING_ALIASES.get(key, key)
        if key not in MISSING_FIELDS:
            raise QueryError(
                f"missing:{value} is not a field that can be missing; use one of: "
                + ", ".join(MISSING_FIELDS) + ".")
        value = key
    if name == "id":
        value = ",".join(f"{a}..{b}" if a != b else str(a) for a, b in id_ranges(value, raw))
    return value


_ID_PART = re.compile(r"([0-9]{1,18})(?:\.\.([0-9]{1,18}))?")


def id_ranges(value: str, raw: str | None = None) -> list[tuple[int, int]]:
    """``3,7,10..20`` as [(3, 3), (7, 7), (10, 20)]; QueryError for anything else."""
    ranges = []
    for part in value.replace(" ", "").split(","):
        match = _ID_PART.fullmatch(part)
        if not match:
            raise QueryError(f"{raw or 'id:' + value!r} is not a list of photo numbers; "
                             "write it like id:12, id:3,7,12 or id:10..20.")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        ranges.append((min(low, high), max(low, high)))
    return ranges


def _check_date_not_cut(value: str, rest: str) -> None:
    """An unquoted ``date:c. 1936`` ends at the space: a value with no digit (never a date
    by itself) followed by words with a year is one date that needs quotes; say so."""
    if not value or _DIGIT.search(value):
        return
    words: list[str] = []
    for word in rest.split()[:4]:
        if words and _DIGIT.search(words[-1]) and not _DIGIT.search(word):
            break
        if word.startswith(("-", '"')) or ":" in word:  # another term, not the date's
            break
        words.append(word)
    while words and not _DIGIT.search(words[-1]):
        words.pop()
    if words:
        whole = " ".join([value, *words])
        raise QueryError(f'date:{value} stops at the space; put a date with spaces in quotes: '
                         f'date:"{whole}".')


class _Builder:
    """Collects the parts while the text is read."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.phrases: list[str] = []
        self.excluded_words: list[str] = []
        self.excluded_phrases: list[str] = []
        self.filters: list[Filter] = []

    def word(self, word: str, negated: bool) -> None:
        if has_token(word):
            (self.excluded_words if negated else self.words).append(word)

    def phrase(self, phrase: str, negated: bool) -> None:
        phrase = " ".join(phrase.split())
        if has_token(phrase):
            (self.excluded_phrases if negated else self.phrases).append(phrase)

    def build(self) -> ParsedQuery:
        return ParsedQuery(
            words=tuple(self.words), phrases=tuple(self.phrases),
            excluded_words=tuple(self.excluded_words),
            excluded_phrases=tuple(self.excluded_phrases), filters=tuple(self.filters))


def _filter_name(bare: str) -> tuple[str, str] | None:
    """(canonical name, value) if the bare word is a filter; None if it is a plain word."""
    name, colon, value = bare.partition(":")
    if not colon or not _FILTER_NAME.fullmatch(name):
        return None
    key = name.lower()
    key = FILTER_ALIASES.get(key, key)
    if key in FILTERS:
        return key, value
    if not value or value.startswith("/"):
        return None  # "Budapest:" or a URL such as http://…
    raise QueryError(
        f"{name}: is not a search filter. Known filters: {known_filters_text()}. "
        f'To search for the text itself, put it in quotes: "{_excerpt(bare)}".')


def parse_query(text: str) -> ParsedQuery:
    """Parse the search-box text; raises `QueryError` if it is malformed."""
    # NFC as stored; control characters (NUL ends an FTS5 string early) count as spaces;
    # lone surrogates (not encodable for SQLite) become "?".
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    out = _Builder()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch == "-":
            negated = True
            i += 1
            if i >= n or text[i].isspace():
                continue  # a lone "-"
        if text[i] == '"':
            phrase, i = _read_quoted(text, i)
            out.phrase(phrase, negated)
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        bare = text[start:i]
        as_filter = _filter_name(bare)
        if as_filter is None:
            out.word(bare, negated)
            continue
        name, value = as_filter
        raw = bare
        if not value and i < n and text[i] == '"':
            value, i = _read_quoted(text, i)
            raw = f'{bare}"{value}"'
        elif name == "date":
            _check_date_not_cut(value, text[i:])
        value = _normalise_value(name, value, raw)
        out.filters.append(Filter(name, value, negated))
    return out.build()


__all__ = [
    "FILTERS",
    "FILTER_ALIASES",
    "FILTER_HELP",
    "MISSING_ALIASES",
    "MISSING_FIELDS",
    "TERM_HELP",
    "Filter",
    "ParsedQuery",
    "has_token",
    "id_ranges",
    "known_filters_text",
    "parse_query",
]
