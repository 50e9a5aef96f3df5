"""Blind review: what could reveal who a candidate is, or invite bias, masked out of resume text.

Pure (no Django). `mask_text` is used three ways: on screen and in exports when a match is blind,
and on the text the scorer reads, so that nothing masked can move a score. `mask_identity`, its
identity-only part, is applied to every text before it is embedded, so the model never reads who
the candidate is and blind and normal matches share the same vectors.

Masked: the candidate's name (from the parsed profile, every part of it), email addresses, phone
numbers, web links (a LinkedIn or GitHub address names the person), street addresses and postal
codes, dates of birth and ages, marital status, gendered words (replaced by neutral ones, so the
sentence still reads), and the years on education lines (a graduation year tells an age).

Line breaks are kept exactly, so an evidence line number found in the original text points at
the same line in the masked one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NAME = "[name]"
EMAIL = "[email]"
PHONE = "[phone]"
LINK = "[link]"
ADDRESS = "[address]"
BIRTH = "[date of birth]"
AGE = "[age]"
YEAR = "[year]"
WITHHELD = "[withheld]"

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|"
    r"behance\.net|dribbble\.com|medium\.com)/\S*",
    re.IGNORECASE,
)
# A phone number candidate: an optional +country code or (area code), then digits in groups
# separated by a space, dot or dash. `_phone` keeps only those with enough digits that are not a
# pair of years ("2019-2021") or a date.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d(?:[\s.-]?\d){5,14}(?![\w@])"
)
_YEARS_ONLY = re.compile(r"^\s*(?:19|20)\d{2}\s*[-.\s]\s*(?:19|20)\d{2}\s*$")
_STREET_SUFFIX = (
    "Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Square|Sq|"
    "Terrace|Way|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Alley|Row|Strasse|Straße|Rue|Calle"
)
# Case-sensitive on purpose: "12 Baker Street" is an address, "2 years working in close" is not.
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){1,4}(?:" + _STREET_SUFFIX + r")\b\.?"
    r"(?:,?\s*(?i:apt|apartment|suite|unit|flat|#)\.?\s*\w+)?"
)
_STREET_LABEL = re.compile(
    r"^(\s*(?:home\s+|postal\s+|street\s+)?address\s*[:\-]\s*)(.+)$", re.I | re.M
)
# "2GB" after a model name ("H2 2GB") is a size, not the end of a postcode.
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d(?![KMGT]B\b)[A-Z]{2}\b")
_US_ZIP = re.compile(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b")
_BIRTH = re.compile(
    r"^(\s*(?:date\s+of\s+birth|d\.?\s?o\.?\s?b\.?|birth\s*date|born(?:\s+on)?)\s*[:\-]?\s*)(.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_BORN_INLINE = re.compile(
    r"\bborn\s+(?:on\s+|in\s+)?(?:\d{1,2}\s+)?(?:[A-Z][a-z]+\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"^(\s*age\s*[:\-]\s*)(.+)$|\b\d{2}\s*(?:years?|yrs?)[\s-]+old\b|\baged\s+\d{2}\b",
    re.IGNORECASE | re.MULTILINE,
)
_PERSONAL = re.compile(
    r"^(\s*(?:marital\s+status|gender|sex|nationality|religion|family\s+status|"
    r"pronouns)\s*[:\-]\s*)(.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_EDUCATION_LINE = re.compile(
    r"\b(?:universit\w*|college|school|academy|institute|polytechnic|bachelor\w*|master\w*|"
    r"b\.?\s?sc|m\.?\s?sc|b\.?\s?a\b|m\.?\s?a\b|b\.?\s?eng|m\.?\s?eng|ph\.?\s?d|mba|degree|"
    r"diploma|graduat\w*|class\s+of|gcse|a-levels?|baccalaur\w*|high\s+school)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

# Gendered words and their neutral replacements. "her" is left to context below: before a noun
# it is "their", otherwise "them".
_NEUTRAL = {
    "he": "they",
    "she": "they",
    "him": "them",
    "his": "their",
    "hers": "theirs",
    "himself": "themself",
    "herself": "themself",
    "male": "person",
    "female": "person",
    "man": "person",
    "woman": "person",
    "men": "people",
    "women": "people",
    "husband": "partner",
    "wife": "partner",
    "father": "parent",
    "mother": "parent",
    "son": "child",
    "daughter": "child",
    "boyfriend": "partner",
    "girlfriend": "partner",
    "chairman": "chair",
    "chairwoman": "chair",
    "chairperson": "chair",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "salesman": "salesperson",
    "saleswoman": "salesperson",
    "fireman": "firefighter",
    "policeman": "police officer",
    "policewoman": "police officer",
    "businessman": "businessperson",
    "businesswoman": "businessperson",
    "maternity": "parental",
    "paternity": "parental",
}
_GENDERED = re.compile(
    r"\b(" + "|".join(sorted([*_NEUTRAL, "her"], key=len, reverse=True)) + r")\b", re.IGNORECASE
)
# Titles only before a capitalised name, and case-sensitive, so "MS Excel" and "miss" stay.
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Sir|Dame|Madam)\b\.?\s+(?=[A-Z])")
_HER_OBJECT_FOLLOWERS = re.compile(
    r"^\s*(?:[.,;:!?)]|$|and\b|or\b|to\b|for\b|with\b|as\b|in\b)", re.I
)


@dataclass(frozen=True)
class Identity:
    """What the parser read about who the candidate is; any part may be empty."""

    name: str = ""
    email: str = ""
    phone: str = ""
    links: tuple[str, ...] = ()
    location: str = ""


def identity_from_profile(profile: Mapping[str, Any] | None, **known: Any) -> Identity:
    """An `Identity` from a parsed profile (values either bare or {"value": ...}) and the
    candidate's own columns passed as keywords (which win, since a recruiter may have corrected
    them)."""
    profile = profile or {}

    def value(key: str) -> Any:
        if known.get(key):
            return known[key]
        entry = profile.get(key)
        if isinstance(entry, Mapping) and "value" in entry:
            return entry["value"]
        return entry

    links: list[str] = []
    for link in value("links") or []:
        if isinstance(link, Mapping):
            link = link.get("url") or link.get("value") or ""
        if link:
            links.append(str(link))
    return Identity(
        name=str(value("name") or ""),
        email=str(value("email") or ""),
        phone=str(value("phone") or ""),
        links=tuple(links),
        location=str(value("location") or ""),
    )


def _name_parts(name: str) -> list[str]:
    # Initials and particles ("J.", "de") are too common to mask everywhere in the text.
    parts = [p.strip(".,()'\"") for p in re.split(r"[\s,]+", name)]
    return sorted({p for p in parts if len(p) >= 3}, key=len, reverse=True)


def _literal(values: Iterable[str]) -> re.Pattern[str] | None:
    values = [v for v in values if v]
    if not values:
        return None
    alternatives = "|".join(re.escape(v) for v in sorted(set(values), key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE)


def _match_case(word: str, replacement: str) -> str:
    if not replacement:
        return ""
    if word.isupper() and len(word) > 1:
        return replacement.upper()
    if word[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _neutral(match: re.Match[str]) -> str:
    word = match.group(1)
    lower = word.lower()
    if lower == "her":
        after = match.string[match.end() :]
        return _match_case(word, "them" if _HER_OBJECT_FOLLOWERS.match(after) else "their")
    return _match_case(word, _NEUTRAL[lower])


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(ch.isdigit() for ch in found)
    international = found.startswith(("+", "("))
    if digits < (7 if international else 9) or _YEARS_ONLY.match(found):
        return found
    return PHONE


def _keep_label(token: str) -> Any:
    def replace(match: re.Match[str]) -> str:
        if match.lastindex and match.group(1) is not None:
            return match.group(1) + token
        return token

    return replace


def _education_years(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _EDUCATION_LINE.search(line):
            lines[i] = _YEAR.sub(YEAR, line)
    return "\n".join(lines)


def mask_text(text: str, profile: Mapping[str, Any] | Identity | None = None) -> str:
    """`text` with identifying and bias-prone details replaced by neutral placeholders.

    `profile` is the parsed profile (or an `Identity`): its name, email, phone and links are
    masked wherever they appear, even written differently from the patterns below."""
    if not text:
        return text
    out = _education_years(mask_identity(text, profile))
    return _GENDERED.sub(_neutral, out)


def mask_identity(text: str, profile: Mapping[str, Any] | Identity | None = None) -> str:
    """`text` without what identifies the person: name, contacts, links, addresses, birth date,
    age and personal status. None of it says anything about the work, so this is what the
    embedding model reads for every candidate, blind match or not; gendered words and
    graduation years stay (they are masked only on top, by `mask_text`, for blind review)."""
    if not text:
        return text
    identity = profile if isinstance(profile, Identity) else identity_from_profile(profile)
    out = text
    # Labelled lines first, whole value: "Date of birth: 3 May 1990", "Address: ...".
    out = _BIRTH.sub(_keep_label(BIRTH), out)
    out = _BORN_INLINE.sub(BIRTH, out)
    out = _AGE.sub(_keep_label(AGE), out)
    out = _PERSONAL.sub(_keep_label(WITHHELD), out)
    out = _STREET_LABEL.sub(_keep_label(ADDRESS), out)
    literal_links = _literal(identity.links)
    if literal_links:
        out = literal_links.sub(LINK, out)
    out = _EMAIL.sub(EMAIL, out)
    out = _URL.sub(LINK, out)
    literal_contacts = _literal([identity.email, identity.phone])
    if literal_contacts:
        out = literal_contacts.sub(lambda m: EMAIL if "@" in m.group(0) else PHONE, out)
    out = _PHONE.sub(_phone, out)
    out = _STREET.sub(ADDRESS, out)
    out = _UK_POSTCODE.sub(ADDRESS, out)
    out = _US_ZIP.sub(lambda m: m.group(1) + " " + ADDRESS, out)
    out = _TITLE.sub("", out)
    names = _literal([identity.name.strip(), *_name_parts(identity.name)])
    if names:
        out = names.sub(NAME, out)
        out = re.sub(r"\[name\](?:\s+\[name\])+", NAME, out)
    return out


def mask_value(value: str, kind: str) -> str:
    """A single field shown on screen: the placeholder for its kind when there is anything."""
    if not value:
        return value
    return {
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "link": LINK,
        "address": ADDRESS,
    }.get(kind, WITHHELD)


def alias_for(index: int) -> str:
    """The label a blind match shows instead of a name: "Candidate A", ..., "Candidate AB"."""
    if index < 0:
        raise ValueError("index must be zero or more")
    letters = ""
    n = index
    while True:
        n, rest = divmod(n, 26)
        letters = chr(ord("A") + rest) + letters
        if n == 0:
            break
        n -= 1
    return f"Candidate {letters}"
