"""The editor's view of a selection computed in SQL (`services.selection.summarise`) is
what folding the selected photos' records gives, for selections of every size."""

from __future__ import annotations

import random

import pytest
from varied_catalog import fill_varied

from photoarchive.services import selection
from photoarchive.services.editing import apply_values
from photoarchive.services.photos import get_photos
from photoarchive.services.selection import Shown, ShownTokens, shown_of_records, summarise


def _by_records(archive, ids: list[int]) -> dict:
    return shown_of_records(r.to_dict() for r in get_photos(archive, ids))


@pytest.mark.parametrize("size", [2, 3, 17, 120, 400])
def test_summary_in_sql_matches_the_records(archive, size: int) -> None:
    ids = fill_varied(archive, count=400)
    rng = random.Random(size)
    for _ in range(3):
        chosen = rng.sample(ids, size)
        assert summarise(archive, chosen).shown == _by_records(archive, chosen)


def test_shared_values_and_tokens(archive) -> None:
    ids = fill_varied(archive, count=30)
    chosen = ids[:10]
    apply_values(archive, {pid: {"credit": "Library of Congress", "rating": 3,
                                 "caption": "" if n % 2 else "A tram", "latitude": 47.5,
                                 "keywords": ["Trams", "Places|Hungary|Budapest"]
                                 + (["Night"] if n < 4 else [])}
                           for n, pid in enumerate(chosen)})
    shown = summarise(archive, chosen).shown
    assert shown["credit"] == Shown("Library of Congress")
    assert shown["rating"] == Shown(3)
    assert shown["latitude"] == Shown(47.5)
    assert shown["caption"] == Shown(None, multiple=True)  # blank on some, a value on others
    assert shown["keywords"] == ShownTokens(["Places|Hungary|Budapest", "Trams"],
                                            {"Night": 4}, 10)


def test_a_large_selection_looks_first_at_a_sample(archive, monkeypatch) -> None:
    ids = fill_varied(archive, count=300)
    apply_values(archive, {pid: {"rights": "Public domain"} for pid in ids})
    apply_values(archive, {ids[-1]: {"source": "Other"}})  # differs only at the very end
    monkeypatch.setattr(selection, "SAMPLE", 50)
    summary = summarise(archive, ids)
    assert summary.shown == _by_records(archive, ids)
    assert summary.shown["rights"] == Shown("Public domain")
    assert summary.shown["source"].multiple


def test_deleted_and_repeated_ids_drop_out(archive) -> None:
    ids = fill_varied(archive, count=20)
    gone = max(ids) + 100
    summary = summarise(archive, [ids[3], gone, ids[1], ids[3], ids[2]])
    assert summary.ids == [ids[3], ids[1], ids[2]]
    assert summary.shown == _by_records(archive, [ids[3], ids[1], ids[2]])
    assert summary.record is None


def test_one_photo_comes_with_its_record(archive) -> None:
    ids = fill_varied(archive, count=5)
    summary = summarise(archive, [ids[2]])
    assert summary.record is not None and summary.record.id == ids[2]
    assert summarise(archive, [max(ids) + 1]).ids == []
    assert summarise(archive, []).shown["keywords"] == ShownTokens()
