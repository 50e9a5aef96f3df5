"""Finds taxonomy skills in free text. Pure: no Django, so resume parsing can use it anywhere.

One Aho-Corasick pass finds every candidate occurrence of every spelling at once; the checks
below then keep only whole-word matches and resolve overlaps, longest first.

Case. Most spellings match in any case ("kubernetes", "KUBERNETES"). A spelling that is also an
everyday English word ("Go", "Swift", "React", "Excel") or a one- or two-letter name ("R", "C",
"ML") only matches in the case the taxonomy writes it, because "go" and "r" in lower case are
almost never the skill. Such a word-like spelling is also dropped when it reads as a verb
("Go to", "React to", "Excel at").

Spoken languages. A language's one-word name is also its nationality adjective: "Japanese payroll
systems" and "French clients" say nothing of the candidate's Japanese or French. Given each
skill's category, the matcher drops such a name when an ordinary word follows it, the way an
adjective runs into its noun; what follows a language ("Japanese (native)", "Japanese and
English", "Spanish speaker", "English teacher") or comes before it ("fluent in", "speak") keeps it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import ahocorasick


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Everyday words that are also the names of tools or languages. Matched case-sensitively. The
# last line are brands whose odd capitals are all that tells them from a word or a first name:
# "SAFe" is no "Serve Safe" certificate, "ADaM" no Adam, "LaTeX" no latex gloves.
COMMON_WORDS = _words(
    """
    access airflow ant arrow ace asana basic beam bamboo bash bootstrap bridge camel chai chef
    compass crystal dart delta drill ember envoy epic excel express falcon flask flow flutter
    gatsby gear glue go greenhouse grunt gulp helm hive hugo ionic jasmine jest julia keystone lean
    less lightning looker luigi make mercury mocha nest next nomad oak oracle outlook pig polish
    prefect presto project pulsar puppet quartz rails react realm ruby rust sage salt scheme shell
    sketch slack solid spark spring storm stripe swift tableau teams tower unity unreal vagrant
    vault word workday zeppelin zoom
    adam latex safe tex
    """
)

# A word-like skill followed by one of these reads as a verb or a common phrase: "Go to market",
# "React to incidents", "Excel at", "Spring into action", "Less than".
_VERB_FOLLOWERS = _words("to the a an at into through up out over ahead beyond back than")

# Words that open ordinary sentences as adjectives or verbs ("Solid experience", "Make sure",
# "Next steps"): at a sentence start and followed by a lower-case word, they are not the tool.
_SENTENCE_OPENERS = _words(
    "access bridge epic express flow gear less make next polish project slack solid spring word"
)

SPOKEN_LANGUAGES = "Spoken Languages"

# After a language's name these words make it the language. Teaching and studying it count: an
# English teacher, a Spanish major or an "English Literature" degree has the language, and telling
# a literature degree from a language one would need more than the next word.
_LANGUAGE_FOLLOWERS = _words(
    """
    language languages speaker speakers speaking speak speaks spoken written writing write read
    reading reader fluent fluently fluency native natively bilingual proficiency proficient
    conversational conversationally level levels skill skills ability competency competencies
    knowledge mother tongue basic beginner elementary intermediate advanced translation
    translations translator translators translating translate translated interpreter interpreters
    interpreting interpretation localization linguistics dialect dialects teacher teachers teaching
    tutor tutors tutoring tutorial instructor instructors professor class classes course courses
    curriculum lesson lessons grammar composition pronunciation vocabulary literature lit studies
    major minor degree education immersion learner learners learning department certification
    certificate endorsement exam test training
    """
)

# A noun is followed by these, an adjective almost never: "Spanish with patients", "English as a
# second language", "from English into Spanish". Months and seasons date a degree's subject
# ("Bachelor of Arts : Spanish December 1999"); numerals are a course ("English II").
_NOUN_FOLLOWERS = _words(
    """
    and or nor as to into from in at on with for by of than but only well too also very is are
    was were be been when while where which who that through before after via daily a an the
    including
    jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july
    august september october november december spring summer fall autumn winter
    ii iii iv
    """
)

# One word further on: "Japanese business level", "Spanish Foreign Language", "French working
# proficiency", "English Upper Intermediate".
_LANGUAGE_SECOND_WORDS = _words(
    """
    language languages speaker speakers speaking proficiency fluency fluent level native skills
    basic beginner intermediate advanced
    """
)

# Before the name ("in", "of" and "both" skipped: "fluent in", "knowledge of", "speak both").
_LANGUAGE_CUES = _words(
    """
    fluent fluently fluency bilingual trilingual multilingual native speak speaks spoke speaking
    spoken proficient proficiency conversational functional intermediate basic read write written
    translate translated translating interpret interpreted interpreting teach teaches taught
    teaching tutor tutored tutoring degree major minor studied studying learning learned knowledge
    certificate certification grade
    """
)
_SKIPPED_BEFORE = _words("in of both")

_NEXT_WORD = re.compile(r"(?: +|-(?=[^\W\d_]))([^\W_]+)")
_SECOND_WORD = re.compile(r" +([^\W\d_]+)")
_WORDS_BEFORE = re.compile(r"[^\W\d_]+|[,/&]")

_SHORT_ALPHA = re.compile(r"^[A-Za-z]{1,2}$")
# Marks that join a short name into something longer: "R&D", "C-suite", "O'Brien".
_JOINERS = ("&", "-", "'", "\u2019")
_SPACES = str.maketrans({"\t": " ", "\u00a0": " ", "\u2009": " ", "\u202f": " "})


@dataclass(frozen=True, slots=True)
class SkillHit:
    skill_id: int
    name: str
    surface: str
    start: int
    end: int
    line_no: int
    line: str


@dataclass(frozen=True, slots=True)
class _Term:
    skill_id: int
    name: str
    text: str  # the automaton's key: lower case, or exact case when case_sensitive
    case_sensitive: bool
    word_like: bool
    canonical: bool
    adjective_like: bool  # a spoken language's one-word name, also a nationality adjective


def needs_exact_case(term: str) -> bool:
    """True when the lower-case spelling is ambiguous: an English word or a one/two-letter name."""
    return bool(_SHORT_ALPHA.match(term)) or term.lower() in COMMON_WORDS


class SkillMatcher:
    """Built once from (skill_id, canonical name, aliases); `find` is safe to call concurrently.

    `categories` (skill id to category) turns on the spoken-language check; without it every
    language name is found as written."""

    def __init__(
        self,
        entries: Iterable[tuple[int, str, Iterable[str]]],
        *,
        categories: Mapping[int, str] | None = None,
    ) -> None:
        self._ci = ahocorasick.Automaton()
        self._cs = ahocorasick.Automaton()
        self.skill_count = 0
        self.term_count = 0
        # Every way the taxonomy writes a skill, canonical name first, so a role's query can
        # carry the spellings its text does not use (tried in the ranking evaluation:
        # matcher.evaluation.levers.expanded_query).
        self.spellings: dict[int, tuple[str, ...]] = {}
        # The ids of the skills the rules below name by canonical name (the suite and its
        # apps, Microsoft 365 Administration), so a mention can stand for them.
        self._named_ids: dict[str, int] = {}
        ci_terms: dict[str, _Term] = {}
        cs_terms: dict[str, _Term] = {}
        language_words: set[str] = set()
        for skill_id, name, aliases in entries:
            self.skill_count += 1
            spellings = [(name, True)] + [(a, False) for a in aliases]
            self.spellings[skill_id] = tuple(raw for raw, _ in spellings)
            if name in OFFICE_SUITE or name == M365_ADMIN:
                self._named_ids.setdefault(name, skill_id)
            language = categories is not None and categories.get(skill_id) == SPOKEN_LANGUAGES
            for raw, canonical in spellings:
                for variant in _variants(_clean(raw)):
                    if language and variant.isalpha():
                        language_words.add(variant.lower())
                    self._add(ci_terms, cs_terms, skill_id, name, variant, canonical, language)
        self._language_words = frozenset(language_words)
        # The company a spelling like "networking" or "CX" must keep to mean its skill: any
        # technical skill for a technical one, else a skill of its own category (None without
        # categories: every mention stands).
        self._kinds = (
            None
            if categories is None
            else {i: "technical" if c in TECHNICAL_CATEGORIES else c for i, c in categories.items()}
        )
        for key, term in ci_terms.items():
            self._ci.add_word(key, term)
        for key, term in cs_terms.items():
            self._cs.add_word(key, term)
        self.term_count = len(ci_terms) + len(cs_terms)
        if ci_terms:
            self._ci.make_automaton()
        if cs_terms:
            self._cs.make_automaton()
        self._has_ci = bool(ci_terms)
        self._has_cs = bool(cs_terms)

    @staticmethod
    def _add(
        ci_terms: dict[str, _Term],
        cs_terms: dict[str, _Term],
        skill_id: int,
        name: str,
        text: str,
        canonical: bool,
        language: bool,
    ) -> None:
        if not text or not any(ch.isalnum() for ch in text):
            return
        # Acronyms ("ASL", "JLPT") and scripts without case ("日本語") are never adjectives, and
        # a longer spelling ("Japanese language", "Brazilian Portuguese") carries its own context.
        adjective_like = language and text.isalpha() and text != text.upper()
        if needs_exact_case(text):
            # A lower-case spelling of an ambiguous word stands for its capitalised form.
            exact = text if text != text.lower() else text[:1].upper() + text[1:]
            word_like = exact.lower() in COMMON_WORDS
            term = _Term(skill_id, name, exact, True, word_like, canonical, adjective_like)
            _keep_first(cs_terms, exact, term)
        else:
            key = text.lower()
            term = _Term(skill_id, name, key, False, False, canonical, adjective_like)
            _keep_first(ci_terms, key, term)

    def find(self, text: str) -> list[SkillHit]:
        """Every skill mention, non-overlapping, longest first, in reading order."""
        if not text:
            return []
        original = text.translate(_SPACES)
        lowered = original.lower()
        if len(lowered) != len(original):
            # A few characters ("İ") grow when lower-cased; keep offsets aligned with the input.
            lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in original)
        candidates: list[tuple[int, int, _Term]] = []
        if self._has_ci:
            for end, term in self._ci.iter(lowered):
                start = end - len(term.text) + 1
                if (
                    _bounded(original, start, end + 1, term)
                    and not self._reads_as_adjective(original, start, end + 1, term)
                    and not _another_trades(original, start, end + 1, term)
                    and not _names_the_group(original, start, end + 1, term)
                ):
                    candidates.append((start, end + 1, term))
        if self._has_cs:
            for end, term in self._cs.iter(original):
                start = end - len(term.text) + 1
                if (
                    _bounded(original, start, end + 1, term)
                    and not _reads_as_verb(original, start, end + 1, term)
                    and not self._reads_as_adjective(original, start, end + 1, term)
                ):
                    candidates.append((start, end + 1, term))
        if not candidates:
            return []
        # Longest wins; among equals the earlier one, then a canonical name over an alias.
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], not c[2].canonical))
        taken = bytearray(len(original))
        chosen: list[tuple[int, int, _Term]] = []
        for start, end, term in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, term))
        chosen.sort(key=lambda c: c[0])
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        hits: list[SkillHit] = []
        for start, end, term in chosen:
            idx = bisect.bisect_right(line_starts, start) - 1
            line_start = line_starts[idx]
            line_end = text.find("\n", line_start)
            line = text[line_start : line_end if line_end != -1 else len(text)]
            hits.append(
                SkillHit(
                    skill_id=term.skill_id,
                    name=term.name,
                    surface=text[start:end],
                    start=start,
                    end=end,
                    line_no=idx + 1,
                    line=line.strip(),
                )
            )
        hits = _in_suite(_administered(hits, self._named_ids), text)
        return _with_company(hits, self._kinds, text) if self._kinds is not None else hits

    def skill_ids(self, text: str) -> set[int]:
        return {hit.skill_id for hit in self.find(text)}

    def find_claimed(self, text: str) -> list[SkillHit]:
        """What a resume claims: its mentions (`find`), with what a suite's name says of its
        apps and the apps of their suite (`claimed`). An ad's text goes through `find` alone."""
        return claimed(self.find(text), self._named_ids)

    def _reads_as_adjective(self, text: str, start: int, end: int, term: _Term) -> bool:
        """A language's name running into an ordinary word: "Japanese payroll", "French clients"."""
        if not term.adjective_like:
            return False
        # Punctuation, a spaced dash or the line's end after the name: a list or a heading.
        following = _NEXT_WORD.match(text, end)
        if not following:
            return False
        word = following.group(1)
        lower = word.lower()
        if len(word) == 1 or not word.isalpha():
            return False  # "Spanish K-9", "German A1", "English 101"
        if (
            lower in _LANGUAGE_FOLLOWERS
            or lower in _NOUN_FOLLOWERS
            or lower in self._language_words
        ):
            return False
        second = _SECOND_WORD.match(text, following.end())
        if second and second.group(1).lower() in _LANGUAGE_SECOND_WORDS:
            return False
        if word[0].isupper() and len(word) >= 5 and lower.endswith("ed"):
            # A bullet's opening verb: a languages column read into the next one ("Hebrew
            # Created and edited 200 contracts").
            return False
        if word.isupper() and not text[start:end].isupper():
            return False  # an acronym or the next item: "Spanish MS Excel", "English GPA"
        before = text[max(0, start - 60) : start]
        if before.rstrip(" ").endswith(":"):
            return False  # a field's value: "Languages: English Hindi", "Major: Spanish"
        words = [w.lower() for w in _WORDS_BEFORE.findall(before)]
        while words and words[-1] in _SKIPPED_BEFORE:
            words.pop()
        if not words:
            return True
        if words[-1] in _LANGUAGE_CUES or words[-1] in self._language_words:
            return False
        # One of a list of languages: "English and Spanish with", "Arabic/English customer".
        joined = words[-1] in (",", "/", "&", "and", "or")
        return not (joined and len(words) >= 2 and words[-2] in self._language_words)


