"""Dates a spreadsheet program rewrote on the way through a CSV round trip.

LibreOffice Calc and Excel take date-like cells for dates when they open a CSV file, and
save them back in their own display format: "April 1936" comes back as "04/01/1936"
(LibreOffice, US locale) or "Apr-36" (Excel), "23 October 1956" as "10/23/1956" or
"23-Oct-56", "1936-04" as "1936-04-01" or "Apr-36", and a cell formatted as a number as
the day's serial number ("13241"). "1936", "c. 1936", "1950s" and ranges stay text.

Such a value is a guess at a day the curator never wrote (was "04/01/1936" the 1st of April
or the 4th of January? was "April 1936" ever a day?), so `reformatted_date` names it and
the CSV import asks before taking it (see export_csv.py).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from photoarchive.errors import InvalidDate
from photoarchive.media.dates import parse_date

__all__ = ["HINT", "reformatted_date"]

#: What to do about it, for messages.
HINT = "format the date columns as Text in the spreadsheet before opening the file"

_rx = re.compile
# Day-month-year and month-day-year, or year first; Hungarian and similar locales write the
# year first with dots and a final dot ("36.04.01.", "1936. 04. 01.").
_NUMERIC = _rx(r"\d{1,2}[./-]\d{1,2}[./-](\d{2}|\d{4})\.?"
               r"|(\d{4}|\d{2})\. ?\d{1,2}\. ?\d{1,2}\.?|\d{4}/\d{1,2}/\d{1,2}", re.ASCII)
_NAMED = _rx(r"(\d{1,2}[- ])?[A-Za-z]{3}\.?[- ]\d{2}", re.ASCII)  # 23-Oct-56, Apr-36
_SERIAL = _rx(r"\d{5}(\.\d+)?", re.ASCII)
_MIDNIGHT = _rx(r"(?P<day>.+?)[T ]0?0:00(:00(\.0+)?)?( ?[AP]M)?", re.ASCII | re.IGNORECASE)
_ISO_DAY = _rx(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_EPOCH = date(1899, 12, 30)  # day 0 of LibreOffice's and (from March 1900) Excel's serials


def _serial_day(text: str) -> str:
    try:
        return (_EPOCH + timedelta(days=int(float(text)))).isoformat()
    except OverflowError:
        return "no day"


def _first_day_of(edtf: str | None) -> str | None:
    """"1936-01-01" for "1936", "1936-04-01" for "1936-04"; None for anything else."""
    if edtf and re.fullmatch(r"\d{4}", edtf, re.ASCII):
        return f"{edtf}-01-01"
    if edtf and re.fullmatch(r"\d{4}-\d{2}", edtf, re.ASCII):
        return f"{edtf}-01"
    return None


def _edtf(text: str) -> str | None:
    try:
        return parse_date(text).edtf
    except InvalidDate:
        return None


def reformatted_date(column: str, cell: str, current_date: str | None) -> str | None:
    """Why `cell`, the new value of `column` ("date" or "date_display") for a photo whose
    catalog date is `current_date` (EDTF), looks rewritten by a spreadsheet; else None."""
    text = cell.strip()
    if not text:
        return None
    shown = f"'{text}' looks like a date a spreadsheet program reformatted"
    if _NUMERIC.fullmatch(text) or _NAMED.fullmatch(text):
        return f"{shown}: which day, month and century it means is a guess"
    if _SERIAL.fullmatch(text):
        return f"{shown}: a spreadsheet's day number ({_serial_day(text)})"
    midnight = _MIDNIGHT.fullmatch(text)
    if midnight and (_edtf(midnight["day"]) or _NUMERIC.fullmatch(midnight["day"])):
        return f"{shown}: a day with a time of midnight added"
    first = _first_day_of(current_date)
    if first and _ISO_DAY.fullmatch(text) and text == first:
        return (f"{shown}: the catalog has {current_date}, and {text} is only its first "
                "day")
    if column == "date_display" and _ISO_DAY.fullmatch(text):
        return f"{shown} (the date as shown is the curator's wording, not a day number)"
    return None
