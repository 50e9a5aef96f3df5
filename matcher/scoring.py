"""How a candidate is scored against a role: pure functions, documented in docs/scoring.md.

Four components, each in [0, 1]:

- semantic: cosine similarity between the resume's chunk vectors and the role's text vector
  (mean of the best two chunks), rescaled from MiniLM's useful range;
- skills: weighted coverage of the role's skill profile, found through the taxonomy, with
  must-haves counting double and minimum years checked against the resume's own evidence;
- lexical: the role's words in the resume, weighted by rarity in the organisation's pool
  (`matcher.lexical`);
- title: how close the job titles the candidate held are to the role's title (embeddings).

The score is their weighted mean times 100, lowered by a share (`level` weight) for each level the
candidate's latest title sits below the role's (a trainee or assistant for a regular role, a
regular title for a lead role). Every role skill gets evidence: "found" (with the
resume line), "missing", or "unknown" when the text is too short or garbled to tell. The engine
ranks and explains; tiers only group, nothing is ever filtered out.

Re-weighting recomputes the score from the stored components and evidence (`rescore`): no
embedding, no taxonomy pass, so a thousand candidates take milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

SCORING_VERSION = 3

# Relative weights (they are divided by their sum). Chosen on the dev part of RoleMatch's
# labelled set only (the test part is held out), see docs/scoring.md; a recruiter re-weights
# per match.
DEFAULT_WEIGHTS: dict[str, float] = {
    "semantic": 0.0667,
    "skills": 0.0667,
    "lexical": 0.6667,
    "title": 0.2,
}
COMPONENTS = tuple(DEFAULT_WEIGHTS)
# Share of the score taken off per level the candidate's latest title sits below the role's
# (0 turns the adjustment off; chosen on the dev part of the labelled set, see docs/scoring.md).
DEFAULT_LEVEL_STEP = 0.15
MAX_LEVEL_STEP = 0.5
WEIGHT_KEYS = (*COMPONENTS, "level")

# MiniLM cosines between a resume and a role of another field sit around 0.15-0.3, between a
# resume and a role it fits around 0.55-0.8: the range between is spread over [0, 1].
SEMANTIC_FLOOR = 0.20
SEMANTIC_CEIL = 0.70
# The lexical cosine of a good fit is 0.2-0.35 (a resume uses a fraction of a job ad's words
# and many of its own): 0.35 and above counts as full marks.
LEXICAL_CEIL = 0.35
TOP_CHUNKS = 2
# Job titles: "Staff Nurse" against "Registered Nurse" is about 0.6, a title of another field
# below 0.4.
TITLE_FLOOR = 0.40
TITLE_CEIL = 0.90

MUST_HAVE_MULTIPLIER = 2.0
UNKNOWN_CREDIT = 0.3  # neither rewarded nor punished as a miss: the text could not tell

STRONG_AT = 68.0
POSSIBLE_AT = 45.0

FOUND, MISSING, UNKNOWN = "found", "missing", "unknown"
STRONG, POSSIBLE, WEAK = "strong", "possible", "weak"

MIN_READABLE_WORDS = 30
MIN_WORD_RATIO = 0.6


@dataclass(frozen=True)
class RoleSkillSpec:
    """One skill of the role's profile, as the scorer needs it (JSON-able through `asdict`)."""

    skill_id: int
    name: str
    weight: int = 3
    must_have: bool = False
    min_years: int | None = None


@dataclass(frozen=True)
class Mention:
    """Where the resume names a skill: the taxonomy hit's line (1-based) and its text."""

    skill_id: int
    line_no: int
    line: str


@dataclass
class SkillEvidence:
    skill_id: int
    name: str
    status: str
    weight: int
    must_have: bool
    min_years: int | None = None
    years: float | None = None
    line: str = ""
    line_no: int | None = None
    credit: float = 0.0

    @property
    def missing_must_have(self) -> bool:
        return self.must_have and self.status != FOUND


@dataclass
class ScoreResult:
    score: float
    tier: str
    components: dict[str, float | None]
    evidence: list[SkillEvidence]
    weights: dict[str, Any] = field(default_factory=dict)

    @property
    def missing_must_haves(self) -> list[str]:
        return [e.name for e in self.evidence if e.missing_must_have]

    @property
    def must_haves_met(self) -> bool:
        return not self.missing_must_haves

    def evidence_json(self) -> list[dict[str, Any]]:
        return [evidence_to_json(e) for e in self.evidence]


