"""Structured fields read out of resume text: contact details, skills, experience, education.

Pure and rule-based: every value comes with a confidence in 0-1 saying how sure the rule is, so
the interface can ask the recruiter to confirm the weak ones. Nothing here guesses silently: a
field the text does not support stays empty with confidence 0.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Protocol

from roles.words import without_qualifier

from .titles import (
    OCCUPATIONS,
    TITLE_STARTS,
    has_occupation,
    is_employer,
    is_field_label,
    is_run_on,
    job_cell,
    job_in_sentence,
    job_title,
    labelled_title,
    unlabelled,
    unmarked,
    without_duties,
)


class _Hit(Protocol):
    # Read-only, so that frozen dataclasses (roles.taxonomy.SkillHit) satisfy the protocol.
    @property
    def skill_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def line_no(self) -> int: ...
    @property
    def line(self) -> str: ...
    @property
    def surface(self) -> str: ...


class SkillFinder(Protocol):
    def find(self, text: str) -> Sequence[_Hit]: ...


# --- Value types ----------------------------------------------------------------------------


@dataclass
class Scalar:
    value: Any = None
    confidence: float = 0.0


@dataclass
class Link:
    kind: str  # "linkedin", "github", "portfolio"
    url: str
    confidence: float


@dataclass
class SkillFound:
    skill_id: int
    name: str
    count: int
    lines: list[dict[str, Any]]  # [{"line_no": 12, "line": "..."}], at most three
    confidence: float


@dataclass
class Position:
    title: str
    company: str
    start: str  # "2019-03" or "2019"; "" for a job given only as a length, "(9 months)"
    end: str  # "2021-11", "2021" or "present"; "" beside an empty start
    months: int
    line_no: int
    confidence: float


@dataclass
class Education:
    degree: str
    field: str
    institution: str
    start: str
    end: str
    line_no: int
    confidence: float


@dataclass
class Language:
    language: str
    level: str
    confidence: float


@dataclass
class Profile:
    name: Scalar = field(default_factory=Scalar)
    # The job title to show beside the name: the headline, else the latest position's title.
    title: Scalar = field(default_factory=Scalar)
    email: Scalar = field(default_factory=Scalar)
    phone: Scalar = field(default_factory=Scalar)
    location: Scalar = field(default_factory=Scalar)
    years_experience: Scalar = field(default_factory=Scalar)
    links: list[Link] = field(default_factory=list)
    skills: list[SkillFound] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    education: list[Education] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    # The day a job held at "Present" was counted to, when that is the day the file was saved
    # rather than the day it was read ("" then).
    present_as_of: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- Lines and sections ---------------------------------------------------------------------

SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "experience": (
        "experience", "work experience", "professional experience", "employment",
        "employment history", "work history", "career history", "career", "relevant experience",
        "professional background", "positions held", "experience summary",
    ),
    "education": (
        "education", "academic background", "academic education", "education and training",
        "educations and courses", "educations and curses", "education and courses",
        "qualifications", "academic qualifications", "studies", "courses", "certifications",
        "certificates", "training", "courses and certifications", "education & courses",
        "education & certifications", "military service", "army service",
    ),
    "skills": (
        "skills", "technical skills", "professional skills", "key skills", "core skills",
        "technologies", "tech stack", "competencies", "core competencies", "tools",
        "skills & tools", "hard skills", "soft skills", "programming languages", "expertise",
    ),
    "languages": (
        "languages", "language", "language skills", "foreign languages", "spoken languages",
    ),
    "summary": (
        "summary", "profile", "about me", "about", "objective", "professional summary",
        "executive summary", "executive profile", "career overview", "professional profile",
        "career objective", "summary of qualifications", "highlights", "skill highlights",
        "core qualifications", "qualifications summary",
    ),
    "projects": ("projects", "personal projects", "key projects", "side projects"),
    "contact": ("contact", "contacts", "contact information", "contact details", "personal details",
                "personal information", "personal qualities", "hobbies", "interests",
                "recommendations", "references"),
}  # fmt: skip
_HEADING_INDEX = {w: s for s, words in SECTION_WORDS.items() for w in words}
_HEADING_CLEAN = re.compile(r"[^\w&+ ]+")


def _heading(line: str) -> tuple[str | None, str]:
    """(section, rest) when the line is a section heading, possibly 'Heading: content'."""
    head, sep, rest = line.partition(":")
    candidates = [(head, rest)] if sep else []
    candidates.append((line, ""))
    for label, tail in candidates:
        key = " ".join(_HEADING_CLEAN.sub(" ", label).lower().split())
        if key in _HEADING_INDEX and len(key.split()) <= 5:
            if key == "programming languages":
                return "skills", tail.strip()
            return _HEADING_INDEX[key], tail.strip()
    return None, line


def is_heading(line: str) -> bool:
    """Whether the line is only a section heading ("Summary", "Work History:")."""
    section, rest = _heading(line.strip())
    return section is not None and not rest


def _sections(lines: list[str]) -> list[str]:
    """The section each line belongs to ("header" before the first heading)."""
    current = "header"
    out = []
    for line in lines:
        section, _ = _heading(line.strip())
        if section is not None:
            current = section
        out.append(current)
    return out


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- Contact details ------------------------------------------------------------------------

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{6,}\d(?![\w])")
_PHONE_LABEL = re.compile(r"(?i)\b(phone|tel|telephone|mobile|mob|cell|cellphone|whatsapp)\b|☎|📞")
_YEARISH = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
URL = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]|,]+|\b(?:linkedin\.com|github\.com|gitlab\.com)/[^\s<>\"')\]|,]+"
)
_NOT_PORTFOLIO = ("mailto:", "google.com/maps", "facebook.com/sharer")


def _find_email(text: str) -> Scalar:
    found = list(dict.fromkeys(m.group(0).strip(".") for m in EMAIL.finditer(text)))
    if not found:
        return Scalar()
    return Scalar(found[0].lower(), 0.98 if len(found) == 1 else 0.85)


def _find_phone(lines: list[str]) -> Scalar:
    best: Scalar = Scalar()
    for index, line in enumerate(lines):
        for match in PHONE.finditer(line):
            raw = match.group(0).strip()
            digits = re.sub(r"\D", "", raw)
            if not 9 <= len(digits) <= 15:
                continue
            # "03/2017 - 11/2020" is a date range, not a number to call.
            if len(_YEARISH.findall(raw)) >= 2 and not raw.startswith("+"):
                continue
            if re.fullmatch(r"\d{4}\s*[-\u2013]\s*\d{4}", raw):
                continue
            labelled = bool(_PHONE_LABEL.search(line))
            confidence = 0.95 if raw.startswith(("+", "00")) or labelled else 0.7
            if index > 25 and not labelled:
                confidence -= 0.2
            if confidence > best.confidence:
                best = Scalar(" ".join(raw.split()), round(confidence, 2))
    return best


def _find_links(text: str) -> list[Link]:
    links: list[Link] = []
    seen: set[str] = set()
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".;:")
        lowered = url.lower()
        if any(bad in lowered for bad in _NOT_PORTFOLIO) or "@" in url:
            continue
        key = re.sub(r"^(https?://)?(www\.)?", "", lowered).rstrip("/")
        if key in seen or len(key) < 6:
            continue
        seen.add(key)
        if "linkedin.com/" in lowered:
            links.append(Link("linkedin", url, 0.95))
        elif "github.com/" in lowered or "gitlab.com/" in lowered:
            links.append(Link("github", url, 0.95))
        else:
            links.append(Link("portfolio", url, 0.6))
    return links


# --- Name -----------------------------------------------------------------------------------

_TITLE_WORDS = _words(
    """
    developer engineer manager analyst designer consultant specialist architect
    administrator intern lead director officer scientist tester qa devops programmer head
    assistant coordinator executive accountant nurse teacher technician representative
    associate recruiter full stack frontend backend front end back senior junior resume cv
    curriculum vitae page email phone address linkedin github summary objective profile
    skills experience education contact contacts languages information description details
    personal positions position university institute college school academy center centre
    company ltd inc llc gmbh street road avenue city district region about me expirience
    portfolio projects references hobbies interests
    """
)
# Cities that open resumes on a line of their own and look like a two-word name.
CITIES = _words(
    """
    tel aviv jerusalem haifa yafo sheva rishon lezion petah tikva netanya ashdod rehovot herzliya
    ramat gan holon bat yam london paris berlin moscow york san francisco los angeles kyiv kiev
    minsk warsaw amsterdam madrid rome vienna prague budapest dublin toronto sydney mumbai
    bangalore delhi singapore tokyo
    """
)
# Words that are never part of a person's name but open resumes in capitals: headings, fields of
# work and the like ("SKILL HIGHLIGHTS", "NURSING EXPERTISE", "MAHARSHTRA STATE BOARD SECURED").
_NOT_NAME_WORDS = _words(
    """
    highlights overview expertise qualifications qualification accomplishments competencies
    achievements strengths responsibilities duties certifications awards activities summary
    nursing care services service sales state board secured national international global
    business development management customer systems solutions technologies technology group
    team department unit professional career executive core key relevant work history
    objective statement technical computer software hardware network data marketing finance
    financial accounting health healthcare medical legal public relations human resources
    operations production quality safety security training student graduate graduation
    internship volunteer military army navy references available upon request years year
    school high secondary primary certificate course courses program programme dear sir madam
    member members certified licensed registered account accounts receivable payable payroll
    bookkeeping audit
    """
)
# The sections a person's name opens or sits in ("Contact", "Personal details").
_NAME_SECTIONS = frozenset({"header", "contact"})
_NAME_LABEL = re.compile(
    r"(?i)^\s*(?:(?:full|first|given|candidate'?s?|first,?\s*and\s*last)\s*)?name"
    r"\s*[:\-\u2013]\s*(.+)$"
)
# A form that asks the family name apart: "First Name: Matias" then "Last Name: Alvarez".
_LAST_NAME_LABEL = re.compile(r"(?i)^\s*(?:(?:last|family)\s*name|surname)\s*[:\-\u2013]\s*(.+)$")
# Markdown's emphasis around a form's label: "**Name:** Joel", "_Name:_ Anahit", "*Name*: Heitor".
_LABEL_EMPHASIS = re.compile(r"(?<!\w)[*_]+(?=\w)|(?<=[\w:])[*_]+")
# "Linkedin: Nikita Doroshenko Languages: ..." names the person in the link's label.
_LINK_NAME = re.compile(r"(?i)\blinked\s?in\s*:\s*([^:]+?)(?=\s+\w+\s*:|$)")
# A capital, accented ones too ("Élodie", "Øyvind"), and a typeset apostrophe ("O\u2019Connell",
# as word processors write it) as well as a typed one.
_NAME_WORD = re.compile(
    r"^[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0100-\u024F][a-zA-Z'\u2019\-\u00C0-\u024F]*\.?$"
    r"|^[A-Z\u00C0-\u024F'\u2019\-]{2,}$"
)
_LEADING_LABEL = re.compile(r"(?i)^(?:contacts?|resume|cv|curriculum vitae|profile)\s+")
_HONORIFIC = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.?\s+")


def _name_from_line(line: str) -> str | None:
    line = _LEADING_LABEL.sub("", line.strip())
    head, comma, tail = line.partition(",")
    # "Owen Pritchard, MRICS", "Samuel Adeyemi, PharmD": letters after the name.
    if (
        comma
        and 1 <= len(tail.split()) <= 3
        and all(re.fullmatch(r"[A-Z][A-Za-z]{0,6}\.?", w) for w in tail.replace(",", " ").split())
    ):
        line = head
    words = line.replace("\t", " ").split()
    if not 2 <= len(words) <= 4:
        return None
    if any(ch.isdigit() for ch in line) or "@" in line or "/" in line:
        return None
    lowered = [w.lower().strip(".,") for w in words]
    if any(
        w in _TITLE_WORDS
        or w in CITIES
        or w in COUNTRIES
        or w in _NOT_NAME_WORDS
        or w in OCCUPATIONS
        or w.rstrip("s") in OCCUPATIONS
        for w in lowered
    ):
        return None
    if not all(_NAME_WORD.match(w) for w in words):
        return None
    bare = _HONORIFIC.sub("", line)
    if len(bare.split()) < 2 or all(len(w.rstrip(".")) == 1 for w in words):
        return None
    return _shown_name(words)


def _shown_name(words: list[str]) -> str:
    """Shouted names in title case; initials and short particles as written."""
    return " ".join(w.capitalize() if w.isupper() and len(w) > 2 else w for w in words)


_LABELLED_NAME_WORD = re.compile(r"^[^\W\d_][\w'\u2019\-.]*$")


def _labelled_name(value: str) -> str | None:
    """The value of a form's name field, which says what it is: so a name that is also a place
    or a trade ("Alteo Jordan", "Lyna Teller") or a given name alone ("Firstname: Azariah") is
    taken, where an unlabelled line would not be."""
    value = re.sub(r"\s*(?:\(.*|<.*|[,;.]+)$", "", value.strip())
    words = value.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in value) or "@" in value:
        return None
    if not words[0][0].isupper() or not all(_LABELLED_NAME_WORD.match(w) for w in words):
        return None
    return _shown_name(words)


def _name_before_title(line: str) -> str | None:
    """The name in "LEONID SHALAEV FULL STACK DEVELOPER with 1+ year experience"."""
    words = line.split()
    for size in (2, 3):
        if len(words) <= size + 1 or words[size].lower() not in TITLE_STARTS:
            continue
        rest = job_title(" ".join(words[size:]))
        if rest and len(rest.split()) >= 2:
            name = _name_from_line(" ".join(words[:size]))
            if name:
                return name
    return None


def _names_a_skill(name: str, finder: SkillFinder | None) -> bool:
    """Whether a would-be name holds a skill past its first word: "Python SQL" is a line of
    tools, "Centralized Administrative Support" and "Aircraft Hydraulics Journyman" livecareer
    headings. A name beside a credential ("Keisha Brown, RN", "Robert Lindqvist, CPA") or with a
    given name that is a language's ("Julia Roberts") is a person's."""
    if finder is None:
        return False
    # As the line wrote it and in capitals: the name is shown title-cased ("Python Sql").
    found = {
        word.lower()
        for spelling in (name, name.upper())
        for hit in finder.find(spelling)
        for word in hit.surface.split()
    }
    skills = [word.lower() in found for word in name.split()]
    return any(skills[1:]) or all(skills)


def _find_name(
    lines: list[str], sections: list[str], email: str | None, finder: SkillFinder | None
) -> Scalar:
    for index, line in enumerate(lines[:40]):
        form = _LABEL_EMPHASIS.sub("", unmarked(line))
        match = _NAME_LABEL.match(form)
        if match:
            value = match.group(1).strip()
            following = next((x for x in lines[index + 1 : index + 4] if x.strip()), "")
            last = _LAST_NAME_LABEL.match(_LABEL_EMPHASIS.sub("", unmarked(following)))
            if last:
                value = f"{value} {last.group(1).strip()}"
            name = _name_from_line(value) or _labelled_name(value)
            if name:
                return Scalar(name, 0.95)
        match = _LINK_NAME.search(line)
        if match:
            name = _name_from_line(match.group(1).strip())
            if name:
                return Scalar(name, 0.8)
    seen = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if seen > 8:
            break
        if sections[index] not in _NAME_SECTIONS:
            # Under "Skills" or "Highlights", a two-word line in capitals is a skill ("Budget
            # Administration", "Microsoft Office"), never the person.
            continue
        first = stripped.split("\t")[0].strip(" |,")
        name = _name_from_line(first) or _name_before_title(first)
        if name is None or _names_a_skill(name, finder):
            continue
        confidence = 0.8 if seen == 1 else 0.65
        if email:
            local = re.sub(r"[^a-z]", "", email.split("@")[0].lower())
            parts = [p.lower() for p in name.split() if len(p) > 2]
            if any(p in local for p in parts):
                confidence = 0.95
        return Scalar(name, confidence)
    # A name further down, as a two-column layout leaves it, right above the person's title
    # ("LISA POLOTCKAIA" then "D A T A  A N A L Y S T").
    texts = [_unspaced(line.strip()) for line in lines[:60]]
    for index in range(len(texts) - 1):
        name = _name_from_line(texts[index]) if texts[index] else None
        if not (name and texts[index].isupper()):
            continue
        if job_title(texts[index + 1]) and not _heading(texts[index + 1])[0]:
            return Scalar(name, 0.6)
    return Scalar()


def _unspaced(line: str) -> str:
    """ "D A T A\tA N A L Y S T" as "DATA ANALYST": letter-spaced headings read as words."""
    tokens = line.split()
    if len(tokens) < 4 or sum(len(t) == 1 for t in tokens) < 0.8 * len(tokens):
        return line
    return " ".join("".join(part.split()) for part in re.split(r"\t|\s{2,}", line))


# --- Job title ------------------------------------------------------------------------------

_CONTACT_LINE = re.compile(
    r"(?i)\b(?:phone|tel|mobile|cell|e-?mail|linkedin|github|residence|address|location|"
    r"languages?|birth|age|citizenship|whatsapp|telegram)\b\s*[:.]"
)
# Between the parts of a job line: "Title, Company", "Title | Company", "Title at Company",
# "Company Name \uff1c City", "Company Name January 2014 to Current Contract Accountant".
_PARTS = re.compile(
    r"\s*[|\t,;\u2013\u2014\uff1c\uff1e\u00ef\u00bc]\s*|\s+-\s+|\s+(?:at|@|in)\s+"
    r"|(?i:company name)|(?i:\bcity\b)|\s*\([^)]*\)?"
)


def _headline(lines: list[str], name_line: int | None) -> tuple[str | None, int]:
    """The title the resume opens with: in the lines before the first section heading (or
    right under the name), the first that reads as a job title."""
    candidates: list[int] = []
    seen = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        section, _ = _heading(stripped)
        if section is not None or seen > 8:
            break
        candidates.append(index)
    if name_line is not None:
        below = next((i for i in range(name_line + 1, len(lines)) if lines[i].strip()), None)
        if below is not None and below not in candidates:
            candidates.insert(0, below)
    for index in candidates:
        text = _unspaced(lines[index].strip())
        if index == name_line or EMAIL.search(text) or _CONTACT_LINE.match(text):
            continue
        text = re.sub(r"^\W+", "", text)
        # The name may open the title's line even where it was not found on a line of its own
        # ("LEONID SHALAEV FULL STACK DEVELOPER with 1+ year experience" is nine words).
        name_text = lines[name_line].strip() if name_line is not None else ""
        if name_text and text.startswith(name_text) and len(text) > len(name_text):
            text = text[len(name_text) :]
        else:
            prefix = _name_before_title(text)
            if prefix:
                text = " ".join(text.split()[len(prefix.split()) :])
        if _heading(text)[0] is not None:
            continue
        title = job_title(text)
        if title:
            return title, index
    return None, -1


def _title_from_position(lines: list[str], r: _Range) -> str | None:
    line = lines[r.line_no]
    own = (line[: r.span[0]] + " | " + line[r.span[1] :]).strip()
    texts = [own]
    for neighbour in (r.last_line + 1, r.line_no - 1, r.last_line + 2):
        if 0 <= neighbour < len(lines) and not RANGE.search(lines[neighbour]):
            texts.append(lines[neighbour].strip())
    for text in texts:
        for part in _PARTS.split(text):
            part = part.strip() if part else ""
            if not part or _heading(part)[0] is not None:
                continue
            title = job_title(part, cut_tail=False)
            if title:
                return title
    return None


def _find_title(lines: list[str], work: list[_Range], name_line: int | None) -> Scalar:
    headline, _ = _headline(lines, name_line)
    if headline:
        return Scalar(headline, 0.85)
    # The latest job: the one still running, else the latest end; the first listed on a tie.
    for r in sorted(work, key=lambda r: (-r.end, r.line_no)):
        title = _title_from_position(lines, r)
        if title:
            return Scalar(title, 0.7)
        break
    return Scalar()


def _name_line(lines: list[str], name: str | None) -> int | None:
    if not name:
        return None
    first = name.split()[0].lower()
    for index, line in enumerate(lines[:60]):
        if first in line.lower() and len(line.split()) <= 8:
            return index
    return None


# --- Location -------------------------------------------------------------------------------

COUNTRIES = _words(
    """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bangladesh
    belarus belgium bolivia brazil bulgaria cambodia canada chile china colombia croatia
    cyprus czechia denmark ecuador egypt estonia ethiopia finland france georgia germany
    ghana greece hungary iceland india indonesia iran iraq ireland israel italy japan jordan
    kazakhstan kenya latvia lebanon lithuania luxembourg malaysia malta mexico moldova
    morocco netherlands nigeria norway pakistan peru philippines poland portugal romania
    russia serbia singapore slovakia slovenia spain sweden switzerland taiwan thailand
    tunisia turkey ukraine uruguay uzbekistan vietnam uk usa uae england scotland wales
    """
) | {
    "united states", "united kingdom", "new zealand", "south africa", "south korea",
    "czech republic", "united arab emirates", "saudi arabia", "hong kong", "sri lanka",
}  # fmt: skip
US_STATES = _words(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
    NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC
    """
)
_LOCATION_WORDS = r"(?:location|address|city|based in|lives in|residence|home)"
# "Location Bat Yam" at a line start, "Location: Haifa" anywhere, or a house/pin symbol.
_LOCATION_LABEL = re.compile(
    rf"(?i)(?:^\s*{_LOCATION_WORDS}\s*[:\-\u2013]?\s+|\b{_LOCATION_WORDS}\s*[:\u2013]\s*"
    r"|[\u2302\U0001f4cd]\s*:?\s*)(\S.*)"
)
_PLACE = re.compile(r"([A-Z][\w'\-. ]{1,40}),\s*([A-Z][\w'\-. ]{1,30})")


