"""Service-level fixtures: a catalog with a few photos inserted directly (no files)."""

from __future__ import annotations

import pytest

from photoarchive.catalog.models import Photo
from photoarchive.catalog.search import refresh_fts


@pytest.fixture
def three_photos(archive) -> list[int]:
    """Three photos with different captions; returns their ids."""
    with archive.session() as session:
        photos = [Photo(path=f"/archive/roll1/{n}.jpg", content_hash=f"{n:064x}",
                        file_size=1000 + n, file_mtime=1.0, format="JPEG", width=60,
                        height=40, orientation=1, rotation=0, missing=False, rating=0,
                        caption=f"Caption {n}", title=f"Street {n}")
                  for n in (1, 2, 3)]
        session.add_all(photos)
        session.flush()
        refresh_fts(session, [p.id for p in photos])
        return [p.id for p in photos]
