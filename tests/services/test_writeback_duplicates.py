"""Writing metadata can make two catalogued files byte-identical (two copies of one scan,
imported apart because their captions differed, given the same values): the files are
written, the catalog stays sound and says which photos are now one file."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from photoarchive.cli import main
from photoarchive.media.write import write_file
from photoarchive.services.editing import EditRequest, apply_edits
from photoarchive.services.importer import Importer
from photoarchive.services.photos import get_photo, list_photos
from photoarchive.services.writeback import IN_SYNC, status, write_metadata

SCAN = "loc_fsa_8b26527.jpg"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def two_copies(tmp_path: Path, sample_dir: Path) -> Path:
    """One scan twice, each with its own draft caption embedded: two different files."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for n in (1, 2):
        copy = folder / f"copy{n}.jpg"
        shutil.copyfile(sample_dir / SCAN, copy)
        write_file(copy, {"caption": f"draft {n}"}, "embed")
    assert _sha256(folder / "copy1.jpg") != _sha256(folder / "copy2.jpg")
    return folder


def _imported(archive, folder: Path) -> tuple[int, int]:
    report = Importer(archive, workers=1).run([folder])
    assert report.added == 2, report.skipped
    first, second = sorted(list_photos(archive), key=lambda r: r.path)
    return first.id, second.id


def test_writing_both_copies_at_once_never_fails(archive, two_copies: Path) -> None:
    """Identical when both are written within one second (the files carry the time of
    writing, xmp:MetadataDate); either way the write and the catalog are sound."""
    first, second = _imported(archive, two_copies)
    apply_edits(archive, [first, second],
                EditRequest(set_values={"caption": "Milwaukee, April 1936"}), origin="gui")
    report = write_metadata(archive, [first, second], "embed")
    assert [p.outcome for p in report.photos] == ["written", "written"]
    identical = _sha256(two_copies / "copy1.jpg") == _sha256(two_copies / "copy2.jpg")
    assert report.photos[0].messages == []
    assert bool(report.photos[1].messages) == identical
    assert {s.state for s in status(archive, [first, second])} == {IN_SYNC}


def test_a_write_that_makes_two_files_identical_is_reported(archive, two_copies: Path) -> None:
    first, second = _imported(archive, two_copies)
    own_hash = get_photo(archive, second).content_hash
    apply_edits(archive, [first, second],
                EditRequest(set_values={"caption": "Milwaukee, April 1936"}), origin="gui")
    one, two = two_copies / "copy1.jpg", two_copies / "copy2.jpg"
    assert write_metadata(archive, [first], "embed").photos[0].messages == []
    # The finished first copy copied over the second (so the clock cannot make them
    # differ): the second already holds its values, and writing it with force records it.
    shutil.copy2(one, two)

    written = write_metadata(archive, [second], "embed", force=True)

    assert _sha256(one) == _sha256(two)
    assert written.photos[0].outcome == "written"
    assert written.photos[0].messages == [(
        f"its file is now identical to that of photo {first} ({one}): two catalog "
        "records of one file. Keep one and remove the other from the catalog.")]
    assert get_photo(archive, first).content_hash == _sha256(one)
    # The unique identity stays the second photo's own until the two differ again.
    assert get_photo(archive, second).content_hash == own_hash
    assert {s.state for s in status(archive, [first, second])} == {IN_SYNC}

    again = write_metadata(archive, [second], "embed")  # said again, never a crash
    assert again.photos[0].outcome == "written" and "identical" in again.photos[0].messages[0]
    rerun = Importer(archive, workers=1).run([two_copies])
    assert (rerun.added, rerun.failed, rerun.unchanged) == (0, [], 2)

    apply_edits(archive, [second], EditRequest(set_values={"title": "The second print"}),
                origin="gui")
    apart = write_metadata(archive, [second], "embed")
    assert apart.photos[0].messages == [] and _sha256(one) != _sha256(two)
    assert get_photo(archive, second).content_hash == _sha256(two)  # its own again
    assert {s.state for s in status(archive, [first, second])} == {IN_SYNC}


def test_the_command_line_says_so_without_a_traceback(tmp_path: Path, two_copies: Path,
                                                      capsys) -> None:
    catalog = str(tmp_path / "c.sqlite")
    one, two = two_copies / "copy1.jpg", two_copies / "copy2.jpg"
    assert main(["--catalog", catalog, "import", str(two_copies), "--workers", "1"]) == 0
    assert main(["--catalog", catalog, "edit", "1", "2", "--set", "caption=Milwaukee"]) == 0
    assert main(["--catalog", catalog, "write-metadata", "--embed"]) == 0
    shutil.copy2(one, two)  # as above: identical whatever the clock
    capsys.readouterr()
    code = main(["--catalog", catalog, "write-metadata", "--embed", "--force"])
    out, err = capsys.readouterr()
    assert code == 0 and not err, err
    assert _sha256(one) == _sha256(two)
    assert (f"       2  written: {two}\n"
            f"          its file is now identical to that of photo 1 ({one}): two catalog "
            "records of one file. Keep one and remove the other from the catalog.\n") in out
    assert out.endswith("Wrote metadata into the files for 2 of 2 photo(s); 0 skipped, "
                        "0 failed.\n")
    assert main(["--catalog", catalog, "status"]) == 0
    assert capsys.readouterr().out == "2 in sync.\n"
