"""The files a gallery export leaves behind: their modes follow the umask, and a page keeps its
file name once published (real exports of the sample; modes read with os.stat)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_archive import COLLECTION, load_sample

from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import apply_values
from photoarchive.services.export_csv import export_csv
from photoarchive.services.export_dc import export_dublin_core
from photoarchive.services.export_gallery import (
    MANIFEST_NAME,
    GallerySettings,
    export_gallery,
    select_photos,
)
from photoarchive.services.photos import get_photo

SMALL = {"image_size": 320, "thumb_size": 120}


@pytest.fixture(scope="module")
def sample(tmp_path_factory, sample_dir: Path) -> Iterator[tuple[Archive, list[int]]]:
    """The sample catalogued once for this module (tests that edit restore what they change)."""
    archive = open_archive(tmp_path_factory.mktemp("gallery-files") / "catalog.sqlite")
    yield archive, load_sample(archive, sample_dir)
    archive.close()


@pytest.fixture
def umask_027() -> Iterator[int]:
    """A umask other than the usual 022, so "follows the umask" is told from a fixed 0644."""
    previous = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(previous)


def _modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode)
            for p in [folder, *folder.rglob("*")]}


def _export(archive: Archive, out: Path, ids: list[int], workers: int = 1,
            title: str = "Gallery") -> object:
    return export_gallery(archive, ids, out, GallerySettings(title=title, **SMALL),
                          workers=workers)


def test_gallery_files_and_folders_follow_the_umask(sample, tmp_path: Path, umask_027) -> None:
    archive, ids = sample
    site = tmp_path / "site"
    report = _export(archive, site, ids[:3])  # one process: the umask set here applies
    assert report.images_made == 3
    modes = _modes(site)
    files = {p: m for p, m in modes.items() if (site / p).is_file()}
    folders = {p: m for p, m in modes.items() if (site / p).is_dir()}
    assert {"index.html", MANIFEST_NAME, "assets/style.css"} <= set(files)
    assert set(files.values()) == {0o640}, files  # 0o666 & ~0o027
    assert set(folders.values()) == {0o750}, folders


def test_images_made_by_worker_processes_are_readable_by_others(sample, tmp_path: Path) -> None:
    """Worker processes inherit the umask the program started with (022 here): 0644, not
    the 0600 of a private temporary file."""
    archive, ids = sample
    umask = os.umask(0)
    os.umask(umask)
    site = tmp_path / "site"
    _export(archive, site, ids[:4], workers=2)
    modes = {p: m for p, m in _modes(site).items() if (site / p).is_file()}
    assert any(p.startswith("images/") for p in modes)
    assert set(modes.values()) == {0o666 & ~umask}, modes


def test_a_reexport_repairs_files_an_earlier_version_left_owner_only(sample,
                                                                     tmp_path: Path) -> None:
    archive, ids = sample
    site = tmp_path / "site"
    _export(archive, site, ids[:2])
    for path in site.rglob("*"):
        if path.is_file():
            path.chmod(0o600)
    (site / "index.html").chmod(0o604)  # a mode someone chose on purpose stays
    report = _export(archive, site, ids[:2])
    assert (report.images_made, report.pages_written) == (0, [])  # nothing rewritten
    umask = os.umask(0)
    os.umask(umask)
    modes = {p: m for p, m in _modes(site).items() if (site / p).is_file()}
    assert modes.pop("index.html") == 0o604
    assert set(modes.values()) == {0o666 & ~umask}, modes


def test_csv_and_dublin_core_files_follow_the_umask(sample, tmp_path: Path, umask_027) -> None:
    archive, ids = sample
    export_csv(archive, tmp_path / "out.csv", photo_ids=ids[:2])
    export_dublin_core(archive, tmp_path / "out.jsonld", photo_ids=ids[:2])
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "out.jsonld").stat().st_mode) == 0o640


# -- names -------------------------------------------------------------------------------------
def _names(site: Path) -> dict[str, str]:
    return {k: v["name"] for k, v in
            json.loads((site / MANIFEST_NAME).read_text())["photos"].items()}


def test_a_page_keeps_its_name_when_a_title_is_added_or_changed(sample, tmp_path: Path) -> None:
    archive, ids = sample
    photo = ids[1]  # loc_fsa_8b28628.jpg
    old_title = get_photo(archive, photo).title
    site = tmp_path / "site"
    apply_values(archive, {photo: {"title": None}})
    try:
        _export(archive, site, ids[:3])
        first = _names(site)
        assert first[str(photo)] == f"loc-fsa-8b28628-{photo}"  # from the file name
        apply_values(archive, {photo: {"title": "Tüntetők a Rákóczi úton"}})
        report = _export(archive, site, ids[:3])
    finally:
        apply_values(archive, {photo: {"title": old_title}})
    assert _names(site) == first
    assert report.removed == [] and report.images_made == 0
    page = site / "photos" / f"loc-fsa-8b28628-{photo}.html"
    assert "Tüntetők a Rákóczi úton" in page.read_text(encoding="utf-8")
    assert not list((site / "photos").glob("tuntetok*"))
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="photos/loc-fsa-8b28628-{photo}.html"' in index


def test_a_photo_that_comes_back_gets_its_old_name(sample, tmp_path: Path) -> None:
    archive, ids = sample
    photo = ids[1]
    old_title = get_photo(archive, photo).title
    site = tmp_path / "site"
    _export(archive, site, ids[:2])
    name = _names(site)[str(photo)]
    report = _export(archive, site, ids[:1])  # taken out: its files go
    assert f"photos/{name}.html" in report.removed
    apply_values(archive, {photo: {"title": "A new title meanwhile"}})
    try:
        _export(archive, site, ids[:2])  # back in: the link shared earlier works again
    finally:
        apply_values(archive, {photo: {"title": old_title}})
    assert _names(site)[str(photo)] == name
    assert (site / "photos" / f"{name}.html").is_file()


def test_names_are_chosen_afresh_for_a_new_folder(sample, tmp_path: Path) -> None:
    archive, _ids = sample
    ids_chosen, _title, _intro = select_photos(archive, COLLECTION)
    _export(archive, tmp_path / "a", ids_chosen[:1])
    record = get_photo(archive, ids_chosen[0])
    assert _names(tmp_path / "a") == {str(record.id): f"{_slug(record.title)}-{record.id}"}


def _slug(text: str) -> str:
    from photoarchive.services.gallery_pages import slug

    return slug(text)
