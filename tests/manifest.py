"""Reading the shared folders' MANIFEST.tsv files (plain TSV, no quoting)."""

from __future__ import annotations

import csv
from pathlib import Path


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """A shared MANIFEST.tsv as {file: row}."""
    with (folder / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row["file"]: row for row in rows}


def expected_metadata(row: dict[str, str]) -> dict[str, str]:
    """The `expected_metadata` column as a dict (`key=value; ...`)."""
    out: dict[str, str] = {}
    for part in row.get("expected_metadata", "").split("; "):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.strip()] = value
    return out