# Categories whose skills vouch for a neighbouring "networking" meaning computer networks.
TECHNICAL_CATEGORIES = frozenset(
    {
        "Cloud & DevOps",
        "Software Engineering",
        "Security",
        "Databases",
        "Programming Languages",
        "Frameworks & Libraries",
        "Data & Machine Learning",
    }
)
# Spellings that are also an everyday word of other trades ("networking" at events); a mention
# counts only with a skill of its kind (`_with_company`) within this many lines. A lone letter
# standing as an item of a list needs the same company (`_list_letter`), and so do two-letter
# acronyms that other trades use for something else, as written: "TS" is a top-secret clearance
# ("TS//SCI") or a sales team's code ("Account Executive TS"), "CX" a calculator or a workout
# ("TI Nspire CX", "CX Worx"), "BQ" a bank's report code ("BL 1, BC, BQ"); and "Cypress", the
# test framework, is far more often a college, a company or a rock ("Cypress College"). A
# "rancher" raises cattle ("a Farmer, rancher, or other agricultural manager") far more often
# than Kubernetes clusters with Rancher (round thirty-nine).
NEEDS_COMPANY = frozenset({"networking", "rancher"})
NEEDS_COMPANY_AS_WRITTEN = frozenset({"TS", "CX", "BQ", "Cypress"})
COMPANY_LINES = 2
_LIST_MARKS = (",", ";", "|")
_CODING_CUE = re.compile(r"(?i)\b(?:programming|languages?|coding|code)\b")