# The next field of a contact line: "Residence: Holon Languages: Hebrew", "Ashdod Date of birth:".
_NEXT_LABEL = re.compile(r"\s+[A-Z][a-z]+(?: [a-z]+){0,3}\s*:")


def _clean_place(value: str) -> str:
    value = value.split("\t")[0]
    if re.match(r"[A-Z][a-z]+\s*:", value):
        return ""  # the label word began a name of its own: "Location Hunters: -" (a project)
    value = re.split(r"(?i)\s+(?:e-?mail|phone|tel|mobile|cell|linkedin)\b", value)[0]
    value = _NEXT_LABEL.split(value)[0]
    return value.strip(" ,.|:-\u2013")


def _find_location(lines: list[str], sections: list[str]) -> Scalar:
    labelled: list[Scalar] = []
    for index, (line, section) in enumerate(zip(lines, sections, strict=False)):
        match = _LOCATION_LABEL.search(line)
        if match:
            place = _clean_place(match.group(1))
            unlabelled = ":" not in match.group(0)[: match.start(1) - match.start(0)]
            if unlabelled and (place[:1].islower() or match.group(1).startswith(",")):
                # Only the line's first word, no label: "Location manager" is a job, and "City ,
                # State , US" a template's stand-in.
                continue
            if 2 <= len(place) <= 60 and not EMAIL.search(place):
                # A label in the contact block is the candidate's; deep in the text it may be
                # an employer's office.
                near_top = index < 40 and section in ("header", "contact", "summary")
                labelled.append(Scalar(place, 0.9 if near_top else 0.6))
    if labelled:
        return max(labelled, key=lambda s: s.confidence)
    for line, section in zip(lines[:25], sections[:25], strict=False):
        if section not in ("header", "contact"):
            continue
        for match in _PLACE.finditer(line):
            city, words = match.group(1).strip(), match.group(2).split()
            for size in (3, 2, 1):
                region = " ".join(words[:size])
                if len(words) >= size and (region.lower() in COUNTRIES or region in US_STATES):
                    return Scalar(f"{city}, {region}", 0.75)
    return Scalar()