def evidence_to_json(e: SkillEvidence) -> dict[str, Any]:
    # By hand rather than dataclasses.asdict, which deep-copies and is ten times slower: a
    # re-weighting converts every skill of every candidate.
    return {
        "skill_id": e.skill_id,
        "name": e.name,
        "status": e.status,
        "weight": e.weight,
        "must_have": e.must_have,
        "min_years": e.min_years,
        "years": e.years,
        "line": e.line,
        "line_no": e.line_no,
        "credit": e.credit,
        "missing_must_have": e.missing_must_have,
    }


def evidence_from_json(data: Mapping[str, Any]) -> SkillEvidence:
    known = SkillEvidence.__dataclass_fields__
    return SkillEvidence(**{k: v for k, v in data.items() if k in known})


# --- Text quality ------------------------------------------------------------------------------

_WORD = re.compile(r"\S+")
_EDGE_PUNCTUATION = "()[]{}\"'.,;:!?*-•·|/"


def text_is_readable(text: str) -> bool:
    """False when the text cannot tell whether a skill is absent: too short, or OCR debris."""
    words = _WORD.findall(text)
    if len(words) < MIN_READABLE_WORDS:
        return False
    return sum(1 for w in words if _looks_like_a_word(w)) / len(words) >= MIN_WORD_RATIO


def _looks_like_a_word(token: str) -> bool:
    # OCR debris ("l1|", "~~", "rn#i") mixes letters with digits and symbols; real words,
    # names and acronyms ("PostgreSQL", "AWS,", "(Django)") are letters inside punctuation.
    core = token.strip(_EDGE_PUNCTUATION)
    if not core:
        return False
    if any(ch.isdigit() for ch in core):
        return bool(re.fullmatch(r"[\d.,:%+\-\u2013/]+", core))  # numbers and dates are fine
    return core.replace("-", "").replace("'", "").replace("+", "").replace("#", "").isalpha()


# --- Years -------------------------------------------------------------------------------------

_YEARS = re.compile(
    r"(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:-\s*\d{1,2}\s*)?(?:years?|yrs?)\b", re.IGNORECASE
)
_RANGE = re.compile(
    r"\b((?:19|20)\d{2})\s*(?:-|\u2013|\u2014|to|until)\s*"
    r"((?:19|20)\d{2}|present|now|current|today)\b",
    re.IGNORECASE,
)


def years_in_line(line: str, *, today: date | None = None) -> float | None:
    """Years a line claims: "5+ years of Python", "Python (3 yrs)", a range "2016 - 2021"."""
    claimed = [float(m.group(1)) for m in _YEARS.finditer(line)]
    if claimed:
        return max(claimed)
    this_year = (today or date.today()).year
    spans = []
    for m in _RANGE.finditer(line):
        start = int(m.group(1))
        end = this_year if not m.group(2)[0].isdigit() else int(m.group(2))
        if start <= end <= this_year + 1:
            spans.append(float(end - start) or 0.5)
    return max(spans) if spans else None


def skill_years(mentions: Iterable[Mention], lines: Sequence[str] | None = None) -> float | None:
    """The most years any line naming the skill claims (a heading's range applies to its job)."""
    best: float | None = None
    for mention in mentions:
        years = years_in_line(mention.line)
        if years is not None and (best is None or years > best):
            best = years
    return best


# --- Components --------------------------------------------------------------------------------


def semantic_cosine(chunk_vectors: np.ndarray, role_vector: np.ndarray) -> float:
    """Mean cosine of the resume's best chunks (unit vectors) with the role's vector."""
    if len(chunk_vectors) == 0:
        return 0.0
    sims = np.asarray(chunk_vectors, dtype=np.float32) @ np.asarray(role_vector, np.float32)
    k = min(TOP_CHUNKS, len(sims))
    top = np.partition(sims, len(sims) - k)[-k:]
    return float(top.mean())


def semantic_component(cosine: float) -> float:
    return _clamp((cosine - SEMANTIC_FLOOR) / (SEMANTIC_CEIL - SEMANTIC_FLOOR))


def title_component(cosine: float) -> float:
    return _clamp((cosine - TITLE_FLOOR) / (TITLE_CEIL - TITLE_FLOOR))


def title_cosine(title_vectors: np.ndarray, role_title_vector: np.ndarray) -> float | None:
    """Best cosine between the titles the candidate held and the role's title; None without any."""
    if len(title_vectors) == 0:
        return None
    sims = np.asarray(title_vectors, np.float32) @ np.asarray(role_title_vector, np.float32)
    return float(sims.max())


def lexical_component(raw: float) -> float:
    return _clamp(raw / LEXICAL_CEIL)