# Microsoft's office suite and its apps, by canonical name like the ad reader's pairs used
# together; Access is in only some editions of the suite.
SUITE = "Microsoft Office"
SUITE_APPS = ("Microsoft Word", "Microsoft Excel", "Microsoft PowerPoint", "Microsoft Outlook")
OFFICE_SUITE = frozenset({SUITE, *SUITE_APPS, "Microsoft Access"})
# Adobe's design apps, by canonical name: a designer lists them together ("Photoshop,
# Illustrator, InDesign").
ADOBE_APPS = frozenset(
    {
        "Adobe Creative Cloud",
        "Adobe Photoshop",
        "Adobe Illustrator",
        "Adobe InDesign",
        "Adobe After Effects",
        "Adobe Premiere Pro",
        "Adobe Lightroom",
        "Adobe Acrobat",
        "Adobe Dreamweaver",
        "Adobe XD",
    }
)
# Apps whose one-word names are everyday words ("a word of thanks", "the 2024 Outlook", "Access
# Control") or a trade ("a children's book illustrator") name the app only with another of its
# suite a line or two away: "MS Office (Word, Excel, Outlook)", "Word/Excel", a skills column of
# "- Word" over "- Excel" (round forty-five), "Photoshop, Illustrator and InDesign" (round
# fifty-one). Keyed by the name as written, lower case.
SUITE_WORDS = {
    "word": OFFICE_SUITE,
    "outlook": OFFICE_SUITE,
    "access": OFFICE_SUITE,
    "illustrator": ADOBE_APPS,
}
# "Word processing" is the typing trade, whichever program it used.
_NOT_THE_APP = re.compile(r" +(?:processing|processor|processors)\b", re.IGNORECASE)


