"""Tests for photoarchive.media.dates: EDTF and common approximate-date forms."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from photoarchive.errors import InvalidDate
from photoarchive.media.dates import (
    ACCEPTED_FORMS,
    ApproxDate,
    display_text,
    parse_date,
    query_bounds,
)

D = date
MIN, MAX = date.min, date.max

# input, edtf, earliest, latest, display
VALID = [
    # EDTF level 0
    ("1956", "1956", D(1956, 1, 1), D(1956, 12, 31), "1956"),
    ("1956-10", "1956-10", D(1956, 10, 1), D(1956, 10, 31), "October 1956"),
    ("1956-02", "1956-02", D(1956, 2, 1), D(1956, 2, 29), "February 1956"),
    ("1957-02", "1957-02", D(1957, 2, 1), D(1957, 2, 28), "February 1957"),
    ("1956-10-23", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
    ("1956-02-29", "1956-02-29", D(1956, 2, 29), D(1956, 2, 29), "29 February 1956"),
    ("2000-02-29", "2000-02-29", D(2000, 2, 29), D(2000, 2, 29), "29 February 2000"),
    ("0956", "0956", D(956, 1, 1), D(956, 12, 31), "956"),
    ("  1956 \n", "1956", D(1956, 1, 1), D(1956, 12, 31), "1956"),
    # qualifiers: never widen the bounds
    ("1956~", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("1956?", "1956?", D(1956, 1, 1), D(1956, 12, 31), "1956?"),
    ("1956%", "1956%", D(1956, 1, 1), D(1956, 12, 31), "c. 1956?"),
    ("1956-10~", "1956-10~", D(1956, 10, 1), D(1956, 10, 31), "c. October 1956"),
    ("1956-10-23?", "1956-10-23?", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956?"),
    # unspecified digits
    ("195X", "195X", D(1950, 1, 1), D(1959, 12, 31), "1950s"),
    ("195x", "195X", D(1950, 1, 1), D(1959, 12, 31), "1950s"),
    ("19XX", "19XX", D(1900, 1, 1), D(1999, 12, 31), "1900s"),
    ("195X~", "195X~", D(1950, 1, 1), D(1959, 12, 31), "c. 1950s"),
    ("1956-XX", "1956-XX", D(1956, 1, 1), D(1956, 12, 31), "1956"),
    ("1956-xx-xx", "1956-XX-XX", D(1956, 1, 1), D(1956, 12, 31), "1956"),
    ("1956-10-XX", "1956-10-XX", D(1956, 10, 1), D(1956, 10, 31), "October 1956"),
    ("000X", "000X", D(1, 1, 1), D(9, 12, 31), "0s"),
    # intervals
    ("1956-10-23/1956-10-30", "1956-10-23/1956-10-30", D(1956, 10, 23), D(1956, 10, 30),
     "23–30 October 1956"),
    ("1956-10-23/1956-11-10", "1956-10-23/1956-11-10", D(1956, 10, 23), D(1956, 11, 10),
     "23 October – 10 November 1956"),
    ("1956-10-23/1957-01-05", "1956-10-23/1957-01-05", D(1956, 10, 23), D(1957, 1, 5),
     "23 October 1956 – 5 January 1957"),
    ("1956/1958", "1956/1958", D(1956, 1, 1), D(1958, 12, 31), "1956–1958"),
    ("1956-10/1956-12", "1956-10/1956-12", D(1956, 10, 1), D(1956, 12, 31),
     "October – December 1956"),
    ("1956-10/1957-01", "1956-10/1957-01", D(1956, 10, 1), D(1957, 1, 31),
     "October 1956 – January 1957"),
    ("1956-10/1957", "1956-10/1957", D(1956, 10, 1), D(1957, 12, 31), "October 1956 – 1957"),
    ("1956/1956", "1956", D(1956, 1, 1), D(1956, 12, 31), "1956"),  # degenerate range
    ("195X/196X", "195X/196X", D(1950, 1, 1), D(1969, 12, 31), "1950s–1960s"),
    ("1956~/1958", "1956~/1958", D(1956, 1, 1), D(1958, 12, 31), "c. 1956 – 1958"),
    ("1956/..", "1956/..", D(1956, 1, 1), MAX, "after 1956"),
    ("../1956", "../1956", MIN, D(1956, 12, 31), "before 1956"),
    ("../1956-10", "../1956-10", MIN, D(1956, 10, 31), "before October 1956"),
    # common forms
    ("c. 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("c.1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("C. 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("ca. 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("circa 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("Circa  1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("about 1956", "1956~", D(1956, 1, 1), D(1956, 12, 31), "c. 1956"),
    ("c. 1956?", "1956%", D(1956, 1, 1), D(1956, 12, 31), "c. 1956?"),
    ("October 1956", "1956-10", D(1956, 10, 1), D(1956, 10, 31), "October 1956"),
    ("Oct 1956", "1956-10", D(1956, 10, 1), D(1956, 10, 31), "October 1956"),
    ("Oct. 1956", "1956-10", D(1956, 10, 1), D(1956, 10, 31), "October 1956"),
    ("SEPT 1956", "1956-09", D(1956, 9, 1), D(1956, 9, 30), "September 1956"),
    ("c. October 1956", "1956-10~", D(1956, 10, 1), D(1956, 10, 31), "c. October 1956"),
    ("23 October 1956", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
    ("23rd Oct. 1956", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
    ("October 23, 1956", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
    ("oct 3 1956", "1956-10-03", D(1956, 10, 3), D(1956, 10, 3), "3 October 1956"),
    ("1950s", "195X", D(1950, 1, 1), D(1959, 12, 31), "1950s"),
    ("1950's", "195X", D(1950, 1, 1), D(1959, 12, 31), "1950s"),
    ("1900s", "190X", D(1900, 1, 1), D(1909, 12, 31), "1900s"),  # decade, by decision
    ("c. 1950s", "195X~", D(1950, 1, 1), D(1959, 12, 31), "c. 1950s"),
    ("1956-1958", "1956/1958", D(1956, 1, 1), D(1958, 12, 31), "1956–1958"),
    ("1956–1958", "1956/1958", D(1956, 1, 1), D(1958, 12, 31), "1956–1958"),
    ("1956 – 1958", "1956/1958", D(1956, 1, 1), D(1958, 12, 31), "1956–1958"),
    ("1956 - 1958", "1956/1958", D(1956, 1, 1), D(1958, 12, 31), "1956–1958"),
    ("1956 to 1958", "1956/1958", D(1956, 1, 1), D(1958, 12, 31), "1956–1958"),
    ("1950s-1960s", "195X/196X", D(1950, 1, 1), D(1969, 12, 31), "1950s–1960s"),
    ("c. 1956–1958", "1956~/1958~", D(1956, 1, 1), D(1958, 12, 31), "c. 1956 – c. 1958"),
    ("October 1956 – March 1957", "1956-10/1957-03", D(1956, 10, 1), D(1957, 3, 31),
     "October 1956 – March 1957"),
    ("between 1956 and 1958", "1956/1958", D(1956, 1, 1), D(1958, 12, 31), "1956–1958"),
    ("Between c. 1956 and 1958", "1956~/1958", D(1956, 1, 1), D(1958, 12, 31),
     "c. 1956 – 1958"),
    ("before 1956", "../1956", MIN, D(1956, 12, 31), "before 1956"),
    ("after 1956", "1956/..", D(1956, 1, 1), MAX, "after 1956"),
    ("After October 1956", "1956-10/..", D(1956, 10, 1), MAX, "after October 1956"),
    ("1956:10:23", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
    ("1956:10:23 14:30:00", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
    ("1956-10-23T14:30:00", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
    ("1956-10-23t14:30:00.5+01:00", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23),
     "23 October 1956"),
    ("1956-10-23 14:30", "1956-10-23", D(1956, 10, 23), D(1956, 10, 23), "23 October 1956"),
]

INVALID = [
    "", "   ", "soon", "1956-13", "1956-00", "1956-02-30", "1957-02-29", "1900-02-29",
    "1956-10-32", "1956-10-00", "1958/1956", "1956-11/1956-10", "../..", "1956/1957/1958",
    "0000", "-0100", "-1956-10", "195X-10", "1956-XX-23", "1XXX", "XXXX", "1956-1", "56",
    "19567", "1956-10-1", "1956~~", "1956?~", "c.", "~", "/", "1956/", "/1956",
    "spring 1956", "1956-21", "Octember 1956", "31 April 1956", "February 29, 1957",
    "1956s", "1956-1957-1958", "1956 - 1957 - 1958", "between 1958 and 1956",
    "١٩٥٦",  # Arabic-Indic digits: only ASCII digits are dates
]

QUERIES = [
    ("1956-10..1956-11", D(1956, 10, 1), D(1956, 11, 30)),
    ("1956..1958", D(1956, 1, 1), D(1958, 12, 31)),
    (" 1956-10-23 .. 1956-10-25 ", D(1956, 10, 23), D(1956, 10, 25)),
    ("1956..", D(1956, 1, 1), MAX),
    ("..1956", MIN, D(1956, 12, 31)),
    ("1956", D(1956, 1, 1), D(1956, 12, 31)),
    ("c. 1956", D(1956, 1, 1), D(1956, 12, 31)),
    ("1956-10 to 1956-11", D(1956, 10, 1), D(1956, 11, 30)),
    ("../1956", MIN, D(1956, 12, 31)),
    ("1956-10-23/1956-11-10", D(1956, 10, 23), D(1956, 11, 10)),
    ("195X..1956", D(1950, 1, 1), D(1956, 12, 31)),
]

INVALID_QUERIES = ["", "..", "soon..1956", "1956..soon", "1958..1956", "1956-13..1957", "1..2..3"]


@pytest.mark.parametrize(("text", "edtf", "earliest", "latest", "display"), VALID)
def test_parse_valid(text: str, edtf: str, earliest: date, latest: date, display: str) -> None:
    assert parse_date(text) == ApproxDate(edtf, earliest, latest, display)


@pytest.mark.parametrize(("text", "edtf", "earliest", "latest", "display"), VALID)
def test_normalised_edtf_round_trips(
    text: str, edtf: str, earliest: date, latest: date, display: str
) -> None:
    again = parse_date(edtf)
    assert again == parse_date(text)
    assert again.edtf == edtf
    assert display_text(edtf) == display


@pytest.mark.parametrize("text", INVALID)
def test_parse_invalid(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_date(text)
    message = str(caught.value)
    assert ACCEPTED_FORMS in message
    assert "is not a date" in message
    assert repr(text.strip()) in message


def test_invalid_message_matches_example() -> None:
    with pytest.raises(InvalidDate, match=r"^'1956-13' is not a date\b.*Use a year \(1956\)"):
        parse_date("1956-13")


def test_long_input_is_shortened_in_message() -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_date("x" * 500)
    assert len(str(caught.value)) < 400


def test_display_text_raises_on_invalid() -> None:
    with pytest.raises(InvalidDate):
        display_text("1956-13")


def test_approx_date_is_frozen() -> None:
    found = parse_date("1956")
    with pytest.raises(AttributeError):
        found.edtf = "1957"  # type: ignore[misc]


def test_approximate_sorts_with_exact() -> None:
    keys = {t: (parse_date(t).earliest, parse_date(t).latest) for t in ("1956", "1956~", "1956?")}
    assert len(set(keys.values())) == 1


@pytest.mark.parametrize(("text", "earliest", "latest"), QUERIES)
def test_query_bounds(text: str, earliest: date, latest: date) -> None:
    assert query_bounds(text) == (earliest, latest)


@pytest.mark.parametrize("text", INVALID_QUERIES)
def test_query_bounds_invalid(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        query_bounds(text)
    assert ACCEPTED_FORMS in str(caught.value)


def test_query_range_finds_interval_inside() -> None:
    low, high = query_bounds("1956-10..1956-11")
    found = parse_date("1956-10-23/1956-11-10")
    assert low <= found.earliest and found.latest <= high


@settings(max_examples=100)
@given(st.dates())
def test_iso_dates_round_trip(day: date) -> None:
    found = parse_date(day.isoformat())
    assert found.earliest == found.latest == day
    assert found.edtf == day.isoformat()
    assert parse_date(found.edtf) == found


@settings(max_examples=100)
@given(st.dates(), st.dates(), st.sampled_from(["", "~", "?", "%"]), st.integers(1, 3))
def test_intervals_round_trip(a: date, b: date, qualifier: str, precision: int) -> None:
    start, end = sorted((a, b))
    cut = {1: 4, 2: 7, 3: 10}[precision]
    found = parse_date(f"{start.isoformat()[:cut]}{qualifier}/{end.isoformat()[:cut]}")
    assert found.earliest <= start and end <= found.latest
    assert parse_date(found.edtf) == found


TOKENS = list("0123456789-/.:~?%Xx sT,'–") + [
    "c. ", "ca", "Oct", "May", "between ", " and ", "before ", "after ", "..", "s", "1956", "19",
]
DATEISH = st.lists(st.sampled_from(TOKENS), max_size=10).map("".join)


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=30), DATEISH))
def test_any_text_parses_or_raises_invalid_date(text: str) -> None:
    try:
        found = parse_date(text)
    except InvalidDate as error:
        assert ACCEPTED_FORMS in str(error)
    else:
        assert found.earliest <= found.latest
        assert parse_date(found.edtf) == found
    try:
        low, high = query_bounds(text)
    except InvalidDate:
        pass
    else:
        assert low <= high
