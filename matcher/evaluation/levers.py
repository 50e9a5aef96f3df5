"""Ranking levers tried as candidate inputs: defined here, beside the evaluation, until one earns
its place in the product.

`train_ranker` weighs each of them in its leave-one-set-out selection (docs/scoring.md, "Choosing
the design"). Those that did not survive stay here as pure functions a product path could call;
the product neither computes nor stores them. Those that did moved into the product: round
three's reading of each component against a fixed reference pool (`matcher.reference`; its
matrix form stays here, `reference_z`, to check the product against, pair by pair) and round
four's skills an ad lists that the taxonomy does not know (`ranking.listed_skills`), and round
twelve's reading of them only where one line, or a wrapped line and the next, names one
(`ranking.listed_span`).

- **Query expansion** through the taxonomy's aliases (`skill_spellings`, `expanded_query`): the
  role's words plus every other spelling the taxonomy knows for the skills it names.
- **Section-level semantic matching** (`role_lines`, `section_cosines`): each line of the role
  embedded alone and matched to the resume's closest chunk.
- **Standardising against the role's own pool** (`pool_z`, the `*_rz` inputs, not kept): each
  component minus its mean over the organisation's pool for this role, divided by its spread
  there, so a role whose resumes all share its words (or none do) weighs its words no more
  than its meaning. The product scores candidate by candidate and a match may hold three
  resumes, so the pool can also be a fixed reference (`reference_z`, the `*_fz` inputs, kept:
  `matcher.reference`): RoleMatch's own 179 written resumes of many fields, the same for
  every organisation.
- **Word pairs, weighed over the reference pool** (`pair_weights`, `pair_cosine`, the `pairs`
  input, round four): the TF-IDF baseline's reading (words and word pairs, sublinear tf), with
  each term's rarity taken from the fixed reference pool instead of the set, so the product
  could compute it for a match of three resumes.
- **The experience an ad asks for** (the `skills_asked` and `asked` inputs, round six): "at
  least 3 years as a Help Desk Administrator" read as a listed skill named by the job, with the
  years as its minimum, found where a resume names the job and given the years that line
  claims. A tie in round six; with the titles read better, round thirteen kept it, and it moved
  into the product (`roles.job_description.asked_experience`), so these inputs now repeat the
  product's coverage.

No Django import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from matcher import embeddings, lexical
from matcher.ranking import RoleFeatures
from matcher.scoring import RoleSkillSpec
from roles.job_description import reflow

# The inputs `train_ranker` may try besides the product's own (`ranker.FEATURES`, which has
# the `*_fz` inputs since scoring version 5).
CANDIDATE_FEATURES = (
    "lexical_expanded",
    "section",
    "section_top",
    "lexical_rz",
    "semantic_rz",
    "semantic_mean_rz",
    "title_rz",
    "skills_rz",
    "pairs",
    "pairs_fz",
    "bm25_fz",
    "skills_asked_fz",
    "asked_fz",
)

MAX_ROLE_LINES = 40
MIN_LINE_TERMS = 4
TOP_LINES = 3
_BULLET = re.compile(r"^[\s\-\u2022*\u00b7\u2013\u2014>]+")


@dataclass
class EvalRole(RoleFeatures):
    """A role as the product reads it, plus what the candidate inputs need."""

    # `role_lines` embedded one by one, and the query with the skills' other spellings.
    line_vectors: np.ndarray | None = None
    expanded_query: dict[str, float] = field(default_factory=dict)
    # Round six's input beside the role's skills: the jobs the ad asks the candidate to have
    # held. Empty since round thirteen moved them into the product's skills
    # (`roles.job_description.asked_experience`), so round six's rows read version 7's coverage.
    asked: list[RoleSkillSpec] = field(default_factory=list)
    # Round thirty-four: `focus_text` embedded, or None for a role with neither title nor skills.
    focus_vector: np.ndarray | None = None


def focus_text(title: str, skills: Sequence[RoleSkillSpec]) -> str:
    """Round thirty-four: the role said in a line, its title and the names of its skills, the
    heaviest first ("Payroll Clerk. Payroll, ADP, Excel, ..."). The role's vector reads the whole
    ad, where an employer's story and benefits can outweigh the job; this one reads the job."""
    names = [s.name for s in sorted(skills, key=lambda s: (-s.weight, not s.must_have))]
    parts = [title.strip(), ", ".join(dict.fromkeys(names))]
    return ". ".join(p for p in parts if p)


def role_lines(text: str) -> list[str]:
    """The role's statements a resume's passages are matched against: each line of the ad (a
    paragraph-long one split as the ad reader splits it) with at least `MIN_LINE_TERMS` words
    that count, bullets stripped; headings and one-word lines say too little to match."""
    out = []
    for raw in reflow(text).splitlines():
        line = _BULLET.sub("", raw).strip()
        if len(lexical.tokens(line)) >= MIN_LINE_TERMS:
            out.append(line)
    return out[:MAX_ROLE_LINES]


