"""Keeping the FTS5 index in step when only some fields changed (`refresh_fts(fields=…)`).

Every test compares the index with what a full rebuild from the tables gives, so a column
left stale, a row missing or a row too many shows up, and runs FTS5's own integrity check.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from photoarchive.catalog import search
from photoarchive.catalog.models import Keyword, Photo, photo_keyword, utcnow
from photoarchive.catalog.search import (
    INDEXED_FIELDS,
    DateBounds,
    fts_columns,
    rebuild_fts,
    refresh_fts,
    search_select,
)


def _photos(session: Session, count: int) -> list[int]:
    session.execute(insert(Photo), [
        {"path": f"p/{i}.jpg", "content_hash": f"{i:064x}", "file_size": 1, "file_mtime": 0.0,
         "orientation": 1, "rotation": 0, "missing": False, "rating": 0, "version": 1,
         "title": f"Title {i}", "headline": "Headline", "caption": f"oldcaption number{i}",
         "city": "Budapest", "credit": "Fortepan", "created_at": utcnow(),
         "modified_at": utcnow()}
        for i in range(count)])
    ids = list(session.scalars(select(Photo.id).order_by(Photo.id)))
    keyword = Keyword(name="Places|Hungary")
    session.add(keyword)
    session.flush()
    session.execute(insert(photo_keyword), [{"photo_id": pid, "keyword_id": keyword.id}
                                            for pid in ids[::2]])
    refresh_fts(session, ids)
    return ids


def _index(session: Session) -> list[tuple]:
    return [tuple(r) for r in session.execute(text(
        "SELECT rowid, title, caption, alt_text, keywords, people, places, creator, source, "
        "identifier, notes FROM photo_fts ORDER BY rowid"))]


def _assert_in_step(session: Session) -> None:
    """The index is exactly what a rebuild from the tables makes, and FTS5 agrees."""
    session.execute(text("INSERT INTO photo_fts (photo_fts, rank) VALUES ('integrity-check', 1)"))
    kept = _index(session)
    rebuild_fts(session)
    assert kept == _index(session)


def _found(session: Session, query: str, date_bounds: DateBounds) -> set[int]:
    return set(session.scalars(search_select(query, date_bounds)))


def test_columns_of_fields() -> None:
    assert fts_columns(["caption"]) == ("caption",)
    assert fts_columns(["headline", "credit", "city", "keywords"]) == (
        "title", "keywords", "places", "source")
    assert fts_columns(["date", "date_display", "rating", "rights", "latitude"]) == ()
    assert {"caption", "title", "headline", "keywords", "people", "event", "notes"} <= \
        INDEXED_FIELDS


def test_only_changed_columns_rewritten(session: Session, date_bounds: DateBounds) -> None:
    ids = _photos(session, 12)
    edited = ids[2:9]
    session.execute(update(Photo).where(Photo.id.in_(edited)).values(
        caption="newcaption", headline="Revolution", credit="Archive"))
    session.execute(delete(photo_keyword).where(photo_keyword.c.photo_id == ids[2]))
    refresh_fts(session, edited, fields={"caption", "headline", "credit", "keywords"})
    assert _found(session, "newcaption", date_bounds) == set(edited)
    assert _found(session, "oldcaption", date_bounds) == set(ids) - set(edited)
    assert _found(session, "revolution archive", date_bounds) == set(edited)
    assert _found(session, "hungary", date_bounds) == set(ids[::2]) - {ids[2]}
    assert _found(session, "budapest", date_bounds) == set(ids)  # untouched columns kept
    _assert_in_step(session)


def test_unindexed_fields_leave_the_index_alone(session: Session,
                                                date_bounds: DateBounds) -> None:
    ids = _photos(session, 3)
    before = _index(session)
    session.execute(update(Photo).where(Photo.id == ids[0]).values(
        rating=3, date="1956", date_earliest="1956-01-01", date_latest="1956-12-31"))
    refresh_fts(session, ids, fields={"rating", "date", "date_earliest", "date_latest"})
    assert _index(session) == before
    _assert_in_step(session)


def test_missing_and_deleted_photos_handled_as_a_full_refresh(
        session: Session, date_bounds: DateBounds, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "CHUNK", 4)
    ids = _photos(session, 10)
    session.execute(text("DELETE FROM photo_fts WHERE rowid = :id"), {"id": ids[1]})
    session.execute(delete(Photo).where(Photo.id == ids[6]))
    session.execute(update(Photo).values(caption="everywhere"))
    refresh_fts(session, [*ids, *ids, 10_000], fields={"caption"})  # duplicates, unknown id
    assert _found(session, "everywhere", date_bounds) == set(ids) - {ids[6]}
    assert session.scalar(text("SELECT count(*) FROM photo_fts")) == 9
    _assert_in_step(session)


def test_partial_refresh_in_chunks(session: Session, date_bounds: DateBounds,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "CHUNK", 7)
    ids = _photos(session, 40)
    session.execute(update(Photo).where(Photo.id.in_(ids[5:35])).values(notes="checked"))
    refresh_fts(session, ids[5:35], fields={"notes"})
    assert _found(session, "checked", date_bounds) == set(ids[5:35])
    _assert_in_step(session)
