"""The orders the grid shows, on the real catalog (migration 0004's sort indexes)."""

from __future__ import annotations

from sqlalchemy import insert, text

from photoarchive.catalog.models import Photo, utcnow
from photoarchive.catalog.search import refresh_fts
from photoarchive.services.photos import ids_select, query_ids

# (path, date_earliest, date_latest, taken_at); None = unknown
ROWS = [
    ("a/undated-2.jpg", None, None, None),
    ("a/1956-10.jpg", "1956-10-01", "1956-10-31", None),
    ("a/1956.jpg", "1956-01-01", "1956-12-31", "1956:07:01 10:00:00"),
    ("a/undated-1.jpg", None, None, "2001:01:01 00:00:00"),
    ("b/1956-10-b.jpg", "1956-10-01", "1956-10-31", None),
    ("a/1956-10-23.jpg", "1956-10-23", "1956-10-23", None),
    ("a/1900s.jpg", "1900-01-01", "1909-12-31", None),
    ("a/1956-taken.jpg", "1956-01-01", "1956-12-31", "1956:03:01 10:00:00"),
]


def _add(archive) -> dict[str, int]:
    with archive.session() as session:
        session.execute(insert(Photo), [
            {"path": f"/archive/{path}", "content_hash": f"{n:064x}", "file_size": 1,
             "file_mtime": 0.0, "orientation": 1, "rotation": 0, "missing": False,
             "rating": 0, "version": 1, "created_at": utcnow(), "modified_at": utcnow(),
             "date_earliest": earliest, "date_latest": latest, "taken_at": taken,
             "caption": "Street scene" if n % 2 else None}
            for n, (path, earliest, latest, taken) in enumerate(ROWS)])
        rows = session.execute(text("SELECT path, id FROM photo")).all()
        refresh_fts(session, [pid for _, pid in rows])
    return {path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1]: pid
            for path, pid in rows}


def _expected(ids: dict[str, int]) -> list[int]:
    def key(row: tuple[str, str | None, str | None, str | None]) -> tuple:
        path, earliest, latest, taken = row
        # SQLite sorts NULL first; undated photos go last by the first term.
        return (earliest is None, earliest or "", latest is not None, latest or "",
                taken is not None, taken or "", path)
    return [ids[row[0]] for row in sorted(ROWS, key=key)]


def test_date_order_puts_undated_photos_last(archive) -> None:
    ids = _add(archive)
    expected = _expected(ids)
    assert [ids["a/undated-2.jpg"], ids["a/undated-1.jpg"]] == expected[-2:]
    assert query_ids(archive, "", "date") == expected
    assert query_ids(archive, "street", "date") == [i for i in expected
                                                    if i in set(query_ids(archive, "street"))]
    without = [i for i in expected if i in set(query_ids(archive, "missing:caption", "path"))]
    assert query_ids(archive, "missing:caption", "date") == without
    assert query_ids(archive, "date:1956-10", "date") == [
        ids[p] for p in ("a/1956-taken.jpg", "a/1956.jpg", "a/1956-10.jpg", "b/1956-10-b.jpg",
                         "a/1956-10-23.jpg")]


def test_first_page_by_date_walks_the_index(archive) -> None:
    _add(archive)
    stmt = ids_select("", "date").limit(200)
    with archive.reader() as session:
        sql = str(stmt.compile(dialect=session.get_bind().dialect,
                               compile_kwargs={"literal_binds": True}))
        plan = " | ".join(r[3] for r in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "USING COVERING INDEX ix_photo_date_sort" in plan
    assert "TEMP B-TREE" not in plan


def test_other_orders_see_the_same_photos(archive) -> None:
    ids = _add(archive)
    for sort in ("title", "imported", "path"):
        for query in ("", "street", "missing:caption", "date:1956", "-date:1956"):
            assert sorted(query_ids(archive, query, sort)) == sorted(query_ids(archive, query))
    assert query_ids(archive, "", "path") == [ids[p] for p in sorted(ids)]
