"""A catalog of varied photos inserted directly (no files): captions from a few words,
titles, approximate dates, keywords (hierarchical too), people and a collection."""

from __future__ import annotations

import random

from sqlalchemy import insert, text

from photoarchive.catalog.models import Photo, utcnow
from photoarchive.catalog.search import refresh_fts
from photoarchive.services import collections
from photoarchive.services.editing import apply_values

WORDS = ["street", "tram", "bridge", "market", "rain", "Óbuda", "fountain", "kids"]
KEYWORDS = ["Places|Hungary|Budapest", "Places|Hungary|Óbuda", "Places|USA|Milwaukee",
            "Subjects|Tram", "Subjects|Market", "tram"]
PEOPLE = ["Anna Kovács", "Béla Nagy", "John Vachon", "Anna Smith"]


def fill_varied(archive, count: int = 400, seed: int = 3) -> list[int]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        year = rng.choice([None, 1936, 1956, 1956, 1957])
        month = rng.randint(1, 12)
        rows.append({
            "path": f"/archive/roll{n % 7}/{rng.randint(0, 10**6):07d}-{n}.jpg",
            "content_hash": f"{n:064x}", "file_size": 1, "file_mtime": 0.0,
            "orientation": 1, "rotation": 0, "missing": False, "rating": 0, "version": 1,
            "created_at": utcnow(), "modified_at": utcnow(),
            "title": rng.choice([None, "Tram", "bridge", "Ábel", "zebra"]),
            "caption": " ".join(rng.sample(WORDS, 3)) if n % 5 else None,
            "date_earliest": f"{year}-{month:02d}-01" if year else None,
            "date_latest": f"{year}-{month:02d}-28" if year else None,
            "taken_at": rng.choice([None, "1956:10:23 12:00:00"])})
    with archive.session() as session:
        session.execute(insert(Photo), rows)
        ids = [pid for (pid,) in session.execute(text("SELECT id FROM photo"))]
        refresh_fts(session, ids)
    # Keywords (hierarchical too) and people, several per photo, some shared.
    tags = {pid: {"keywords": rng.sample(KEYWORDS, rng.randint(0, 3)),
                  "people": rng.sample(PEOPLE, rng.randint(0, 2))} for pid in ids}
    apply_values(archive, tags, origin="import")
    collections.create(archive, "Milwaukee 1936")
    collections.add(archive, "Milwaukee 1936", rng.sample(ids, len(ids) // 4))
    return ids