# --- Dates and experience -------------------------------------------------------------------

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:{MONTH_NAME}\.?,?\s*'?(?:19|20)?\d{{2}}"  # Jan 2015, March '19
    r"|(?:0?[1-9]|1[0-2])\s*[/.]\s*(?:19|20)\d{2}"  # 03/2017, 3.2017
    r"|(?:19|20)\d{2}\s*[/.-]\s*(?:0[1-9]|1[0-2])(?!\d)"  # 2017-03, 2017/03
    r"|(?:19|20)\d{2})"  # 2017
)
_PRESENT = r"(?:present|now|current(?:ly)?|today|to date|date|ongoing|till now|until now|nowadays)"
RANGE = re.compile(
    # Resumes exported from PDF often lose the dash: "4/2016 5/2022", "Feb. 2012 Present".
    rf"(?i)(?<![\d/.])(?P<start>{_DATE})(?:\s*(?:-+|\u2013|\u2014|to|until|till|through|~)\s*"
    # A form's own fields: "From: 01/2017 To: 03/2020", "From: 2017 - To: 2020".
    r"|\s*(?:[-\u2013\u2014]\s*)?(?:to|until|till)\s*:\s*|\s+)"
    rf"(?P<end>{_DATE}|{_PRESENT})(?![\d/])"
)
# A PDF column of dates comes out one piece a line: "October 2011\nto\nAugust 2015", or split
# after or before the dash. Only a written connector joins the lines, so a column of lone dates
# ("June 2015\nJune 2014", renewals of a certificate) stays apart; and a "present" word must
# not run on into lower-case prose ("in 2015 to\ncurrent standards").
_CONNECTOR = r"(?:-+|\u2013|\u2014|to|until|till|through|~)"
SPLIT_RANGE = re.compile(
    rf"(?i)(?<![\d/.])(?P<start>{_DATE})[ \t]*"
    rf"(?:\n[ \t]*{_CONNECTOR}[ \t]*\n|{_CONNECTOR}[ \t]*\n|\n[ \t]*{_CONNECTOR})[ \t]*"
    rf"(?:(?P<end>{_DATE})(?![\d/])|(?P<now>{_PRESENT})\b(?![ \t]+(?-i:[a-z])))"
)
SINCE = re.compile(rf"(?i)\b(?:since|from)\s+(?P<start>{_DATE})(?!\s*(?:-|\u2013|\u2014|to)\s*\w)")
# "Worked as a Survey Researcher between 2013 and 2016": "and" joins two dates only after
# "between" (elsewhere "2015 and 2018" may be two separate years).
BETWEEN = re.compile(
    rf"(?i)\bbetween\s+(?P<start>{_DATE})\s+and\s+(?P<end>{_DATE}|{_PRESENT})(?![\d/])"
)
_EDUCATION_HINT = re.compile(
    r"(?i)\b(university|universit[ée]|college|institute|school|academy|polytechnic|faculty|"
    r"b\.?sc|m\.?sc|ph\.?d|bachelor|master'?s?|mba|degree|diploma|graduat\w*|student|studies|"
    r"course|courses|bootcamp|ulpan|certificat\w*|accredit\w*|technion)\b"
)


