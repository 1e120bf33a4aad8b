"""Fixtures for the window tests: real catalogs in tmp_path, the real main window, offscreen.

The demonstration set (../shared/sample) is imported once per session into a template
catalog (with its MANIFEST.tsv metadata and one collection); each test gets a copy.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from photoarchive.services import collections, open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos
from photoarchive.settings import Settings

MANIFEST_FIELDS = ("title", "caption", "date", "city", "country", "creator", "source",
                   "credit", "rights", "rights_url", "identifier")
SAMPLE_COLLECTION = "Milwaukee, April 1936"
UNCAPTIONED = "loc_fsa_8b26530.jpg"  # its caption is cleared: "Needs a caption" has one


def apply_manifest(archive: Archive, folder: Path) -> dict[str, int]:
    """Apply a shared MANIFEST.tsv's descriptive columns; returns {file name: id}."""
    ids = {Path(r.path).name: r.id for r in list_photos(archive)}
    with (folder / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["file"] in ids:
                values = {f: row[f] for f in MANIFEST_FIELDS if row.get(f)}
                apply_edits(archive, [ids[row["file"]]], EditRequest(set_values=values), "csv")
    return ids


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own data folder (settings.json lands there)."""
    home = tmp_path / "home"
    monkeypatch.setenv("PHOTOARCHIVE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """A catalog of the twelve sample photos, with metadata and a collection (closed)."""
    path = tmp_path_factory.mktemp("template") / "catalog.sqlite"
    archive = open_archive(path)
    try:
        Importer(archive, workers=2).run([sample_dir])
        ids = apply_manifest(archive, sample_dir)
        apply_edits(archive, [ids[UNCAPTIONED]], EditRequest(set_values={"caption": ""}))
        collections.create(archive, SAMPLE_COLLECTION, "Carl Mydans for the FSA.")
        collections.add(archive, SAMPLE_COLLECTION, sorted(ids.values()))
    finally:
        archive.close()
    return path


@pytest.fixture
def sample_archive(tmp_path: Path, sample_template: Path) -> Iterator[Archive]:
    """A private copy of the sample catalog (and its thumbnails)."""
    target = tmp_path / "catalog.sqlite"
    shutil.copy2(sample_template, target)
    thumbs = sample_template.with_name(sample_template.name + ".thumbnails")
    shutil.copytree(thumbs, target.with_name(target.name + ".thumbnails"))
    archive = open_archive(target)
    yield archive
    archive.close()


@pytest.fixture
def empty_archive(tmp_path: Path) -> Iterator[Archive]:
    archive = open_archive(tmp_path / "empty.sqlite")
    yield archive
    archive.close()


@pytest.fixture
def make_window(qtbot) -> Iterator[Callable]:
    """`make_window(archive, settings=None)`: the real main window, shown and loaded."""
    from photoarchive.ui.main_window import MainWindow

    made: list[MainWindow] = []

    def make(archive: Archive, settings: Settings | None = None) -> MainWindow:
        window = MainWindow(archive, settings or Settings())
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda: not window.loading and window.total >= 0, timeout=10_000)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()


@pytest.fixture
def sample_window(make_window, sample_archive):
    return make_window(sample_archive)


def bulk_insert_photos(archive: Archive, count: int) -> None:
    """Insert `count` photo rows fast (no files behind them): a scale test's catalog."""
    from photoarchive.catalog.models import Photo  # tests may reach below the services

    now = datetime(2024, 1, 1, tzinfo=UTC)
    table = Photo.__table__
    rows = [{"path": f"/nowhere/roll{n // 1000}/{n:06d}.jpg", "content_hash": f"{n:064x}",
             "file_size": 1000, "file_mtime": 1.0, "orientation": 1, "rotation": 0,
             "missing": False, "rating": 0, "created_at": now, "modified_at": now,
             "version": 1, "title": f"Photo {n}", "date_display": str(1900 + n % 100),
             "date_earliest": f"{1900 + n % 100}-01-01", "date_latest": f"{1900 + n % 100}-12-31"}
            for n in range(count)]
    with archive.catalog.engine.begin() as conn:
        conn.execute(table.insert(), rows)


def photo_id(archive: Archive, file_name: str) -> int:
    return next(r.id for r in list_photos(archive) if Path(r.path).name == file_name)


@pytest.fixture
def bulk_insert() -> Callable[[Archive, int], None]:
    return bulk_insert_photos


@pytest.fixture
def id_of() -> Callable[[Archive, str], int]:
    return photo_id
