"""Editing: validation, one transaction, the edit log and the search index in step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from photoarchive.catalog.models import Edit
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
