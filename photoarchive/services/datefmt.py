"""Approximate dates as the window shows them while a curator types (no Qt here).

The user interface may not import `photoarchive.media`; these two small functions give it
the derived display text and the normalised EDTF of what is being typed.
"""

from __future__ import annotations

from photoarchive.media.dates import parse_date

__all__ = ["normalise_date", "preview_date"]


def preview_date(text: str) -> str:
    """The display text for a typed date ("c. 1956" for "1956~"); raises InvalidDate."""
    return parse_date(text).display


def normalise_date(text: str) -> str:
    """The EDTF string the catalog would store for a typed date; raises InvalidDate."""
    return parse_date(text).edtf
