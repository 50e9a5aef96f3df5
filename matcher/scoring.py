"""How a candidate is scored against a role: pure functions, documented in docs/scoring.md.

Four components, each in [0, 1]:

- semantic: cosine similarity between the resume's chunk vectors and the role's text vector
  (mean of the best two chunks), rescaled from MiniLM's useful range;
- skills: weighted coverage of the role's skill profile, found through the taxonomy, with
  must-haves counting double and minimum years checked against the resume's own evidence;
- lexical: the role's words in the resume, weighted by rarity in the organisation's pool
  (`matcher.lexical`);
- title: how close the job titles the candidate held, and its latest one, are to the role's title
  (embeddings).

The score is their weighted mean times 100, lowered by a share (`level` weight) for each level the
candidate's latest title sits below the role's (a trainee or assistant for a regular role, a
regular title for a lead role). Every role skill gets evidence: "found" (with the
resume line), "missing", or "unknown" when the text is too short or garbled to tell. The engine
ranks and explains; tiers only group, nothing is ever filtered out.

Re-weighting recomputes the score from the stored components and evidence (`rescore`): no
embedding, no taxonomy pass, so a thousand candidates take milliseconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from math import factorial
from typing import Any

import numpy as np

from matcher import ranker

SCORING_VERSION = 18

COMPONENTS = ("semantic", "skills", "lexical", "title")


def _default_weights() -> dict[str, float]:
    """Each component's share of the learned ranker's weight (`matcher/data/ranker.json`): what
    the re-weighting controls start from. A recruiter's weights scale each component's part of
    the ranker relative to these."""
    model = ranker.default()
    spread = dict.fromkeys(COMPONENTS, 0.0)
    for name, coef in zip(model.features, model.coef, strict=True):
        component = ranker.COMPONENT_OF[name]
        if component in spread:
            spread[component] += abs(float(coef))
    total = sum(spread.values()) or 1.0
    return {c: round(v / total, 4) for c, v in spread.items()}


DEFAULT_WEIGHTS: dict[str, float] = _default_weights()
# How strongly a latest title below the role's level counts: the recruiter's "junior titles"
# control, 0.15 being the ranker's learned strength and 0 turning it off (docs/scoring.md).
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

# On the calibrated score (docs/scoring.md): 70 and above reads as a fit, under 30 as not one.
STRONG_AT = 70.0
POSSIBLE_AT = 30.0

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


def required(weight: Any, must_have: Any) -> bool:
    """Whether a skill is a must-have as the score reads it: weighted 0 it counts for nothing,
    so it cannot be required either. The page, the API, the panel and the exports all ask this."""
    return bool(must_have) and int(weight or 0) > 0


@dataclass(slots=True)
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
        # Weighted 0, a skill counts for nothing, a missing must-have included.
        return required(self.weight, self.must_have) and self.status != FOUND


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
    # Field by field, for the reason `evidence_to_json` is: filtering the stored keys against the
    # dataclass's fields took a third of a re-weighting. Keys it does not know ("missing_must_have",
    # derived) are left out; a key stored before its field existed takes the field's default.
    get = data.get
    return SkillEvidence(
        skill_id=data["skill_id"],
        name=data["name"],
        status=data["status"],
        weight=data["weight"],
        must_have=data["must_have"],
        min_years=get("min_years"),
        years=get("years"),
        line=get("line", ""),
        line_no=get("line_no"),
        credit=get("credit", 0.0),
    )


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


def pooled_cosine(chunk_vectors: np.ndarray, role_vector: np.ndarray) -> float:
    """Cosine of the resume read as a whole (its chunks' mean vector) with the role's vector."""
    if len(chunk_vectors) == 0:
        return 0.0
    mean = np.asarray(chunk_vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return float(mean @ np.asarray(role_vector, np.float32) / norm) if norm else 0.0


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


def latest_title_cosine(title_vectors: np.ndarray, role_title_vector: np.ndarray) -> float | None:
    """The cosine of the candidate's first title (its latest job's, or its headline where no job
    has a title: `ranking._titles`' order) with the role's title; None without any. Beside the
    best title, so that an accountant of ten years ago who drives a truck today reads less of an
    accountant than one who is one now (scoring version 16, docs/scoring.md)."""
    if len(title_vectors) == 0:
        return None
    return title_cosine(np.asarray(title_vectors)[:1], role_title_vector)


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
# "Executive" ranks a title only in front of an occupation that it heads (Executive Chef,
# Executive Sous Chef, Executive Housekeeper, Executive Director). After the occupation an
# Account or Sales Executive is a regular sales job; in front of a support job an Executive
# Secretary or Receptionist works for the executives, and an Executive Assistant is entry
# level, the entry word winning.
_SENIOR_WORDS = re.compile(
    r"\b(senior|sr|lead|leader|supervisor|manager|head|principal|chief|director|president|vp"
    r"|executive[ \t]+(?:[^\W\d_]+[ \t-]+)?"
    r"(?:chefs?|housekeeper|director|producer|editor|officer|president|vp|managers?|pastor))\b",
    re.IGNORECASE,
)


def title_level(title: str) -> int:
    """ENTRY, REGULAR or SENIOR, read from a job title's words; an entry word wins."""
    if _ENTRY_WORDS.search(title):
        return ENTRY
    if _SENIOR_WORDS.search(title):
        return SENIOR
    return REGULAR


def is_entry_title(title: str) -> bool:
    return bool(_ENTRY_WORDS.search(title))


def level_gap(role_title: str, candidate_title: str | None) -> int | None:
    """How many levels the candidate's latest title sits below the role's; None without one.

    A recruiter reads "Physiotherapy Assistant" or "Apprentice Electrician" as not yet the
    physiotherapist or electrician the ad asks for, even when the resume uses all its words."""
    if not candidate_title or not candidate_title.strip():
        return None
    if is_entry_title(role_title) and is_entry_title(candidate_title):
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


def whole_score(score: float) -> int:
    """A score as every view prints it: half up, as Django's floatformat rounds the page's and
    the drawer's (format() and round() go to the even neighbour: 38.5 would read 38 in the PDF
    and 39 in the table beside it)."""
    return math.floor(float(score) + 0.5)


def rank_key(score: float, *, must_haves_met: bool) -> tuple[int, bool, float]:
    """Sorts best first: by the whole score a recruiter reads, then a candidate meeting every
    must-have before one who does not, then by the score itself.

    The calibrated score crowds the top of a strong pool into 95-99, so two candidates often
    read the same number; ranked by the hidden decimals alone, a "Possible" missing a must-have
    could sit above a "Strong" showing the same 99."""
    return (-whole_score(score), not must_haves_met, -float(score))


def tier_for(score: float, *, must_haves_met: bool) -> str:
    # From the score as shown, so that a 29.7 never reads "30" and "Weak" side by side.
    shown = whole_score(score)
    if shown >= STRONG_AT and must_haves_met:
        return STRONG
    if shown >= POSSIBLE_AT:
        return POSSIBLE
    return WEAK


def multipliers(weights: Mapping[str, Any] | None) -> dict[str, float]:
    """How much each component's part of the ranker counts: 1 at the default weights."""
    used = normalise_weights(weights)
    total = sum(used.values())
    default_total = sum(DEFAULT_WEIGHTS.values())
    out = {
        key: (used[key] / total) / (DEFAULT_WEIGHTS[key] / default_total)
        if DEFAULT_WEIGHTS[key] > 0
        else 0.0
        for key in COMPONENTS
    }
    out["level"] = level_step(weights) / DEFAULT_LEVEL_STEP
    return out


@cache
def _terms() -> tuple[float, tuple[tuple[str, str, float, float, float], ...]]:
    """The model as plain floats: (intercept, (input, component, coef, origin, scale) ...).

    Re-weighting runs this for every result of a match: Python floats, not numpy arrays of
    seven, keep a thousand under the budget."""
    model = ranker.default()
    intercept = float(model.intercept)
    terms = []
    for i, name in enumerate(model.features):
        coef, mean, scale = float(model.coef[i]), float(model.mean[i]), float(model.scale[i])
        # The level's part is measured from no gap, so that turning it off leaves a candidate
        # without a gap where it was; the other inputs from the mean of the pairs the model was
        # fitted on, which is also what an input the product cannot read takes.
        origin = 0.0 if name == "level_gap" else mean
        intercept += coef * (origin - mean) / scale
        terms.append((name, ranker.COMPONENT_OF[name], coef, origin, scale))
    return intercept, tuple(terms)


def fused_parts(
    components: Mapping[str, Any], weights: Mapping[str, Any] | None = None
) -> tuple[float, dict[str, float]]:
    """(the ranker's intercept, each component's part of the log-odds) with the recruiter's
    weights applied; their sum is the fused value the calibration reads."""
    model = ranker.default()
    mult = multipliers(weights)
    values = ranker.input_values(components, model)
    intercept, terms = _terms()
    parts = dict.fromkeys((*COMPONENTS, "level"), 0.0)
    for name, component, coef, origin, scale in terms:
        parts[component] += mult[component] * coef * (values[name] - origin) / scale
    return intercept, parts


def calibrated(fused: float) -> float:
    model = ranker.default()
    return 100.0 / (1.0 + math.exp(-(model.calib_a * fused + model.calib_b)))


def combine(
    components: Mapping[str, Any],
    evidence: list[SkillEvidence],
    weights: Mapping[str, Any] | None = None,
    *,
    rounded: bool = False,
) -> ScoreResult:
    """The 0-100 score and tier: the learned ranker over the raw components (cosines, skill
    coverage, level gap), each component's part scaled by the recruiter's weights, calibrated
    (matcher.ranker). A component that is None counts as the average of the pairs the
    model was fitted on, so it moves the score neither way.
    `rounded`: the components are stored ones, already rounded but for the skill coverage just
    recomputed (re-weighting skips the work)."""
    used = normalise_weights(weights)
    step = level_step(weights)
    stored: dict[str, Any] = (
        {**components, "skills": _rounded(components.get("skills"))}
        if rounded
        else {k: _rounded(v) if isinstance(v, float | int) else v for k, v in components.items()}
    )
    # Scored from the values it stores, so the drawer's points, re-read from them, add up to
    # it: against a role's spread of 0.0035 the fifth decimal alone moved a score by half a point.
    intercept, parts = fused_parts(stored, weights)
    score = round(calibrated(intercept + sum(parts.values())), 1)
    must_met = not any(e.missing_must_have for e in evidence)
    return ScoreResult(
        score=score,
        tier=tier_for(score, must_haves_met=must_met),
        components=stored,
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
    latest_title_cos: float | None = None,
    level: int | None = None,
    weights: Mapping[str, Any] | None = None,
    bm25: float | None = None,
    reference: Mapping[str, float] | None = None,
) -> ScoreResult:
    """`reference`: the role's average and spread of each component over the reference pool
    (`matcher.reference.role_stats`), kept in the components so re-weighting reads them too.
    `title_cos` is the best of the candidate's titles, `latest_title_cos` its latest one's."""
    readable = text_is_readable(text)
    evidence = skill_evidence(role_skills, mentions, readable=readable, total_years=total_years)
    cosine = semantic_cosine(chunk_vectors, role_vector)
    components: dict[str, Any] = {
        "semantic": semantic_component(cosine),
        "skills": skill_coverage(evidence),
        "lexical": lexical_component(lexical_raw),
        "title": title_component(title_cos) if title_cos is not None else None,
        "level_gap": float(level) if level is not None else None,
        "title_cosine": round(title_cos, 4) if title_cos is not None else None,
        "title_latest_cosine": (
            round(latest_title_cos, 4) if latest_title_cos is not None else None
        ),
        "semantic_cosine": round(cosine, 4),
        "semantic_mean_cosine": round(pooled_cosine(chunk_vectors, role_vector), 4),
        "lexical_raw": round(lexical_raw, 4),
        "bm25": round(bm25, 4) if bm25 is not None else None,
        "readable": 1.0 if readable else 0.0,
        "total_years": total_years,
        **(reference or {}),
    }
    return combine(components, evidence, weights)


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
            # Else a role's must-have weighted out would still show as one in the drawer.
            e.must_have = required(e.weight, e.must_have)
            e.credit = skill_credit(e.status, e.years, total_years, e.min_years)
        items.append(e)
    parts = dict(components)
    parts["skills"] = skill_coverage(items)
    # Re-weighting a thousand results runs this a thousand times: the stored values are rounded
    # already, and rounding the nineteen of each again cost a fifth of the budget (measured).
    return combine(parts, items, weights, rounded=True)


def _valid_weight(value: Any) -> int:
    weight = int(value)
    if not 0 <= weight <= 5:
        raise ValueError("A skill's weight runs from 0 (ignore) to 5.")
    return weight


def _rounded(value: float | None) -> Any:
    return round(float(value), 4) if value is not None else None


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, float(value)))


