"""Full-text index (SQLite FTS5 table ``photo_fts``, rowid = photo.id) and query compiling.

Only this module and `catalog.db` use SQLite-only features. The index is maintained with
set-based ``INSERT … SELECT`` statements; callers run `refresh_fts` in the same transaction
as the change it follows. `photo_filter` turns a `ParsedQuery` into one SQLAlchemy boolean
expression on `Photo`: field filters are portable SQL, only words and phrases use FTS5.

Case-insensitive filters use ``lower()``, which in SQLite folds ASCII letters only
("Óbuda" and "óbuda" differ) unless the connection overrides ``lower``; words and phrases go
through FTS5, which folds case and removes diacritics for every script.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.expression import ClauseList

from photoarchive.catalog.models import (
    Collection,
    CollectionMember,
    Keyword,
    Person,
    Photo,
    photo_keyword,
    photo_person,
)
from photoarchive.catalog.query import Filter, ParsedQuery, id_ranges, parse_query
from photoarchive.errors import QueryError, UsageError

DateBounds = Callable[[str], tuple[date, date]]

CHUNK = 500

_fts = table("photo_fts", column("rowid", Integer), column("photo_fts"))

# One row of the index per photo, built from the current table state: each index column
# with the SQL that makes it from the photo `p`, and the photo fields it is made of (a
# keyword or person list by its field name). Fields not named here (dates, rating,
# rights, …) are not indexed.
_FTS_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "title": ("trim(coalesce(p.title, '') || ' ' || coalesce(p.headline, ''))",
              ("title", "headline")),
    "caption": ("p.caption", ("caption",)),
    "alt_text": ("p.alt_text", ("alt_text",)),
    "keywords": ("""(SELECT group_concat(replace(k.name, '|', ' '), ' ')
          FROM photo_keyword AS pk JOIN keyword AS k ON k.id = pk.keyword_id
         WHERE pk.photo_id = p.id)""", ("keywords",)),
    "people": ("""(SELECT group_concat(pe.name, ' ')
          FROM photo_person AS pp JOIN person AS pe ON pe.id = pp.person_id
         WHERE pp.photo_id = p.id)""", ("people",)),
    "places": ("""trim(coalesce(p.sublocation, '') || ' ' || coalesce(p.city, '') || ' '
            || coalesce(p.state, '') || ' ' || coalesce(p.country, '') || ' '
            || coalesce(p.country_code, '') || ' ' || coalesce(p.event, ''))""",
               ("sublocation", "city", "state", "country", "country_code", "event")),
    "creator": ("p.creator", ("creator",)),
    "source": ("trim(coalesce(p.source, '') || ' ' || coalesce(p.credit, ''))",
               ("source", "credit")),
    "identifier": ("p.identifier", ("identifier",)),
    "notes": ("p.notes", ("notes",)),
}
#: The photo fields the index is made of.
INDEXED_FIELDS = frozenset(f for _, fields in _FTS_SOURCES.values() for f in fields)
_FTS_COLUMNS = "rowid, " + ", ".join(_FTS_SOURCES)
_FTS_SELECT = ("SELECT p.id, " + ",\n       ".join(sql for sql, _ in _FTS_SOURCES.values())
               + "\n  FROM photo AS p")
#: ``IN`` a set of photo ids given as one JSON array (no statement grows with the set).
_IN_IDS = "IN (SELECT value FROM json_each(:ids))"


def id_list(ids: Iterable[int]) -> str:
    """A set of ids as the one parameter `in_id_list` reads: a JSON array."""
    return json.dumps([int(i) for i in ids])


def in_id_list(column: ColumnElement[int], name: str = "ids") -> ColumnElement[bool]:
    """``column IN`` the ids bound to `name` as an `id_list`, read by SQLite's ``json_each``:
    one parameter however many ids, so a statement is neither re-made for each size of set
    nor split at the driver's limit of parameters."""
    values = func.json_each(bindparam(name)).table_valued("value")
    return column.in_(select(values.c.value))
_INSERT_ALL = text(f"INSERT INTO photo_fts ({_FTS_COLUMNS}) {_FTS_SELECT}")
_INSERT_IDS = text(f"INSERT INTO photo_fts ({_FTS_COLUMNS}) {_FTS_SELECT} WHERE p.id {_IN_IDS}")
_DELETE_IDS = text(f"DELETE FROM photo_fts WHERE rowid {_IN_IDS}")


def _chunks(ids: Iterable[int]) -> Iterator[tuple[int, str]]:
    """The ids, without duplicates, in ascending chunks of `CHUNK`: each its length and
    the JSON array of its ids."""
    unique = sorted({int(i) for i in ids})
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        yield len(chunk), id_list(chunk)