def _suite_of_bare_name(hit: SkillHit) -> frozenset[str] | None:
    suite = SUITE_WORDS.get(hit.surface.lower())
    return suite if suite is not None and hit.name in suite else None


def _in_suite(hits: list[SkillHit], text: str) -> list[SkillHit]:
    bare = [_suite_of_bare_name(h) for h in hits]
    if not any(bare):
        return hits

    def in_suite(hit: SkillHit, suite: frozenset[str]) -> bool:
        apps = [
            h.line_no
            for h, alone in zip(hits, bare, strict=True)
            if alone is None and h.name in suite
        ]
        return not _NOT_THE_APP.match(text, hit.end) and _near(hit.line_no, apps)

    return [h for h, suite in zip(hits, bare, strict=True) if suite is None or in_suite(h, suite)]


# "Microsoft 365" is also the platform an IT administrator runs: "Administer Microsoft 365,
# Exchange Online and Active Directory", "Migrated 300 mailboxes to Office 365". With an
# administrator's words on its line it is Microsoft 365 Administration, not the office suite
# (round fifty-five), so it neither asks for nor claims Word and Excel.
M365_ADMIN = "Microsoft 365 Administration"
_M365 = frozenset({"microsoft 365", "office 365", "o365", "m365"})
_ADMINISTERED = re.compile(
    r"\b(?:exchange|active\s+directory|azure\s+ad|entra|intune|tenants?|admin\w*|licens\w*|"
    r"migrat\w*|mailbox(?:es)?|provision\w*|powershell)\b",
    re.IGNORECASE,
)