# --- Explaining a score ---------------------------------------------------------------------------

PARTS = (*COMPONENTS, "level")
PART_LABELS = {
    "base": "Starting point (a resume average in every respect)",
    "lexical": "Words shared with the role",
    "semantic": "What the resume is about (meaning)",
    "skills": "The role's skills found",
    "title": "Job titles held",
    "level": "Seniority of the latest title",
}


def contributions(
    components: Mapping[str, Any], weights: Mapping[str, Any] | None = None
) -> dict[str, float]:
    """Each component's share of the score in points, with the starting point ("base", the
    score of a resume average in every respect), summing to the score.

    The calibration curves, so a component's points depend on the others; each gets its average
    effect over every order in which the components could be added (Shapley values: 32 steps
    through the calibration), which makes the shares add up exactly whatever the order."""
    intercept, parts = fused_parts(components, weights)
    names = list(PARTS)
    n = len(names)
    # Subsets as bit masks (bit i: names[i] is in), each calibrated once: computed per order
    # instead, an API page of 50 results spent most of its time here.
    value = [
        calibrated(intercept + sum(parts[names[i]] for i in range(n) if mask >> i & 1))
        for mask in range(1 << n)
    ]
    share = [factorial(size) * factorial(n - size - 1) / factorial(n) for size in range(n)]
    out = {"base": value[0]}
    for i, name in enumerate(names):
        bit = 1 << i
        out[name] = sum(
            share[mask.bit_count()] * (value[mask | bit] - value[mask])
            for mask in range(1 << n)
            if not mask & bit
        )
    score = round(value[-1], 1)
    rounded = {k: round(v, 1) for k, v in out.items()}
    # Rounding each share can leave a tenth over or under: the largest share absorbs it.
    drift = round(score - sum(rounded.values()), 1)
    if drift:
        largest = max(names, key=lambda k: abs(rounded[k]))
        rounded[largest] = round(rounded[largest] + drift, 1)
    return rounded


