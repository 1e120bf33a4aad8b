"""Editing: validation, one transaction, the edit log and the search index in step."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text

from photoarchive.catalog.models import Edit, Keyword, Person, Photo, utcnow
from photoarchive.catalog.search import rebuild_fts, refresh_fts
from photoarchive.errors import InvalidDate, NotFound, UsageError
from photoarchive.services.editing import EditRequest, apply_edits, apply_values, snapshot
from photoarchive.services.photos import get_photo, query_ids

HUNGARIAN = "Budapest, 1956. október 23. — Szabadságharcosok a Corvin közben"


def test_caption_edit_is_logged_and_searchable(archive, three_photos) -> None:
    first = three_photos[0]
    changes = apply_edits(archive, [first], EditRequest(set_values={"caption": HUNGARIAN}))
    assert changes.photo_ids == {first} and changes.fields == {"caption"}
    assert get_photo(archive, first).caption == HUNGARIAN
    with archive.reader() as session:
        log = session.scalars(select(Edit).where(Edit.photo_id == first)).all()
    assert [(e.field, e.old, e.new) for e in log] == [("caption", "Caption 1", HUNGARIAN)]
    assert query_ids(archive, "szabadsagharcosok") == [first]  # diacritics folded
    assert query_ids(archive, '"Corvin közben"') == [first]


def test_text_is_normalised(archive, three_photos) -> None:
    decomposed = "Szabadsa\u0301g\r\nline two\x07"
    apply_edits(archive, three_photos[:1], EditRequest(set_values={
        "caption": decomposed, "title": "  two\nlines  "}))
    record = get_photo(archive, three_photos[0])
    assert record.caption == "Szabadság\nline two"
    assert record.title == "two lines"


def test_date_sets_bounds_and_display(archive, three_photos) -> None:
    apply_edits(archive, three_photos, EditRequest(set_values={"date": "c. 1956"}))
    record = get_photo(archive, three_photos[1])
    assert (record.date, record.date_display) == ("1956~", "c. 1956")
    assert (record.date_earliest, record.date_latest) == ("1956-01-01", "1956-12-31")
    assert query_ids(archive, "date:1956-10..1956-11") == three_photos


def test_invalid_values_change_nothing(archive, three_photos) -> None:
    with pytest.raises(InvalidDate, match="1956-10-23"):
        apply_edits(archive, three_photos, EditRequest(set_values={
            "caption": "new", "date": "next spring"}))
    with pytest.raises(UsageError, match="Unknown field"):
        apply_edits(archive, three_photos, EditRequest(set_values={"colour": "red"}))
    with pytest.raises(NotFound, match="999"):
        apply_edits(archive, [three_photos[0], 999], EditRequest(set_values={"caption": "x"}))
    with pytest.raises(UsageError, match="Rating"):
        apply_edits(archive, three_photos, EditRequest(set_values={"rating": "9"}))
    assert get_photo(archive, three_photos[0]).caption == "Caption 1"


def test_keywords_added_and_removed_without_touching_others(archive, three_photos) -> None:
    a, b, c = three_photos
    apply_edits(archive, [a], EditRequest(set_values={"keywords": "Streets; Places|Hungary"}))
    apply_edits(archive, [a, b], EditRequest(add_keywords=["Trams"], remove_keywords=["streets"]))
    assert get_photo(archive, a).keywords == ["Places|Hungary", "Trams"]
    assert get_photo(archive, b).keywords == ["Trams"]
    assert get_photo(archive, c).keywords == []
    assert query_ids(archive, "keyword:hungary") == [a]


def test_undo_through_the_same_path(archive, three_photos) -> None:
    before = snapshot(archive, three_photos, ["caption", "date", "keywords"])
    apply_edits(archive, three_photos, EditRequest(
        set_values={"caption": "Same for all", "date": "1956-10"}, add_keywords=["x"]))
    apply_values(archive, before)
    for pid in three_photos:
        record = get_photo(archive, pid)
        assert record.caption == before[pid]["caption"]
        assert record.date is None and record.date_display is None and record.keywords == []
    assert query_ids(archive, "same") == []


def test_nothing_changes_when_values_are_equal(archive, three_photos) -> None:
    apply_edits(archive, three_photos[:1], EditRequest(set_values={"date": "1956~"}))
    assert not apply_edits(archive, three_photos[:1], EditRequest(set_values={"date": "c. 1956"}))


def _rows(archive, ids: list[int]) -> dict[int, tuple]:
    with archive.reader() as session:
        return {r.id: (r.caption, r.version, r.modified_at) for r in session.execute(
            select(Photo.id, Photo.caption, Photo.version, Photo.modified_at)
            .where(Photo.id.in_(ids)))}


def test_selection_edit_bumps_version_and_time_of_changed_photos_only(archive,
                                                                     three_photos) -> None:
    a, b, c = three_photos
    apply_edits(archive, [c], EditRequest(set_values={"caption": "Same for all"}))
    before = _rows(archive, three_photos)
    changes = apply_edits(archive, three_photos, EditRequest(
        set_values={"caption": "Same for all"}), origin="gui")
    after = _rows(archive, three_photos)
    assert changes.photo_ids == {a, b} and changes.fields == {"caption"}
    for pid in (a, b):
        assert after[pid][0] == "Same for all"
        assert after[pid][1] == before[pid][1] + 1
        assert after[pid][2] > before[pid][2]
    assert after[c] == before[c]  # already had it: not written, not logged
    with archive.reader() as session:
        log = session.execute(select(Edit.photo_id, Edit.old, Edit.new, Edit.origin)
                              .where(Edit.origin == "gui").order_by(Edit.id)).all()
    assert [tuple(r) for r in log] == [(a, "Caption 1", "Same for all", "gui"),
                                       (b, "Caption 2", "Same for all", "gui")]


def test_undo_restores_each_photos_own_value(archive, three_photos) -> None:
    before = snapshot(archive, three_photos, ["caption", "rating"])
    apply_edits(archive, three_photos, EditRequest(set_values={"caption": "x", "rating": 3}))
    versions = {pid: row[1] for pid, row in _rows(archive, three_photos).items()}
    changes = apply_values(archive, before)
    assert changes.photo_ids == set(three_photos) and changes.fields == {"caption", "rating"}
    after = _rows(archive, three_photos)
    for n, pid in enumerate(three_photos, start=1):
        assert get_photo(archive, pid).caption == f"Caption {n}"
        assert get_photo(archive, pid).rating == 0
        assert after[pid][1] == versions[pid] + 1
    with archive.reader() as session:
        log = session.execute(select(Edit.photo_id, Edit.field, Edit.old, Edit.new)
                              .where(Edit.origin == "gui").order_by(Edit.id)).all()
    assert [tuple(r) for r in log] == [
        row for n, pid in enumerate(three_photos, start=1)
        for row in ((pid, "caption", "x", f"Caption {n}"), (pid, "rating", "3", "0"))]
    assert query_ids(archive, "caption") == three_photos


def test_a_new_keyword_is_created_once_for_the_selection(archive, three_photos) -> None:
    apply_edits(archive, three_photos, EditRequest(add_keywords=["Brand new", "Places|X"],
                                                   add_people=["Somebody"]))
    with archive.reader() as session:
        assert session.scalars(select(Keyword.name).order_by(Keyword.id)).all() == [
            "Brand new", "Places|X"]
        assert session.scalars(select(Person.name)).all() == ["Somebody"]
    for pid in three_photos:
        assert get_photo(archive, pid).keywords == ["Brand new", "Places|X"]
        assert get_photo(archive, pid).people == ["Somebody"]
    apply_edits(archive, three_photos[:1], EditRequest(remove_keywords=["brand NEW"]))
    assert get_photo(archive, three_photos[0]).keywords == ["Places|X"]
    assert get_photo(archive, three_photos[1]).keywords == ["Brand new", "Places|X"]
    assert query_ids(archive, "keyword:x") == three_photos


def test_snapshot_of_an_unknown_photo(archive, three_photos) -> None:
    with pytest.raises(NotFound, match="999"):
        snapshot(archive, [three_photos[0], 999], ["caption"])


def _fts_in_step(archive) -> None:
    """FTS5's own check, and the index equal to what a rebuild from the tables makes."""
    query = text("SELECT rowid, * FROM photo_fts ORDER BY rowid")
    with archive.session() as session:
        session.execute(text(
            "INSERT INTO photo_fts (photo_fts, rank) VALUES ('integrity-check', 1)"))
        kept = session.execute(query).all()
        rebuild_fts(session)
        assert session.execute(query).all() == kept


