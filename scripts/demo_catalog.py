"""Build the demonstration catalog from ../shared/sample (used in place, never copied).

Imports the twelve 1936 photographs, applies the titles, captions, dates, places and credits of
their MANIFEST.tsv through the editing service, and makes a collection of them in the
manifest's order. Usage: python scripts/demo_catalog.py CATALOG [SAMPLE_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from photoarchive.services import collections, open_archive
from photoarchive.services.editing import apply_values
from photoarchive.services.importer import Importer
from photoarchive.services.photos import list_photos

COLLECTION = "Milwaukee, April 1936"
DESCRIPTION = (
    "Twelve photographs that **Carl Mydans** made in Milwaukee, Wisconsin, in April 1936 for "
    "the Resettlement Administration: houses, alleys, rail yards and the people who worked in "
    "them.\n\nThe negatives are in the [Library of Congress](https://www.loc.gov/pictures/) "
    "FSA/OWI collection and are in the public domain.")
FIELDS = ("title", "caption", "date", "city", "country", "creator", "source", "credit",
          "rights", "rights_url", "identifier")


def build(catalog: Path, sample: Path) -> None:
    archive = open_archive(catalog)
    try:
        Importer(archive).run([sample])
        ids = {Path(r.path).name: r.id for r in list_photos(archive)}
        with (sample / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        values = {ids[row["file"]]: {f: row[f] for f in FIELDS}
                  | {"state": "Wisconsin", "keywords": ["Places|USA|Wisconsin|Milwaukee"]}
                  for row in rows if row["file"] in ids}
        apply_values(archive, values, origin="demo")
        if COLLECTION not in [c.name for c in collections.list_collections(archive)]:
            collections.create(archive, COLLECTION, DESCRIPTION)
            collections.add(archive, COLLECTION, [ids[r["file"]] for r in rows])
        print(f"{catalog}: {len(values)} photos with their metadata, collection '{COLLECTION}'.")
    finally:
        archive.close()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    default = Path(__file__).resolve().parents[1].parent / "shared" / "sample"
    build(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else default)
