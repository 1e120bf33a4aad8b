"""Search end to end: a real catalog, the FTS5 index kept in step, every filter compiled."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Select, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from photoarchive.catalog import search
from photoarchive.catalog.models import (
    Collection,
    CollectionMember,
    Keyword,
    Person,
    Photo,
    utcnow,
)
from photoarchive.catalog.query import parse_query
from photoarchive.catalog.search import (
    DateBounds,
    fetch_ids,
    photo_filter,
    rebuild_fts,
    refresh_fts,
    remove_fts,
    search_select,
    sorted_select,
)
from photoarchive.errors import QueryError

PHOTOS: dict[str, dict] = {
    "tanks": {
        "title": "Tanks on Üllői út", "headline": "Revolution",
        "caption": "Soviet tanks in Budapest, október 1956, közben a harcok.",
        "city": "Budapest", "country": "Hungary", "country_code": "HU",
        "creator": "Unknown photographer", "date": "1956-10-23/1956-11-10",
        "date_earliest": "1956-10-23", "date_latest": "1956-11-10",
        "rights": "Public domain",
        "keywords": ["Places|Hungary|Budapest", "Events|1956 Revolution"], "people": ["Nagy Imre"],
        "collection": "Revolution 1956"},
    "iptc": {
        "path": "iptc/IPTC-PhotometadataRef-Std2017.1.jpg",
        "title": "The Title (ref2017.1)", "caption": "", "creator": "IPTC",
        "identifier": "IPTC-2017.1", "date": "2017", "date_earliest": "2017-01-01",
        "date_latest": "2017-12-31", "rights": "  "},
    "street": {
        "path": "fsa/8b28631v.tif", "title": "Street scene, Milwaukee", "caption": None,
        "city": "Milwaukee", "country": "United States", "country_code": "US",
        "creator": "Carl Mydans", "identifier": "LC-DIG-fsa-8b28631", "date": "1936",
        "date_earliest": "1936-01-01", "date_latest": "1936-12-31",
        "rights_url": "https://x.org/pd",
        "keywords": ["Street scenes"], "collection": "Milwaukee 1936"},
    "crowd": {
        "caption": "Crowd at the Parliament", "date": "1956~", "date_earliest": "1956-01-01",
        "date_latest": "1956-12-31", "keywords": ["Budapest"], "people": ["André Kertész"],
        "rights": "CC0", "sublocation": "Kossuth tér"},
    "soldiers": {
        "caption": "Red Army soldiers", "creator": "Robert Capa", "date": "1945",
        "date_earliest": "1945-01-01", "date_latest": "1945-12-31",
        "keywords": ["People|Soldiers"],
        "people": ["Robert Capa"], "rights": "©"},
    "petrol": {"caption": "Tankstelle at night", "country": "Germany", "country_code": "DE"},
    "sign": {"caption": "Parliament shop, 50% off, discount_sign"},
    "empty": {"path": "misc/empty.tif"},
}


def _ids(session: Session, query: str) -> set[str]:
    found = set(session.scalars(search_select(query, session.info["date_bounds"])))
    names = {pid: name for name, pid in session.info["photo_ids"].items()}
    return {names[pid] for pid in found}


@pytest.fixture
def db(session: Session, date_bounds: DateBounds) -> Session:
    """The catalog session with the PHOTOS in it, indexed."""
    session.info["date_bounds"] = date_bounds
    collections: dict[str, Collection] = {}
    keywords: dict[str, Keyword] = {}
    people: dict[str, Person] = {}
    ids: dict[str, int] = {}
    for n, (name, spec) in enumerate(PHOTOS.items()):
        spec = dict(spec)
        kws, persons = spec.pop("keywords", []), spec.pop("people", [])
        coll = spec.pop("collection", None)
        photo = Photo(path=spec.pop("path", f"photos/{name}.jpg"), content_hash=f"{n:064x}",
                      file_size=1000 + n, file_mtime=1.0, **spec)
        photo.keywords = [keywords.setdefault(k, Keyword(name=k)) for k in kws]
        photo.people = [people.setdefault(p, Person(name=p)) for p in persons]
        if coll:
            collection = collections.setdefault(coll, Collection(name=coll))
            photo.memberships = [CollectionMember(collection=collection, position=n)]
        session.add(photo)
        session.flush()
        ids[name] = photo.id
    session.info["photo_ids"] = ids
    refresh_fts(session, ids.values())
    session.commit()
    return session


ALL = set(PHOTOS)

CASES = [
    ("", ALL),
    ("   ", ALL),
    # prefix words, case and diacritics folded
    ("tank", {"tanks", "petrol"}),
    ("TANKS", {"tanks", "petrol"}),
    ("budap", {"tanks", "crowd"}),
    ("oktober", {"tanks"}),
    ("kozben", {"tanks"}),
    ("ulloi", {"tanks"}),
    ("Üllői", {"tanks"}),
    ("revolution", {"tanks"}),  # headline and keyword
    ("kossuth", {"crowd"}),  # places column
    ("mydans", {"street"}),
    ("parliament", {"crowd", "sign"}),
    ("parliament crowd", {"crowd"}),
    ("nothing-like-this", set()),
    # phrases
    ('"soviet tanks"', {"tanks"}),
    ('"tanks soviet"', set()),
    ('"soviet tank"', set()),  # no prefix inside phrases
    ('"red army" soldiers', {"soldiers"}),
    # exclusion
    ("tank -soviet", {"petrol"}),
    ("-tank", ALL - {"tanks", "petrol"}),
    ('-"soviet tanks"', ALL - {"tanks"}),
    ("parliament -crowd -nothing", {"sign"}),
    # identifiers and file names
    ("ref2017.1", {"iptc"}),
    ("Std2017.1", {"iptc"}),
    ("photometadataref", set()),  # plain words do not search paths (only identifier-like)
    ("8b28631", {"street"}),
    ("LC-DIG-fsa-8b28631", {"street"}),
    ("fsa-8b286", {"street"}),
    ("8b28631v.tif", {"street"}),
    ("-8b28631", ALL - {"street"}),
    ("50%", {"sign"}),
    ("PhotometadataRef-Std2017.1", {"iptc"}),  # file name, by substring
    ("0%o", set()),  # LIKE wildcards are literal: "50% off" must not match
    ("t_n", set()),  # nor "Tankstelle"
    # keyword: whole keywords or whole hierarchy segments
    ("keyword:Places", {"tanks"}),
    ("keyword:budapest", {"tanks", "crowd"}),
    ("keyword:Hungary|Budapest", {"tanks"}),
    ("keyword:places|hungary", {"tanks"}),
    ("keyword:Hungary|Paris", set()),
    ("keyword:buda", set()),
    ('keyword:"street scenes"', {"street"}),
    ("keyword:street", set()),
    ('keyword:"1956 Revolution"', {"tanks"}),
    ("-keyword:budapest", ALL - {"tanks", "crowd"}),
    ("keyword:%", set()),
    # person, creator, city, country, collection
    ("person:capa", {"soldiers"}),
    ("person:Kertész", {"crowd"}),
    ('person:"andré k"', {"crowd"}),
    ("-person:capa", ALL - {"soldiers"}),
    ("creator:capa", {"soldiers"}),
    ("creator:PHOTOG", {"tanks"}),
    ("-creator:capa", ALL - {"soldiers"}),  # photos without a creator stay
    ("city:milw", {"street"}),
    ("country:hu", {"tanks"}),
    ("country:US", {"street"}),
    ('country:"united"', {"street"}),
    ("-country:germany", ALL - {"petrol"}),
    ('collection:"milwaukee 1936"', {"street"}),
    ("collection:milwaukee", set()),
    ("-collection:\"Revolution 1956\"", ALL - {"tanks"}),
    # dates: overlap of ranges
    ("date:1956", {"tanks", "crowd"}),
    ("date:1956-10..1956-11", {"tanks", "crowd"}),
    ("date:1956-11-10", {"tanks", "crowd"}),
    ("date:1956-11-11", {"crowd"}),
    ('date:"c. 1936"', {"street"}),
    ("date:1940..1950", {"soldiers"}),
    ("-date:1956", ALL - {"tanks", "crowd"}),  # undated photos stay
    # missing
    ("missing:caption", {"iptc", "street", "empty"}),
    ("-missing:caption", ALL - {"iptc", "street", "empty"}),
    ("missing:date", {"petrol", "sign", "empty"}),
    ("missing:keywords", {"iptc", "petrol", "sign", "empty"}),
    ("missing:people", ALL - {"tanks", "crowd", "soldiers"}),
    ("missing:collection", ALL - {"tanks", "street"}),
    ("missing:place", {"iptc", "soldiers", "sign", "empty"}),
    ("missing:rights", {"petrol", "sign", "empty", "iptc"}),
    ("missing:creator", {"crowd", "petrol", "sign", "empty"}),
    ("missing:title", ALL - {"tanks", "iptc", "street"}),
    ("missing:identifier", ALL - {"iptc", "street"}),
    ("missing:alt_text", ALL),
    # combinations
    ("budapest date:1956 -keyword:Events", {"crowd"}),
    ("keyword:budapest missing:collection", {"crowd"}),
    ("parliament -missing:rights", {"crowd"}),
    ('"red army" person:capa date:1945 country:x', set()),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q or "<empty>" for q, _ in CASES])
def test_search(db: Session, query: str, expected: set[str]) -> None:
    assert _ids(db, query) == expected


def test_fts_follows_updates(db: Session) -> None:
    ids = db.info["photo_ids"]
    petrol = db.get(Photo, ids["petrol"])
    petrol.caption = "Petrol station"
    petrol.keywords = [Keyword(name="Places|Germany|Berlin")]
    refresh_fts(db, [ids["petrol"]])
    db.commit()
    assert _ids(db, "tankstelle") == set()
    assert _ids(db, "petrol") == {"petrol"}
    assert _ids(db, "berlin") == {"petrol"}
    assert _ids(db, "keyword:berlin") == {"petrol"}
    # a deleted photo disappears from the index through refresh_fts as well
    db.execute(delete(Photo).where(Photo.id == ids["sign"]))
    refresh_fts(db, [ids["sign"]])
    assert db.scalar(text("SELECT count(*) FROM photo_fts")) == len(PHOTOS) - 1
    remove_fts(db, [ids["petrol"]])
    assert _ids(db, "petrol") == set()


def test_rebuild(db: Session) -> None:
    db.execute(text("DELETE FROM photo_fts"))
    assert _ids(db, "budapest") == set()
    rebuild_fts(db)
    assert _ids(db, "budapest") == {"tanks", "crowd"}
    assert db.scalar(text("SELECT count(*) FROM photo_fts")) == len(PHOTOS)


def test_index_content(db: Session) -> None:
    row = db.execute(text(
        "SELECT title, keywords, people, places, source FROM photo_fts WHERE rowid = :id"),
        {"id": db.info["photo_ids"]["tanks"]}).one()
    assert row.title == "Tanks on Üllői út Revolution"
    assert set(row.keywords.split(" ")) == {"Places", "Hungary", "Budapest", "Events", "1956",
                                            "Revolution"}
    assert row.people == "Nagy Imre"
    assert row.places == "Budapest  Hungary HU"
    assert row.source == ""


def test_refresh_in_chunks(session: Session, date_bounds: DateBounds,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "CHUNK", 7)
    session.execute(insert(Photo), [
        {"path": f"p/{i}.jpg", "content_hash": f"{i:064x}", "file_size": 1, "file_mtime": 0.0,
         "orientation": 1, "rotation": 0, "missing": False, "rating": 0, "version": 1,
         "caption": f"bulk photo {i}", "created_at": utcnow(), "modified_at": utcnow()}
        for i in range(60)])
    all_ids = list(session.scalars(select(Photo.id)))
    refresh_fts(session, all_ids + all_ids + [10_000])  # duplicates, unknown id
    assert session.scalar(text("SELECT count(*) FROM photo_fts")) == 60
    assert len(session.scalars(search_select("bulk", date_bounds)).all()) == 60
    remove_fts(session, all_ids[:25])
    assert session.scalar(text("SELECT count(*) FROM photo_fts")) == 35


def test_photo_filter_composes(db: Session) -> None:
    cond = photo_filter(parse_query("budapest"), db.info["date_bounds"])
    count = db.scalar(select(func.count()).select_from(Photo).where(cond, Photo.rating == 0))
    assert count == 2


@pytest.mark.parametrize("query", ["date:nonsense", "date:1956-13", "date:1956..x"])
def test_bad_date_is_query_error(db: Session, query: str) -> None:
    with pytest.raises(QueryError, match="date:"):
        _ids(db, query)


def test_with_real_dates_module(db: Session) -> None:
    dates = pytest.importorskip("photoarchive.media.dates")

    def run(q: str) -> set[str]:
        names = {pid: name for name, pid in db.info["photo_ids"].items()}
        return {names[i] for i in db.scalars(search_select(q, dates.query_bounds))}

    assert run("date:1956-10..1956-11") == {"tanks", "crowd"}
    assert run('date:"c. 1956"') == {"tanks", "crowd"}
    assert run("date:1950s") == {"tanks", "crowd"}
    with pytest.raises(QueryError):
        run("date:someday")


NASTY = [
    '"', '""', '"""', "*", "**", "a*", "*a", "^", "^a", "a^b", ":", "a:", ":a", "::",
    "NEAR(", "NEAR(a b)", "NEAR(a b, 2)", "AND", "OR", "NOT", "a AND", "AND a", "a OR b",
    "a NOT b", "(", ")", "(a", "a)", "{title}: x", "title:x", "photo_fts:x", "-", "--", "- -",
    "+", "a+b", "'", "'; DROP TABLE photo; --", "%", "_", "\\", "\u200b", "a\"b",
    "\x00", "a\x00b", "0\x00", '"\x00"', "\x01\x1f", "\ud800", "x\udfff1",
    '"a" "b', 'keyword:"', "-keyword:", "missing:%", "date:", "date:..", 'date:"',
    "city:%", "city:_", "collection:\"%\"", "é*", "ő^", "*\"x\"*", "col:\"x\"",
]


