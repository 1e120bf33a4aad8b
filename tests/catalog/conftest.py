"""Fixtures for catalog tests: a real SQLite catalog in a temporary folder."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from photoarchive.catalog.db import Catalog, open_catalog
from photoarchive.errors import InvalidDate

_POINT = re.compile(r"(?:c\. ?)?(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?~?")


def _point(text: str) -> tuple[date, date]:
    m = _POINT.fullmatch(text.strip())
    if not m:
        raise InvalidDate(f"{text!r} is not a date")
    year, month, day = int(m[1]), m[2], m[3]
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    mon = int(month)
    if not 1 <= mon <= 12:
        raise InvalidDate(f"{text!r} has no month {mon}")
    if day is None:
        return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])
    try:
        d = date(year, mon, int(day))
    except ValueError as exc:
        raise InvalidDate(str(exc)) from exc
    return d, d


def simple_date_bounds(text: str) -> tuple[date, date]:
    """A tiny stand-in for `media.dates.query_bounds`: YYYY[-MM[-DD]], c. YYYY, A..B."""
    if ".." in text:
        first, _, second = text.partition("..")
        return _point(first)[0], _point(second)[1]
    return _point(text)


@pytest.fixture
def date_bounds():
    return simple_date_bounds


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = open_catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


@pytest.fixture
def session(catalog: Catalog) -> Iterator[Session]:
    with catalog.session() as s:
        yield s