@dataclass(frozen=True)
class _Range:
    start: int  # month index: year * 12 + month - 1
    end: int  # exclusive
    start_label: str
    end_label: str
    line_no: int  # 0-based
    span: tuple[int, int]  # of the dates on line_no
    last_line: int  # where the dates end: below line_no when a PDF column split them


def _month_of(token: str) -> tuple[int, int, bool] | None:
    """(year, month, month_known) for one date token."""
    token = token.strip().lower()
    named = re.match(rf"({MONTH_NAME})\.?,?\s*'?(\d{{2,4}})$", token)
    if named:
        month = MONTHS[
            named.group(1)[:4] if named.group(1).startswith("sept") else named.group(1)[:3]
        ]
        year = int(named.group(2))
        if year < 100:
            year += 2000 if year < 50 else 1900
        return year, month, True
    numeric = re.match(r"(\d{1,2})\s*[/.]\s*(\d{4})$", token)
    if numeric:
        return int(numeric.group(2)), int(numeric.group(1)), True
    iso = re.match(r"(\d{4})\s*[/.-]\s*(\d{2})$", token)
    if iso:
        return int(iso.group(1)), int(iso.group(2)), True
    if re.fullmatch(r"\d{4}", token):
        return int(token), 7, False  # mid-year: index year * 12 + 6
    return None


def _label(year: int, month: int, known: bool) -> str:
    return f"{year}-{month:02d}" if known else str(year)


_HAS_DIGIT = re.compile(r"\d")


_DatePair = tuple[str, str, int, tuple[int, int], int]


