"""Tooltips: the IPTC Photo Metadata Standard's definitions, shortened, and where each goes.

The definitions follow IPTC Photo Metadata Standard 2023.1 (Core and Extension); the
property names are those of ../shared/design/METADATA.md.
"""

from __future__ import annotations

from html import escape

from photoarchive.services.fields import FIELDS_BY_NAME

#: name -> (definition, property written to files)
IPTC_HELP: dict[str, tuple[str, str]] = {
    "title": (("A short, human-readable name for the photo: text and/or a numeric "
              "reference. Not the same as the headline."), "dc:title"),
    "headline": ("A brief synopsis of the caption.", "photoshop:Headline"),
    "caption": ("The caption: who, what, and possibly where and when of the photo.",
                "dc:description"),
    "alt_text": (("A brief description of the purpose and meaning of the image for people "
                 "who cannot see it (screen readers); at most about 250 characters."),
                 "Iptc4xmpCore:AltTextAccessibility"),
    "creator": (("The photographer; where the photographer should not be named, the "
                "company or organisation."), "dc:creator"),
    "date": (("When the photograph was taken (not when it was scanned). Approximate forms "
             "are fine: 1956, 1956-10, c. 1956, 1950s, 1956-10-23/1956-11-10."),
             "photoshop:DateCreated"),
    "date_display": (("How the date reads in captions and exports. Derived from the date; "
                     "type here to override it (changing the date again resets it)."), ""),
    "sublocation": (("The exact sublocation shown: a street, a district, a well-known "
                    "building or monument."), "Iptc4xmpExt:LocationShown/Sublocation"),
    "city": ("The city of the location shown.", "Iptc4xmpExt:LocationShown/City"),
    "state": ("The province or state (a subregion of the country) of the location shown.",
              "Iptc4xmpExt:LocationShown/ProvinceState"),
    "country": ("The full name of the country of the location shown.",
                "Iptc4xmpExt:LocationShown/CountryName"),
    "country_code": ("The ISO 3166 code of the country of the location shown (HU, USA).",
                     "Iptc4xmpExt:LocationShown/CountryCode"),
    "latitude": ("Latitude of the place shown, in decimal degrees; north is positive.",
                 "exif:GPSLatitude"),
    "longitude": ("Longitude of the place shown, in decimal degrees; east is positive.",
                  "exif:GPSLongitude"),
    "keywords": (("Keywords for the subject of the photo; free text or from a vocabulary. "
                 "Separate several with ';'; write a hierarchy with '|'."), "dc:subject"),
    "people": ("The names of people shown in the photo. Separate several with ';'.",
               "Iptc4xmpExt:PersonInImage"),
    "event": (("The named event at which the photo was taken (a festival, a strike, "
              "a parade)."), "Iptc4xmpExt:Event"),
    "source": ("Who holds the original: the archive, library or museum.",
               "photoshop:Source"),
    "credit": (("The credit to people or organisations required when the photo is "
               "published."), "photoshop:Credit"),
    "rights": (("The copyright notice: the current owner of the rights, or the rights "
               "status (e.g. \u201cNo known restrictions\u201d)."), "dc:rights"),
    "rights_url": ("A web page with the statement of the copyright and usage rights.",
                   "xmpRights:WebStatement"),
    "identifier": (("An unambiguous reference to the photo: accession, call or "
                   "negative number."), "dc:identifier"),
    "caption_writer": ("The person who wrote, edited or corrected the caption.",
                       "photoshop:CaptionWriter"),
    "notes": (("Internal notes and instructions for colleagues (embargoes, conservation, "
              "doubts about the caption)."), "photoshop:Instructions"),
    "rating": ("Your rating: 1 to 5 stars, none, or rejected.", "xmp:Rating"),
}


def tooltip(name: str) -> str:
    """Rich-text tooltip for a field: definition, our hint, and the property in files."""
    definition, prop = IPTC_HELP.get(name, ("", ""))
    spec = FIELDS_BY_NAME[name]
    parts = [f"<b>{escape(spec.label)}</b>"]
    if definition:
        parts.append(escape(definition))
    if spec.help and spec.help not in definition:
        parts.append(f"<i>{escape(spec.help)}</i>")
    if prop:
        parts.append(f"<span style='color: gray'>Written as {escape(prop)}</span>")
    return "<p style='white-space: pre-wrap'>" + "<br>".join(parts) + "</p>"