def skill_credit(
    status: str, years: float | None, total_years: float | None, min_years: int | None
) -> float:
    """What one role skill contributes, from 0 (missing) to 1 (found, with enough years)."""
    if status == MISSING:
        return 0.0
    if status == UNKNOWN:
        return UNKNOWN_CREDIT
    if not min_years:
        return 1.0
    if years is not None:
        return 1.0 if years >= min_years else max(0.5, years / min_years)
    # The resume names the skill but not for how long: its overall experience is the best clue.
    if total_years is not None:
        return 0.9 if total_years >= min_years else max(0.5, 0.9 * total_years / min_years)
    return 0.75


def skill_evidence(
    role_skills: Sequence[RoleSkillSpec],
    mentions: Mapping[int, Sequence[Mention]],
    *,
    readable: bool,
    total_years: float | None,
) -> list[SkillEvidence]:
    evidence = []
    for spec in role_skills:
        found = mentions.get(spec.skill_id) or ()
        if found:
            best = _best_mention(found)
            years = skill_years(found)
            status, line, line_no = FOUND, best.line.strip()[:300], best.line_no
        else:
            years, line, line_no = None, "", None
            status = MISSING if readable else UNKNOWN
        evidence.append(
            SkillEvidence(
                skill_id=spec.skill_id,
                name=spec.name,
                status=status,
                weight=spec.weight,
                must_have=spec.must_have,
                min_years=spec.min_years,
                years=years,
                line=line,
                line_no=line_no,
                credit=skill_credit(status, years, total_years, spec.min_years),
            )
        )
    return evidence


def _best_mention(mentions: Sequence[Mention]) -> Mention:
    # The line that also states years is the most convincing one to show a recruiter.
    for mention in mentions:
        if years_in_line(mention.line) is not None:
            return mention
    return mentions[0]


def skill_coverage(evidence: Sequence[SkillEvidence]) -> float | None:
    """Weighted mean of the skills' credits; None when the role lists no skills."""
    total = got = 0.0
    for e in evidence:
        w = e.weight * (MUST_HAVE_MULTIPLIER if e.must_have else 1.0)
        total += w
        got += w * e.credit
    return got / total if total else None


# --- Level -------------------------------------------------------------------------------------

ENTRY, REGULAR, SENIOR = 0, 1, 2
# Words that place an English job title below or above the regular level of its occupation.
# "Assistant" and "graduate" are entry words in most fields; where a role itself is one
# ("Teaching Assistant") the candidate's same word is no gap.
_ENTRY_WORDS = re.compile(
    r"\b(intern|internship|trainee|apprentice|student|graduate|grad|junior|jr|assistant|aide|"
    r"entry[- ]level)\b",
    re.IGNORECASE,
)
_SENIOR_WORDS = re.compile(
    r"\b(senior|sr|lead|leader|supervisor|manager|head|principal|chief|director)\b",
    re.IGNORECASE,
)


def title_level(title: str) -> int:
    """ENTRY, REGULAR or SENIOR, read from a job title's words; an entry word wins."""
    if _ENTRY_WORDS.search(title):
        return ENTRY
    if _SENIOR_WORDS.search(title):
        return SENIOR
    return REGULAR


def level_gap(role_title: str, candidate_title: str | None) -> int | None:
    """How many levels the candidate's latest title sits below the role's; None without one.

    A recruiter reads "Physiotherapy Assistant" or "Apprentice Electrician" as not yet the
    physiotherapist or electrician the ad asks for, even when the resume uses all its words."""
    if not candidate_title or not candidate_title.strip():
        return None
    if _ENTRY_WORDS.search(role_title) and _ENTRY_WORDS.search(candidate_title):
        return 0
    return max(0, title_level(role_title) - title_level(candidate_title))


def level_step(weights: Mapping[str, Any] | None) -> float:
    """The share taken off per level below the role: the default, or `weights["level"]`."""
    value = (weights or {}).get("level")
    if value is None:
        return DEFAULT_LEVEL_STEP
    step = float(value)
    if not 0 <= step <= MAX_LEVEL_STEP:
        raise ValueError(f"The level weight runs from 0 to {MAX_LEVEL_STEP}.")
    return step


def level_share(components: Mapping[str, Any], step: float) -> float:
    """The share of the score the level gap takes off (0 when there is no gap or no title)."""
    gap = components.get("level_gap")
    return min(1.0, step * float(gap)) if gap else 0.0


# --- The score ---------------------------------------------------------------------------------