def _administered(hits: list[SkillHit], skill_ids: Mapping[str, int]) -> list[SkillHit]:
    if M365_ADMIN not in skill_ids:
        return hits
    return [
        replace(h, skill_id=skill_ids[M365_ADMIN], name=M365_ADMIN)
        if h.name == SUITE and h.surface.lower() in _M365 and _ADMINISTERED.search(h.line)
        else h
        for h in hits
    ]


# A resume's "Proficient in MS Office" claims the apps of every edition, as a recruiter reads
# it, and naming two of them ("Word, Excel") claims the suite (round forty-seven). Only a
# resume's claims: an ad asking for MS Office asks for the suite, not for four more requirements.
def claimed(hits: list[SkillHit], suite_ids: Mapping[str, int]) -> list[SkillHit]:
    """`hits` with each suite mention standing also for every app of it the text does not name
    (on the suite's line, so the evidence quotes it), or, without one, the first of two or more
    different apps standing also for the suite. `suite_ids`: the taxonomy's id of each name."""
    names = {h.name for h in hits}
    suites = [h for h in hits if h.name == SUITE]
    if suites:
        extra = [
            replace(h, skill_id=suite_ids[app], name=app)
            for h in suites
            for app in SUITE_APPS
            if app in suite_ids and app not in names
        ]
    else:
        apps = [h for h in hits if h.name in SUITE_APPS]
        two = len({h.name for h in apps}) >= 2
        extra = (
            [replace(apps[0], skill_id=suite_ids[SUITE], name=SUITE)]
            if two and SUITE in suite_ids
            else []
        )
    if not extra:
        return hits
    return sorted([*hits, *extra], key=lambda h: h.start)