@pytest.mark.parametrize("query", NASTY)
def test_nasty_input_never_breaks_sql(db: Session, query: str) -> None:
    with contextlib.suppress(QueryError):
        _ids(db, query)
    assert db.scalar(select(func.count()).select_from(Photo)) == len(PHOTOS)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(
    [*'ab1 -":|*^()._%\\\'~ő', "NEAR(", "AND", "OR", "NOT", "keyword:", "date:",
     "missing:", "person:", "tank", "1956"]),
    max_size=12).map("".join) | st.text(max_size=30))
def test_random_queries_only_raise_query_error(db: Session, query: str) -> None:
    with contextlib.suppress(QueryError):
        _ids(db, query)


# -- sorted selects: the same photos in every order, read from the sort index ---------------

DATE_ORDER = [Photo.date_earliest.is_(None), Photo.date_earliest, Photo.date_latest,
              Photo.taken_at, Photo.path]
ORDERS = {"date": DATE_ORDER, "path": [Photo.path],
          "imported": [Photo.created_at.desc(), Photo.id.desc()],
          "title": [Photo.title.is_(None), func.lower(Photo.title), Photo.path]}


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q or "<empty>" for q, _ in CASES])
def test_sorted_select_finds_the_same_photos_in_order(db: Session, query: str,
                                                      expected: set[str]) -> None:
    names = {pid: name for name, pid in db.info["photo_ids"].items()}
    for order in ORDERS.values():
        ids = fetch_ids(db, sorted_select(query, db.info["date_bounds"], order))
        assert {names[i] for i in ids} == expected
        assert ids == list(db.scalars(select(Photo.id).where(Photo.id.in_(ids))
                                      .order_by(*order)))