def _date_pairs(lines: list[str]) -> list[_DatePair]:
    """(start token, end token, line, span on that line, last line) of each range written."""
    pairs = []
    taken: dict[int, list[tuple[int, int]]] = {}
    for line_no, line in enumerate(lines):
        if not _HAS_DIGIT.search(line):
            # Every date form holds digits; most of a resume's lines hold none, and these three
            # scans were the reader's largest cost.
            taken[line_no] = []
            continue
        matches = [(m, m.group("end")) for m in RANGE.finditer(line)]
        matches += [(m, m.group("end")) for m in BETWEEN.finditer(line)]
        spans = taken[line_no] = [m.span() for m, _ in matches]
        # "from 11/2021 till now" is one range, not also an open "from 11/2021".
        matches += [
            (m, "present")
            for m in SINCE.finditer(line)
            if not any(m.start() < end and start < m.end() for start, end in spans)
        ]
        pairs += [(m.group("start"), end, line_no, m.span(), line_no) for m, end in matches]
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text = "\n".join(lines)
    for match in SPLIT_RANGE.finditer(text):
        line_no = bisect_right(offsets, match.start()) - 1
        start = match.start() - offsets[line_no]
        if any(start < end for _, end in taken[line_no]):
            continue  # the date already closes or opens a range on its own line
        last_line = bisect_right(offsets, match.end() - 1) - 1
        span = (start, len(lines[line_no]))
        end = match.group("end") or "present"
        pairs.append((match.group("start"), end, line_no, span, last_line))
    return sorted(pairs, key=lambda pair: pair[2])


def _as_of(pairs: list[_DatePair], today: date, written: date | None) -> date:
    """The day a resume's "Present" stands for. A resume read years after it was written
    would otherwise add those years to the job it then held (2,483 livecareer PDFs, all saved
    in August 2021, read 5 years long in 2026). The file's date is trusted only when every date
    the text names lies before it: a template's stamp from before the resume was written, or a
    bare year ("2023 - Present") that might fall after it, leaves today."""
    if written is None or written >= today:
        return today
    for start, end, *_ in pairs:
        for token in (start, end):
            month = _month_of(token)
            if month is None:
                continue
            year, number, known = month
            if year > written.year or (
                year == written.year and (not known or number > written.month)
            ):
                return today
    return written


def _ranges(pairs: list[_DatePair], today: date) -> list[_Range]:
    now = today.year * 12 + today.month  # exclusive end for "present"
    out: list[_Range] = []
    for start_token, end_token, line_no, span, last_line in pairs:
        start = _month_of(start_token)
        if start is None:
            continue
        s_year, s_month, s_known = start
        if re.fullmatch(_PRESENT, end_token.strip(), flags=re.IGNORECASE):
            end_index, end_label = now, "present"
        else:
            end = _month_of(end_token)
            if end is None:
                continue
            e_year, e_month, e_known = end
            # A named end month counts in full; a bare year is taken at mid-year, like a
            # bare start year, so "2017 - 2019" is two years.
            end_index = e_year * 12 + e_month if e_known else e_year * 12 + 6
            if not e_known and e_year == today.year:
                # "2015 - 2024" read in March 2024 ends now, not in a June still to come.
                end_index = min(end_index, now)
            end_label = _label(e_year, e_month, e_known)
        start_index = s_year * 12 + s_month - 1
        if not 1950 <= s_year <= today.year or end_index > now + 1:
            continue
        if end_index == start_index and not s_known:
            end_index = start_index + 6  # "2019 - 2019": part of one year
        if end_index <= start_index:
            continue
        if end_index - start_index > 50 * 12:
            continue
        out.append(
            _Range(
                start_index,
                end_index,
                _label(s_year, s_month, s_known),
                end_label,
                line_no,
                span,
                last_line,
            )
        )
    return out


def _union_months(ranges: Iterable[_Range]) -> int:
    total = 0
    current: tuple[int, int] | None = None
    for r in sorted(ranges, key=lambda r: r.start):
        if current is None or r.start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (r.start, r.end)
        else:
            current = (current[0], max(current[1], r.end))
    if current is not None:
        total += current[1] - current[0]
    return total


# A job written with its length instead of dates: "PHP Developer (9 month)", "Sous Chef (2 years
# 3 months)". The title must stand alone on its line under an experience heading: the same
# brackets after a skill ("Microsoft Office (4 years)", common in livecareer's skill lists) or
# in a sentence are no job.
_DURATION = re.compile(
    r"(?i)^[ \t]*(?:[-*\u2022\u00b7][ \t]*)?(?P<title>[^()\d][^()]{1,79}?)[ \t]*\([ \t]*"
    r"(?:(?P<years>\d{1,2}(?:\.\d)?)[ \t]*(?:years?|yrs?)\.?)?"
    r"(?:[ \t]*(?:,|&|and)?[ \t]*(?P<months>\d{1,2})[ \t]*(?:months?|mos?)\.?)?"
    r"[ \t]*\)[ \t]*$"
)


def _durations(lines: list[str], sections: list[str], ranges: list[_Range]) -> list[Position]:
    """Jobs that give a length and no dates. One with a date range beside it is left to the
    range, so a LinkedIn-style "Oct 2020 - Oct 2021 (1 year 1 month)" counts once."""
    dated = {n for r in ranges for n in range(r.line_no - 1, r.last_line + 2)}
    found = []
    for line_no, line in enumerate(lines):
        match = _DURATION.match(line)
        if not match or sections[line_no] != "experience" or line_no in dated:
            continue
        years, months = match.group("years"), match.group("months")
        total = round(float(years or 0) * 12) + int(months or 0)
        title = job_title(match.group("title"), cut_tail=False)
        if not title or not 0 < total <= 50 * 12:
            continue
        found.append(Position(title, "", "", "", total, line_no + 1, 0.6))
    return found


_STATED_YEARS = re.compile(
    r"(?i)(\d{1,2}(?:\.\d)?)[ \t]*\+?[ \t]*(?:years?|yrs?)['\u2019]?[ \t]+(?:of[ \t]+)?"
    r"(?:\w+[ \t]+){0,3}?experience"
)
_JOB_WORDS = re.compile(
    r"(?i)\b(developer|engineer|manager|analyst|designer|consultant|specialist|architect|"
    r"administrator|intern|lead|director|officer|scientist|tester|qa|programmer|head|assistant|"
    r"coordinator|technician|teacher|accountant|nurse|founder|owner|freelancer?|support|"
    r"representative|researcher|instructor|operator|sales|marketing|devops|recruiter)\b"
)
_SPLIT_COMPANY = re.compile(r"\s+(?:at|@)\s+|\s*[,|\u2013\u2014]\s*|\s+-\s+")


_DEGREE_HINT = re.compile(r"(?i)\b(b\.?sc|m\.?sc|ph\.?d|bachelor|master'?s? degree|degree in)\b")


def _is_education(lines: list[str], sections: list[str], r: _Range) -> bool:
    """Whether a date range belongs to studies rather than a job. The line (with the title
    beside a bare date) speaks first; the section heading decides when the line is silent,
    because converted resumes often carry jobs under a misplaced heading."""
    title_text = _title_text(lines, r)
    line = lines[r.line_no] + " " + title_text
    section = sections[r.line_no]
    if section in ("experience", "projects"):
        # "Developer, Tel-Ran academy project" is work; only a clear degree line is not.
        return bool(_DEGREE_HINT.search(line))
    # The job beside the dates speaks before the rest of the line: "2016 - now Senior Engineer,
    # Structures, ... a secondary school" and "Teacher, Lincoln High School" are jobs.
    lead = next((p for p in _SPLIT_COMPANY.split(title_text) if p.strip()), "")
    if _JOB_WORDS.search(lead) and not _EDUCATION_HINT.search(lead):
        return bool(_DEGREE_HINT.search(line))
    if _EDUCATION_HINT.search(line):
        return True
    if _JOB_WORDS.search(line):
        return False
    return section == "education"