def _needs_company(hit: SkillHit, text: str) -> bool:
    return (
        hit.surface.lower() in NEEDS_COMPANY
        or hit.surface in NEEDS_COMPANY_AS_WRITTEN
        or _list_letter(hit, text)
    )


def _list_letter(hit: SkillHit, text: str) -> bool:
    """A one-letter name as one item of a list: a keyword list's "Ads, C, content, Copywriting"
    or "budgets, C, CONVERSION" is no programmer's C, where "Programming: Java, C, C++" is, by its
    company. "Wrote firmware in C" is a sentence and needs none."""
    if hit.end - hit.start != 1:
        return False
    line_start = text.rfind("\n", 0, hit.start) + 1
    if _CODING_CUE.search(text, line_start, hit.start):
        return False  # "Languages: C, R", "Programming - C, Perl"
    after = text[hit.end : hit.end + 3].lstrip(" ")
    before = text[max(0, hit.start - 3) : hit.start].rstrip(" ")
    return after.startswith(_LIST_MARKS) or before.endswith(_LIST_MARKS)


def _with_company(hits: list[SkillHit], kinds: Mapping[int, str], text: str) -> list[SkillHit]:
    """Without a skill of its kind within `COMPANY_LINES` lines, a spelling that is also an
    everyday word of other trades names no skill: a salesperson's "networking and building the
    brand" is no Computer Networking; "- Networking" among "- Cisco" and "- Linux" is, and
    "Golang / JS / TS" is TypeScript."""
    alone = [_needs_company(h, text) for h in hits]
    if not any(alone):
        return hits
    paired = list(zip(hits, alone, strict=True))
    # The lines of each kind's plain mentions; an uncategorised skill keeps no company.
    near: dict[str, list[int]] = {}
    for h, a in paired:
        kind = kinds.get(h.skill_id)
        if not a and kind is not None:
            near.setdefault(kind, []).append(h.line_no)

    def accompanied(hit: SkillHit) -> bool:
        return _near(hit.line_no, near.get(kinds.get(hit.skill_id, ""), []))

    return [h for h, a in paired if not a or accompanied(h)]


def _near(line_no: int, lines: Iterable[int]) -> bool:
    """Whether a mention on `line_no` has company on one of `lines`, at most `COMPANY_LINES` off."""
    return any(abs(line_no - n) <= COMPANY_LINES for n in lines)


def _clean(spelling: str) -> str:
    return " ".join(spelling.translate(_SPACES).split())


def _variants(spelling: str) -> list[str]:
    """A hyphenated name is also written with a space or run together ("scikit learn")."""
    out = [spelling]
    if "-" in spelling and len(spelling) > 3:
        out.append(spelling.replace("-", " "))
        out.append(spelling.replace("-", ""))
    return out


