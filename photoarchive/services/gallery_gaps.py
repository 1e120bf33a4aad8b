"""What a gallery is missing before it goes out: photos with no title, and with no alt text.

A page never falls back to a file name ("loc_fsa_8b26527") for a heading, nor to the caption
for alt text (the caption is printed beside the image); so the curator is told how many of
the photos to publish lack a title or alt text, with the search (`missing:title`,
`missing:alt_text` of `catalog.query`) that lists them. The export dialog shows it before an
export; `export gallery` prints it after one.
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass
from typing import Any

from photoarchive.services.archive import Archive
from photoarchive.services.photos import matching_among

#: The fields counted, with the words used in messages.
GAP_FIELDS: tuple[tuple[str, str], ...] = (("title", "title"), ("alt_text", "alt text"))


def collection_query(name: str) -> str | None:
    """The search words that select a collection (`collection:"Milwaukee 1936"`), or None
    when the name cannot be written in the query language (it holds a double quote)."""
    return None if '"' in name else f'collection:"{name}"'


def join_query(*parts: str | None) -> str | None:
    """Search words that must all hold, joined; None if any part cannot be written."""
    if any(p is None for p in parts):
        return None
    return " ".join(p.strip() for p in parts if p and p.strip())


@dataclass
class TextGaps:
    """How many of `photos` lack a title and alt text, and the searches that list them.

    `base_query` selects the photos published (a collection, or the export's query); None
    when they are a hand-made selection no query describes, and then the searches list
    such photos across the whole catalog.
    """

    photos: int
    untitled: int
    no_alt_text: int
    base_query: str | None

    def query(self, field: str) -> str:
        """The search listing the photos that lack `field` ("title" or "alt_text")."""
        return join_query(self.base_query or "", f"missing:{field}") or f"missing:{field}"

    def missing(self) -> list[tuple[str, int, str, str]]:
        """(field, count, words, query) for each field some photo lacks."""
        counts = {"title": self.untitled, "alt_text": self.no_alt_text}
        return [(name, counts[name], words, self.query(name))
                for name, words in GAP_FIELDS if counts[name]]

    def lines(self, command: str | None = None) -> list[str]:
        """One plain sentence per field some photo lacks; `command` (e.g. "photoarchive
        list") turns the search into a command line to run, quoted for the shell."""
        out = []
        for name, count, words, query in self.missing():
            what = (f"{count:,} of the {self.photos:,} photos {'has' if count == 1 else 'have'}"
                    if self.photos != 1 else "The photo has")
            why = (" (a description of the picture for people who cannot see it)"
                   if name == "alt_text" else "")
            where = "" if self.base_query is not None else " among all photos"
            listing = (f"To list them{where}: {command} {shlex.quote(query)}" if command
                       else f"To list them{where}, search for: {query}")
            out.append(f"{what} no {words}{why}. {listing}")
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["queries"] = {name: self.query(name) for name, _ in GAP_FIELDS}
        return data


def text_gaps(archive: Archive, photo_ids: list[int], base_query: str | None = None) -> TextGaps:
    """Count the photos of `photo_ids` that have no title and no alt text.

    The counts use the same `missing:` conditions as the searches the messages name, so
    following the hint lists exactly the photos counted (for a `base_query` that selects
    `photo_ids`); they are counted among `photo_ids` only, cheap in a large catalog.
    """
    wanted = sorted(set(photo_ids))
    counts = {name: len(matching_among(archive, f"missing:{name}", wanted))
              for name, _words in GAP_FIELDS}
    return TextGaps(len(wanted), counts["title"], counts["alt_text"], base_query)