# What people list with dates besides jobs: memberships, boards, volunteering, awards, licences,
# the versions of a software suite. Outside a work section these words mean the dates are no
# job ("Cincinnati Art Museum member, 1989 - present", "MS Office 2003-2010"); inside one a
# "Volunteer Coordinator" or "Member Services Representative" is the candidate's own choice of
# job, and stays.
_PASTIME_HINT = re.compile(
    r"(?i)\b(volunteer\w*|(?<!team )(?<!crew )(?<!staff )members?(?:hip)?|association|society|"
    r"club|committee|board|chair(?:man|person|woman)?|awards?|awarded|honou?rs?|dean'?s list|"
    r"fraternity|sorority|church|pta|league|licen[cs]e[ds]?|certified|(?:microsoft|ms) office|"
    r"office suite)\b"
)


# Service in the forces is a job, whatever heading ("Awards") follows it on the line.
_MILITARY = re.compile(r"(?i)\b(military|army|navy|air force|marine corps|national guard)\b")


def _is_pastime(lines: list[str], sections: list[str], r: _Range) -> bool:
    if sections[r.line_no] in ("experience", "projects"):
        return False
    text = lines[r.line_no] + " " + _title_text(lines, r)
    return bool(_PASTIME_HINT.search(text)) and not _MILITARY.search(text)


# A resume template's stand-in for the employer and its place, left in by the writer or by an
# anonymiser ("January 2016 to Current Company Name - City, State", "Accountant II Company Name
# City"): no part of a job title, and on a line of dates it hides that the title is a neighbour.
# Some templates write the place first, with or without the employer: "City , State Company
# Name / Apr 2017 to Current" (the title on the line above), "City , State Construction Manager
# III 07/2014 to 07/2015" (round fifty-two); the comma made "City" the job.
TEMPLATE_EMPLOYER = re.compile(
    r"(?i)(?:\bcity\s*,\s*state\b(?:\s+company\s+name\b)?|\bcompany\s+name\b"
    r"(?:\s*(?:\u00ef\u00bc|[-\u2013\u2014,:|/\uff0d\uff1a])?\s*\bcity\b"
    r"(?:\s*,?\s*\bstate\b)?)?)"
)


def _without_template(line: str) -> str:
    return TEMPLATE_EMPLOYER.sub(" ", line).strip(" \t:-\u2013\u2014|,;/")


def _neighbour_title(line: str) -> str:
    """A line near a job's dates as the title it may hold, or "" where it holds none: other
    dates, a paragraph, or the tail of the previous job's last duty ("with CHI)")."""
    candidate = _without_template(line)
    if not candidate or RANGE.search(candidate) or len(candidate) >= 120:
        return ""
    return "" if is_run_on(job_cell(candidate)) else candidate


def _is_place(text: str) -> bool:
    """Whether `text` is only a town, or an employer, and its US state's code or its country
    ("Rugby ND", "Durham, NC", "Raiffeisen Bank Russia"), naming no job: what templates put
    beside a job's dates, with the title on a line of its own. A job's word keeps the text a
    title ("Sales Associate GA", "IT Support, UK")."""
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() for w in words):
        return False
    # An acronym before the place is a field's ("IT Support, UK"), not a town's.
    if any(w.isupper() for w in words[:-1]) or has_occupation(text) or _JOB_WORDS.search(text):
        return False
    return (
        words[-1] in US_STATES
        or words[-1].lower() in COUNTRIES
        or " ".join(words[-2:]).lower() in COUNTRIES
    )


def _is_tool_list(text: str) -> bool:
    """Whether `text` is a list of three or more short items naming no job ("Java, TypeScript,
    Spring Boot, NodeJs"): the tools a layout writes beside a job's dates, its title a line
    above."""
    items = [i for i in re.split(r"\s*[,;]\s*", text.strip(" -\u2013\u2014")) if i]
    if len(items) < 3 or any(len(i.split()) > 3 for i in items):
        return False
    return not any(_JOB_WORDS.search(i) or has_occupation(i) for i in items)


def _without_from(text: str) -> str:
    return re.sub(r"(?i)^(?:from|since)\b\s*:?\s*|\s*\b(?:from|since)\s*:?$", "", text).strip()


def _title_text(lines: list[str], r: _Range) -> str:
    line = lines[r.line_no]
    text = TEMPLATE_EMPLOYER.sub(" ", line[: r.span[0]] + " " + line[r.span[1] :])
    # "Company Name Family Advocate // City , State // May 2014 to Current": the slashes that
    # fenced the template's place are no part of the title.
    text = text.strip(" \t:-\u2013\u2014|,;()/")
    text = _without_from(text)
    if _is_tool_list(text) and r.line_no:
        # A list of tools beside the dates: the title is the line above only if that names a
        # job in a few words; else the list stays what is read.
        over = _neighbour_title(lines[r.line_no - 1])
        if over and len(over.split()) <= 8 and (_JOB_WORDS.search(over) or has_occupation(over)):
            return over
    if _is_place(text) and r.line_no and not is_heading(lines[r.line_no - 1]):
        # Where and when sit under the job's own line ("- Maintenance Worker, Machinery Inc.",
        # then "Rugby ND, January 2015 - March 2017"); the line below is the next job's. Under a
        # heading, the text beside the dates is all there is of the job ("Data Analytics NJ").
        over = _neighbour_title(lines[r.line_no - 1])
        if over:
            return over
    if not text or is_field_label(unmarked(text)):
        # A form's date field ("Duration: 2013 - 2017", "From: 2017 To: 2020"), a template's
        # place ("City , State 03/2019 - Current") or nothing says nothing of the job. A form
        # names the job in its own field up to three lines above ("Role: Network Engineer",
        # then "Company: ..."); else the title is looked for around the line, as for dates
        # alone.
        text = ""
        for above in range(r.line_no - 1, max(r.line_no - 4, -1), -1):
            if not lines[above].strip() or RANGE.search(lines[above]):
                break
            if labelled_title(unmarked(lines[above])):
                return lines[above].strip()
    if len(re.sub(r"\W", "", text)) >= 3:
        return text
    if r.last_line > r.line_no:
        # A column of dates split over lines: the template writes the employer and the title
        # after it ("Company Name City , State Risk Specialist"), past a blank line at times,
        # and the line above is the previous job's last duty, no title. Further down than the
        # next line, a duty is as likely as a title: only one naming a job is taken.
        for gap, below in enumerate(lines[r.last_line + 1 : r.last_line + 4]):
            candidate = _neighbour_title(below)
            if not candidate:
                continue
            if gap == 0 or _JOB_WORDS.search(candidate):
                return candidate
        return ""
    # The dates sit on a line of their own: the title is just above or just below. A line that
    # names a job wins; otherwise the one above, where most templates put the title.
    neighbours = []
    for neighbour in (r.line_no - 1, r.last_line + 1):
        if 0 <= neighbour < len(lines):
            # "Company Name City , State Health Systems Analyst": the template's stand-ins go,
            # or the comma between them splits "State Health Systems Analyst" off as the job.
            candidate = _neighbour_title(lines[neighbour])
            if candidate:
                neighbours.append(candidate)
    for candidate in neighbours:
        if _JOB_WORDS.search(candidate):
            return candidate
    return neighbours[0] if neighbours else ""


