"""The demonstration set as a catalogued archive: ../shared/sample imported, its MANIFEST.tsv
metadata applied through the editing service, and a collection in the manifest's order."""

from __future__ import annotations

from pathlib import Path

from manifest import read_manifest

from photoarchive.services import collections
from photoarchive.services.archive import Archive
from photoarchive.services.editing import apply_values
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos

COLLECTION = "Milwaukee 1936"
INTRO = ("Twelve photographs by **Carl Mydans** for the Resettlement Administration, "
         "April 1936.\n\nSee the [Library of Congress](https://www.loc.gov/pictures/) "
         "for the originals.")
FIELDS = ("title", "caption", "date", "city", "country", "creator", "source", "credit",
          "rights", "rights_url", "identifier")


def load_sample(archive: Archive, sample_dir: Path) -> list[int]:
    """Import the sample, apply its metadata, make the collection; ids in manifest order."""
    report = Importer(archive, workers=2).run([sample_dir])
    assert report.added == 12, report.to_dict()
    ids = {Path(r.path).name: r.id for r in list_photos(archive)}
    rows = read_manifest(sample_dir)
    values = {ids[name]: {f: row[f] for f in FIELDS} | {"state": "Wisconsin",
                                                       "keywords": ["Places|USA|Milwaukee",
                                                                    "Housing"]}
              for name, row in rows.items()}
    apply_values(archive, values, origin="test")
    ordered = [ids[name] for name in rows]
    collections.create(archive, COLLECTION, INTRO)
    collections.add(archive, COLLECTION, ordered)
    return ordered