def skill_spellings(skills: Sequence[RoleSkillSpec], matcher: Any) -> list[str]:
    """Every spelling the taxonomy (`SkillMatcher.spellings`) knows for the role's skills."""
    known = getattr(matcher, "spellings", {})
    return [s for spec in skills for s in known.get(spec.skill_id, (spec.name,))]


def expanded_query(
    query: Mapping[str, float], spellings: Sequence[str], *, weight: float = 1.0
) -> dict[str, float]:
    """The role's terms plus the words of the other spellings of the skills it names (the
    taxonomy's aliases: "k8s" for "Kubernetes"), each added once at `weight`, so a resume
    that writes a skill differently from the ad still shares its words. A term the role already
    uses keeps its own count."""
    out = dict(query)
    for spelling in spellings:
        for term in lexical.tokens(spelling):
            out.setdefault(term, weight)
    return out


def section_cosines(
    chunk_vectors: np.ndarray, line_vectors: np.ndarray | None
) -> tuple[float, float] | None:
    """How much of the role the resume's passages cover: for each of the role's lines (its
    duties, requirements) the cosine of the resume's closest chunk; returns (the mean over
    the role's lines, the mean of its best `TOP_LINES`). None when the role has no such lines."""
    if line_vectors is None or len(line_vectors) == 0:
        return None
    if len(chunk_vectors) == 0:
        return 0.0, 0.0
    sims = np.asarray(line_vectors, np.float32) @ np.asarray(chunk_vectors, np.float32).T
    best = sims.max(axis=1)
    k = min(TOP_LINES, len(best))
    return float(best.mean()), float(np.sort(best)[-k:].mean())


def eval_role(role: RoleFeatures, matcher: Any) -> EvalRole:
    """The product's role with the candidate inputs' role side computed (its lines embedded
    here, uncached; `cache.roles_from_job_descriptions` does the same with a cache)."""
    lines = role_lines(role.text)
    vectors = [embeddings.pooled(e.vectors) for e in embeddings.embed_texts(lines)]
    return EvalRole(
        **{f.name: getattr(role, f.name) for f in fields(RoleFeatures)},
        line_vectors=np.asarray(vectors, np.float32).reshape(-1, embeddings.DIMENSIONS),
        expanded_query=expanded_query(role.query, skill_spellings(role.skills, matcher)),
    )


def pool_z(values: np.ndarray) -> np.ndarray:
    """One role's component over its pool (one value a resume; NaN where absent) as z-scores
    against that pool's own mean and spread; a pool with no spread gives 0s."""
    values = np.asarray(values, float)
    if np.all(np.isnan(values)):
        return values
    mean = np.nanmean(values)
    sd = np.nanstd(values)
    return (values - mean) / sd if sd > 0 else np.where(np.isnan(values), np.nan, 0.0)


def reference_z(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """One role's component for some resumes as z-scores against the same role's values over a
    fixed reference pool of resumes (NaN where absent; a reference with no spread divides by 1,
    as `ranker.standardised` does)."""
    values = np.asarray(values, float)
    reference = np.asarray(reference, float)
    if np.all(np.isnan(reference)):
        return np.full_like(values, np.nan)
    mean = np.nanmean(reference)
    sd = np.nanstd(reference)
    return (values - mean) / (sd if sd > 0 else 1.0)


# Round fifteen's floor under a role's spread over the reference pool. The spreads of the model's
# average role (version 8's `fill`, matcher/data/ranker.json, 2026-12-06), fixed here so that
# every fold and the product read the same floor.
AVERAGE_ROLE_SD = {
    "lexical": 0.013795,
    "semantic": 0.090791,
    "semantic_mean": 0.090897,
    "title": 0.096997,
    "skills": 0.045501,
}
SD_FLOORS = {"f05z": 0.5, "f1z": 1.0}


def floored_sd(name: str, sd: np.ndarray, share: float) -> np.ndarray:
    """A role's spread over the reference pool, no narrower than `share` of the average role's:
    a role whose listed skills one reference resume in 179 has spreads its coverage by 0.0035,
    and a candidate with a fifth of them then stood 57 deviations out (+60 points)."""
    return np.maximum(sd, share * AVERAGE_ROLE_SD[name])


def pair_weights(reference_texts: Sequence[str]) -> tuple[Any, np.ndarray]:
    """The word-and-pair reader and each term's inverse document frequency over the reference
    pool (smoothed as scikit-learn's; a term no reference resume uses gets the highest)."""
    # Hashed, so that any ad's or resume's terms have a column without a fitted vocabulary.
    hasher = HashingVectorizer(
        ngram_range=(1, 2), stop_words="english", alternate_sign=False, norm=None, n_features=2**20
    )
    counts = hasher.transform(reference_texts).tocsr()
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return hasher, np.log((1 + n) / (1 + df)) + 1.0


def pair_vectors(texts: Sequence[str], weights: tuple[Any, np.ndarray]) -> Any:
    """Each text as a row of sublinear term frequency times `pair_weights` idf, l2-normed, so
    the product of two rows is their cosine."""
    hasher, idf = weights
    rows = hasher.transform(texts).tocsr().astype(np.float64)
    rows.data = (1.0 + np.log(rows.data)) * idf[rows.indices]
    return normalize(rows)