# The marks at which `_SPLIT_COMPANY` parts a title from its employer that a title may also hold:
# a spaced dash and a comma ("at", "@" and "|" are never a title's own).
_SEPARATOR = re.compile(r"(\s+[-\u2013\u2014]\s+|\s*,\s*)")
_INSTITUTION_WORD = re.compile(
    r"\b(?:University|College|Institute|School|Academy|Polytechnic|Center|Centre|Hospital|Clinic)\b"
)
# A dash or a comma that belongs to the title, as written back after the split between a title
# and its employer, and as marked so that the split passes it.
_OWN = {" - ": " \u2010 ", ", ": " \u201a "}
_MAX_ITEM_WORDS = 6


def _own_separators(text: str) -> str:
    """`text` with the separators that are part of its title written as `_OWN`'s marks: a
    spaced dash after a bare rank ("Director - Quality Engineering", "Physician - Pathologist",
    "Architect - except naval", O*NET's way), where the rank alone says little and an employer
    would carry its marker ("Manager - Acme Inc", "Educator - Center for the Gifted" keep their
    split); and dashes or commas up to a part that opens on "and" or "or" ("Shipping -
    Receiving - and Inventory Clerk"; after commas, "Nursing Assistants, Orderlies, and
    Psychiatric Aides", when that part names a job), which only continues the title."""
    pieces = _SEPARATOR.split(text)
    parts, separators = pieces[0::2], pieces[1::2]
    if len(parts) < 2:
        return text
    keep = 1
    rank = parts[0].strip().lower()
    if "," not in separators[0] and (rank in OCCUPATIONS or rank.removesuffix("s") in OCCUPATIONS):
        after = _SPLIT_COMPANY.split(parts[1])[0]  # "Quality Engineering at XYZ Corp"
        keep = 1 if is_employer(after) or _INSTITUTION_WORD.search(after) else 2
    for index, part in enumerate(parts[1:], start=2):
        # Commas also list a duty's objects ("prospecting, forecasting, and closing"): there the
        # last item must be a short one naming a job.
        commas = any("," in sep for sep in separators[: index - 1])
        item = not commas or (len(part.split()) <= _MAX_ITEM_WORDS and has_occupation(part))
        if re.match(r"(?:and|or|&)\s", part) and item:
            keep = index
    if keep == 1:
        return text
    own = [_OWN[", " if "," in sep else " - "] for sep in separators[: keep - 1]]
    title = parts[0] + "".join(mark + part for mark, part in zip(own, parts[1:keep], strict=True))
    return title + "".join(
        sep + part for sep, part in zip(separators[keep - 1 :], parts[keep:], strict=True)
    )


def _written_back(part: str) -> str:
    for plain, mark in _OWN.items():
        part = part.replace(mark, plain)
    return part


def _position(lines: list[str], r: _Range) -> Position:
    # Past a form's label: "Role: Network Engineer" holds a title, "Company: Acme Ltd" none;
    # and before the first duty a column layout runs on ("Sushi Chef In charge of ...").
    text = unlabelled(unmarked(_without_from(job_cell(_title_text(lines, r))))) or ""
    text = re.sub(r"\([^)]*\)?", "", text).strip(" \t:-\u2013\u2014|,;")
    text = without_duties(text).strip(" \t:-\u2013\u2014|,;")
    # A job written as a sentence: "Worked as a MSTR Administrator from 2015-2017. The ...".
    text = _own_separators(without_qualifier(job_in_sentence(text) or text))
    # A full stop that opens a word is part of it (".NET Developer"), one on its own is not.
    trimmed = (
        re.sub(r"^(?:[\s:]|\.(?!\w))+", "", p).rstrip(" \t.:") for p in _SPLIT_COMPANY.split(text)
    )
    parts = [_written_back(p) for p in trimmed if p]
    title = parts[0] if parts else ""
    company = parts[1] if len(parts) > 1 else ""
    if is_run_on(title):
        title = ""
    if company and _JOB_WORDS.search(company) and not _JOB_WORDS.search(title):
        title, company = company, title
    confidence = 0.75 if _JOB_WORDS.search(title) else 0.45
    if len(title) > 80:
        title, confidence = title[:80].rsplit(" ", 1)[0], 0.3
    return Position(
        title=title,
        company=company[:80],
        start=r.start_label,
        end=r.end_label,
        months=r.end - r.start,
        line_no=r.line_no + 1,
        confidence=confidence,
    )


# --- Education ------------------------------------------------------------------------------

DEGREE = re.compile(
    r"(?i)\b(ph\.?\s?d\.?|doctorate|m\.?\s?sc\.?|m\.?\s?s\.?(?=\s)|m\.?\s?a\.?(?=\s)|mba|m\.?\s?eng|"
    r"m\.?\s?tech|master(?:'s|s)?(?:\s+degree)?|b\.?\s?sc\.?|b\.?\s?s\.?(?=\s)|b\.?\s?a\.?(?=\s)|"
    r"b\.?\s?eng|b\.?\s?tech|bachelor(?:'s|s)?(?:\s+degree)?|associate(?:'s)? degree|"
    r"honours degree|high school diploma|diploma|practical engineer(?:ing)?)"
)
_FIELD = re.compile(
    r"(?i)\b(?:in|of)\s+([A-Z][\w&,\- ]{2,60}?)"
    r"(?=\s*(?:[,;|()\n\u2013\u2014-]|$|\s+at\s|\s+from\s))"
)
INSTITUTION = re.compile(
    r"([A-Z][\w'&.\- ]{0,60}?\b(?:University|College|Institute|School|Academy|Polytechnic|"
    r"Technion|Universit[éey]|Center|Centre)\b(?:\s+(?:of|for)\s+[A-Z][\w&\- ]{1,40})?"
    r"(?:\s*\([^)]{1,60}\))?)"
)


def _degree(line: str) -> re.Match[str] | None:
    """The first degree named on `line`. "Master" before a trade ("Certified Master Chef",
    "Master Electrician") is a rank in it, not a degree."""
    for found in DEGREE.finditer(line):
        rank = found.group(1).lower() == "master"
        if not (rank and has_occupation(next(iter(line[found.end() :].split()), ""))):
            return found
    return None


def _education(lines: list[str], sections: list[str], ranges: list[_Range]) -> list[Education]:
    by_line = {r.line_no: r for r in ranges}
    entries: list[Education] = []
    current: Education | None = None
    for index, line in enumerate(lines):
        in_section = sections[index] == "education"
        degree = _degree(line)
        school = INSTITUTION.search(line)
        if not (in_section or degree or school):
            continue
        if not (degree or school):
            if current is not None and index in by_line and not current.start:
                current.start, current.end = by_line[index].start_label, by_line[index].end_label
            continue
        new_needed = (
            current is None or (degree and current.degree) or (school and current.institution)
        )
        if new_needed or (current is not None and index - current.line_no > 3):
            current = Education("", "", "", "", "", index + 1, 0.0)
            entries.append(current)
        assert current is not None
        if degree and not current.degree:
            current.degree = " ".join(degree.group(1).split())
            after = line[degree.end() :]
            found_field = _FIELD.search(after)
            if found_field:
                current.field = found_field.group(1).strip(" ,")
        if school and not current.institution:
            current.institution = " ".join(school.group(1).split()).strip(" ,")
        near = [r for r in ranges if abs(r.line_no - index) <= 1]
        if near and not current.start:
            current.start, current.end = near[0].start_label, near[0].end_label
    for entry in entries:
        entry.confidence = round(
            0.35
            + (0.3 if entry.degree else 0)
            + (0.25 if entry.institution else 0)
            + (0.1 if entry.start else 0),
            2,
        )
    return [e for e in entries if e.degree or e.institution][:10]


