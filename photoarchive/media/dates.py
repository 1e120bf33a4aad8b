"""Approximate dates for archivists: EDTF (ISO 8601-2, level 0/1 subset) and common forms.

``parse_date`` turns what a cataloguer types ("c. 1956", "October 1956", "1950s",
"1956-10-23/1956-11-10") into an ``ApproxDate``: a normalised EDTF string, inclusive sort
bounds and English display text.

Decisions:
- Qualifiers (``~`` approximate, ``?`` uncertain, ``%`` both) never widen the bounds, so that
  "1956~" sorts and filters with 1956 (design/METADATA.md, "Approximate dates").
- "1900s" is read as the decade 1900-1909 (``190X``), exactly like "1950s"; a century is
  written ``19XX`` (displayed "1900s").
- Open interval ends (``../1956``, ``1956/..``) get ``date.min`` / ``date.max`` as bounds and
  display as "before 1956" / "after 1956".
- Years before AD 1 and EDTF level 2 (seasons, per-component qualifiers) are refused.
- The display text depends only on the normalised EDTF, so ``parse_date(d.edtf) == d``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from photoarchive.errors import InvalidDate

__all__ = ["ACCEPTED_FORMS", "ApproxDate", "display_text", "parse_date", "query_bounds"]

ACCEPTED_FORMS = (
    "a year (1956), month (1956-10), day (1956-10-23), approximate (1956~, c. 1956), "
    "uncertain (1956?), decade (195X, 1950s) or range (1956-10-23/1956-11-10)"
)

DASH = "\u2013"  # en dash, used in display text
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_MONTH_NUMBERS: dict[str, int] = {"sept": 9}
for _number, _name in enumerate(_MONTHS, start=1):
    _MONTH_NUMBERS[_name.lower()] = _number
    _MONTH_NUMBERS[_name[:3].lower()] = _number
_MONTH = "(" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + ")"
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile an ASCII-only pattern (``\\d`` must not match other scripts' digits)."""
    return re.compile(pattern, re.ASCII)


