"""One writer for files: an explicit write and the sidecars written after edits go through the
same queue, one file at a time, and whichever write comes last, every file ends with the
catalog's latest values, written whole (read back by exiftool, the independent reader)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from photoarchive.services import open_archive
from photoarchive.services.archive import Archive
from photoarchive.services.editing import EditRequest, apply_edits, apply_values
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photos, list_photos
from photoarchive.services.write_queue import WriteQueue
from photoarchive.services.writeback import CATALOG_NEWER, IN_SYNC, WriteReport, status

EXIFTOOL = shutil.which("exiftool")
COUNT = 1000


class _Steps:
    """A `Progress` that lets the test wait until the write has done `n` photos."""

    def __init__(self) -> None:
        self.done = 0
        self._cond = threading.Condition()

    def start(self, total: int, what: str) -> None:
        pass

    def advance(self, done: int, total: int, current: str = "") -> None:
        with self._cond:
            self.done = done
            self._cond.notify_all()

    def finish(self) -> None:
        with self._cond:
            self.done = COUNT  # nothing more to wait for
            self._cond.notify_all()

    def reached(self, n: int) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.done >= n)
            return self.done


@pytest.fixture(scope="module")
def thousand_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of 1,000 small JPEGs (each its own content), titled and captioned."""
    root = tmp_path_factory.mktemp("thousand")
    folder = root / "photos"
    folder.mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (90, 120, 150)).save(buffer, "JPEG")
    for n in range(COUNT):
        (folder / f"p{n:04d}.jpg").write_bytes(buffer.getvalue() + f"photo {n}".encode())
    archive = open_archive(root / "catalog.sqlite")
    try:
        assert Importer(archive, workers=2).run([folder]).added == COUNT
        apply_values(archive, {r.id: {"title": f"Photo {n}", "caption": f"Caption {n}"}
                               for n, r in enumerate(list_photos(archive, sort="path"))})
    finally:
        archive.close()
    return root


@pytest.fixture
def thousand(tmp_path: Path, thousand_template: Path) -> Iterator[tuple[Archive, Path]]:
    root = tmp_path / "thousand"
    shutil.copytree(thousand_template, root)
    archive = open_archive(root / "catalog.sqlite")
    yield archive, root / "photos"
    archive.close()


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed (Debian: "
                    "libimage-exiftool-perl); it reads back what we wrote")
def test_edits_during_an_explicit_write_of_1000_sidecars_end_in_the_files(thousand) -> None:
    archive, folder = thousand
    ids = [r.id for r in list_photos(archive, sort="path")]
    errors: list[BaseException] = []
    edit_reports: list[WriteReport] = []
    queue = WriteQueue(archive, on_report=edit_reports.append, on_error=errors.append)
    steps = _Steps()
    explicit: list[WriteReport] = []
    writing = threading.Thread(target=lambda: explicit.append(
        queue.write(ids, "sidecar", progress=steps)))
    writing.start()
    edited: dict[int, str] = {}
    elsewhere: dict[int, str] = {}
    try:
        # Edit as the window does (the service, then the queue) while the write runs: photos
        # it has written, photos just ahead of it (read with the same batch), far ahead, and
        # one photo three times. And as the command line does (no queue): ahead of the write.
        for round_, at in enumerate((100, 300, 600)):
            done = steps.reached(at)
            for target in (done - 50, done + 3, done + 40, done + 300, 990):
                pid = ids[min(target, COUNT - 1)]
                text = f"Edited in round {round_} — photo {pid}"
                apply_edits(archive, [pid], EditRequest(set_values={"caption": text}),
                            origin="gui")
                queue.submit([pid])
                edited[pid] = text
            pid = ids[done + 5 + round_]
            elsewhere[pid] = f"From the command line — photo {pid}"
            apply_edits(archive, [pid], EditRequest(set_values={"caption": elsewhere[pid]}),
                        origin="cli")
        writing.join()
        queue.wait()
    finally:
        queue.close()
    assert not errors
    report = explicit[0]
    assert [p.outcome for p in report.photos] == ["written"] * COUNT
    assert all(p.outcome == "written" for r in edit_reports for p in r.photos)

    catalog = {r.id: (r.title, r.caption) for r in get_photos(archive, ids)}
    assert all(catalog[pid][1] == text for pid, text in edited.items())
    read = subprocess.run([EXIFTOOL, "-j", "-q", "-XMP-dc:Title", "-XMP-dc:Description",
                           "-ext", "xmp", str(folder)],
                          capture_output=True, text=True, check=True, timeout=300)
    files = {Path(item["SourceFile"]).name: item for item in json.loads(read.stdout)}
    assert len(files) == COUNT
    states = {s.id: s.state for s in status(archive, ids)}
    wrong = []
    for record in get_photos(archive, ids):
        n = ids.index(record.id)
        item = files[Path(record.path).name + ".xmp"]
        held = (item.get("Title"), item.get("Description"))
        if any(key in item for key in ("Error", "Warning")):
            wrong.append((record.id, item))
        elif record.id in elsewhere:
            # Written before or after that edit; either way its state says which.
            if (held, states[record.id]) not in (
                    (catalog[record.id], IN_SYNC), ((f"Photo {n}", f"Caption {n}"),
                                                    CATALOG_NEWER)):
                wrong.append((record.id, item, states[record.id]))
        elif held != catalog[record.id] or states[record.id] != IN_SYNC:
            wrong.append((record.id, item, states[record.id]))
    assert not wrong, wrong[:5]
    assert not [p for p in folder.iterdir() if p.suffix not in (".jpg", ".xmp")]  # no leftovers
