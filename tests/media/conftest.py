"""Fixtures for the media tests: the shared test corpus, used in place, and its MANIFEST.

The corpus lives outside the repository (../shared/corpus next to the checkout, or the
folder named by $PHOTOARCHIVE_CORPUS); tests that need it are skipped when it is absent.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CORPUS_DIR = Path(
    os.environ.get("PHOTOARCHIVE_CORPUS")
    or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)

# Keys of the expected_metadata column (see the corpus README). Items are separated by
# "; " (and "mode=" follows "pillow_format=JPEG" after a space), but values may contain
# "; " too, so items are split only where a known key starts.
_KEY = (r"(?:size|pillow_format|mode|frames|progressive|orientation|make|model|date_taken"
        r"|gps_lat|gps_lon|(?:iptc|xmp|exif|exiftool)_[a-z]+)")
_ITEM_START = re.compile(rf"(?:^|;\s|\s)(?={_KEY}=)")


@dataclass(frozen=True)
class ManifestRow:
    """One corpus file as described by MANIFEST.tsv."""

    file: str
    exercises: str
    pillow_result: str
    expected: dict[str, str] = field(default_factory=dict)

    def values(self, key: str) -> list[str]:
        """A '|'-joined list value, as a list (empty when absent)."""
        text = self.expected.get(key)
        return text.split("|") if text else []


def parse_expected(text: str) -> dict[str, str]:
    """Parse 'key=value; key=value' into a dict (values keep inner '; ')."""
    result: dict[str, str] = {}
    for item in _ITEM_START.split(text):
        item = item.strip()
        if "=" in item:
            key, value = item.split("=", 1)
            result[key] = value.strip()
    return result


def read_manifest(corpus: Path) -> dict[str, ManifestRow]:
    with open(corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {
            row["file"]: ManifestRow(
                file=row["file"],
                exercises=row["exercises"],
                pillow_result=row["pillow_13.0_result"],
                expected=parse_expected(row["expected_metadata"]),
            )
            for row in reader
        }


def _corpus_names() -> list[str]:
    if not (CORPUS_DIR / "MANIFEST.tsv").is_file():
        return []
    return sorted(read_manifest(CORPUS_DIR))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests taking `corpus_name` run once per corpus file."""
    if "corpus_name" in metafunc.fixturenames:
        names = _corpus_names()
        metafunc.parametrize(
            "corpus_name",
            names or [pytest.param("", marks=pytest.mark.skip(reason="corpus absent"))],
        )


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared test corpus folder (read-only: copy files to tmp_path to modify)."""
    if not (CORPUS_DIR / "MANIFEST.tsv").is_file():
        pytest.skip(f"test corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def manifest(corpus: Path) -> dict[str, ManifestRow]:
    """MANIFEST.tsv rows by file name, with expected_metadata parsed."""
    return read_manifest(corpus)