def test_search_follows_an_edit_and_its_undo(archive, three_photos) -> None:
    before = snapshot(archive, three_photos, ["caption", "headline", "keywords", "date"])
    apply_edits(archive, three_photos[:2], EditRequest(
        set_values={"caption": "Tramway depot", "headline": "Óbuda", "date": "1956"},
        add_keywords=["Places|Hungary|Budapest"]))
    assert query_ids(archive, "tramway obuda budapest") == three_photos[:2]
    assert query_ids(archive, "caption") == three_photos[2:]
    assert query_ids(archive, "street") == three_photos  # the title, not edited, still found
    _fts_in_step(archive)
    apply_edits(archive, three_photos, EditRequest(set_values={"date": "1957", "rating": 2}))
    _fts_in_step(archive)  # no indexed field: the index is not touched, and still right
    apply_values(archive, before)
    assert query_ids(archive, "caption") == three_photos
    assert query_ids(archive, "tramway") == query_ids(archive, "budapest") == []
    _fts_in_step(archive)


def test_large_selection_edit_and_undo(archive) -> None:
    """More photos than one statement chunk, as the window's undo of a big selection."""
    count = 1_234
    with archive.session() as session:
        session.execute(insert(Photo), [
            {"path": f"roll/{i}.jpg", "content_hash": f"{i:064x}", "file_size": 1,
             "file_mtime": 0.0, "orientation": 1, "rotation": 0, "missing": False,
             "rating": 0, "version": 1, "caption": None if i % 10 == 0 else f"frame{i} pier",
             "title": f"Roll {i}", "created_at": utcnow(), "modified_at": utcnow()}
            for i in range(count)])
        ids = list(session.scalars(select(Photo.id).order_by(Photo.id)))
        refresh_fts(session, ids)
    before = snapshot(archive, ids, ["caption"])
    versions = {pid: row[1] for pid, row in _rows(archive, ids).items()}
    changes = apply_edits(archive, ids, EditRequest(set_values={"caption": "Harbour"}),
                          origin="gui")
    assert changes.photo_ids == set(ids)
    assert len(query_ids(archive, "harbour")) == count and query_ids(archive, "pier") == []
    undone = apply_values(archive, before, origin="gui")
    assert undone.photo_ids == set(ids) and undone.fields == {"caption"}
    assert snapshot(archive, ids, ["caption"]) == before
    after = _rows(archive, ids)
    assert all(after[pid][1] == versions[pid] + 2 for pid in ids)
    assert query_ids(archive, "harbour") == [] and len(query_ids(archive, "pier")) == 1_110
    assert query_ids(archive, "frame617") == [ids[617]]
    with archive.reader() as session:
        logged = session.execute(select(Edit.photo_id, Edit.old, Edit.new)
                                 .where(Edit.origin == "gui").order_by(Edit.id)).all()
    assert len(logged) == 2 * count
    assert logged[count + 617] == (ids[617], "Harbour", "frame617 pier")
    assert logged[count] == (ids[0], "Harbour", None)
    _fts_in_step(archive)
