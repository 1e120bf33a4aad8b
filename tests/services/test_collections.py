"""Collections: ordered members, renames, clear errors."""

from __future__ import annotations

import pytest

from photoarchive.errors import NotFound, UsageError
from photoarchive.services import collections
from photoarchive.services.photos import query_ids


def test_ordered_membership(archive, three_photos) -> None:
    a, b, c = three_photos
    collections.create(archive, "Milwaukee 1936", "Carl Mydans, April 1936")
    assert collections.add(archive, "milwaukee 1936", [c, a, b, a]).photo_ids == [c, a, b]
    assert collections.move(archive, "Milwaukee 1936", b, 1).photo_ids == [b, c, a]
    assert collections.move(archive, "Milwaukee 1936", b, 99).photo_ids == [c, a, b]
    assert collections.remove(archive, "Milwaukee 1936", [a]).photo_ids == [c, b]
    assert query_ids(archive, 'collection:"milwaukee 1936"', sort="path") == [b, c]
    info = collections.rename(archive, "Milwaukee 1936", "FSA Milwaukee")
    assert (info.name, info.description, info.count) == (
        "FSA Milwaukee", "Carl Mydans, April 1936", 2)
    collections.delete(archive, "FSA Milwaukee")
    assert collections.list_collections(archive) == []
    assert len(query_ids(archive)) == 3


def test_errors_are_plain(archive, three_photos) -> None:
    collections.create(archive, "A")
    with pytest.raises(UsageError, match="already exists"):
        collections.create(archive, "a")
    with pytest.raises(NotFound, match="no collection"):
        collections.add(archive, "B", three_photos)
    with pytest.raises(NotFound, match="999"):
        collections.add(archive, "A", [999])
    with pytest.raises(UsageError, match="not in"):
        collections.move(archive, "A", three_photos[0], 1)
    with pytest.raises(UsageError, match="needs a name"):
        collections.create(archive, "   ")