# --- Languages ------------------------------------------------------------------------------

HUMAN_LANGUAGES = (
    "English", "Hebrew", "Russian", "Arabic", "French", "German", "Spanish", "Italian",
    "Portuguese", "Ukrainian", "Polish", "Romanian", "Hungarian", "Czech", "Slovak", "Bulgarian",
    "Serbian", "Croatian", "Greek", "Turkish", "Persian", "Farsi", "Hindi", "Urdu", "Bengali",
    "Punjabi", "Tamil", "Telugu", "Chinese", "Mandarin", "Cantonese", "Japanese", "Korean",
    "Vietnamese", "Thai", "Indonesian", "Malay", "Tagalog", "Dutch", "Swedish", "Norwegian",
    "Danish", "Finnish", "Estonian", "Latvian", "Lithuanian", "Georgian", "Armenian", "Amharic",
    "Yiddish", "Belarusian", "Kazakh", "Uzbek", "Swahili", "Catalan",
)  # fmt: skip
_LANGUAGE = re.compile(r"\b(" + "|".join(HUMAN_LANGUAGES) + r")\b", re.IGNORECASE)
_LEVEL = re.compile(
    r"(?i)\b(native(?: speaker)?|mother tongue|bilingual|fluent|fluency|proficient|proficiency|"
    r"full professional|professional working|advanced|upper[- ]intermediate|intermediate|"
    r"conversational|good|basic|elementary|beginner|working knowledge|[ABC][12])\b"
)


def _languages(lines: list[str], sections: list[str]) -> list[Language]:
    found: dict[str, Language] = {}
    for index, line in enumerate(lines):
        section, rest = _heading(line.strip())
        inline = section == "languages" and bool(rest)
        if sections[index] != "languages" and not inline:
            continue
        text = rest if inline else line
        matches = list(_LANGUAGE.finditer(text))
        for position, match in enumerate(matches):
            name = match.group(1).capitalize()
            stop = matches[position + 1].start() if position + 1 < len(matches) else len(text)
            level_match = _LEVEL.search(text, match.end(), stop)
            level = level_match.group(1) if level_match else ""
            if not level and index + 1 < len(lines) and not _LANGUAGE.search(lines[index + 1]):
                # A level written on the line under the language ("English\nB2 - Upper ...").
                below = _LEVEL.search(lines[index + 1])
                level = below.group(1) if below else ""
            if name not in found:
                found[name] = Language(name, level, 0.9 if level else 0.8)
    return list(found.values())


# --- Skills ---------------------------------------------------------------------------------


def _skills(text: str, sections: list[str], finder: SkillFinder | None) -> list[SkillFound]:
    if finder is None:
        return []
    grouped: dict[int, SkillFound] = {}
    for hit in finder.find(text):
        entry = grouped.get(hit.skill_id)
        if entry is None:
            entry = grouped[hit.skill_id] = SkillFound(hit.skill_id, hit.name, 0, [], 0.0)
        entry.count += 1
        if len(entry.lines) < 3 and all(e["line_no"] != hit.line_no for e in entry.lines):
            entry.lines.append({"line_no": hit.line_no, "line": hit.line[:300]})
    for entry in grouped.values():
        in_skills = any(
            0 < e["line_no"] <= len(sections) and sections[e["line_no"] - 1] == "skills"
            for e in entry.lines
        )
        entry.confidence = 0.95 if in_skills or entry.count >= 2 else 0.75
    return sorted(grouped.values(), key=lambda s: (-s.count, s.name))


# --- Entry point ----------------------------------------------------------------------------


def _dated(
    lines: list[str], sections: list[str], pairs: list[_DatePair], today: date
) -> tuple[list[_Range], list[_Range], list[Position]]:
    """The date ranges of jobs and of studies, and the jobs given only a length."""
    ranges = _ranges(pairs, today)
    studies = [r for r in ranges if _is_education(lines, sections, r)]
    work = [r for r in ranges if r not in studies and not _is_pastime(lines, sections, r)]
    return work, studies, _durations(lines, sections, ranges)


def _positions(lines: list[str], work: list[_Range], undated: list[Position]) -> list[Position]:
    positions = [_position(lines, r) for r in work] + undated
    return sorted(positions, key=lambda p: p.line_no)[:25]


def extract_positions(
    text: str, *, today: date | None = None, written: date | None = None
) -> list[Position]:
    """`extract_profile(...).positions` without reading the rest of the profile: ranking reads
    the titles of a resume's masked copy after its profile, and the contacts, name, skills and
    education it would read again cost as much as the positions (docs/performance.md)."""
    lines = text.split("\n")
    pairs = _date_pairs(lines)
    as_of = _as_of(pairs, today or date.today(), written)
    work, _, undated = _dated(lines, _sections(lines), pairs, as_of)
    return _positions(lines, work, undated)


def extract_profile(
    text: str,
    skill_matcher: SkillFinder | None = None,
    *,
    today: date | None = None,
    written: date | None = None,
) -> Profile:
    """The structured profile of one resume's text. "Present" in a date range means `today`,
    or `written` (the day the file was last saved) when the text names no later date."""
    lines = text.split("\n")
    read_on = today or date.today()
    # The date scans are the reader's largest cost: read once, for "Present" and the ranges.
    pairs = _date_pairs(lines)
    today = _as_of(pairs, read_on, written)
    sections = _sections(lines)
    profile = Profile()
    if today != read_on:
        profile.present_as_of = today.isoformat()
    profile.email = _find_email(text)
    profile.phone = _find_phone(lines)
    profile.links = _find_links(text)
    profile.location = _find_location(lines, sections)
    profile.skills = _skills(text, sections, skill_matcher)
    profile.name = _find_name(lines, sections, profile.email.value, skill_matcher)
    profile.languages = _languages(lines, sections)

    work, studies, undated = _dated(lines, sections, pairs, today)
    profile.positions = _positions(lines, work, undated)
    name_line = _name_line(lines, profile.name.value)
    profile.title = _find_title(lines, work, name_line)
    profile.education = _education(lines, sections, studies)

    stated = [float(m.group(1)) for m in _STATED_YEARS.finditer(text)]
    stated = [y for y in stated if 0 < y <= 50]
    if work or undated:
        # An undated job cannot be placed beside the others, so its length is added whole.
        months = _union_months(work) + sum(p.months for p in undated)
        years = round(months / 12, 1)
        confidence = 0.85 if len(work) >= 2 else 0.65 if work else 0.6
        if stated and abs(max(stated) - years) <= 1.5:
            confidence = 0.95
        profile.years_experience = Scalar(years, confidence)
    elif stated:
        profile.years_experience = Scalar(max(stated), 0.5)
    return profile