def _keep_first(terms: dict[str, _Term], key: str, term: _Term) -> None:
    existing = terms.get(key)
    # Two skills claiming one spelling: a canonical name beats an alias, else the first stays.
    if existing is None or (term.canonical and not existing.canonical):
        terms[key] = term


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _bounded(text: str, start: int, end: int, term: _Term) -> bool:
    """Whole-word check that understands C++, C#, .NET and Node.js."""
    first, last = term.text[0], term.text[-1]
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before and _is_word_char(before) and _is_word_char(first):
        return False
    if after and _is_word_char(after) and _is_word_char(last):
        return False
    # "C" inside "C++"/"C#", "Java" inside "Java#"; ".js" inside "Node.js".
    if _is_word_char(last) and after in ("+", "#"):
        return False
    if _is_word_char(first) and before == "." and start >= 2 and _is_word_char(text[start - 2]):
        return False
    if before == "@" or (before == "#" and _is_word_char(first)):
        return False  # emails, handles and hashtags
    if _LETTER_FIRST.match(term.text) and before in _JOINERS:
        return False  # "Objective-C programming" is no "C programming"
    if _SHORT_ALPHA.match(term.text):
        # One or two letters: not a piece of "R&D", "C-suite", "AT&T", "O'Brien" or an initial.
        if after in _JOINERS or before in _JOINERS:
            return False
        if after == ".":
            nxt = text[end + 1] if end + 1 < len(text) else ""
            if nxt and (_is_word_char(nxt) or (nxt in " \n" and text[end + 2 : end + 3].isupper())):
                return False
            if before == ".":
                return False
        if len(term.text) == 1 and _not_a_language(text, start, end):
            return False
    return True


def _not_a_language(text: str, start: int, end: int) -> bool:
    """Whether the lone capital at `start` is plainly some other letter (round twenty of
    docs/scoring.md): a drive ("C:\\Users"), the end of a bracketed abbreviation ("IR(ME)R"),
    an author's initial ("Parekh R., Chaudhary R."), one of a series before or after its word
    ("Class C", "C class"), or one of two letters joined by "/" or "&" ("L/C", "R & D")."""
    after = text[end : end + 2]
    if after in (":\\", ":/") or (start > 0 and text[start - 1] == ")"):
        return True
    if (
        after[:1] == "."
        and text[end + 1 : end + 2] in (",", ";")
        and _CAPITALISED_BEFORE.search(text, max(0, start - 30), start)
    ):
        return True
    following = _LETTER_FOLLOWER.match(text, end)
    if following and following.group(1).lower() in _LETTER_FOLLOWERS:
        return True
    return _letter_pair(text, start, end) or _labelled(text, start)


# Words a lone capital letter names one of, not a language: "Class C" (a driving licence),
# "Area C", "Part C", "Vitamin C", "Hepatitis C" or a nurse's "Hep C", "Schedule C", "Grade C".
_LETTER_LABELS = _words(
    "class area part grade level type vitamin hepatitis hep schedule section tier category "
    "division unit zone block building plan option appendix exhibit phase group team ward room "
    "suite lot form series size shift step stage wing gate hall license licence"
)
# After the letter, "of" too: a certificate's initials, "C of A" (of analysis), "C of O" (of
# occupancy). Before it, "of" is the language's own company ("knowledge of C").
_LETTER_FOLLOWERS = _LETTER_LABELS | _words("of")
_LAST_WORD = re.compile(r"([^\W\d_]+)[ \t]+$")
_LETTER_FOLLOWER = re.compile(r"[ \t]+([^\W\d_]+)")
# A single letter, then a slash or an ampersand (spaced or not), on the letter's left or right.
_JOINED_BEFORE = re.compile(r"[A-Za-z](?:/| ?& ?)$")
_JOINED_AFTER = re.compile(r"(?:/| ?& ?)[A-Za-z]")
# A surname just before an initial: "Parekh R.,".
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][a-z]+ $")
# A spelling whose first word is a lone letter: "C programming", "R language".
_LETTER_FIRST = re.compile(r"^[A-Za-z] ")