def explain(points: Mapping[str, float], evidence: Sequence[Mapping[str, Any]]) -> str:
    """In words, where the score comes from; in particular why a candidate without the role's
    skills still scores what it does."""
    counted = [e for e in evidence if int(e.get("weight") or 0) > 0]
    found = [e for e in counted if e.get("status") == FOUND]
    raised = sorted(
        ((k, v) for k, v in points.items() if k != "base" and v >= 0.5),
        key=lambda kv: -kv[1],
    )
    lowered = sorted(
        ((k, v) for k, v in points.items() if k != "base" and v <= -0.5), key=lambda kv: kv[1]
    )
    sentences = []
    if counted and not found:
        sentences.append(
            "The role's one skill was not found in the resume."
            if len(counted) == 1
            else f"None of the role's {len(counted)} skills was found in the resume."
        )
    elif counted:
        verb = "was" if len(found) == 1 else "were"
        sentences.append(f"{len(found)} of the role's {len(counted)} skills {verb} found.")
    start = points.get("base", 0.0)
    sentences.append(f"A resume average in every respect would score {start:.0f}.")
    if raised:
        sentences.append(
            "Raised by "
            + ", ".join(f"{PART_LABELS[k].lower()} (+{whole_score(v)})" for k, v in raised)
            + "."
        )
    if lowered:
        sentences.append(
            "Lowered by "
            # Half up on the size: -0.5 reads "-1", never "-0".
            + ", ".join(f"{PART_LABELS[k].lower()} (-{whole_score(-v)})" for k, v in lowered)
            + "."
        )
    return " ".join(sentences)