@lru_cache(maxsize=64)
def _update_columns(columns: tuple[str, ...]) -> TextClause:
    """``UPDATE photo_fts`` of just these index columns, from the photos' current state.

    FTS5 still re-tokenises the whole row (the old text to delete it, the new to add it),
    but row by row in rowid order, into one pending segment per transaction, and the
    unchanged columns come from its own copy of the text instead of being made again (the
    keyword and people columns are subqueries)."""
    sets = ", ".join(f"{c} = s.{c}" for c in columns)
    made = ", ".join(f"{_FTS_SOURCES[c][0]} AS {c}" for c in columns)
    return text(f"UPDATE photo_fts SET {sets} FROM (SELECT p.id AS id, {made} FROM photo AS p "
                f"WHERE p.id {_IN_IDS}) AS s WHERE photo_fts.rowid = s.id")


def fts_columns(fields: Iterable[str]) -> tuple[str, ...]:
    """The index columns made of any of these photo fields, in index order (none for a
    date, a rating, rights, …)."""
    wanted = set(fields)
    return tuple(c for c, (_, made_of) in _FTS_SOURCES.items() if wanted.intersection(made_of))


def refresh_fts(session: Session, photo_ids: Iterable[int],
                fields: Iterable[str] | None = None) -> None:
    """Re-index these photos from the current tables (ids of deleted photos are removed).

    With `fields`, the photo fields that changed, only the index columns made of them are
    rewritten, and nothing when none is indexed. A photo missing from the index, or no
    longer in the catalog, is noticed by the row count and re-indexed as without `fields`.
    """
    session.flush()
    columns = None if fields is None else fts_columns(fields)
    if columns == ():
        return
    for count, chunk in _chunks(photo_ids):
        if columns is not None:
            updated = session.execute(_update_columns(columns), {"ids": chunk}).rowcount
            if updated == count:
                continue
        session.execute(_DELETE_IDS, {"ids": chunk})
        session.execute(_INSERT_IDS, {"ids": chunk})


def remove_fts(session: Session, photo_ids: Iterable[int]) -> None:
    """Drop these photos from the index."""
    session.flush()
    for _, chunk in _chunks(photo_ids):
        session.execute(_DELETE_IDS, {"ids": chunk})


def rebuild_fts(session: Session) -> None:
    """Rebuild the whole index from the tables (after an import, or to repair it)."""
    session.flush()
    session.execute(text("DELETE FROM photo_fts"))
    session.execute(_INSERT_ALL)
    session.execute(text("INSERT INTO photo_fts (photo_fts) VALUES ('optimize')"))


# -- compiling a parsed query ---------------------------------------------------------------

def fts_string(term: str, prefix: bool) -> str:
    """One FTS5 phrase: the term quoted (so no FTS5 syntax applies), ``*`` for a prefix."""
    quoted = '"' + term.replace('"', '""') + '"'
    return quoted + "*" if prefix else quoted


def _fts_ids(expression: str) -> Select:
    return select(_fts.c.rowid).where(_fts.c.photo_fts.match(expression))


def is_identifier_like(word: str) -> bool:
    """Words that also match as substrings: three or more characters with a digit or
    punctuation (accession numbers, file names), never plain words ("art" would hit
    every "Smart…" path)."""
    return len(word) >= 3 and not word.isalpha()


def _haystack() -> ColumnElement[str]:
    """Lower-cased text searched by identifier-like words (no white space inside a word,
    so joining with a space cannot make false matches)."""
    parts = [Photo.path, Photo.title, Photo.identifier, Photo.source, Photo.caption,
             Photo.notes]
    joined = func.coalesce(parts[0], "")
    for part in parts[1:]:
        joined = joined + " " + func.coalesce(part, "")
    return func.lower(joined)


def _word_conditions(words: Iterable[str], phrases: Iterable[str]) -> ColumnElement[bool]:
    """All the words and phrases together (AND); None-free, so safe to negate."""
    plain = [fts_string(p, prefix=False) for p in phrases]
    conditions: list[ColumnElement[bool]] = []
    for word in words:
        if is_identifier_like(word):
            conditions.append(or_(
                Photo.id.in_(_fts_ids(fts_string(word, prefix=True))),
                _haystack().contains(word.lower(), autoescape=True)))
        else:
            plain.append(fts_string(word, prefix=True))
    if plain:
        conditions.insert(0, Photo.id.in_(_fts_ids(" AND ".join(plain))))
    return and_(true(), *conditions)


def _excluded(words: Iterable[str], phrases: Iterable[str]) -> list[ColumnElement[bool]]:
    """Each excluded word or phrase: photos matching it are left out."""
    plain = [fts_string(p, prefix=False) for p in phrases]
    out: list[ColumnElement[bool]] = []
    for word in words:
        if is_identifier_like(word):
            out.append(not_(_word_conditions([word], [])))
        else:
            plain.append(fts_string(word, prefix=True))
    if plain:
        out.insert(0, Photo.id.not_in(_fts_ids(" OR ".join(plain))))
    return out


