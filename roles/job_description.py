"""A pasted job description becomes a skill profile, then an editable role private to the org.

`extract_job_profile` is pure (text and a `SkillMatcher` in, a `JobProfile` out); the service
`role_create_from_job_description` stores it as a draft `Role` of the organisation, which the
recruiter then reviews (weights, must-haves, minimum years) before running a match.

How a skill's weight (1-5) is read from the text:
- where it is written: a "Requirements"/"Qualifications"/"Must have" section weighs more than a
  "Nice to have"/"Preferred"/"Bonus" one; the title and the opening lines weigh more than the end;
- how it is worded: "required", "must", "essential", "mandatory", "strong ... in" make it a
  must-have; "preferred", "a plus", "nice to have", "familiarity" make it optional;
- what it stands for: alternatives ("Django or Flask") and examples in a bracket ("Excel
  (pivot tables, VLOOKUP)") are not requirements of their own;
- how often it is named;
- what kind of skill it is: a soft skill or a spoken language weighs 1 and is never a must-have,
  whatever the wording (`SOFT_CATEGORIES`); `soft_skill_note` tells the recruiter so.
Minimum years come from phrases like "5+ years of Python" or "at least 3 years' experience with
SQL", attached to the skills named in the same sentence.

Ads copied from a web page or a spreadsheet often arrive as one paragraph: they are split into
lines at their inline headings ("Minimum Required Skills:", "What You Will Be Doing") and
sentences first (`reflow`). Sentences of legal and benefits boilerplate ("an equal opportunity
employer", "must pass I-9 verification", "we offer 401(k) and PTO") name no requirement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roles.words import tokens, without_qualifier

if TYPE_CHECKING:
    from roles.models import Role
    from roles.taxonomy import SkillHit, SkillMatcher

MAX_SKILLS = 25

REQUIRED, OPTIONAL, NEUTRAL = "required", "optional", "neutral"

_HEADING_REQUIRED = re.compile(
    r"^\W*(requirements?|(?:basic )?qualifications?|must[- ]haves?|"
    r"what you(?:'ll| will)? (?:need|bring)|required (?:skills|experience|qualifications)|"
    r"essential(?! duties| functions)|minimum (?:required )?(?:skills|qualifications)|"
    r"skills required|skills(?: and| &) (?:experience|qualifications)|about you|who you are|"
    r"you have|key skills|experience|what we(?:'re| are) looking for|what we need|"
    r"you(?:'ll| will) need)\b[^.]{0,40}:?\s*$",
    re.IGNORECASE,
)
_HEADING_OPTIONAL = re.compile(
    r"^\W*(nice[- ]to[- ]haves?|preferred(?: qualifications| skills)?|bonus(?: points)?|"
    r"desirable|pluses|good to have|it would be great if|extra credit|"
    r"additional (?:skills|qualifications|experience)|optional)\b[^.]{0,40}:?\s*$",
    re.IGNORECASE,
)
_HEADING_OTHER = re.compile(
    r"^\W*(responsibilities|what you(?:'ll| will)? (?:do|be doing|work on)|"
    r"(?:essential |key |main |your )?(?:duties|tasks)|essential functions|who we are|the job|"
    r"about (?:us|the role|the company|the job)|benefits|perks|what we offer|"
    r"what's in it for you|top reasons|detailed info|the role|overview|summary|salary|"
    r"(?:job|position|role) (?:summary|overview|purpose)|primary purpose|how to apply)"
    r"\b[^.]{0,40}:?\s*$",
    re.IGNORECASE,
)
_MUST_WORDS = re.compile(
    r"\b(required|requires?|must|essential|mandatory|necessary|need(?:ed|s)?|"
    r"minimum|at least|proven|demonstrated|solid|strong|expert|proficien\w*)\b",
    re.IGNORECASE,
)
# "Need" is a demand as a verb ("needs an HR generalist", "you will need to", "is needed") and
# none as a noun ("each customer's needs", "students with different needs"), which ads use
# as often (round thirty-six, docs/scoring.md).
_NEED = re.compile(r"need(?:ed|s)?", re.IGNORECASE)
_NEED_AS_VERB_AFTER = re.compile(
    r"\s+(?:to|a|an|the|at\s+least|someone|somebody|experience|knowledge|skills?|\d)\b",
    re.IGNORECASE,
)
_NEED_AS_VERB_BEFORE = re.compile(r"\b(?:is|are|be|been|was|were|will|we|you)\s+$", re.IGNORECASE)
# "Necessary" is said of the candidate when it is predicated ("Python is necessary", "Forklift
# certification necessary.") or qualifies what one brings ("necessary skills"); said of the
# work ("ensure that necessary termination paperwork is completed", "take necessary action")
# it asks nothing of anyone (round thirty-eight, docs/scoring.md).
_NECESSARY_BEFORE = re.compile(
    r"\b(?:is|are|be|been|was|were)\s+(?:(?:also|absolutely|strictly)\s+)?$", re.IGNORECASE
)
_NECESSARY_AFTER = re.compile(
    r"\s*(?:[.;:!]|$)|\s+(?:skills?|experience|qualifications?|knowledge|abilit(?:y|ies)|"
    r"competenc(?:y|ies)|certifications?|licen[cs]es?|education|training|degrees?|credentials?)\b",
    re.IGNORECASE,
)
# "Other duties as required", "travel when needed", "overtime if necessary": how often the work
# calls for something, never what a candidate must hold. `_tally_hit` takes it out of a
# sentence before the wording is read.
_AS_CALLED_FOR = re.compile(
    r"\b(?:as|if|when|where|whenever|wherever)\s+(?:(?:deemed|it\s+is|is)\s+)?"
    r"(?:necessary|needed|required|requested)\b",
    re.IGNORECASE,
)


# Under a Requirements heading, these words make a requirement whatever else the sentence says.
_REQUIRED_WORDS = re.compile(r"\b(must|required|essential|mandatory)\b", re.IGNORECASE)


def _demands(sentence: str) -> bool:
    """Whether the sentence words a requirement (`_MUST_WORDS`): "need" counting only as a verb,
    "necessary" only of the candidate. `sentence` comes without "as required" and its kind
    (`_AS_CALLED_FOR`)."""
    for found in _MUST_WORDS.finditer(sentence):
        word = found.group(0)
        start, end = found.span()
        if _NEED.fullmatch(word):
            if _NEED_AS_VERB_AFTER.match(sentence, end) or _NEED_AS_VERB_BEFORE.search(
                sentence, max(0, start - 12), start
            ):
                return True
        elif word.lower() == "necessary":
            if _NECESSARY_AFTER.match(sentence, end) or _NECESSARY_BEFORE.search(
                sentence, max(0, start - 24), start
            ):
                return True
        else:
            return True
    return False


_OPTIONAL_WORDS = re.compile(
    r"\b(preferred|prefer(?:ably)?|a plus|plus|nice to have|bonus|desirable|ideally|"
    r"familiarity|exposure|advantage(?:ous)?|beneficial|optional|would be great)\b",
    re.IGNORECASE,
)
# A count of years as an ad writes it: "3", "two", "two (2)". Words up to twelve cover what ads
# spell out ("Two years of experience with Python"); a larger count is written in figures.
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_COUNT = r"(?:\d{1,2}|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b)(?:\s*\(\d{1,2}\))?"
# "5+ years", "3-5 years", "1-year", "two (2) years", "three to five yrs'". Never two runs of
# spaces in a row that may split one run between them: a digit before a column of spaces in a
# pasted spreadsheet took seconds to refuse.
_YEARS_OF = (
    r"(?P<years>" + _COUNT + r")(?:\s*\+)?(?:\s*(?:-|to|\u2013)\s*" + _COUNT + r")?"
    r"(?:\s*\+)?\s*(?:-\s*)?(?:years?|yrs?)['\u2019]?\b"
)
_YEARS = re.compile(r"(?:(?:at least|minimum(?: of)?|min\.?)\s*)?" + _YEARS_OF, re.IGNORECASE)


def _count_of(written: str) -> int:
    """The number a count of years writes: "3", "two", "two (2)"."""
    first = written.split("(")[0].strip().lower()
    return int(first) if first.isdigit() else _NUMBER_WORDS[first]


_SENTENCE = re.compile(r"[^.;\n]+")
# A requirements heading that makes every item under it a must-have ("Must have", "Required
# skills", "Minimum qualifications"); "What you'll need" or "Requirements" only opens the section.
_DEMANDING_HEADING = re.compile(r"\b(must|required|essential|mandatory|minimum)\b", re.IGNORECASE)

# A line this long is a paragraph, not a bullet: it is split before it is read.
LONG_LINE = 300
_INLINE_HEADING = re.compile(
    # A capitalised heading inside a paragraph, matched whole so that "Essential Duties and
    # Responsibilities" or "Minimum Required Skills" is never cut in two, at the line's start too.
    r"(?:(?<=\S)\s+|^)(?=[A-Z])(?i:(?:essential |key )?(?:duties|responsibilities)"
    r"(?: and responsibilities)?|(?:basic |preferred |minimum )?qualifications|requirements|"
    r"minimum (?:required )?skills|required (?:skills|experience)|skills required[^.:]{0,30}|"
    r"what you(?:'ll| will)? (?:need|bring|be doing|do)[^.:]{0,30}|must[- ]haves?|"
    r"nice[- ]to[- ]haves?|optional(?: \(not required\))?|bonus points|benefits|perks|"
    r"what we offer|what's in it for you|about (?:us|you|the role)|top reasons to work with us|"
    r"detailed info|additional experience(?: \(not required\))?)\b"
)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")
_BOILERPLATE = re.compile(
    r"\b(equal (?:employment )?opportunit|eeo\b|affirmative action|reasonable accommodation|"
    r"regardless of (?:race|age|sex|gender)|protected veteran|e-?verify|i-9\b|drug[- ]free|"
    r"background check|right to work|eligib\w* to work|authori[sz]ed to work|"
    r"employment eligibility|we offer|competitive (?:base )?(?:salary|pay|compensation|benefits)|"
    r"benefits (?:package|include)|401\(?k\)?|paid time off|\bpto\b|"
    r"(?:medical|health), dental)",
    re.IGNORECASE,
)


_HEADING_LEAD = re.compile(r"^(.{3,60}?)(:\s*|\s+-\s+)(\S.*)$")
_INLINE_BULLET = re.compile(r"(?<!\s)\s+-\s+(?=\S)")


def reflow(text: str) -> str:
    """The ad with each paragraph-long line split at its inline headings, bullets and
    sentences, so sections and must-have wording are read per sentence; shorter lines are left
    as written."""
    out = []
    for line in text.splitlines():
        if len(line) <= LONG_LINE:
            out.append(line)
            continue
        cuts = [m.start() for m in _INLINE_HEADING.finditer(line)]
        for begin, finish in zip([0, *cuts], [*cuts, len(line)], strict=True):
            part = line[begin:finish].strip()
            bulleted = False
            lead = _HEADING_LEAD.match(part)
            if lead and _is_heading(lead.group(1)):
                out.append(lead.group(1).strip())
                part, bulleted = lead.group(3), "-" in lead.group(2)
            for sentence in _SENTENCE_END.split(part):
                pieces = [p.strip() for p in _INLINE_BULLET.split(sentence) if p.strip()]
                if bulleted or len(pieces) > 2:  # "- a - b - c": bullets written on one line
                    out.extend(f"- {p.lstrip('- ')}" for p in pieces)
                    bulleted = True
                elif sentence.strip():
                    out.append(sentence.strip())
    return "\n".join(out)


@dataclass
class ExtractedSkill:
    skill_id: int
    name: str
    weight: int
    must_have: bool
    min_years: int | None
    mentions: int
    line: str


@dataclass
class JobProfile:
    title: str
    skills: list[ExtractedSkill]
    responsibilities: list[str] = field(default_factory=list)
    summary: str = ""


# An item of a list: a bullet, dash, star or number, a space, then the item ("**Requirements**"
# is bold, not an item). Pasted lists often drop the space ("-Active Learning", "\u2022Python",
# "\u2022-Manual Testing"); without it a dash or star opens an item only before a capital, so a
# negative number ("-5 C") or the end of a word broken at its hyphen ("-based") is no item, nor
# is a line in bold or italics ("**Job Title**", "*Remote*").
_LIST_ITEM = re.compile(
    r"^\s*(?:(?:[-\u2022*\u00b7\u2013]|\d{1,2}[.)])\s+|[\u2022\u00b7]-?(?=\S)|[-\u2013](?=[A-Z])"
    r"|\*(?=[A-Z])(?!.*\*\s*$))(\S.*)$"
)


def _heading(line: str) -> tuple[str, str] | None:
    """The section a heading line opens and the heading's words, or None for a line that is not
    a heading. A numbered or bulleted line is one only when it is the heading's words alone
    ("2. Requirements", "- Nice to have", but not "- Bonus", a perk) or ends with a colon:
    "- Experience with Workday" under "Nice to have" is an item of that list, and read as a
    heading ("Experience") it turned the rest of the list into requirements."""
    stripped = line.strip()
    if not stripped or len(stripped) > 70:
        return None
    item = _LIST_ITEM.match(stripped)
    words = item.group(1) if item else stripped
    for pattern, kind in (
        (_HEADING_OPTIONAL, OPTIONAL),
        (_HEADING_REQUIRED, REQUIRED),
        (_HEADING_OTHER, NEUTRAL),
    ):
        found = pattern.match(words)
        if found is None:
            continue
        if not item or words.endswith(":"):
            return kind, words
        # "- Bonus" in a list is a perk ("- Dental", "- Bonus", "- 401k"), not "Bonus points".
        if not words[found.end(1) :].strip(" :*") and found.group(1).lower() != "bonus":
            return kind, words
    return None


def _section_of(line: str, current: str) -> str:
    heading = _heading(line)
    return heading[0] if heading else current


MAX_LABELLED_TITLE = 150
_TITLE_LABEL = re.compile(r"^(?:job\s+title|title|position|role)\s*:?$", re.IGNORECASE)
# "Job Title: Staff Lead", "Job title - Cook", "Position: Buyer".
_TITLE_PREFIX = re.compile(
    r"^(?:job\s+title|title|position(?:\s+title)?|role)(?:\s*:\s*|\s+[-\u2013\u2014]\s+)(?=\S)",
    re.IGNORECASE,
)


# A requisition or reference code after the title: "(#911-MH2444)", "(Req 12345)", "- Job ID:
# 4521", "#4521". It is the employer's bookkeeping, not the job: kept, it would head the
# recruiter's match and exports and be compared with the candidates' job titles.
_REQUISITION = re.compile(
    r"\s*(?:[-\u2013\u2014|,]\s*)?(?P<open>[(\[])?\s*"
    r"(?:(?:req(?:uisition)?|ref(?:erence)?|job\s*(?:id|no\.?|number|code)|id)\b\.?\s*[:#-]?\s*|#\s*)"
    r"[A-Za-z0-9][\w\-/.]*\d[\w\-/.]*\s*(?(open)[)\]])\s*$",
    re.IGNORECASE,
)


def title_without_codes(title: str) -> str:
    """The title without a requisition or reference code after it."""
    stripped = _REQUISITION.sub("", title).strip()
    return stripped or title


def _bare_heading(text: str) -> bool:
    """A heading and nothing else ("Requirements", "Minimum Required Skills:"), not a title
    that starts like one ("Experience Designer", "Benefits Analyst")."""
    text = text.strip()
    heading = _heading(text)
    if heading is None:
        return False
    if text.endswith(":"):
        return True
    words = heading[1]
    for pattern in (_HEADING_OPTIONAL, _HEADING_REQUIRED, _HEADING_OTHER):
        found = pattern.match(words)
        if found and not words[found.end(1) :].strip(" :*#"):
            return True
    return False


def _guess_title(lines: list[str]) -> str:
    """The ad's title: its first short line, without a label ("Job title - Cook") or bullet.
    An ad that opens with a heading ("Minimum Required Skills: Java, ...", "Primary Purpose:
    ..."), or reaches one before any short line, has no title line: a heading or its first
    item would head the recruiter's match and be compared with the candidates' titles."""
    seen = labelled = False
    for line in lines[:5]:
        text = line.strip().strip("#*").strip()
        item = _LIST_ITEM.match(text)
        text = item.group(1).strip() if item else text
        # A heading that only says "Job title" (a Markdown ad: "## Job title") labels the line
        # below it.
        if not text or _TITLE_LABEL.match(text):
            labelled = labelled or bool(text)
            continue
        if not any(c.isalnum() for c in text):
            continue  # a stray mark above the ad (":", "---")
        unlabelled = _TITLE_PREFIX.sub("", text).strip("#* ")
        labelled, text = labelled or unlabelled != text, unlabelled
        lead = _HEADING_LEAD.match(text)
        if _bare_heading(text) or (lead and _bare_heading(lead.group(1))):
            break
        if seen and _is_heading(text):
            break
        seen = True
        # A labelled title is the title, though it ends with a full stop or runs long
        # ("Cutting - punching - and press machine setters - operators - and tenders - ...").
        if labelled:
            text = text.rstrip(".")
        # An occupation's qualifier goes before the length is judged: "Sales Representatives,
        # Wholesale and Manufacturing, Except Technical and Scientific Products" is a title.
        text = without_qualifier(title_without_codes(text))
        if len(text) <= (MAX_LABELLED_TITLE if labelled else 80) and not text.endswith("."):
            return text
    return "Custom role"


@dataclass
class _Tally:
    skill_id: int
    name: str
    outside_preamble: bool = False
    alternative: bool = True
    example: bool = True
    mentions: int = 0
    score: float = 0.0
    must: bool = False
    optional_only: bool = True
    min_years: int | None = None
    line: str = ""


SOFT_CATEGORIES = frozenset({"soft skills", "spoken languages"})
# What the recruiter reads beside such a skill: the rule in `_skill_of` sets it whatever the ad
# says, and a recruiter who wrote "Fluent Spanish required" must not have to guess why it is not.
SOFT_SKILL_NOTES = {
    "soft skills": (
        "Soft skill: weighed 1 and not required, whatever the ad says, as soft skills are hard "
        "to read from a resume. Raise its weight or make it a must-have if it matters."
    ),
    "spoken languages": (
        "Spoken language: weighed 1 and not required, whatever the ad says, as a resume rarely "
        "shows how well someone speaks. Raise its weight or make it a must-have if it matters."
    ),
}


def soft_skill_note(*, category: str, weight: int, must_have: bool) -> str:
    """Why a skill of a role read from a job description weighs 1 and is not required, when the
    soft-skill rule is what set it so; "" for any other skill, or one the recruiter has since
    weighed up or made a must-have."""
    if weight != 1 or must_have:
        return ""
    return SOFT_SKILL_NOTES.get(category.strip().lower(), "")


def sections_of(lines: list[str]) -> tuple[list[str], list[bool], int]:
    """Each line's section (required, optional, neutral), whether a demanding heading ("Must
    have", "Minimum required skills") is over it, and where the preamble ends."""
    sections: list[str] = []
    demanded: list[bool] = []
    current = NEUTRAL
    first_heading: int | None = None
    strict = False
    for index, line in enumerate(lines):
        before = current
        current = _section_of(line, current)
        if _is_heading(line):
            strict = current == REQUIRED and bool(_DEMANDING_HEADING.search(line))
        # The first line is the title, unless it is a heading alone ("Minimum Required Skills").
        opens = index > 0 or _bare_heading(line)
        if first_heading is None and opens and (current != before or _opens_section(line)):
            first_heading = index
        sections.append(current)
        demanded.append(strict and current == REQUIRED)
    # The lines before the first heading describe the employer ("a logistics company", "a
    # teaching hospital"): skills named only there are context, not requirements.
    preamble_end = first_heading if first_heading is not None else 0
    return sections, demanded, preamble_end


def _tally_hit(
    tally: _Tally,
    hit: SkillHit,
    sentence: str,
    *,
    section: str,
    demanded: bool,
    early: bool,
    preamble: bool = False,
    alternative: bool = False,
) -> None:
    """Adds one mention to the skill's tally: where it is, how it is worded, what years. In the
    `preamble` (the lines before the first heading, about the employer: "A company of 800
    employees needs an HR generalist") wording requires nothing: it restates the title. An
    `alternative` ("2 years in financial analysis, FP&A or corporate finance") weighs as worded
    but requires nothing alone, however plainly the skill is named elsewhere ("A corporate
    finance team is looking for..."; round forty, docs/scoring.md)."""
    wording_optional = bool(_OPTIONAL_WORDS.search(sentence))
    said = _AS_CALLED_FOR.sub(" ", sentence)
    wording_must = not preamble and _demands(said) and not wording_optional
    optional = section == OPTIONAL or wording_optional
    points = 1.0
    if section == REQUIRED:
        points += 1.0
    if wording_must:
        points += 1.0
    if optional:
        points -= 0.75
    else:
        tally.optional_only = False
    if early:
        points += 0.25
    tally.score += points
    years = _years_for(sentence)
    if years is not None and not optional:
        tally.min_years = max(tally.min_years or 0, years)
    under_requirements = section == REQUIRED and not optional
    if not alternative and (
        wording_must
        or (under_requirements and (demanded or _REQUIRED_WORDS.search(said) is not None))
        # "5+ years of Python" under Requirements is a requirement, however it is worded.
        or (under_requirements and years is not None)
    ):
        tally.must = True
    if not tally.line or (wording_must and not optional):
        tally.line = hit.line.strip()[:300]


def _skill_of(tally: _Tally, *, in_title: bool, soft: bool) -> ExtractedSkill:
    raw = 1.0 + tally.score + (1.5 if in_title else 0.0)
    weight = max(1, min(5, round(raw)))
    # A skill the title names ("HR Generalist Skills" in "Human Resources Generalist") weighs
    # as a must-have does, but is required only where the ad's body requires it: the title names
    # the job, which the candidate's own titles answer (the title component), and a resume
    # rarely writes the job's name as a skill (required by the title alone, it left 11
    # same-category livecareer resumes scoring 70 or more "Possible, missing must-have"; round
    # thirty-five, docs/scoring.md).
    must = tally.must and not tally.optional_only
    if in_title and not tally.optional_only:
        weight = max(weight, 4)
    if soft:
        must, weight = False, 1
    elif tally.example:
        # "Strong Excel skills (pivot tables, VLOOKUP)": what the named skill means, not a
        # requirement of its own; two examples in one bracket must not outweigh the skill.
        must, weight = False, min(weight, 2)
    elif tally.alternative:
        # "Django or Flask": either will do, so neither alone is a must-have.
        must, weight = False, max(2, min(weight, 4) - 1)
    elif tally.optional_only:
        weight = min(weight, 2)
    elif must:
        weight = max(weight, 4)
    return ExtractedSkill(
        skill_id=tally.skill_id,
        name=tally.name,
        weight=weight,
        must_have=must,
        min_years=tally.min_years if not tally.optional_only else None,
        mentions=tally.mentions,
        line=tally.line,
    )


def extract_job_profile(
    text: str,
    matcher: SkillMatcher,
    *,
    title: str = "",
    categories: Mapping[int, str] | None = None,
) -> JobProfile:
    """`categories` (skill id -> taxonomy category) lets soft skills ("Communication") count
    for less than the field's own skills: every job ad asks for them, so they rank no one."""
    text = reflow(text)
    lines = text.splitlines()
    title = title.strip() or _guess_title(lines)
    sections, demanded, preamble_end = sections_of(lines)
    hits: list[SkillHit] = matcher.find(text)
    alternatives = _alternatives(text, hits)
    examples, asides = _examples(text, hits)
    title_ids = {h.skill_id for h in matcher.find(title)}
    total_lines = max(1, len(lines))
    tallies: dict[int, _Tally] = {}
    for hit in hits:
        sentence = _sentence_around(hit.line, hit.start - _line_start(text, hit.start))
        if _BOILERPLATE.search(sentence):
            continue
        if id(hit) not in examples:
            # "ERP systems (NetSuite preferred)": the bracket's wording is about its examples.
            for start, end in asides:
                if not start < hit.start < end:
                    sentence = sentence.replace(text[start:end], " ")
        tally = tallies.setdefault(hit.skill_id, _Tally(hit.skill_id, hit.name))
        tally.mentions += 1
        line_index = max(0, hit.line_no - 1)
        if line_index >= preamble_end:
            tally.outside_preamble = True
        if id(hit) not in alternatives:
            tally.alternative = False
        if id(hit) not in examples:
            tally.example = False
        _tally_hit(
            tally,
            hit,
            sentence,
            section=sections[line_index] if line_index < len(sections) else NEUTRAL,
            demanded=line_index < len(demanded) and demanded[line_index],
            early=line_index < total_lines * 0.25,
            preamble=line_index < preamble_end,
            alternative=id(hit) in alternatives,
        )
    soft = {
        sid for sid, category in (categories or {}).items() if category.lower() in SOFT_CATEGORIES
    }
    skills = [
        _skill_of(tally, in_title=tally.skill_id in title_ids, soft=tally.skill_id in soft)
        for tally in tallies.values()
        if tally.outside_preamble or tally.skill_id in title_ids
    ]
    skills.sort(key=lambda s: (-s.must_have, -s.weight, -s.mentions, s.name))
    return JobProfile(
        title=title,
        skills=skills[:MAX_SKILLS],
        responsibilities=_responsibilities(lines, sections),
        summary=_summary(lines),
    )


_OR_GAP = re.compile(r"^\s*,?\s*(?:or|and/or)\s*$", re.IGNORECASE)
_COMMA_GAP = re.compile(r"^\s*,\s*$")
_SLASH_GAP = re.compile(r"^\s*/\s*$")

# Round forty-two: pairs a slash joins as one stack, not as a choice. "C#/.NET" asks for C# on
# .NET, "MS Word/Excel/PowerPoint" for all three, "CPR/First Aid" for the one course that
# certifies both; "SolidWorks/Creo" and "Linux/Unix" stay either. A language with its own
# platform or dialect, markup with its styling and scripts, a tool with its host, an office
# suite's programs, the two sides of one trade. Written from the trades' usage, before any ad
# was read for it (docs/scoring.md). Canonical names of roles/data/skills.
USED_TOGETHER = frozenset(
    frozenset(pair)
    for pair in [
        ("C#", ".NET"),
        ("C#", "ASP.NET"),
        (".NET", "ASP.NET"),
        ("Visual Basic .NET", ".NET"),
        ("Java", "Jakarta EE"),
        ("Java", "Java Servlets"),
        ("Java", "JavaServer Pages"),
        ("Java Servlets", "JavaServer Pages"),
        ("HTML", "CSS"),
        ("HTML", "JavaScript"),
        ("CSS", "JavaScript"),
        ("User Interface Design", "User Experience Design"),
        ("ETL", "Data Warehousing"),
        ("Git", "GitHub"),
        ("Git", "GitLab"),
        ("Git", "Bitbucket"),
        ("Docker", "Kubernetes"),
        ("Microsoft Excel", "VBA"),
        ("SQL", "PL/SQL"),
        ("Oracle Database", "PL/SQL"),
        ("SQL", "T-SQL"),
        ("Microsoft SQL Server", "T-SQL"),
        ("SSIS", "SSRS"),
        ("SSIS", "SSAS"),
        ("SSRS", "SSAS"),
        ("Microsoft Word", "Microsoft Excel"),
        ("Microsoft Word", "Microsoft PowerPoint"),
        ("Microsoft Word", "Microsoft Outlook"),
        ("Microsoft Excel", "Microsoft PowerPoint"),
        ("Microsoft Excel", "Microsoft Outlook"),
        ("Microsoft PowerPoint", "Microsoft Outlook"),
        ("Accounts Payable", "Accounts Receivable"),
        ("BLS", "First Aid"),
        ("BLS", "ACLS"),
    ]
)


# Round thirty-seven's reading: one item of a list that ends in "or", whatever the other items
# are. "At least 2 years in financial analysis, FP&A or corporate finance" accepts any of the
# three, though only the last is a skill of the taxonomy. Within a clause (up to ".", ";",
# ":" or a bracket): more items and an "or" after the skill, or an "or" just before it.
_CLAUSE_MARKS = ".;:()\n"
_CLAUSE_END = re.compile(f"[{re.escape(_CLAUSE_MARKS)}]")
# No two runs of spaces side by side: a column of spaces pasted from a spreadsheet would make
# each try quadratic.
_MORE_ITEMS_THEN_OR = re.compile(r"(?:\s*,[^,]{0,40}?)*(?:\s*,)?\s*\bor\s+\S", re.IGNORECASE)
_ENDS_IN_OR = re.compile(r"(?:^|[\s,])or$", re.IGNORECASE)


def _in_an_or_list(text: str, hit: SkillHit) -> bool:
    start = max(text.rfind(mark, 0, hit.start) for mark in _CLAUSE_MARKS) + 1
    end_match = _CLAUSE_END.search(text, hit.end)
    end = end_match.start() if end_match else len(text)
    if _MORE_ITEMS_THEN_OR.match(text, hit.end, end):
        return True
    before = text[start : hit.start].rstrip()
    return bool(_ENDS_IN_OR.search(before)) and bool(before[:-2].strip(" ,"))


def _alternatives(text: str, hits: list[SkillHit]) -> set[int]:
    """Hits listed as alternatives: the two skills a slash joins ("SolidWorks/Creo"), the items
    of a list up to the one after its "or" ("SAP, NetSuite or QuickBooks"), and any skill that
    is one item of a list ending in "or" (`_in_an_or_list`). A slash joins only its two, not
    the list around them ("Puppet, AWS, Git/GitHub, Linux and virtualization" requires Linux),
    and a comma after the item that follows "or" starts another list ("Adobe XD or Sketch,
    Photoshop and Illustrator" requires Photoshop; round forty-one, docs/scoring.md). A slash
    between two of `USED_TOGETHER` ("C#/.NET") joins them as one item, a choice of neither."""
    out: set[int] = {id(h) for h in hits if _in_an_or_list(text, h)}
    run: list[SkillHit] = []
    # Index in `run` of the last hit of the item after the run's latest "or"; -1 before one.
    after_or = -1

    def close() -> None:
        if after_or >= 1:
            out.update(id(h) for h in run[: after_or + 1])

    for hit in hits:
        gap = text[run[-1].end : hit.start] if run and run[-1].line_no == hit.line_no else None
        if gap is not None and _SLASH_GAP.match(gap):
            if frozenset((run[-1].name, hit.name)) not in USED_TOGETHER:
                out.update((id(run[-1]), id(hit)))
            if after_or == len(run) - 1:
                after_or += 1  # "Excel or SolidWorks/Creo": the slash pair is the one item
            run.append(hit)
        elif gap is not None and _COMMA_GAP.match(gap) and after_or < 0:
            run.append(hit)
        elif gap is not None and _OR_GAP.match(gap):
            run.append(hit)
            after_or = len(run) - 1
        else:
            close()
            run, after_or = [hit], -1
    close()
    return out


_BRACKET = re.compile(r"\([^()\n]*\)")
_EXAMPLE_WORDS = re.compile(
    r"\b(e\.g\.?|eg|i\.e\.?|such as|like|including|especially|etc)(?!\w)", re.IGNORECASE
)


def _examples(text: str, hits: list[SkillHit]) -> tuple[set[int], list[tuple[int, int]]]:
    """Hits in a bracket of examples right after another skill in the same sentence ("Strong
    Excel skills (pivot tables, VLOOKUP)", "NoSQL databases (e.g. Cassandra)"), and the brackets
    that hold them.

    A bracket is a list of examples only when it says so ("e.g.", "such as", "etc.") or lists
    several skills with commas. A single skill in a bracket is more often the point itself
    ("Big Data Engineer (Hadoop)", "Software Development Lifecycle (SDLC)"), a bracket after no
    skill lists requirements ("Programming (Python, Java)"), and one that says "a must" is one.
    A bracket that prefers what it names ("(NetSuite preferred)") is an aside too, its skills
    not examples: its wording stays with them and leaves the skill before it.
    """
    examples: set[int] = set()
    asides: list[tuple[int, int]] = []
    for bracket in _BRACKET.finditer(text):
        start, end = bracket.span()
        words = bracket.group(0)
        if _MUST_WORDS.search(words):
            continue
        # The skill the bracket follows: the last one before it, in the same sentence.
        head = next((h for h in reversed(hits) if h.end <= start), None)
        if head is None or re.search(r"[.;\n]", text[head.end : start]):
            continue
        inside = [
            h for h in hits if start < h.start and h.end < end and h.skill_id != head.skill_id
        ]
        listed = len(inside) >= 2 and "," in words
        if inside and (listed or _EXAMPLE_WORDS.search(words)):
            examples.update(id(h) for h in inside)
            asides.append((start, end))
        elif inside and _OPTIONAL_WORDS.search(words):
            # "ERP systems (NetSuite preferred)": the preference is for what the bracket names;
            # the ERP experience before it is still asked for.
            asides.append((start, end))
    return examples, asides


def _is_heading(line: str) -> bool:
    return _heading(line) is not None


def _opens_section(line: str) -> bool:
    """A heading, or a line led by one ("Job Summary - The chosen candidate will ..."): either
    ends the employer's preamble, though only a heading alone changes the section."""
    lead = _HEADING_LEAD.match(line.strip())
    return _is_heading(line) or (lead is not None and _is_heading(lead.group(1)))


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _sentence_around(line: str, col: int) -> str:
    for m in _SENTENCE.finditer(line):
        if m.start() <= col < m.end():
            return m.group(0)
    return line


def _years_for(sentence: str) -> int | None:
    found = [_count_of(m.group("years")) for m in _YEARS.finditer(sentence)]
    found = [y for y in found if 0 < y <= 20]
    return max(found) if found else None


_DUTIES = re.compile(
    r"^\W*(responsibilities|what you(?:'ll| will)? (?:do|be doing|work on)|"
    r"(?:essential |key |main |your )?duties|essential functions)",
    re.IGNORECASE,
)


def _responsibilities(lines: list[str], sections: list[str]) -> list[str]:
    out = []
    in_duties = False
    for line in lines:
        stripped = line.strip()
        heading = _heading(line)
        if heading is not None and heading[0] == NEUTRAL and _DUTIES.match(heading[1]):
            in_duties = True
            continue
        if heading is not None and heading[0] in (REQUIRED, OPTIONAL):
            in_duties = False
            continue
        if in_duties and stripped:
            out.append(stripped.lstrip("-*•· ").strip())
    return [r for r in out if len(r) > 3][:15]


def _summary(lines: list[str]) -> str:
    """The ad's first sentence-long paragraph, shown as the custom role's summary. A list item
    ("- General ledger reconciliation, ...") reads as a summary only when the ad has no prose."""
    long = [line.strip() for line in lines[1:] if len(line.strip()) > 60]
    prose = [text for text in long if not _LIST_ITEM.match(text)]
    if prose:
        return prose[0][:400]
    if long:
        item = _LIST_ITEM.match(long[0])
        return (item.group(1) if item else long[0])[:400]
    return ""


# --- Skills the ad lists that the taxonomy does not know ------------------------------------
#
# A requirements list often names a skill in a short lead ("Customer Service: helping clients
# with technical issues", "- Equipment maintenance") that roles/data/skills has no entry for.
# Such a skill joins the role's profile with a negative id (taxonomy ids are positive), and a
# resume has it when it uses every one of its words. Chosen by the leave-one-set-out evaluation
# (round four, docs/scoring.md); the scorer reads them through `matcher.ranking.listed_skills`.

# A lead longer than this is a sentence ("Has spent at least 4 years working as ..."), not a
# skill's name.
MAX_LISTED_WORDS = 4
MAX_LISTED_CHARS = 40
MAX_LISTED = 15
# What `extract_job_profile` gives a taxonomy skill named once under Requirements, and once
# under "Nice to have".
LISTED_REQUIRED_WEIGHT = 3
LISTED_OPTIONAL_WEIGHT = 1
_ITEM_LEAD = re.compile(r"^(.{2,60}?)(?::\s|\s+-\s|\s+\u2013\s)")
# "At least 3 years of HR experience" asks for years, "Degree in finance or business" for
# either of two things; neither is a skill a resume shows by using all the words.
_NOT_A_SKILL = re.compile(r"\d|\byears?\b|\bor\b|/", re.IGNORECASE)
# What an item asks of the candidate's hours, travel, body or papers is a condition of the job,
# not a skill a resume shows: "Able to work nights and weekends", "Willing to travel", "Able to
# stand for long periods", "Reliable transportation", "US citizenship required". As skills they
# read "missing" for nearly every candidate and crowd the drawer; the recruiter asks them at
# interview. Movement verbs count only after a willingness ("Able to lift heavy objects"), so a
# "Lift truck" or "Climbing gear" item stays a skill; travel likewise ("Travel planning" is an
# assistant's skill). Written from how ads word their conditions (round forty-eight).
_CONDITION = re.compile(
    r"\b(?:nights|weekends|evenings|saturdays|sundays|holidays|overnights?|on[- ]call|shifts|"
    r"(?:rotating|night|evening|weekend|split|graveyard)\s+shifts?|"
    r"work(?:ing)?\s+overtime|overtime\s+as\s+(?:needed|required)|"
    r"flexible\s+(?:schedule|hours)|schedule\s+flexibility|"
    r"reliable\s+(?:transportation|vehicle|car)|"
    r"(?:u\.?s\.?|american|canadian|british)\s+citizen(?:ship)?|citizenship\s+(?:is\s+)?required|"
    r"(?:authori[sz]ed|eligible|legally\s+able)\s+to\s+work|physically\s+(?:fit|able))\b"
    r"|^(?:must\s+be\s+)?(?:(?:physically\s+)?able|ability|capable|willing(?:ness)?|"
    r"available|availability|prepared|ready|open)\s+to\s+(?:\w+\s+){0,2}?"
    r"(?:travel|relocate|commute|stand|sit|walk|lift|carry|bend|kneel|climb|crawl|push|pull|"
    r"reach|stoop)\b",
    re.IGNORECASE,
)


# How well or how much of a skill an item asks for, before the skill itself: "Advanced knowledge
# of Soil Chemistry", "Proficient in Visio", "Ability to read blueprints". A resume names the
# skill ("Soil chemistry: nutrient analysis"), seldom the ad's praise of it, so the skill is
# what is looked for and what the drawer's chips show: a praise word that is no stop word
# ("solid", "proven", "applied") left in the name made a resume that names the skill miss it.
_PRAISE = (
    r"strong|solid|proven|excellent|exceptional|outstanding|superior|superb|extensive|in-depth|"
    r"thorough|good|great|competent|demonstrated|comprehensive|prior|previous|effective|"
    r"efficient"
)
# A level of command that may also begin a skill's own name ("Advanced Cardiac Life Support",
# "Applied Mathematics", "Basic Life Support"): dropped only before "knowledge of", "skills"...
_LEVEL = (
    r"advanced|basic|intermediate|working|practical|hands-on|applied|general|broad|deep|expert|"
    r"fundamental|profound(?:ed)?|high[- ]level|professional|work|relevant|sound"
)
_COMMAND = (
    r"knowledge|understanding|experience|expertise|proficiency|familiarity|mastery|command|"
    r"background|grasp|record|track record|skills?|abilit(?:y|ies)|capabilit(?:y|ies)|"
    r"competence|competenc(?:y|ies)|know-how"
)
# What an item says before the skill that is not the skill: an article, "various", a demand
# ("Must have"), the use of it ("Using Business Objects", "Proficient use of Visio").
_SKILL_LEAD = re.compile(
    r"^(?:(?:an?|the|various|a variety of|(?:must|should) (?:have|possess|know)|"
    r"(?:the |proficient )?(?:use|usage) of|using|utili[sz]ing|working with)\s+)+(?=\w)",
    re.IGNORECASE,
)
_SKILL_QUALIFIER = re.compile(
    r"^(?:(?:very|highly)\s+)?"
    r"(?:(?:" + _PRAISE + r"|" + _LEVEL + r")\s+)*"
    r"(?:(?:" + _COMMAND + r")(?:\s+(?:and|&)\s+(?:" + _COMMAND + r"))?"
    r"(?:\s+working)?\s+(?:of|in|with|on|at|to|about|over)|"
    r"(?:high\s+)?(?:level|degree)\s+of|"
    r"(?:proficient|skilled|experienced|expert|versed|well[- ]versed|fluent|familiar|"
    r"competent|knowledgeable|adept|able|good|excellent|exceptional|effective|efficient)"
    r"\s+(?:in|with|at|on|to|about))\s+(?=\w)",
    re.IGNORECASE,
)
# Each strip leaves a name, never its joint: "Basic to advanced computer knowledge" stays.
_NAME_NEXT = r"(?!(?:to|of|in|and|or)\b)(?=\w)"
_SKILL_PRAISE = re.compile(
    r"^(?:(?:very|highly)\s+)?(?:(?:" + _PRAISE + r")\s+)+" + _NAME_NEXT, re.IGNORECASE
)
# "High-Level Clinical Skills", "Basic Computer Skills": the level is the command's.
_SKILL_LEVEL = re.compile(
    r"^(?:(?:" + _LEVEL + r")\s+)+" + _NAME_NEXT + r"(?=.*\s(?:" + _COMMAND + r")$)",
    re.IGNORECASE,
)
# Each suffix is matched from the start of a run of spaces only: tried from every space of a
# long run, it took a second to refuse an item of 3,000 spaces.
_SKILL_SUFFIX = re.compile(r"(?<!\s)\s+(?:abilit(?:y|ies)|capabilit(?:y|ies))$", re.IGNORECASE)
# "Cisco routing experience": what is asked of a skill named in two words or more.
_COMMAND_SUFFIX = re.compile(
    r"(?<!\s)\s+(?:(?:and|&)\s+)?(?:experience|expertise|background|proficiency|know-how)$",
    re.IGNORECASE,
)


def _without_command_suffix(skill: str) -> str:
    """ "Cisco routing experience" is "Cisco routing"; "User experience" keeps its word."""
    found = _COMMAND_SUFFIX.search(skill)
    if found and len(skill[: found.start()].split()) >= 2:
        return skill[: found.start()]
    return skill


def skill_of_item(phrase: str) -> str:
    """The skill a requirement item names, without the level or kind of command it asks for:
    "Advanced knowledge of Soil Chemistry" is "Soil Chemistry", "Coordination abilities" is
    "Coordination", "Must have Cisco routing experience" is "Cisco routing". An item that is
    all qualifier keeps its words."""
    skill = phrase
    for strip in (
        _SKILL_LEAD,
        _SKILL_QUALIFIER,
        _SKILL_LEAD,  # "Proficiency in using Visio"
        _SKILL_PRAISE,
        _SKILL_LEVEL,
        _SKILL_SUFFIX,
    ):
        shorter = strip.sub("", skill, count=1).strip()
        if tokens(shorter):
            skill = shorter
    shorter = _without_command_suffix(skill).strip()
    if tokens(shorter):
        skill = shorter
    if skill != phrase and skill[:2].islower():  # a chip, not "iOS" or "eBay"
        skill = skill[0].upper() + skill[1:]
    return skill


def requirement_lines(text: str) -> Iterable[tuple[str, str]]:
    """Each line of the ad under a requirements or nice-to-have heading, with its section
    (REQUIRED or OPTIONAL)."""
    lines = reflow(text).splitlines()
    sections, _, _ = sections_of(lines)
    for line, section in zip(lines, sections, strict=True):
        if section in (REQUIRED, OPTIONAL):
            yield line, section


@dataclass(frozen=True)
class ListedSkill:
    skill_id: int  # -1, -2, ... an item, -101, -102, ... a job asked: never a taxonomy id
    name: str
    weight: int
    min_years: int | None = None  # the years an ad asks of a job it names (`asked_experience`)
    # Required of every candidate: never read from an ad, set only by a recruiter's saved
    # change (`Role.listed_skill_changes`).
    must_have: bool = False


_COMMAND_WORD = re.compile(r"(?:" + _COMMAND + r")", re.IGNORECASE)
# A word that qualifies a head ("medical", "technical", "diagnostic", "veterinary"), not one.
_MODIFIER = re.compile(r"(?:al|ic|ary|ive)$", re.IGNORECASE)


def _says_too_little(phrase: str, words: tuple[str, ...]) -> bool:
    """Whether a skill's name keeps too little once its stop words go for a resume's line to
    show it: the scorer looks for `words` (`roles.words.tokens`), so "Work under pressure"
    was found in "Adjust machine pressure gauges" and "Medical knowledge" in any line saying
    "medical". Either most of its words are stop words (the kind of command asked, "skills",
    "knowledge", is not counted), or all that is left is a lone modifier."""
    named = [w for w in phrase.split() if re.search(r"\w", w) and not _COMMAND_WORD.fullmatch(w)]
    if 2 * len(words) < len(named):
        return True
    return len(words) == 1 and len(phrase.split()) > 1 and bool(_MODIFIER.search(words[0]))


def listed_skills(text: str, matcher: SkillMatcher) -> list[ListedSkill]:
    """The skills an ad lists under a requirements or nice-to-have heading that the taxonomy
    (`matcher`) does not know: each list item's lead before a colon or dash, or the whole item
    when it is that short, read for the skill it names (`skill_of_item`), numbered -1, -2, ...
    An item the taxonomy recognises is already one of the role's skills and is left out."""
    found: dict[tuple[str, ...], ListedSkill] = {}
    for line, section in requirement_lines(text):
        item = _LIST_ITEM.match(line)
        if not item:
            continue
        body = item.group(1).strip()
        lead = _ITEM_LEAD.match(body)
        item_text = (lead.group(1) if lead else body).strip().rstrip(".;,")
        if _NOT_A_SKILL.search(item_text) or _CONDITION.search(item_text):
            continue
        # The length rules measure the skill, not the praise of it before: "Knowledgeable about
        # Patriot Act Regulations" is as short a skill as "Patriot Act Regulations".
        phrase = skill_of_item(item_text)
        words = tuple(tokens(phrase))
        if not words or len(words) > MAX_LISTED_WORDS or len(phrase) > MAX_LISTED_CHARS:
            continue
        if _says_too_little(phrase, words):
            continue
        # The taxonomy's search last: it is the costly test, and a sentence never needs it.
        if words in found or matcher.find(item_text):
            continue
        weight = LISTED_REQUIRED_WEIGHT if section == REQUIRED else LISTED_OPTIONAL_WEIGHT
        found[words] = ListedSkill(-(len(found) + 1), phrase, weight)
        if len(found) == MAX_LISTED:
            break
    return [*found.values(), *asked_experience(text)]


# "A minimum of 3 years experience as a Help Desk Administrator", "2+ years working as an
# Application Engineer", "Prior experience as a QA Engineer": a job the ad asks the candidate to
# have held, with the years it asks, if it says. "such as" and "as well as" name examples, not a
# job. Chosen by the leave-one-set-out evaluation (rounds six and thirteen, docs/scoring.md).
# A job title's words: a full stop inside one (".Net", "Node.js") or after "Sr" is no sentence's
# end, and a slash inside a word ("UX/UI Designer") joins no alternatives.
_TITLE_WORDS = r"(?:[^\W\d_]|\.(?=\w))(?:[^,;:.()\[\]/]|\.(?=\w)|(?<=\b[sj]r)\.|(?<=\w)/(?=\w))*?"
# "experience" ends a title ("as a Cook experience required") unless it is part of one: "User
# Experience Architect", "Customer Experience Manager" (a fixed-width lookbehind each).
_EXPERIENCE_TITLE = "".join(
    rf"(?<!\b{word})" for word in ("user", "customer", "guest", "patient", "client", "member")
)
_TITLE_END = (
    r"(?=\s+(?:or|and|&|with|in|at|for|to|who|within|on|is|are|required|preferred|desired|"
    r"role|position|must|should|will|would)\b|" + _EXPERIENCE_TITLE + r"\s+experience\b"
    r"|\s*(?:[,;:()\[\]!]|(?<!\w)/|/(?!\w))|(?<!\b[sj]r)\s*\.(?!\w)|\s*$)"
)
_ASK = re.compile(
    r"(?:\b" + _YEARS_OF + r"|\bexperience\b|\bworking\b|\bworked\b)"
    r"[^.;:]*?(?<!\bsuch)(?<!\bwell)\s+as\s+(?:an?\s+|the\s+)?"
    r"(?P<title>" + _TITLE_WORDS + r")" + _TITLE_END,
    re.IGNORECASE,
)
# "Bus and truck mechanic", "Licensed practical and licensed vocational nurse": many job titles
# join two trades with "and", so the title goes on past it, unless what follows is no job's
# name: a count ("and 2 years as ..."), an article or a demand ("and a valid licence", "and
# strong Excel skills").
_AND_MORE = re.compile(
    r"\s+(?:and|&)\s+(?!(?:a|an|the|at|least|minimum|more|over|\d+|"
    + "|".join(_NUMBER_WORDS)
    + r"|as|be|is|has|have|must|should|can|also|able|ability|possess\w*|prior|previous|"
    r"proven|demonstrated|strong|solid|excellent|good|great|familiarity|knowledge|"
    r"understanding|experience|expertise|proficiency|skills?|working|worked|other|related|"
    r"similar|equivalent|any|some|another|additional|involved|providing)\b)"
    r"(?P<more>" + _TITLE_WORDS + r")" + _TITLE_END,
    re.IGNORECASE,
)
# What follows "as" that names no job: "Oracle as secondary skills", "Spanish as an added
# advantage", "as well as ...", "as one of ...".
_NOT_A_JOB = re.compile(
    r"\b(?:skills?|knowledge|experience|expertise|abilit(?:y|ies)|proficiency|background|"
    r"understanding|advantage|function|tools?|area)$|^(?:well|one|and|in|part)\b",
    re.IGNORECASE,
)
MAX_ASK_WORDS = 6
MAX_ASK_CHARS = 60
MAX_ASKS = 8


def _asked_title(line: str, ask: re.Match[str]) -> str:
    """The job an ask names, on past each "and" that joins another trade to it while the title
    stays short enough to be one."""
    title, end = ask.group("title").strip(), ask.end("title")
    while more := _AND_MORE.match(line, end):
        joined = line[ask.start("title") : more.end("more")].strip()
        too_long = len(tokens(joined)) > MAX_ASK_WORDS or len(joined) > MAX_ASK_CHARS
        if too_long or _NOT_A_JOB.search(joined):
            break
        title, end = joined, more.end("more")
    return title


def asked_experience(text: str) -> list[ListedSkill]:
    """The jobs an ad asks the candidate to have held, from the lines under its requirements
    or nice-to-have headings: each a listed skill (ids from -101 down, so they never meet the
    list items' ids) named by the job's title, with the years asked as its minimum; weight 3
    under requirements, 1 under nice-to-have, as list items weigh. A resume has one where a
    line names the job, and the years that line claims ("HELP DESK ADMINISTRATOR (2012 -
    2015)": 3) are weighed against the minimum like any skill's."""
    found: dict[tuple[str, ...], ListedSkill] = {}
    for line, section in requirement_lines(text):
        for m in _ASK.finditer(line):
            # "2 years as a Human resources assistant - except payroll and timekeeping": a
            # resume that held the job need not write what it is not.
            title = without_qualifier(_asked_title(line, m))
            if _NOT_A_JOB.search(title):
                continue
            words = tuple(tokens(title))
            if not words or len(words) > MAX_ASK_WORDS or len(title) > MAX_ASK_CHARS:
                continue
            if words in found:
                continue
            weight = LISTED_REQUIRED_WEIGHT if section == REQUIRED else LISTED_OPTIONAL_WEIGHT
            # "Prior experience of 4 years as a Mason": the ask opens at "experience", its
            # years come after.
            years = (
                _count_of(m.group("years"))
                if m.group("years")
                else _years_for(line[m.start() : m.start("title")])
            )
            found[words] = ListedSkill(-(101 + len(found)), title, weight, years or None)
        if len(found) >= MAX_ASKS:
            break
    return list(found.values())[:MAX_ASKS]


# --- Service ---------------------------------------------------------------------------------


def role_create_from_job_description(
    *, org: Any, user: Any = None, text: str, title: str = ""
) -> Role:
    """A draft role private to `org`, with the skill profile read from the job description.

    Raises ValueError with a message for the recruiter when the text is empty or names no skill
    the taxonomy knows (the role could not be scored on skills)."""
    # Imported here so that extract_job_profile stays usable without Django (ranking, bench).
    from django.db import transaction  # noqa: PLC0415

    from roles.models import Responsibility, Role, RoleSkill, Skill  # noqa: PLC0415
    from roles.selectors import skill_matcher  # noqa: PLC0415

    text = (text or "").strip()
    if len(text) < 40:
        raise ValueError("Paste the whole job description: a few words are not enough to read.")
    categories = dict(Skill.objects.values_list("id", "category"))
    profile = extract_job_profile(text, skill_matcher(), title=title, categories=categories)
    if not profile.skills:
        raise ValueError(
            "No known skill was found in this job description. Add the tools, methods or "
            "qualifications the role needs, or start from a catalog role."
        )
    with transaction.atomic():
        role = Role.objects.create(
            title=profile.title[:200],
            organisation=org,
            status=Role.Status.DRAFT,
            summary=profile.summary,
            description=text,
            source_note="Read from a job description pasted by the recruiter.",
        )
        RoleSkill.objects.bulk_create(
            RoleSkill(
                role=role,
                skill_id=s.skill_id,
                weight=s.weight,
                must_have=s.must_have,
                min_years=s.min_years,
            )
            for s in profile.skills
        )
        Responsibility.objects.bulk_create(
            Responsibility(role=role, text=r, order=i)
            for i, r in enumerate(profile.responsibilities)
        )
    return role


def profile_lines(profile: JobProfile) -> Iterable[str]:
    """A plain-text rendering, for the command line and logs."""
    for s in profile.skills:
        flags = " must-have" if s.must_have else ""
        years = f" {s.min_years}+ yrs" if s.min_years else ""
        yield f"{s.name} (weight {s.weight}{flags}{years})"
