"""Undo never silently overwrites a change made since elsewhere: `restore_values` puts a
step's old values back only where the field still holds what the step left there, and
lists the fields it left as they are."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from photoarchive.catalog.models import Edit
from photoarchive.services.editing import (
    EditRequest,
    apply_edits,
    restore_values,
    snapshot,
)
from photoarchive.services.photos import get_photo, query_ids


def _kept(restored) -> list[tuple[int, str, object]]:
    return [(k.photo_id, k.field, k.value) for k in restored.kept]


def test_undo_leaves_a_caption_the_command_line_changed_since(archive, three_photos) -> None:
    a, b, c = three_photos
    before = snapshot(archive, three_photos, ["caption", "title"])
    apply_edits(archive, three_photos, EditRequest(set_values={
        "caption": "From the window", "title": "Window title"}), origin="gui")
    after = snapshot(archive, three_photos, ["caption", "title"])
    apply_edits(archive, [b], EditRequest(set_values={"caption": "From the command line"}),
                origin="cli")

    restored = restore_values(archive, before, after, origin="gui")  # the window's undo
    assert [get_photo(archive, pid).caption for pid in three_photos] == [
        "Caption 1", "From the command line", "Caption 3"]
    assert [get_photo(archive, pid).title for pid in three_photos] == [
        "Street 1", "Street 2", "Street 3"]  # b's title had not moved: restored
    assert _kept(restored) == [(b, "caption", "From the command line")]
    assert Path(restored.kept[0].path).name == "2.jpg"
    assert restored.changes.photo_ids == {a, b, c}
    assert restored.changes.fields == {"caption", "title"}
    with archive.reader() as session:
        logged = session.execute(select(Edit.photo_id, Edit.field, Edit.new)
                                 .where(Edit.origin == "gui", Edit.field == "caption",
                                        Edit.new != "From the window")).all()
    assert sorted(tuple(r) for r in logged) == [(a, "caption", "Caption 1"),
                                                (c, "caption", "Caption 3")]
    assert query_ids(archive, "command") == [b]  # the search index agrees

    # The redo takes the same care: b's caption is still not the step's old value.
    redone = restore_values(archive, after, before, origin="gui")
    assert [get_photo(archive, pid).caption for pid in three_photos] == [
        "From the window", "From the command line", "From the window"]
    assert _kept(redone) == [(b, "caption", "From the command line")]


def test_a_date_and_its_display_text_are_kept_together(archive, three_photos) -> None:
    a = three_photos[0]
    before = snapshot(archive, [a], ["date"])
    apply_edits(archive, [a], EditRequest(set_values={"date": "1956-10"}), origin="gui")
    after = snapshot(archive, [a], ["date"])
    apply_edits(archive, [a], EditRequest(set_values={"date": "1957~"}), origin="cli")

    restored = restore_values(archive, before, after)
    photo = get_photo(archive, a)
    assert (photo.date, photo.date_display) == ("1957~", "c. 1957")
    assert _kept(restored) == [(a, "date", "1957~"), (a, "date_display", "c. 1957")]
    assert not restored.changes


def test_a_field_still_as_the_step_left_it_is_restored_in_any_form(archive,
                                                                   three_photos) -> None:
    a, b = three_photos[:2]
    before = snapshot(archive, [a, b], ["keywords", "date"])
    apply_edits(archive, [a, b], EditRequest(set_values={"date": "1956"}, add_keywords=[
        "Trams", "Budapest"]), origin="csv")
    # What a CSV import remembers as the step's values: as typed, lists in the file's order.
    step = {pid: {"keywords": ["Trams", "Budapest"], "date": "1956"} for pid in (a, b)}
    apply_edits(archive, [b], EditRequest(add_keywords=["Corvin köz"]), origin="cli")

    restored = restore_values(archive, before, step)
    assert get_photo(archive, a).keywords == [] and get_photo(archive, a).date is None
    assert sorted(get_photo(archive, b).keywords) == ["Budapest", "Corvin köz", "Trams"]
    assert get_photo(archive, b).date is None  # its date had not moved
    assert _kept(restored) == [(b, "keywords", ["Budapest", "Corvin köz", "Trams"])]