def _contains(col: ColumnElement[str | None], value: str) -> ColumnElement[bool]:
    return func.lower(func.coalesce(col, "")).contains(value.lower(), autoescape=True)


def _blank(col: ColumnElement[str | None]) -> ColumnElement[bool]:
    """The field is empty: NULL or only white space. The empty string is written as a
    literal (not a bound parameter), so the condition is the same text as the partial index
    on blank captions (migration 0004) and SQLite can use that index."""
    return or_(col.is_(None), func.trim(col) == literal_column("''"))


def _missing(name: str) -> ColumnElement[bool]:
    if name == "keywords":
        return Photo.id.not_in(select(photo_keyword.c.photo_id))
    if name == "people":
        return Photo.id.not_in(select(photo_person.c.photo_id))
    if name == "collection":
        return Photo.id.not_in(select(CollectionMember.photo_id))
    if name == "place":
        return and_(*(_blank(c) for c in (Photo.sublocation, Photo.city, Photo.state,
                                          Photo.country, Photo.country_code)))
    if name == "rights":
        return and_(_blank(Photo.rights), _blank(Photo.rights_url))
    return _blank(getattr(Photo, name))


def _date(value: str, date_bounds: DateBounds) -> ColumnElement[bool]:
    try:
        lower, upper = date_bounds(value)
    except (UsageError, ValueError) as exc:
        raise QueryError(f"date:{value} is not a date this search understands: {exc}") from exc
    # Overlap of [earliest, latest] with [lower, upper]; an open end counts as unbounded, an
    # undated photo never overlaps (never NULL, so `not_()` of it is exact). Both columns
    # are in ix_photo_date_sort, which SQLite reads through, checking this in the index:
    # cheaper than a range on a one-column date index, which could never be narrow (no
    # lower bound on the earliest date) and would fetch most photos' rows. coalesce() also
    # keeps SQLite from choosing such a range; the selective comparisons come first.
    return and_(
        func.coalesce(Photo.date_earliest, "0000-00-00") <= upper.isoformat(),
        func.coalesce(Photo.date_latest, "9999-12-31") >= lower.isoformat(),
        or_(Photo.date_earliest.is_not(None), Photo.date_latest.is_not(None)),
    )


def _filter(flt: Filter, date_bounds: DateBounds) -> ColumnElement[bool]:
    """One filter, positive form; never NULL, so `not_()` of it is exact."""
    value = flt.value
    linked = _link_ids(flt)
    if linked is not None:
        return Photo.id.in_(linked)
    if flt.field == "creator":
        return _contains(Photo.creator, value)
    if flt.field == "city":
        return _contains(Photo.city, value)
    if flt.field == "country":
        return or_(_contains(Photo.country, value),
                   func.lower(func.coalesce(Photo.country_code, "")) == value.lower())
    if flt.field == "date":
        return _date(value, date_bounds)
    if flt.field == "missing":
        return _missing(value)
    if flt.field == "id":
        return or_(*(Photo.id == low if low == high else Photo.id.between(low, high)
                     for low, high in id_ranges(value)))
    raise QueryError(f"Unknown filter {flt.field}:")  # not reached for parse_query output


def photo_filter(parsed: ParsedQuery, date_bounds: DateBounds) -> ColumnElement[bool]:
    """A WHERE condition on `Photo` for the parsed query (all parts ANDed).

    `date_bounds` turns a ``date:`` value into (first day, last day); services pass
    `media.dates.query_bounds`. Its errors become `QueryError`.
    """
    if parsed.is_empty():
        return true()
    conditions: list[ColumnElement[bool]] = []
    if parsed.words or parsed.phrases:
        conditions.append(_word_conditions(parsed.words, parsed.phrases))
    conditions.extend(_excluded(parsed.excluded_words, parsed.excluded_phrases))
    for flt in parsed.filters:
        cond = _filter(flt, date_bounds)
        conditions.append(not_(cond) if flt.negated else cond)
    return and_(true(), *conditions)


def search_select(query: str, date_bounds: DateBounds) -> Select[tuple[int]]:
    """``select(Photo.id)`` of the photos matching the search-box text (all if blank, with
    no WHERE at all, so an ORDER BY can walk an index)."""
    parsed = parse_query(query)
    if parsed.is_empty():
        return select(Photo.id)
    return select(Photo.id).where(photo_filter(parsed, date_bounds))


#: The date order's columns, held by ix_photo_date_sort and ix_photo_caption_blank.
_DATE_KEYS = {"date_earliest", "date_latest", "taken_at", "path"}


def _photo_columns(*expressions: Any) -> set[str]:
    """Names of the `photo` columns these expressions read (inside subqueries too)."""
    return {element.name for element in visitors.iterate(ClauseList(*expressions))
            if isinstance(element, Column) and element.table is Photo.__table__}


