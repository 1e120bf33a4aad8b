"""Approximate dates as the window shows them while a curator types (no Qt here).

The user interface may not import `photoarchive.media`; these small functions give it the
derived display text and the normalised EDTF of what is being typed, and the text the Date
field shows for a stored date.
"""

from __future__ import annotations

from photoarchive.errors import InvalidDate
from photoarchive.media.dates import parse_date

__all__ = ["editable_date", "normalise_date", "preview_date"]


def preview_date(text: str) -> str:
    """The display text for a typed date ("c. 1956" for "1956~"); raises InvalidDate."""
    return parse_date(text).display


def normalise_date(text: str) -> str:
    """The EDTF string the catalog would store for a typed date; raises InvalidDate."""
    return parse_date(text).edtf


def editable_date(edtf: str) -> str:
    """The text the Date field shows for a stored EDTF: its display form ("November 1956"
    for "1956-11"), which reads as a curator writes; the EDTF itself when the display form
    would not read back as the same date ("23 October \u2013 10 November 1956")."""
    try:
        shown = parse_date(edtf).display
        return shown if parse_date(shown).edtf == parse_date(edtf).edtf else edtf
    except InvalidDate:
        return edtf  # not ours to judge here: the field shows what the catalog holds
