"""Word searches sorted by the order kept in memory (`catalog.order`) give exactly what SQL
gives, and never a stale order after anyone — this process or another — changes the catalog."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import insert, text
from varied_catalog import fill_varied

from photoarchive.catalog.models import Photo, utcnow
from photoarchive.catalog.search import fetch_ids, refresh_fts
from photoarchive.services.editing import apply_values
from photoarchive.services.photos import SORT_KEYS, ids_select, query_ids


def _in_sql(archive, query: str, sort: str) -> list[int]:
    with archive.reader() as session:
        return fetch_ids(session, ids_select(query, sort))


QUERIES = ["street", "tram bridge", '"street tram"', "rain -kids", 'market -"rain street"',
           "óbuda", "fount", "nothingatall", "street -street",
           "keyword:Hungary", "keyword:tram", "keyword:Places|Hungary", "person:anna",
           "person:anna keyword:budapest", "street person:anna -keyword:tram",
           'collection:"Milwaukee 1936"', 'tram -collection:"milwaukee 1936"',
           "keyword:tram -person:nagy -street", "-keyword:tram", "person:nobody"]


@pytest.mark.parametrize("sort", SORT_KEYS)
def test_word_searches_match_sql_in_every_order(archive, sort: str) -> None:
    fill_varied(archive)
    for query in QUERIES:
        assert query_ids(archive, query, sort) == _in_sql(archive, query, sort), query
    assert query_ids(archive, "street", sort)  # the fast path has something to sort
    assert len(set(query_ids(archive, "person:anna", sort))) == len(
        query_ids(archive, "person:anna", sort))  # two Annas on a photo: listed once
    assert sort in archive.catalog.ranks._orders  # … and it was taken, not SQL's


def test_an_edit_moves_the_photo_at_once(archive) -> None:
    ids = fill_varied(archive)
    before = query_ids(archive, "street", "date")
    last = before[-1]
    first = next(i for i in before if i != last)
    # The last photo gets the earliest date; then the first one loses the word.
    with archive.reader() as session:
        caption = session.get(Photo, first).caption
    apply_values(archive, {last: {"date": "1800"}, first: {"caption": "no match"}})
    after = query_ids(archive, "street", "date")
    assert after[0] == last and first not in after
    assert after == _in_sql(archive, "street", "date")
    assert caption and ids


def test_another_process_changing_the_catalog_is_seen(archive) -> None:
    fill_varied(archive)
    before = query_ids(archive, "tram", "title")
    moved = before[-1]
    other = sqlite3.connect(archive.path)  # stands for the command line in another process
    with other:
        other.execute("UPDATE photo SET title = 'AAA first' WHERE id = ?", (moved,))
    other.close()
    after = query_ids(archive, "tram", "title")
    assert after[0] == moved
    assert after == _in_sql(archive, "tram", "title")


def test_new_photos_are_found_and_sorted(archive) -> None:
    fill_varied(archive, count=50)
    query_ids(archive, "street", "date")  # keep the order of 50
    more = [{"path": "/archive/new.jpg", "content_hash": "f" * 64, "file_size": 1,
                   "file_mtime": 0.0, "orientation": 1, "rotation": 0, "missing": False,
                   "rating": 0, "version": 1, "created_at": utcnow(), "modified_at": utcnow(),
                   "caption": "street", "date_earliest": "1000-01-01",
                   "date_latest": "1000-01-01"}]
    with archive.session() as session:
        session.execute(insert(Photo), more)
        new_id = session.execute(text("SELECT id FROM photo WHERE path LIKE '%new.jpg'")
                                 ).scalar_one()
        refresh_fts(session, [new_id])
    found = query_ids(archive, "street", "date")
    assert found[0] == new_id
    assert found == _in_sql(archive, "street", "date")


def test_the_kept_order_refuses_unknown_ids(archive) -> None:
    ids = fill_varied(archive, count=20)
    ranks = archive.catalog.ranks
    seen = ranks.version()

    def order() -> list[int]:
        return query_ids(archive, "", "date")

    assert ranks.sort(sorted(ids), "date", seen, order) is None  # first miss: SQL sorts
    assert ranks.sort(sorted(ids), "date", seen, order) == order()  # second: kept and used
    assert ranks.sort([max(ids) + 1], "date", seen, order) is None
    assert ranks.sort([], "date", seen, order) == []
    apply_values(archive, {ids[0]: {"caption": "changed"}})
    assert ranks.sort(ids, "date", seen, order) is None  # the catalog moved on meanwhile