def normalise_weights(weights: Mapping[str, Any] | None) -> dict[str, float]:
    """The component weights to use: defaults, overridden by whatever numbers `weights` holds."""
    merged = dict(DEFAULT_WEIGHTS)
    for key in COMPONENTS:
        value = (weights or {}).get(key)
        if value is not None:
            if float(value) < 0:
                raise ValueError(f"The {key} weight cannot be negative.")
            merged[key] = float(value)
    if sum(merged.values()) <= 0:
        raise ValueError("At least one component needs a weight above zero.")
    return merged


def tier_for(score: float, *, must_haves_met: bool) -> str:
    if score >= STRONG_AT and must_haves_met:
        return STRONG
    if score >= POSSIBLE_AT:
        return POSSIBLE
    return WEAK


def combine(
    components: Mapping[str, float | None],
    evidence: list[SkillEvidence],
    weights: Mapping[str, Any] | None = None,
) -> ScoreResult:
    """The 0-100 score and tier from components; a component that is None drops out.

    `components["level_gap"]` (levels below the role, see `level_gap`) lowers the weighted
    mean by the level step for each level."""
    used = normalise_weights(weights)
    step = level_step(weights)
    total = got = 0.0
    for key, w in used.items():
        value = components.get(key)
        if value is None:
            continue
        total += w
        got += w * float(value)
    mean = got / total if total else 0.0
    score = round(100.0 * mean * (1.0 - level_share(components, step)), 1)
    must_met = not any(e.missing_must_have for e in evidence)
    return ScoreResult(
        score=score,
        tier=tier_for(score, must_haves_met=must_met),
        components={k: _rounded(v) for k, v in components.items()},
        evidence=evidence,
        weights={**used, "level": step},
    )


def score_candidate(
    *,
    role_skills: Sequence[RoleSkillSpec],
    role_vector: np.ndarray,
    chunk_vectors: np.ndarray,
    mentions: Mapping[int, Sequence[Mention]],
    text: str,
    lexical_raw: float,
    total_years: float | None = None,
    title_cos: float | None = None,
    level: int | None = None,
    weights: Mapping[str, Any] | None = None,
) -> ScoreResult:
    readable = text_is_readable(text)
    evidence = skill_evidence(role_skills, mentions, readable=readable, total_years=total_years)
    cosine = semantic_cosine(chunk_vectors, role_vector)
    components: dict[str, float | None] = {
        "semantic": semantic_component(cosine),
        "skills": skill_coverage(evidence),
        "lexical": lexical_component(lexical_raw),
        "title": title_component(title_cos) if title_cos is not None else None,
        "level_gap": float(level) if level is not None else None,
    }
    result = combine(components, evidence, weights)
    result.components["title_cosine"] = round(title_cos, 4) if title_cos is not None else None
    result.components["semantic_cosine"] = round(cosine, 4)
    result.components["lexical_raw"] = round(lexical_raw, 4)
    result.components["readable"] = 1.0 if readable else 0.0
    result.components["total_years"] = total_years
    return result


def rescore(
    *,
    components: Mapping[str, Any],
    evidence: Sequence[Mapping[str, Any]],
    weights: Mapping[str, Any] | None = None,
    skill_overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> ScoreResult:
    """Re-weighting: the score again from stored components and evidence, nothing re-read.

    `skill_overrides` maps a skill id (as a string, JSON's keys) to new "weight", "must_have"
    or "min_years" values; a skill's credit is recomputed when its minimum years change."""
    overrides = skill_overrides or {}
    total_years = components.get("total_years")
    items = []
    for stored in evidence:
        e = evidence_from_json(stored)
        change = overrides.get(str(e.skill_id))
        if change:
            if "weight" in change:
                e.weight = _valid_weight(change["weight"])
            if "must_have" in change:
                e.must_have = bool(change["must_have"])
            if "min_years" in change:
                e.min_years = int(change["min_years"]) if change["min_years"] else None
            e.credit = skill_credit(e.status, e.years, total_years, e.min_years)
        items.append(e)
    parts: dict[str, float | None] = {k: components.get(k) for k in (*COMPONENTS, "level_gap")}
    parts["skills"] = skill_coverage(items)
    result = combine(parts, items, weights)
    for key, value in components.items():
        result.components.setdefault(key, value)
    return result


def _valid_weight(value: Any) -> int:
    weight = int(value)
    if not 0 <= weight <= 5:
        raise ValueError("A skill's weight runs from 0 (ignore) to 5.")
    return weight


def _rounded(value: float | None) -> Any:
    return round(float(value), 4) if value is not None else None


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, float(value)))