def _labelled(text: str, start: int) -> bool:
    """Whether the letter at `start` is the one of a named series: "Class C", "Area C"."""
    match = _LAST_WORD.search(text, max(0, start - 20), start)
    return match is not None and match.group(1).lower() in _LETTER_LABELS


def _letter_pair(text: str, start: int, end: int) -> bool:
    """Whether the letter at `start` is one of two single letters joined by a slash or an
    ampersand: "L/C" (a letter of credit), "A/C", "R & D", "Gage R & R", "H& R Block"; "C/C++",
    "R/Python" and "C & C#" name languages."""

    def alone(i: int) -> bool:
        return not (0 <= i < len(text) and (_is_word_char(text[i]) or text[i] in "+#"))

    before = _JOINED_BEFORE.search(text, max(0, start - 4), start)
    if before and alone(before.start() - 1):
        return True
    after = _JOINED_AFTER.match(text, end)
    return after is not None and alone(after.end())


# Spellings that name another trade's thing where that trade's words share their line: an
# electrician's "EMT and rigid conduit" is electrical metallic tubing, no EMT certificate.
_OTHER_TRADES = {
    "emt": _words("conduit conduits rigid pvc imc raceway raceways tubing bend bending bender"),
}
_LINE_WORD = re.compile(r"[^\W\d_]+")


def _another_trades(text: str, start: int, end: int, term: _Term) -> bool:
    words = _OTHER_TRADES.get(term.text)
    if words is None:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    return any(w.lower() in words for w in _LINE_WORD.findall(line))


# Words that also name the people who hold the skill: "report to the leadership team",
# "support to senior leadership", "the Executive Leadership Team" are a group to serve, no
# leadership shown (round fifty-three). The skill stays where it is the skill: "leadership
# skills", "showed leadership", "Team leadership".
GROUP_WORDS = frozenset({"leadership"})
_GROUP_OF = (
    r"(?:senior|executive|company|corporate|organi[sz]ational|agency|store|hospital|school|"
    r"district|site|plant|client|business|department|regional|global|local|church)\s+"
)
# A bare "for leadership" is praise of the skill ("an award for leadership", "a flair for
# leadership"), as is "committed to leadership"; "for senior leadership" or "for the
# leadership" is the group.
_GROUP_BEFORE = re.compile(
    r"\b(?:(?:(?<!limited )(?<!committed )(?<!dedicated )to|with|by|from)\s+"
    r"(?:(?:the|our|its|their)\s+)?(?:" + _GROUP_OF + r")?"
    r"|for\s+(?:(?:the|our|its|their)\s+(?:" + _GROUP_OF + r")?|" + _GROUP_OF + r"))$",
    re.IGNORECASE,
)
_GROUP_AFTER = re.compile(r"\s+(?:teams?|group|meetings?|council|committee|staff)\b", re.IGNORECASE)
_SKILL_AFTER = re.compile(
    r"[\s-]+(?:skills?|qualit(?:y|ies)|abilit(?:y|ies)|style|experience|roles?|positions?|"
    r"training|capabilit(?:y|ies)|competenc(?:y|ies))\b",
    re.IGNORECASE,
)


def _names_the_group(text: str, start: int, end: int, term: _Term) -> bool:
    if term.text not in GROUP_WORDS:
        return False
    after = text[end : end + 40]
    if _SKILL_AFTER.match(after):
        return False
    return bool(_GROUP_AFTER.match(after) or _GROUP_BEFORE.search(text[max(0, start - 60) : start]))


def _reads_as_verb(text: str, start: int, end: int, term: _Term) -> bool:
    if not term.word_like:
        return False
    match = re.match(r" ([a-z]+)\b", text[end : end + 16])
    if not match:
        return False
    if match.group(1) in _VERB_FOLLOWERS:
        return True
    if term.text.lower() in _SENTENCE_OPENERS:
        before = text[:start].rstrip(" ")
        return not before or before[-1] in "\n.!?\u2022*-\u2013\u2014"
    return False