def sorted_select(query: str, date_bounds: DateBounds,
                  order: Sequence[ColumnElement[Any]]) -> Select[tuple[int]]:
    """``select(Photo.id)`` of the photos matching the search-box text, in `order`.

    SQLite serves an order from an index that holds its expressions (``ix_photo_date_sort``
    for the date order, migration 0004), and it checks a filter inside that index when the
    index holds every column the filter reads: all photos, ``date:``, words (the id), and
    ``missing:caption`` with the blank-caption index that holds the same keys. Walking the
    index for any other filter (a city, a title) would read every photo's row in index
    order, far slower than finding the matches first: then the matching ids are selected
    first and only they are sorted.
    """
    parsed = parse_query(query)
    stmt = select(Photo.id)
    if not parsed.is_empty():
        condition = photo_filter(parsed, date_bounds)
        held = {"id"} | _photo_columns(*order)
        if Filter("missing", "caption") in parsed.filters and held >= _DATE_KEYS:
            held.add("caption")
        if not _photo_columns(condition) <= held:
            condition = Photo.id.in_(select(Photo.id).where(condition))
        stmt = stmt.where(condition)
    return stmt.order_by(*order)


def _link_ids(flt: Filter) -> Select | None:
    """The photo ids a keyword, person or collection filter matches, from the link table
    alone; None for other filters.

    Names are matched first (a few thousand rows), then their photos through the link
    table's index on the name's id: a join would have SQLite scan every link (400,000 at
    100,000 photos, ≈0.5 s) and look up each one's name.
    """
    value = flt.value.lower()
    if flt.field == "keyword":
        segments = literal("|") + func.lower(Keyword.name) + literal("|")
        names = select(Keyword.id).where(segments.contains(f"|{value}|", autoescape=True))
        return select(photo_keyword.c.photo_id).where(photo_keyword.c.keyword_id.in_(names))
    if flt.field == "person":
        names = select(Person.id).where(func.lower(Person.name).contains(value,
                                                                         autoescape=True))
        return select(photo_person.c.photo_id).where(photo_person.c.person_id.in_(names))
    if flt.field == "collection":
        names = select(Collection.id).where(func.lower(Collection.name) == value)
        return select(CollectionMember.photo_id).where(
            CollectionMember.collection_id.in_(names))
    return None


def ids_only(parsed: ParsedQuery) -> Select | None:
    """A select of the matching photo ids that never reads a ``photo`` row, or None.

    Plain words and phrases come from the full-text index; keyword, person and collection
    filters from their link tables; excluded ones are taken away (``NOT IN``). Any other
    part (a field filter, an identifier-like word) needs the photo rows: None. So does a
    query without a positive part, which would have to start from every photo.
    """
    if any(is_identifier_like(w) for w in (*parsed.words, *parsed.excluded_words)):
        return None
    wanted: list[Select] = []
    unwanted: list[Select] = []
    terms = [fts_string(p, prefix=False) for p in parsed.phrases]
    terms += [fts_string(w, prefix=True) for w in parsed.words]
    if terms:
        wanted.append(_fts_ids(" AND ".join(terms)))
    excluded = [fts_string(p, prefix=False) for p in parsed.excluded_phrases]
    excluded += [fts_string(w, prefix=True) for w in parsed.excluded_words]
    if excluded:
        unwanted.append(_fts_ids(" OR ".join(excluded)))
    for flt in parsed.filters:
        ids = _link_ids(flt)
        if ids is None:
            return None
        (unwanted if flt.negated else wanted).append(ids.distinct())  # a photo once
    if not wanted:
        return None
    if len(wanted) == 1 and not unwanted:
        return wanted[0]
    first = wanted[0].subquery()
    found = first.c[0]
    return select(found).where(*(found.in_(more) for more in wanted[1:]),
                               *(found.not_in(less) for less in unwanted))


def fetch_ids(session: Session, ids: Select[tuple[int]]) -> list[int]:
    """The ids `ids` selects, in its order, fetched as one JSON array.

    100,000 one-column rows cost far more to fetch one by one than to aggregate in SQLite
    and parse with `json.loads`. SQLite feeds an aggregate the rows of an ordered FROM
    subquery in that order (it drops such an ORDER BY only under count/min/max), so the
    array keeps the order.
    """
    inner = ids.subquery()
    found = session.execute(select(func.json_group_array(inner.c[0]))).scalar_one()
    return json.loads(found) if found else []


__all__ = [
    "CHUNK", "DateBounds", "fetch_ids", "fts_string", "ids_only", "is_identifier_like",
    "photo_filter",
    "rebuild_fts", "refresh_fts", "remove_fts", "search_select", "sorted_select",
]
