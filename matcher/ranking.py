"""The scoring pipeline without a database: texts in, ranked `ScoreResult`s out.

The Celery match task, `manage.py rank_resumes`, `manage.py evaluate_ranking` and the benchmarks
all go through these functions, so what is measured is what recruiters get. No Django import.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from candidates.parsing.profile import (
    MONTH_NAME,
    TEMPLATE_EMPLOYER,
    extract_positions,
    extract_profile,
    is_heading,
)
from candidates.parsing.titles import (
    has_occupation,
    is_employer,
    unlabelled,
    unmarked,
    without_duties,
)
from matcher import embeddings, lexical, scoring
from matcher.blind import (
    ADDRESS,
    AGE,
    BIRTH,
    EMAIL,
    LINK,
    NAME,
    PHONE,
    WITHHELD,
    YEAR,
    Identity,
    mask_identity,
)
from matcher.scoring import Mention, RoleSkillSpec, ScoreResult
from roles import job_description
from roles.job_description import extract_job_profile


@dataclass
class ResumeFeatures:
    """Everything the scorer reads from one resume, computed once and reused for every role."""

    text: str
    vectors: np.ndarray
    mentions: dict[int, list[Mention]]
    terms: Counter[str]
    n_terms: int
    total_years: float | None
    title_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, embeddings.DIMENSIONS)))
    titles: list[str] = field(default_factory=list)


@dataclass
class RoleFeatures:
    title: str
    text: str
    skills: list[RoleSkillSpec]
    vector: np.ndarray
    query: dict[str, float] = field(default_factory=dict)
    title_vector: np.ndarray | None = None


def mentions_from_hits(hits: Iterable[Any]) -> dict[int, list[Mention]]:
    """Taxonomy hits (`roles.taxonomy.SkillHit`) grouped by skill, in reading order."""
    out: dict[int, list[Mention]] = {}
    for hit in hits:
        out.setdefault(hit.skill_id, []).append(Mention(hit.skill_id, hit.line_no, hit.line))
    return out


_CLAIM = re.compile(
    r"\b(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b(?:\s+of)?(?:\s+\w+){0,3}\s+(?:experience|expérience)",
    re.IGNORECASE,
)
_SPAN = re.compile(
    r"\b((?:19|20)\d{2})\s*(?:-|\u2013|\u2014|to|until)\s*"
    r"((?:19|20)\d{2}|present|now|current|today)\b",
    re.IGNORECASE,
)


def years_of_experience(text: str, *, today: date | None = None) -> float | None:
    """Total working years: a stated "12 years of experience", else the span of the dated jobs."""
    claims = [int(m.group(1)) for m in _CLAIM.finditer(text[:1500])]
    claims = [c for c in claims if 0 < c <= 50]
    if claims:
        return float(max(claims))
    this_year = (today or date.today()).year
    starts, ends = [], []
    for m in _SPAN.finditer(text):
        start = int(m.group(1))
        end = this_year if not m.group(2)[0].isdigit() else int(m.group(2))
        if start <= end <= this_year + 1:
            starts.append(start)
            ends.append(end)
    if not starts:
        return None
    return float(max(ends) - min(starts))


MAX_TITLES = 4


def profile_facts(text: str) -> tuple[float | None, list[str]]:
    """Working years and job titles as intake reads them (`extract_profile`), so offline runs
    score like the product: the titles of the latest positions and the resume's headline."""
    years, titles, _ = _profile_facts(text)
    return years, titles


def _profile_facts(
    text: str, matcher: Any = None, written: date | None = None
) -> tuple[float | None, list[str], str]:
    # With the taxonomy, as intake reads a resume: a line of skills ("Python SQL") is then no
    # name, where without it the name masked would take those words out of the text.
    profile = extract_profile(text, matcher, written=written)
    value = profile.years_experience.value
    years = float(value) if value is not None else years_of_experience(text)
    return years, _titles(text, profile.positions), str(profile.name.value or "")


def titles_of(text: str) -> list[str]:
    """`profile_facts(text)[1]`, reading only the positions: the titles of a masked text whose
    profile was read before it was masked."""
    return _titles(text, extract_positions(text))


