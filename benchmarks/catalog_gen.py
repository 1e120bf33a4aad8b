"""A synthetic catalog at archive scale: realistic captions (about 200 characters),
titles, keywords (some hierarchical), people, places and approximate dates.

Rows go in through SQLAlchemy Core bulk inserts into a catalog made by
`photoarchive.services.open_archive`; the full-text index is then rebuilt with
`photoarchive.catalog.search.rebuild_fts`. The finished file is cached (keyed by size,
seed and schema revision) and copied for each run.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import cache_path, cached_dir

CATALOG_NAME = "catalog.sqlite"
#: Bump when the generated catalog changes (its cache key).
CATALOG_VERSION = 2

_REAL_WORDS = """
street tram bridge market harvest river workers children horse cart church factory station
platform square festival parade winter snow flood barge dock mill bakery school teacher
soldiers crowd window alley courtyard railway freight yard houses family portrait wedding
funeral procession mayor council hall theatre cinema cafe restaurant waiter kitchen mother
father daughter son brothers sisters grandmother farm field tractor cattle sheep village
town city district avenue boulevard corner shop butcher tailor shoemaker blacksmith carpenter
miners coal steel furnace chimney smoke tower castle ruins monument statue fountain park
garden trees autumn spring summer morning evening night lamp lights rain fog sunshine beach
lake boat ferry harbour ship sailors fishermen nets quay warehouse cranes trucks lorry bus
bicycle motorcycle automobile garage petrol police fire brigade hospital nurse doctor
students university library reading newspaper printing press office typist telephone post
letter envelope stamp queue bread milk vegetables fruit apples potatoes wine beer tavern
dancers music band orchestra violin accordion singer choir football match stadium players
spectators skating sledge hill mountain valley forest hunters dogs cats pigeons geese ducks
chickens pigs laundry washing courtyard stairs balcony roof tiles bricks scaffolding
construction demolition rubble bombing shelter refugees soldiers tanks barricade uprising
demonstration banners flags speech election poster advertisement shopwindow display fashion
hats coats umbrellas shoes uniforms scouts pioneers camp tents bonfire picnic excursion
"""

_SYLLABLES = ["ka", "ri", "to", "mo", "na", "ve", "lo", "sza", "gy", "ber", "ta", "len", "vi", "do", "ra", "mi", "ko", "pe", "zo", "ha", "ne", "li", "su", "da", "fe", "go", "ju", "ki", "ma", "no", "pu", "se", "ti", "va", "ze", "cs", "ny"]


def _vocabulary(rnd: random.Random, size: int) -> list[str]:
    real = list(dict.fromkeys(_REAL_WORDS.split()))
    rnd.shuffle(real)
    words = list(real)
    seen = set(words)
    while len(words) < size:  # names of people, places, firms: the long tail
        word = "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


_FILLER = ["the", "a", "of", "in", "on", "at", "by", "with", "from", "near", "beside", "and", "while", "as", "after", "before", "under", "over", "during"]


def _date_text(rnd: random.Random) -> str | None:
    roll = rnd.random()
    if roll < 0.05:
        return None
    year = int(rnd.triangular(1880, 1995, 1950))
    month, day = rnd.randint(1, 12), rnd.randint(1, 28)
    if roll < 0.35:
        return f"{year}-{month:02d}-{day:02d}"
    if roll < 0.65:
        return f"{year}-{month:02d}"
    if roll < 0.78:
        return f"{year}"
    if roll < 0.86:
        return f"{year}~"
    if roll < 0.90:
        return f"{str(year)[:3]}X"
    if roll < 0.95:
        end = min(12, month + rnd.randint(1, 3))
        return f"{year}-{month:02d}/{year}-{end:02d}" if end > month else f"{year}-{month:02d}"
    return f"{year}/{year + rnd.randint(1, 5)}"


def build_catalog(folder: Path, count: int, seed: int = 6) -> dict:
    """Create `folder/catalog.sqlite` with `count` photos; returns facts for the queries."""
    from sqlalchemy import insert

    from photoarchive.catalog.models import (
        ImportRun,
        Keyword,
        Person,
        Photo,
        photo_keyword,
        photo_person,
    )
    from photoarchive.catalog.search import rebuild_fts
    from photoarchive.media.dates import parse_date
    from photoarchive.services import open_archive

    rnd = random.Random(seed)
    vocab = _vocabulary(rnd, 6000)
    weights = [1 / (rank + 8) ** 1.05 for rank in range(len(vocab))]  # Zipf-like
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    cities = [("".join(rnd.choice(_SYLLABLES) for _ in range(3)).capitalize(),
               rnd.choice(["Hungary", "Austria", "Poland", "USA", "Czechoslovakia",
                           "Germany", "Romania"])) for _ in range(300)]
    codes = {"Hungary": "HU", "Austria": "AT", "Poland": "PL", "USA": "US",
             "Czechoslovakia": "CS", "Germany": "DE", "Romania": "RO"}
    photographers = [f"{rnd.choice(vocab[200:]).capitalize()} "
                     f"{rnd.choice(vocab[200:]).capitalize()}" for _ in range(300)]
    people = list(dict.fromkeys(f"{rnd.choice(vocab[300:]).capitalize()} "
                                f"{rnd.choice(vocab[300:]).capitalize()}"
                                for _ in range(4000)))
    topics = [w for w in vocab[:800]]
    keywords = list(dict.fromkeys(
        [f"Places|{country}|{city}" for city, country in cities]
        + [f"Subjects|{t.capitalize()}" for t in topics[:400]] + topics[400:1200]))
    dates: dict[str | None, object] = {}

    archive = open_archive(folder / CATALOG_NAME)
    engine = archive.catalog.engine
    base_time = datetime(2019, 3, 1, tzinfo=UTC)
    runs = 40
    doc_words: Counter[str] = Counter()
    try:
        with engine.begin() as conn:
            conn.execute(insert(ImportRun.__table__), [
                {"id": r + 1, "started_at": base_time + timedelta(days=30 * r),
                 "finished_at": base_time + timedelta(days=30 * r, hours=2),
                 "paths": json.dumps([f"/archive/box{r:03d}"]), "status": "done",
                 "added": count // runs, "updated": 0, "relinked": 0, "unchanged": 0,
                 "failed": 0} for r in range(runs)])
            conn.execute(insert(Keyword.__table__),
                         [{"id": n + 1, "name": k} for n, k in enumerate(keywords)])
            conn.execute(insert(Person.__table__),
                         [{"id": n + 1, "name": p} for n, p in enumerate(people)])
        batch = 5000
        for start in range(0, count, batch):
            rows, kw_links, person_links = [], [], []
            n_rows = min(batch, count - start)
            sampled = rnd.choices(vocab, cum_weights=cum, k=n_rows * 40)
            for k in range(n_rows):
                n = start + k
                pid = n + 1
                words = sampled[k * 40:(k + 1) * 40]
                city, country = rnd.choice(cities)
                parts, length = [], 0
                for w in words[:32]:
                    if length > 232:
                        break
                    if rnd.random() < 0.35:
                        parts.append(rnd.choice(_FILLER))
                    parts.append(w)
                    length += len(w) + 5
                caption = " ".join(parts).capitalize() + f", {city}."
                roll = rnd.random()
                if roll < 0.08:
                    caption = None
                elif roll < 0.10:
                    caption = ""
                if caption:
                    doc_words.update(set(parts))
                text = _date_text(rnd)
                if text not in dates:
                    dates[text] = parse_date(text) if text else None
                bounds = dates[text]
                run = n * runs // count + 1
                created = base_time + timedelta(days=30 * (run - 1), seconds=n % 7200)
                rows.append({
                    "id": pid, "path": f"/archive/box{run - 1:03d}/roll{n // 36:05d}/"
                                       f"{n:07d}.tif",
                    "content_hash": f"{rnd.getrandbits(256):064x}",
                    "file_size": rnd.randint(2_000_000, 90_000_000),
                    "file_mtime": 1.55e9 + n, "format": "TIFF", "width": 4000,
                    "height": 3000, "orientation": 1, "rotation": 0, "missing": False,
                    "rating": 0, "version": 1, "created_at": created, "modified_at": created,
                    "import_run_id": run,
                    "title": " ".join(words[32:32 + rnd.randint(3, 6)]).capitalize()
                    if rnd.random() < 0.7 else None,
                    "caption": caption,
                    "creator": rnd.choice(photographers) if rnd.random() < 0.85 else None,
                    "date": bounds.edtf if bounds else None,
                    "date_display": bounds.display if bounds else None,
                    "date_earliest": bounds.earliest.isoformat() if bounds else None,
                    "date_latest": bounds.latest.isoformat() if bounds else None,
                    "taken_at": None, "city": city, "country": country,
                    "country_code": codes[country],
                    "source": "Fortepan" if n % 3 else "Family album",
                    "credit": f"Donor {n % 500}", "rights": "CC BY-SA 3.0" if n % 4 else None,
                    "identifier": f"ARCH-{n:07d}",
                })
                chosen = {keywords.index(f"Places|{country}|{city}") + 1}
                chosen.update(rnd.randint(301, len(keywords)) for _ in range(rnd.randint(1, 5)))
                kw_links.extend({"photo_id": pid, "keyword_id": k} for k in chosen)
                if rnd.random() < 0.4:
                    for p in {rnd.randint(1, len(people)) for _ in range(rnd.randint(1, 3))}:
                        person_links.append({"photo_id": pid, "person_id": p})
            with engine.begin() as conn:
                conn.execute(insert(Photo.__table__), rows)
                conn.execute(insert(photo_keyword), kw_links)
                if person_links:
                    conn.execute(insert(photo_person), person_links)
        with archive.session() as session:
            rebuild_fts(session)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("ANALYZE")
    finally:
        archive.close()
    return {"count": count, "search_words": _search_words(doc_words, count)}


def _search_words(doc_words: Counter[str], count: int) -> list[str]:
    """Twenty words from rare (0.05 %: a family name) to common (5 % of photos: "street")."""
    ranked = sorted(((n / count, w) for w, n in doc_words.items()
                     if w not in _FILLER and len(w) > 3))
    wanted = [0.0005 * (100 ** (k / 19)) for k in range(20)]  # 0.05 % … 5 %, log-spaced
    chosen: list[str] = []
    for share in wanted:
        best = min((abs(f - share), w) for f, w in ranked if w not in chosen)
        chosen.append(best[1])
    return chosen


def synthetic_catalog(count: int, dest: Path, seed: int = 6) -> tuple[Path, dict]:
    """A private copy of the cached synthetic catalog of `count` photos in `dest`."""
    from photoarchive.catalog.db import head_revision

    params = {"count": count, "seed": seed, "schema": head_revision(),
              "generator": CATALOG_VERSION}
    with cached_dir("catalog", **params) as (folder, ready):
        if not ready:
            print(f"  building a synthetic catalog of {count:,} photos (cached)…", flush=True)
            facts = build_catalog(folder, count, seed)
            (folder / "facts.json").write_text(json.dumps(facts))
    source = cache_path("catalog", **params)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / CATALOG_NAME
    shutil.copy2(source / CATALOG_NAME, target)
    return target, json.loads((source / "facts.json").read_text())