def _plan(session: Session, stmt: Select) -> str:
    sql = stmt.compile(dialect=session.get_bind().dialect,
                       compile_kwargs={"literal_binds": True})
    return " | ".join(row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


@pytest.mark.parametrize(("query", "index"), [
    ("", "ix_photo_date_sort"),
    ("date:1956-10..1956-11", "ix_photo_date_sort"),
    ("-date:1956", "ix_photo_date_sort"),
    ("missing:caption", "ix_photo_caption_blank"),
    ("missing:caption date:1936", "ix_photo_caption_blank"),
])
def test_date_order_is_read_from_an_index(db: Session, query: str, index: str) -> None:
    """All photos, a date filter and missing:caption walk an index in date order (never
    sorting, never reading a photo's row), so the first page needs no full sort."""
    plan = _plan(db, sorted_select(query, db.info["date_bounds"], DATE_ORDER))
    assert f"USING COVERING INDEX {index}" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("query", ["city:milw", "missing:title", "creator:capa budapest"])
def test_filters_outside_the_sort_index_find_the_photos_first(db: Session, query: str) -> None:
    """A filter the sort index cannot check would read every row in index order: the
    matching ids are selected first, then only they are sorted."""
    plan = _plan(db, sorted_select(query, db.info["date_bounds"], DATE_ORDER))
    assert "USING INDEX ix_photo_date_sort" not in plan
    assert "LIST SUBQUERY" in plan


def test_date_filter_reads_no_one_column_date_index(db: Session) -> None:
    """The overlap has no narrow range on one date column: it is checked inside the sort
    index, also when another order sorts the matches."""
    for order in ORDERS.values():
        plan = _plan(db, sorted_select("date:1956", db.info["date_bounds"], order))
        assert "ix_photo_date_earliest" not in plan and "ix_photo_date_latest" not in plan


def test_date_filter_with_one_open_end(db: Session) -> None:
    """Rows with only one bound (not written by the app, but legal) count as unbounded on
    the other side; undated photos never match and stay under -date:."""
    ids = db.info["photo_ids"]
    db.execute(update(Photo).where(Photo.id == ids["petrol"]).values(date_latest="1957-01-01"))
    db.execute(update(Photo).where(Photo.id == ids["sign"]).values(date_earliest="1957-01-01"))
    assert _ids(db, "date:1956-10..1956-11") == {"tanks", "crowd", "petrol"}
    assert _ids(db, "date:1958") == {"sign"}
    assert _ids(db, "-date:1956") == ALL - {"tanks", "crowd", "petrol"}


def test_fetch_ids_keeps_the_order(session: Session) -> None:
    session.execute(insert(Photo), [
        {"path": f"p/{(i * 7919) % 3001:05d}.jpg", "content_hash": f"{i:064x}",
         "file_size": 1, "file_mtime": 0.0, "orientation": 1, "rotation": 0,
         "missing": False, "rating": 0, "version": 1, "created_at": utcnow(),
         "modified_at": utcnow()} for i in range(3000)])
    stmt = select(Photo.id).order_by(Photo.path.desc())
    assert fetch_ids(session, stmt) == list(session.scalars(stmt))
    assert fetch_ids(session, select(Photo.id).where(Photo.id < 0)) == []


def test_migration_indexes_are_the_models(session: Session) -> None:
    """Migration 0004 creates exactly the search indexes `models` declares."""
    from sqlalchemy.schema import CreateIndex

    dialect = session.get_bind().dialect
    for index in Photo.__table__.indexes:
        if index.name in ("ix_photo_date_sort", "ix_photo_caption_blank"):
            stored = session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                                    {"n": index.name})
            assert " ".join(stored.split()) == " ".join(
                str(CreateIndex(index).compile(dialect=dialect)).split())