_EDTF = _rx(r"(\d{4}|\d{3}x|\d{2}xx)(?:-(\d{2}|xx)(?:-(\d{2}|xx))?)?")
_ISO_TIME = _rx(r"(\d{4})-(\d{2})-(\d{2})[t ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                r"(?:z|[+-]\d{2}(?::?\d{2})?)?")
_EXIF = _rx(r"(\d{4}):(\d{2}):(\d{2})(?: \d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DECADE = _rx(r"(\d{3})0['\u2019]?s")
_MONTH_YEAR = _rx(rf"{_MONTH}\.?,? ?(\d{{4}})")
_DAY_MONTH_YEAR = _rx(rf"{_ORDINAL}\.? ?{_MONTH}\.?,? (\d{{4}})")
_MONTH_DAY_YEAR = _rx(rf"{_MONTH}\.? {_ORDINAL},? (\d{{4}})")
_APPROX = _rx(r"(circa|approx\.?|about|around|ca\.?|c\.?) ?(.+)")
_BETWEEN = _rx(r"between (.+) and (.+)")
_BEFORE = _rx(r"before (.+)")
_AFTER = _rx(r"after (.+)")
_RANGE_SEP = _rx(r" ?[\u2013\u2014] ?| - | to ")
_COMPACT_RANGE = _rx(r"(\d{4}|\d{3}0s)-(\d{4}|\d{3}0s)")


@dataclass(frozen=True)
class ApproxDate:
    """A possibly approximate date or range, with inclusive sort bounds and display text."""

    edtf: str
    earliest: date
    latest: date
    display: str


class _Bad(ValueError):
    """Internal: the text is not a date; the argument is a short reason (may be empty)."""


@dataclass(frozen=True)
class _Point:
    """One EDTF date: year (4 chars, trailing X allowed), month/day ("01".."31" or "XX")."""

    year: str
    month: str | None = None
    day: str | None = None
    qualifier: str = ""

    @property
    def edtf(self) -> str:
        return "-".join(p for p in (self.year, self.month, self.day) if p) + self.qualifier

    @property
    def precision(self) -> int:
        """1 = year, 2 = month, 3 = day; 0 when any digit is unspecified."""
        if "X" in self.edtf:
            return 0
        return 3 if self.day else 2 if self.month else 1

    def bounds(self) -> tuple[date, date]:
        first = max(1, int(self.year.replace("X", "0")))
        last = int(self.year.replace("X", "9"))
        if self.month is None or self.month == "XX":
            return date(first, 1, 1), date(last, 12, 31)
        month = int(self.month)
        if self.day is None or self.day == "XX":
            return date(first, month, 1), date(first, month, calendar.monthrange(first, month)[1])
        exact = date(first, month, int(self.day))
        return exact, exact

    def bare(self) -> str:
        """Display text without the qualifier."""
        year = int(self.year.replace("X", "0"))
        if "X" in self.year:
            return f"{year}s"
        if self.month is None or self.month == "XX":
            return str(year)
        month = _MONTHS[int(self.month) - 1]
        if self.day is None or self.day == "XX":
            return f"{month} {year}"
        return f"{int(self.day)} {month} {year}"

    def display(self) -> str:
        prefix = "c. " if self.qualifier in ("~", "%") else ""
        suffix = "?" if self.qualifier in ("?", "%") else ""
        return prefix + self.bare() + suffix


def _combine(first: str, second: str) -> str:
    """Merge two qualifiers: approximate + uncertain gives ``%``."""
    both = first + second
    approximate = "~" in both or "%" in both
    uncertain = "?" in both or "%" in both
    return "%" if approximate and uncertain else "~" if approximate else "?" if uncertain else ""


def _point(year: str, month: str | None, day: str | None, qualifier: str) -> _Point:
    """Validate the parts of a date and build a point."""
    year, month, day = year.upper(), month and month.upper(), day and day.upper()
    if "X" in year:
        if month is not None:
            raise _Bad("a year with unspecified digits cannot have a month")
    elif int(year) == 0:
        raise _Bad("years before AD 1 are not supported")
    if month == "XX":
        if day not in (None, "XX"):
            raise _Bad("a day needs a known month")
    elif month is not None:
        number = int(month)
        if not 1 <= number <= 12:
            raise _Bad(f"there is no month {number}")
        if day is not None and day != "XX":
            last = calendar.monthrange(int(year), number)[1]
            if not 1 <= int(day) <= last:
                raise _Bad(f"{_MONTHS[number - 1]} {int(year)} has no day {int(day)}")
    return _Point(year, month, day, qualifier)


def _core(text: str, qualifier: str) -> _Point:
    """Parse one date without prefix or trailing qualifier."""
    if m := _EDTF.fullmatch(text):
        return _point(m[1], m[2], m[3], qualifier)
    if m := _ISO_TIME.fullmatch(text) or _EXIF.fullmatch(text):
        return _point(m[1], m[2], m[3], qualifier)
    if m := _DECADE.fullmatch(text):
        return _point(m[1] + "X", None, None, qualifier)
    if m := _MONTH_YEAR.fullmatch(text):
        return _point(m[2], f"{_MONTH_NUMBERS[m[1]]:02d}", None, qualifier)
    if m := _DAY_MONTH_YEAR.fullmatch(text):
        return _point(m[3], f"{_MONTH_NUMBERS[m[2]]:02d}", f"{int(m[1]):02d}", qualifier)
    if m := _MONTH_DAY_YEAR.fullmatch(text):
        return _point(m[3], f"{_MONTH_NUMBERS[m[1]]:02d}", f"{int(m[2]):02d}", qualifier)
    if re.match(r"-\d", text, re.ASCII):
        raise _Bad("years before AD 1 are not supported")
    raise _Bad("")


def _single(text: str) -> _Point:
    """Parse one date, with an optional "c." prefix and trailing ~ ? or %."""
    text, qualifier = text.strip(), ""
    if m := _APPROX.fullmatch(text):
        text, qualifier = m[2], "~"
    if text[-1:] in ("~", "?", "%"):
        text, qualifier = text[:-1].rstrip(), _combine(qualifier, text[-1])
    return _core(text, qualifier)


def _split_range(text: str) -> tuple[str, str] | None:
    """Split "A – B", "A - B", "A to B" or "1956-1958"; None when the text is no range."""
    parts = _RANGE_SEP.split(text)
    if len(parts) > 2:
        raise _Bad("a range has two ends")
    if len(parts) == 2:
        return parts[0], parts[1]
    if m := _COMPACT_RANGE.fullmatch(text):
        return m[1], m[2]
    return None


def _approximate(point: _Point) -> _Point:
    return _Point(point.year, point.month, point.day, _combine(point.qualifier, "~"))


def _open_or_single(text: str) -> _Point | None:
    """One end of an EDTF interval: ".." is open."""
    return None if text.strip() == ".." else _single(text)


def _parse(text: str) -> tuple[_Point | None, _Point | None]:
    """Parse normalised text into (start, end); equal points for a single date."""
    if "/" in text:
        first, _, second = text.partition("/")
        if "/" in second or first.strip() == second.strip() == "..":
            raise _Bad("")
        return _open_or_single(first), _open_or_single(second)
    if m := _BETWEEN.fullmatch(text):
        return _single(m[1]), _single(m[2])
    if m := _BEFORE.fullmatch(text):
        return None, _single(m[1])
    if m := _AFTER.fullmatch(text):
        return _single(m[1]), None
    if (m := _APPROX.fullmatch(text)) and (pair := _split_range(m[2])):
        return _approximate(_single(pair[0])), _approximate(_single(pair[1]))
    if pair := _split_range(text):
        return _single(pair[0]), _single(pair[1])
    point = _single(text)
    return point, point


def _range_display(start: _Point, end: _Point) -> str:
    """Display text of a closed interval, sharing the month/year where it reads naturally."""
    same_precision = start.precision == end.precision and start.precision > 1
    if same_precision and start.year == end.year:
        year = int(start.year)
        first, last = _MONTHS[int(start.month or 1) - 1], _MONTHS[int(end.month or 1) - 1]
        if start.precision == 2:
            return f"{first} {DASH} {last} {year}"
        if start.month == end.month:
            return f"{int(start.day or 1)}{DASH}{int(end.day or 1)} {last} {year}"
        return f"{int(start.day or 1)} {first} {DASH} {int(end.day or 1)} {last} {year}"
    a, b = start.display(), end.display()
    return a + (DASH if " " not in a + b else f" {DASH} ") + b


def _build(start: _Point | None, end: _Point | None) -> ApproxDate:
    """Assemble the ApproxDate of a single date or an interval."""
    if start is not None and start == end:
        earliest, latest = start.bounds()
        return ApproxDate(start.edtf, earliest, latest, start.display())
    if start is None and end is not None:
        return ApproxDate(f"../{end.edtf}", date.min, end.bounds()[1], f"before {end.display()}")
    if end is None and start is not None:
        return ApproxDate(f"{start.edtf}/..", start.bounds()[0], date.max,
                          f"after {start.display()}")
    assert start is not None and end is not None
    earliest, latest = start.bounds()[0], end.bounds()[1]
    if earliest > latest:
        raise _Bad("the range ends before it starts")
    return ApproxDate(f"{start.edtf}/{end.edtf}", earliest, latest, _range_display(start, end))


def _message(text: str, reason: str, forms: str = ACCEPTED_FORMS) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"{shown!r} is not a date{': ' + reason if reason else ''}. Use {forms}."


def parse_date(text: str) -> ApproxDate:
    """Parse EDTF or a common form ("c. 1956", "October 1956", "1950s", ...).

    Raises InvalidDate, naming the accepted forms, for anything else (including "").
    """
    if not isinstance(text, str):
        raise InvalidDate(_message(repr(text), "not text"))
    normalised = " ".join(text.split()).lower()
    try:
        return _build(*_parse(normalised))
    except _Bad as bad:
        raise InvalidDate(_message(text.strip(), str(bad))) from None


def display_text(edtf: str) -> str:
    """Human text for an EDTF string: ``display_text("1956~") == "c. 1956"``."""
    return parse_date(edtf).display


def query_bounds(text: str) -> tuple[date, date]:
    """Inclusive (earliest, latest) for a search filter: any date, or ``A..B`` / ``A..`` /
    ``..B``."""
    text = text.strip() if isinstance(text, str) else ""
    if "/" in text or ".." not in text:
        found = parse_date(text)
        return found.earliest, found.latest
    first, _, second = (part.strip() for part in text.partition(".."))
    forms = f"{ACCEPTED_FORMS}, or two of them as a search range (1956-10..1956-11)"
    try:
        earliest = parse_date(first).earliest if first else date.min
        latest = parse_date(second).latest if second else date.max
    except InvalidDate:
        raise InvalidDate(_message(text, "", forms)) from None
    if not (first or second):
        raise InvalidDate(_message(text, "", forms))
    if earliest > latest:
        raise InvalidDate(_message(text, "the range ends before it starts", forms))
    return earliest, latest