def describe_weighting(
    *, weights: Mapping[str, Any] | None, skills: Sequence[Mapping[str, Any]]
) -> str:
    """In words, how the recruiter re-weighted a match's ranking, for the exports: a ranking
    read without it would pass for the learned one. `weights` are the match's (`Match.weights`),
    `skills` the role's profile as the match snapshotted it (`Match.role_snapshot["skills"]`)."""
    weights = weights or {}
    changes = []
    for key in COMPONENTS:
        if key not in weights:
            continue
        default = DEFAULT_WEIGHTS[key]
        multiple = float(weights[key]) / default if default else 1.0
        if abs(multiple - 1.0) > 0.005:
            label = PART_LABELS[key].lower()
            changes.append(f"{label} x{multiple:.2g}" if multiple else f"{label} not counted")
    if "level" in weights and abs(float(weights["level"]) - DEFAULT_LEVEL_STEP) > 1e-9:
        changes.append(
            f"{round(100 * float(weights['level']))}% off a level below the role's "
            f"(learned {round(100 * DEFAULT_LEVEL_STEP)}%)"
        )
    overrides = weights.get("skill_weights") or {}
    for spec in skills:
        change = overrides.get(str(spec.get("skill_id")))
        if not change:
            continue
        said = []
        weight = change.get("weight", spec.get("weight"))
        if int(weight or 0) != int(spec.get("weight") or 0):
            said.append(f"weight {weight} (role {spec.get('weight')})")
        must = required(weight, change.get("must_have", spec.get("must_have")))
        if must != bool(spec.get("must_have")):
            said.append("a must-have" if must else "not a must-have")
        years = change.get("min_years", spec.get("min_years")) or None
        if years != (spec.get("min_years") or None):
            said.append(f"at least {years} years" if years else "no minimum years")
        if said:
            changes.append(f"{spec.get('name')}: {', '.join(said)}")
    if not changes:
        return "As learned, with the role's own skill profile."
    return "Re-weighted by the recruiter: " + "; ".join(changes) + "."