def _titles(text: str, positions: Sequence[Any]) -> list[str]:
    # Latest first: the profile lists positions as the resume does, and a resume written oldest
    # first would otherwise be levelled and titled by the job it started with.
    latest = sorted(positions, key=_recency, reverse=True)
    cleaned = [clean_title(p.title) for p in latest if getattr(p, "title", "")]
    titles = [t for t in cleaned if t][: MAX_TITLES - 1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    headline = clean_title(lines[1]) if len(lines) > 1 and len(lines[1]) <= 100 else None
    if headline:
        # The line under the name is usually the headline. Kept even where it names no job
        # ("Professional Overview", "Ashdod, Israel"): refusing those cost livecareer 0.010
        # held out (round seventeen, docs/scoring.md).
        titles.append(headline)
    return titles


def _recency(position: Any) -> tuple[int, int]:
    """Sort key of a position's end: a job still running, then the latest end; a job with no
    dates after every dated one (a stable sort keeps the resume's order among equals)."""
    end = str(getattr(position, "end", "") or "")
    if end == "present":
        return 2, 0
    match = re.match(r"(\d{4})(?:-(\d{2}))?", end)
    if not match:
        return 0, 0
    # A bare year ends mid-year, as `profile._ranges` counts it.
    return 1, int(match.group(1)) * 12 + int(match.group(2) or 6)


_PLACEHOLDER = re.compile(
    "|".join(re.escape(p) for p in (NAME, EMAIL, PHONE, LINK, ADDRESS, BIRTH, AGE, YEAR, WITHHELD))
)
MAX_TITLE_WORDS = 8
# Headings the profile reader does not know as sections, and contact labels a masked line leaves
# ("Career Focus", "Accomplishments", "Phone: Email"): a title made of these alone is none.
_NOT_TITLE = re.compile(
    r"(?i)^(?:(?:accomplishments|achievements|overview|career|focus|awards|honors|affiliations"
    r"|activities|additional|information|publications|phone|e-?mail|mobile|tel|address|linkedin"
    r"|contact)\b\W*)+$"
)
# A line that opens on the job's duties names them, not the job: "Duties included construction
# activities including framing" (a livecareer PDF's line after an employer's place, round
# forty-nine). "Duty Manager" is a job; "Duties" is none.
_DUTIES_FIRST = re.compile(r"(?i)^(?:duties|responsibilities|responsible\s+for|tasks)\b")
# A full stop that ends a sentence, not an abbreviation's ("Sr.", "Admin. Assistant", "U.S."):
# the word before it is lower-case, six letters long, or an occupation that no other follows
# ("operating system. Additional Programming", "Pastry Cook. Baked bread").
_FULL_STOP = re.compile(r"\b([^\W\d_]+)\.(?=\s+(\S+))|\.$")
# A title is a name, and names start with a capital: a line of three words or more that opens
# with a lower-case word and names no job is the middle of a sentence ("media while working
# closely with venue management"). "kitchen porter" or "iOS Developer" stay.
_LOWER_START = re.compile(r"[a-z]+(?:\s+\S+){2}")


def _sentence_end(title: str) -> int | None:
    """Where the first sentence of `title` ends, if a full stop ends one."""
    for stop in _FULL_STOP.finditer(title):
        word, after = stop.group(1) or "", stop.group(2) or ""
        if (
            not word
            or (word.islower() and len(word) >= 3)
            or len(word) >= 6
            or (has_occupation(word) and not has_occupation(after))
        ):
            return stop.end() - 1
    return None


# What a date alone is made of ("January 17th )", "Aug - Present"): a date is no title.
_DATE_PART = re.compile(
    rf"(?i)\b(?:{MONTH_NAME}\.?|\d+(?:st|nd|rd|th)?|to|present|current|now)\b|[^\w]+"
)


def clean_title(raw: str) -> str | None:
    """A job title as the title and level components should read it, or None for a line that
    is not one: contacts after a bar ("Staff Accountant | [email]"), masked identity alone
    ("[name]"), a form's field label ("Name: [name]"), a section heading ("Summary", "Skills"),
    a template's "Company Name", a date, or a sentence the layout put where a title goes. A
    list's marker ("1) ") and a title's own label ("Role: ") are left out."""
    title = re.split(r"\s\|\s|\t", unmarked(raw), maxsplit=1)[0]
    # A form's field before the masking is read: "Name: [name]" is no title (what is left of it,
    # "Name", stood for 1,586 of rjdb's 2,000 resumes), "Role: Data Engineer" is its value.
    labelled = unlabelled(TEMPLATE_EMPLOYER.sub("", title))
    if labelled is None:
        return None
    title = re.sub(r"\s+", " ", _PLACEHOLDER.sub(" ", without_duties(labelled))).strip(" ,;:-|")
    # A sentence the layout put where a title goes: what precedes its full stop is the title
    # if it names a job ("Secretary. Began ...", "Senior Accountant."), else there is none
    # ("operating system. Additional Programming Defense Industry Programmed for").
    stop = _sentence_end(title)
    if stop is not None:
        title = title[:stop].strip(" ,;:-|")
        if not has_occupation(title):
            return None
    if _LOWER_START.match(title) and not has_occupation(title):
        return None
    if not re.search(r"[^\W\d_]{2}", title) or len(title.split()) > MAX_TITLE_WORDS:
        return None
    if is_heading(title) or not _DATE_PART.sub("", title):
        return None
    if _NOT_TITLE.match(title) or is_employer(title) or _DUTIES_FIRST.match(title):
        return None
    return title[:100]


def embed_with_titles(
    texts: Sequence[str],
    titles: Sequence[Sequence[str]],
    embed: Callable[[Sequence[str]], list[embeddings.EmbeddedText]] | None = None,
) -> tuple[list[embeddings.EmbeddedText], list[np.ndarray]]:
    """The texts' chunk vectors and each group's title vectors, from one pass through the model:
    short titles fill the batches the texts leave part empty, and a title repeated across the
    group is read once (`embeddings._forward`)."""
    flat = [t for group in titles for t in group]
    both = (embed or embeddings.embed_texts)([*texts, *flat])
    return both[: len(texts)], _title_rows(both[len(texts) :], titles)


def _title_rows(
    embedded: Sequence[embeddings.EmbeddedText], titles: Sequence[Sequence[str]]
) -> list[np.ndarray]:
    out, cursor = [], 0
    for group in titles:
        # Counted per group, so a title the tokenizer reads as nothing drops only itself and
        # never hands the next candidate its neighbour's titles.
        rows = [e.vectors[0] for e in embedded[cursor : cursor + len(group)] if len(e.vectors)]
        out.append(np.stack(rows) if rows else np.zeros((0, embeddings.DIMENSIONS), np.float32))
        cursor += len(group)
    return out


def resume_features(
    texts: Sequence[str],
    matcher: Any,
    *,
    total_years: Sequence[float | None] | None = None,
    embed: Callable[[Sequence[str]], list[embeddings.EmbeddedText]] | None = None,
    written: Sequence[date | None] | None = None,
) -> list[ResumeFeatures]:
    """`embed` is the model's pass; the ranking evaluation gives one that remembers texts it
    has embedded, so a change to what is read around the model costs no second pass.
    `written`: the day each file was saved, as intake reads its "Present" (None: today)."""
    days = list(written) if written is not None else [None] * len(texts)
    parsed = [_profile_facts(text, matcher, day) for text, day in zip(texts, days, strict=True)]
    # The model reads what it reads in the product: the text without who the person is.
    masked = [
        mask_identity(text, Identity(name=fact[2]))
        for text, fact in zip(texts, parsed, strict=True)
    ]
    # Titles read from the masked text, as the product reads a candidate's
    # (`services.matches._candidate_titles`): masking a title read from the raw text turned the
    # name under the first line into a title "[name]" (100 of rjdb's 2,000 resumes).
    titles = [titles_of(text) for text in masked]
    embedded, title_vectors = embed_with_titles(masked, titles, embed)
    out = []
    for i, (text, emb) in enumerate(zip(texts, embedded, strict=True)):
        terms = lexical.tokens(text)
        years = total_years[i] if total_years is not None else parsed[i][0]
        out.append(
            ResumeFeatures(
                text=text,
                vectors=emb.vectors,
                mentions=mentions_from_hits(matcher.find_claimed(text)),
                terms=Counter(terms),
                n_terms=len(terms),
                total_years=years,
                title_vectors=title_vectors[i],
                titles=titles[i],
            )
        )
    return out


def role_text(title: str, body: str, skills: Sequence[RoleSkillSpec]) -> str:
    parts = [title.strip(), body.strip()]
    if skills:
        parts.append("Skills: " + ", ".join(s.name for s in skills))
    return "\n\n".join(p for p in parts if p)


def role_features(
    *,
    title: str,
    text: str,
    skills: Sequence[RoleSkillSpec],
    vector: np.ndarray | None = None,
    title_vector: np.ndarray | None = None,
) -> RoleFeatures:
    """`text` is what the role says in words (`Role.scoring_text`: a catalog page's own words,
    or the job description a custom role was read from)."""
    if vector is None or (title_vector is None and title.strip()):
        text_emb, title_emb = embeddings.embed_texts([text, title.strip()])
        vector = embeddings.pooled(text_emb.vectors) if vector is None else vector
        if title_vector is None and len(title_emb.vectors):
            title_vector = title_emb.vectors[0]
    # The words as written: emphasising the extracted skill names was tried and ranked worse,
    # because a job ad's incidental skills ("a logistics company") then count as requirements.
    query = lexical.query_terms(text)
    return RoleFeatures(
        title=title,
        text=text,
        skills=list(skills),
        vector=vector,
        query=query,
        title_vector=title_vector,
    )


def pool_stats(resumes: Iterable[ResumeFeatures]) -> lexical.PoolStats:
    stats = lexical.PoolStats()
    for r in resumes:
        stats.n_docs += 1
        stats.total_len += r.n_terms
        stats.doc_freq.update(r.terms.keys())
    return stats


def score_one(
    role: RoleFeatures,
    resume: ResumeFeatures,
    stats: lexical.PoolStats,
    *,
    weights: Mapping[str, Any] | None = None,
    reference: Mapping[str, float] | None = None,
) -> ScoreResult:
    """`reference`: the role's statistics over the reference pool (`matcher.reference`)."""
    return scoring.score_candidate(
        role_skills=role.skills,
        role_vector=role.vector,
        chunk_vectors=resume.vectors,
        mentions=skill_mentions(role, resume),
        text=resume.text,
        lexical_raw=lexical.lexical_score(role.query, resume.terms, resume.n_terms, stats),
        bm25=lexical.bm25_share(role.query, resume.terms, resume.n_terms, stats),
        total_years=resume.total_years,
        title_cos=(
            scoring.title_cosine(resume.title_vectors, role.title_vector)
            if role.title_vector is not None
            else None
        ),
        latest_title_cos=(
            scoring.latest_title_cosine(resume.title_vectors, role.title_vector)
            if role.title_vector is not None
            else None
        ),
        level=scoring.level_gap(role.title, resume.titles[0]) if resume.titles else None,
        weights=weights,
        reference=reference,
    )


def rank(
    role: RoleFeatures,
    resumes: Sequence[ResumeFeatures],
    stats: lexical.PoolStats | None = None,
    *,
    weights: Mapping[str, Any] | None = None,
    reference: Mapping[str, float] | None = None,
) -> list[tuple[int, ScoreResult]]:
    """(index into `resumes`, result), best first (`scoring.rank_key`); ties keep the input
    order. `reference`: the role's statistics over the reference pool
    (`matcher.reference.role_stats`)."""
    stats = stats or pool_stats(resumes)
    results = [
        (i, score_one(role, r, stats, weights=weights, reference=reference))
        for i, r in enumerate(resumes)
    ]
    results.sort(
        key=lambda pair: (
            *scoring.rank_key(pair[1].score, must_haves_met=pair[1].must_haves_met),
            pair[0],
        )
    )
    return results


def role_from_job_description(
    text: str, matcher: Any, *, title: str = "", categories: Mapping[int, str] | None = None
) -> RoleFeatures:
    """A job description read the way the product reads a pasted one (roles.job_description)."""
    profile = extract_job_profile(text, matcher, title=title, categories=categories)
    skills = [
        RoleSkillSpec(s.skill_id, s.name, s.weight, s.must_have, s.min_years)
        for s in profile.skills
    ]
    skills += listed_skills(text, matcher)
    return role_features(title=profile.title, text=text, skills=skills)


# --- Skills the ad lists that the taxonomy does not know ------------------------------------
# Read by `roles.job_description.listed_skills`; chosen by the leave-one-set-out evaluation
# (round four, docs/scoring.md).
LISTED_REQUIRED_WEIGHT = job_description.LISTED_REQUIRED_WEIGHT
LISTED_OPTIONAL_WEIGHT = job_description.LISTED_OPTIONAL_WEIGHT


def listed_skills(text: str, matcher: Any) -> list[RoleSkillSpec]:
    """The skills an ad lists that the taxonomy does not know, as the scorer's skills
    (negative ids)."""
    return [
        RoleSkillSpec(s.skill_id, s.name, s.weight, False, s.min_years)
        for s in job_description.listed_skills(text, matcher)
    ]


def word_lines(lines: Sequence[str]) -> dict[str, set[int]]:
    """Each word of a resume's lines with the indices of the lines that use it."""
    where: dict[str, set[int]] = {}
    for i, line in enumerate(lines):
        for word in lexical.tokens(line):
            where.setdefault(word, set()).add(i)
    return where


def listed_span(words: Sequence[str], where: Mapping[str, set[int]]) -> tuple[int, int] | None:
    """Where a resume names a listed skill: the first line that uses every one of its words,
    else the first two adjacent lines that use them together (a PDF line may wrap a phrase);
    (first, last) line index, or None. Words scattered over the resume ("payroll" in one job,
    "processing" in another) do not name "Payroll processing"."""
    at = [where.get(w) for w in words]
    held = [s for s in at if s]
    if not held or len(held) < len(at):
        return None
    same = set.intersection(*held)
    if same:
        first = min(same)
        return first, first
    pairs = set.intersection(*({*s, *(i - 1 for i in s if i)} for s in held))
    if pairs:
        first = min(pairs)
        return first, first + 1
    return None


def listed_mentions(
    skills: Sequence[RoleSkillSpec], text: str, terms: Mapping[str, int]
) -> dict[int, list[Mention]]:
    """Where a resume names each of the role's listed skills (negative ids): `listed_span`'s
    line, or its two lines joined."""
    wanted = [(s.skill_id, lexical.tokens(s.name)) for s in skills if s.skill_id < 0]
    # Every word somewhere in the resume first: the cheap test that rules out most skills.
    wanted = [(sid, words) for sid, words in wanted if words and all(w in terms for w in words)]
    if not wanted:
        return {}
    lines = text.splitlines()
    where = word_lines(lines)
    out: dict[int, list[Mention]] = {}
    for sid, words in wanted:
        span = listed_span(words, where)
        if span is not None:
            out[sid] = [listed_mention(sid, lines, span)]
    return out


def listed_mention(skill_id: int, lines: Sequence[str], span: tuple[int, int]) -> Mention:
    """The evidence for a listed skill at `span`: its line, or a wrapped line and the next."""
    first, last = span
    quote = lines[first] if first == last else f"{lines[first].strip()} {lines[last].strip()}"
    return Mention(skill_id, first + 1, quote)


def skill_mentions(role: RoleFeatures, resume: ResumeFeatures) -> Mapping[int, list[Mention]]:
    """The resume's taxonomy mentions, with the role's listed skills it uses."""
    listed = listed_mentions(role.skills, resume.text, resume.terms)
    return {**resume.mentions, **listed} if listed else resume.mentions
