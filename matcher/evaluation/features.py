"""RoleMatch's components for every (role, resume) pair of a set at once, and the baselines.

`ranking.score_one` scores one pair; an evaluation needs a million (rjdb: 1,000 jobs x 2,000
resumes). These functions compute the very same components with matrix products; a test checks
them against `ranking.score_one` pair by pair. No Django import.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from matcher import embeddings, lexical, ranking, scoring
from matcher.evaluation import levers
from matcher.evaluation.levers import TOP_LINES, EvalRole
from matcher.ranker import REFERENCE_INPUTS
from matcher.ranking import ResumeFeatures, RoleFeatures
from roles import words

RAW = ("lexical", "semantic", "semantic_mean", "title", "skills", "level_gap")


def _sparse(rows: Sequence[dict[str, float]], vocab: dict[str, int]) -> sparse.csr_matrix:
    data, indices, indptr = [], [], [0]
    for row in rows:
        for term, value in row.items():
            j = vocab.get(term)
            if j is not None:
                indices.append(j)
                data.append(value)
        indptr.append(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocab)))


def lexical_matrix(
    roles: Sequence[EvalRole],
    resumes: Sequence[ResumeFeatures],
    stats: lexical.PoolStats,
    *,
    expanded: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """`lexical.lexical_score` and `lexical.bm25_share` for every pair (of each role's
    `expanded_query` when `expanded`)."""
    queries_of = [role.expanded_query if expanded else role.query for role in roles]
    vocab: dict[str, int] = {}
    for r in resumes:
        for t in r.terms:
            vocab.setdefault(t, len(vocab))
    for query in queries_of:
        for t in query:
            vocab.setdefault(t, len(vocab))
    idf = {t: stats.idf(t) for t in vocab}
    avg = max(stats.avg_len, 1.0)
    doc_rows = []
    for r in resumes:
        norm = lexical.K1 * (1.0 - lexical.B + lexical.B * r.n_terms / avg)
        doc_rows.append(
            {t: idf[t] * tf * (lexical.K1 + 1.0) / (tf + norm) for t, tf in r.terms.items()}
        )
    q_rows = [{t: q * idf[t] for t, q in query.items()} for query in queries_of]
    docs, queries = _sparse(doc_rows, vocab), _sparse(q_rows, vocab)
    # `lexical.bm25_share`: the role's words each once against the same BM25 weights.
    once = _sparse([dict.fromkeys(query, 1.0) for query in queries_of], vocab)
    best = np.asarray([sum(idf[t] * (lexical.K1 + 1.0) for t in query) for query in queries_of])
    bm25 = (once @ docs.T).toarray() / np.where(best > 0, best, 1.0)[:, None]
    dot = (queries @ docs.T).toarray()
    q_norm = np.sqrt(np.asarray(queries.multiply(queries).sum(1)).ravel())
    d_norm = np.sqrt(np.asarray(docs.multiply(docs).sum(1)).ravel())
    denom = np.outer(q_norm, d_norm)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where((dot > 0) & (denom > 0), dot / np.where(denom > 0, denom, 1.0), 0.0)
    empty = np.asarray([r.n_terms == 0 for r in resumes])
    bm25[:, empty] = 0.0
    return out, bm25


def first_chunk_matrix(
    roles: Sequence[RoleFeatures], resumes: Sequence[ResumeFeatures]
) -> np.ndarray:
    """Round thirty-one: the cosine of the role's vector with the resume's first window (its
    top: headline, summary, and in most layouts the latest job); NaN for a resume without one."""
    out = np.full((len(roles), len(resumes)), np.nan)
    role_v = np.stack([np.asarray(r.vector, np.float32) for r in roles])
    for i, r in enumerate(resumes):
        if len(r.vectors):
            out[:, i] = role_v @ np.asarray(r.vectors[0], np.float32)
    return out


def semantic_matrices(
    roles: Sequence[RoleFeatures], resumes: Sequence[ResumeFeatures]
) -> tuple[np.ndarray, np.ndarray]:
    """(mean of the best two chunks' cosines, cosine with the pooled resume vector)."""
    role_v = np.stack([np.asarray(r.vector, np.float32) for r in roles])
    top = np.zeros((len(roles), len(resumes)))
    pooled = np.zeros((len(roles), len(resumes)))
    chunks = [np.asarray(r.vectors, np.float32) for r in resumes]
    sizes = [len(c) for c in chunks]
    if sum(sizes):
        sims = role_v @ np.concatenate([c for c in chunks if len(c)]).T
    cursor = 0
    for i, (c, n) in enumerate(zip(chunks, sizes, strict=True)):
        if not n:
            continue
        block = sims[:, cursor : cursor + n]
        cursor += n
        k = min(scoring.TOP_CHUNKS, n)
        top[:, i] = np.sort(block, axis=1)[:, n - k :].mean(1)
        pooled[:, i] = role_v @ embeddings.pooled(c)
    return top, pooled


def focus_matrix(roles: Sequence[EvalRole], resumes: Sequence[ResumeFeatures]) -> np.ndarray:
    """Round thirty-four: `semantic_matrices`' best-chunks cosine, read with the role's
    `focus_vector` (its title and skills in a line) instead of the whole ad's; NaN for a role
    without one."""
    with_focus = [j for j, r in enumerate(roles) if r.focus_vector is not None]
    out = np.full((len(roles), len(resumes)), np.nan)
    if not with_focus:
        return out
    focused = [
        replace(roles[j], vector=np.asarray(roles[j].focus_vector, np.float32)) for j in with_focus
    ]
    out[with_focus] = semantic_matrices(focused, resumes)[0]
    return out


def section_matrices(
    roles: Sequence[EvalRole], resumes: Sequence[ResumeFeatures]
) -> tuple[np.ndarray, np.ndarray]:
    """`levers.section_cosines` for every pair: (mean over the role's lines of the closest
    chunk's cosine, mean of the best `TOP_LINES` lines); NaN for a role without lines."""
    cover = np.full((len(roles), len(resumes)), np.nan)
    top = np.full((len(roles), len(resumes)), np.nan)
    chunks = [np.asarray(r.vectors, np.float32) for r in resumes]
    sizes = np.asarray([len(c) for c in chunks])
    if not sizes.sum():
        return cover, top
    flat = np.concatenate([c for c in chunks if len(c)])
    starts = np.concatenate([[0], np.cumsum(sizes[sizes > 0])[:-1]])
    has = np.flatnonzero(sizes > 0)
    for j, role in enumerate(roles):
        lines = role.line_vectors
        if lines is None or not len(lines):
            continue
        # best chunk per (line, resume): a max over each resume's block of columns
        best = np.zeros((len(lines), len(resumes)), np.float32)
        best[:, has] = np.maximum.reduceat(np.asarray(lines, np.float32) @ flat.T, starts, axis=1)
        k = min(TOP_LINES, len(lines))
        cover[j] = best.mean(0)
        top[j] = np.sort(best, axis=0)[len(lines) - k :].mean(0)
    return cover, top


def title_matrix(
    roles: Sequence[RoleFeatures],
    resumes: Sequence[ResumeFeatures],
    *,
    latest: bool = False,
    mean: bool = False,
) -> np.ndarray:
    """Best title cosine; NaN where the resume has no title or the role none. With `latest`
    (round thirty), the cosine of the resume's first title only: its latest job's, or its
    headline where no job has a title (`ranking._titles` lists them in that order). With
    `mean` (round thirty-two), the mean over the titles held instead of the best: how much of
    the career is in the role's line of work rather than whether any of it is."""
    out = np.full((len(roles), len(resumes)), np.nan)
    with_title = [j for j, r in enumerate(roles) if r.title_vector is not None]
    if not with_title:
        return out
    role_v = np.stack([np.asarray(roles[j].title_vector, np.float32) for j in with_title])
    for i, r in enumerate(resumes):
        if len(r.title_vectors):
            vectors = np.asarray(r.title_vectors, np.float32)[: 1 if latest else None]
            cosines = role_v @ vectors.T
            out[with_title, i] = cosines.mean(1) if mean else cosines.max(1)
    return out


def _title_words(title: str) -> set[str]:
    # A crude plural fold, for this lever only: O*NET titles are plural ("Accountants") and a
    # resume's singular; round fourteen's fold of every word lost, so none of the product's
    # other readings is changed by it.
    return {
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words.tokens(words.without_qualifier(title))
    }


def title_words_matrix(
    roles: Sequence[RoleFeatures], resumes: Sequence[ResumeFeatures], stats: lexical.PoolStats
) -> np.ndarray:
    """Round thirty-two: the share of the role title's words, each weighed by its rarity over
    the pool (`stats.idf`), that the resume's titles use: "Mechanical Engineer" shares only the
    common "engineer" with "Machine Learning Engineer", whatever their vectors say. NaN where
    the role's title has no word or the resume no title."""
    out = np.full((len(roles), len(resumes)), np.nan)
    held = [set().union(*map(_title_words, r.titles)) if r.titles else None for r in resumes]
    for j, role in enumerate(roles):
        weights = {w: stats.idf(w) for w in _title_words(role.title)}
        total = sum(weights.values())
        if total <= 0:
            continue
        for i, found in enumerate(held):
            if found is not None:
                out[j, i] = sum(v for w, v in weights.items() if w in found) / total
    return out


def skills_matrix(
    roles: Sequence[RoleFeatures],
    resumes: Sequence[ResumeFeatures],
    *,
    skills: str = "product",
) -> np.ndarray:
    """`scoring.skill_coverage` of `scoring.skill_evidence` (a listed skill, negative id, found
    where a line, or a wrapped line and the next, uses all its words: `ranking.listed_mentions`,
    its years those that quote claims); NaN for a role without skills. `skills`: "product"
    reads the role's skills, "with_asked" adds round six's `EvalRole.asked`, "asked" reads
    those alone, "musts" round forty-six's must-haves alone (NaN for a role without any)."""
    readable = np.array([scoring.text_is_readable(r.text) for r in resumes])
    total_years = [r.total_years for r in resumes]
    per_skill: dict[Any, tuple[np.ndarray, list[float | None]]] = {}
    lines_of: dict[int, tuple[list[str], dict[str, set[int]]]] = {}

    def listed(words: tuple[str, ...]) -> tuple[np.ndarray, list[float | None]]:
        # `ranking.listed_mentions`, resume by resume: found where `ranking.listed_span` is,
        # with the years its quote claims.
        found = np.zeros(len(resumes), dtype=bool)
        years: list[float | None] = [None] * len(resumes)
        for i, r in enumerate(resumes):
            if not words or not all(w in r.terms for w in words):
                continue
            if i not in lines_of:
                text = r.text.splitlines()
                lines_of[i] = (text, ranking.word_lines(text))
            text, where = lines_of[i]
            span = ranking.listed_span(words, where)
            if span is not None:
                found[i] = True
                years[i] = scoring.skill_years([ranking.listed_mention(0, text, span)])
        return found, years

    def columns(spec: scoring.RoleSkillSpec) -> tuple[np.ndarray, list[float | None]]:
        skill_id = spec.skill_id
        if skill_id < 0:
            # A listed skill's id is the role's own; its words are what every role shares.
            words = tuple(lexical.tokens(spec.name))
            if words not in per_skill:
                per_skill[words] = listed(words)
            return per_skill[words]
        if skill_id not in per_skill:
            found = np.array([skill_id in r.mentions for r in resumes])
            years = [
                scoring.skill_years(r.mentions[skill_id]) if skill_id in r.mentions else None
                for r in resumes
            ]
            per_skill[skill_id] = (found, years)
        return per_skill[skill_id]

    out = np.full((len(roles), len(resumes)), np.nan)
    for j, role in enumerate(roles):
        asked = list(getattr(role, "asked", ()))
        specs = {
            "product": role.skills,
            "with_asked": [*role.skills, *asked],
            "asked": asked,
            "musts": [s for s in role.skills if s.must_have],
        }
        if not specs[skills]:
            continue
        got = np.zeros(len(resumes))
        total = 0.0
        for spec in specs[skills]:
            w = spec.weight * (scoring.MUST_HAVE_MULTIPLIER if spec.must_have else 1.0)
            found, years = columns(spec)
            credit = np.where(readable, 0.0, scoring.UNKNOWN_CREDIT)
            if spec.min_years:
                for i in np.flatnonzero(found):
                    credit[i] = scoring.skill_credit(
                        scoring.FOUND, years[i], total_years[i], spec.min_years
                    )
            else:
                credit[found] = 1.0
            got += w * credit
            total += w
        out[j] = got / total if total else np.nan
    return out


def level_matrix(roles: Sequence[RoleFeatures], resumes: Sequence[ResumeFeatures]) -> np.ndarray:
    """`scoring.level_gap` of the role's title and the resume's latest; NaN without a title."""
    has = np.array([bool(r.titles and r.titles[0].strip()) for r in resumes])
    cand = np.array([scoring.title_level(r.titles[0]) if r.titles else 0 for r in resumes])
    cand_entry = np.array([bool(r.titles) and scoring.is_entry_title(r.titles[0]) for r in resumes])
    out = np.full((len(roles), len(resumes)), np.nan)
    for j, role in enumerate(roles):
        gap = np.maximum(0, scoring.title_level(role.title) - cand).astype(float)
        if scoring.is_entry_title(role.title):
            gap[cand_entry] = 0.0
        out[j] = np.where(has, gap, np.nan)
    return out


def pairs_matrix(
    roles: Sequence[RoleFeatures], resumes: Sequence[ResumeFeatures], weights: tuple[Any, Any]
) -> np.ndarray:
    """`levers.pair_vectors` cosine of every (role, resume) pair."""
    role_rows = levers.pair_vectors([r.text for r in roles], weights)
    resume_rows = levers.pair_vectors([r.text for r in resumes], weights)
    return np.asarray((role_rows @ resume_rows.T).toarray())


# Candidate inputs also read against the reference pool: round four's word pairs (`levers`),
# round five's BM25 share (a product component the chosen design leaves out), round six's
# skill coverage with the experience the ad asks for, and that experience alone. (Round thirty's
# latest title is a product input since version 16, in `REFERENCE_INPUTS`.) Round thirty-one's
# first window. Round thirty-two's mean title and the role title's words in the resume's titles.
# Round thirty-four's meaning read with the role's title and skills in a line. Round
# forty-six's coverage of the must-haves alone.
LEVER_REFERENCE_INPUTS = (
    "pairs",
    "bm25",
    "skills_asked",
    "asked",
    "semantic_first",
    "title_mean",
    "title_words",
    "semantic_focus",
    "musts",
)


def component_matrices(
    roles: Sequence[EvalRole],
    resumes: Sequence[ResumeFeatures],
    stats: lexical.PoolStats,
    *,
    reference: Sequence[ResumeFeatures] = (),
    pair_weights: tuple[Any, Any] | None = None,
) -> dict[str, np.ndarray]:
    top, pooled = semantic_matrices(roles, resumes)
    cosine, bm25 = lexical_matrix(roles, resumes, stats)
    cover, best_lines = section_matrices(roles, resumes)
    raw = {
        "lexical": cosine,
        "lexical_expanded": lexical_matrix(roles, resumes, stats, expanded=True)[0],
        "section": cover,
        "section_top": best_lines,
        "bm25": bm25,
        "semantic": top,
        "semantic_mean": pooled,
        "semantic_first": first_chunk_matrix(roles, resumes),
        "semantic_focus": focus_matrix(roles, resumes),
        "title": title_matrix(roles, resumes),
        "title_latest": title_matrix(roles, resumes, latest=True),
        "title_mean": title_matrix(roles, resumes, mean=True),
        "title_words": title_words_matrix(roles, resumes, stats),
        "skills": skills_matrix(roles, resumes),
        "skills_asked": skills_matrix(roles, resumes, skills="with_asked"),
        "asked": skills_matrix(roles, resumes, skills="asked"),
        "musts": skills_matrix(roles, resumes, skills="musts"),
        "level_gap": level_matrix(roles, resumes),
    }
    if reference and pair_weights is None:
        pair_weights = levers.pair_weights([r.text for r in reference])
    if pair_weights is not None:
        raw["pairs"] = pairs_matrix(roles, resumes, pair_weights)
    # `levers.pool_z` of each role's row: the set's resumes are the organisation's pool.
    for name in REFERENCE_INPUTS:
        raw[f"{name}_rz"] = zscore(raw[name], axis=1)
    if reference:
        # `levers.reference_z`: each role's spread over the fixed reference pool.
        ref = component_matrices(roles, reference, stats, pair_weights=pair_weights)
        for name in (*REFERENCE_INPUTS, *LEVER_REFERENCE_INPUTS):
            # A role with no value over the pool (no title, nothing asked) gets NaN, as it should.
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(ref[name], axis=1, keepdims=True)
                sd = np.nanstd(ref[name], axis=1, keepdims=True)
            raw[f"{name}_fz"] = (raw[name] - mean) / np.where(sd > 0, sd, 1.0)
            if name in levers.AVERAGE_ROLE_SD:
                # Round fifteen: the same, each role's spread floored (`levers.floored_sd`).
                for suffix, share in levers.SD_FLOORS.items():
                    floor = levers.floored_sd(name, np.nan_to_num(sd), share)
                    raw[f"{name}_{suffix}"] = (raw[name] - mean) / floor
            # Each role's own statistics (one column), for the model's stand-in values.
            raw[f"{name}_ref_mean"], raw[f"{name}_ref_sd"] = mean, sd
    return raw


def v3_scores(raw: dict[str, np.ndarray]) -> np.ndarray:
    """Scoring version 3 (the fixed spreads and weights) from the raw matrices, for reference."""
    parts = {
        "semantic": np.clip(
            (raw["semantic"] - scoring.SEMANTIC_FLOOR)
            / (scoring.SEMANTIC_CEIL - scoring.SEMANTIC_FLOOR),
            0,
            1,
        ),
        "skills": raw["skills"],
        "lexical": np.clip(raw["lexical"] / scoring.LEXICAL_CEIL, 0, 1),
        "title": np.clip(
            (raw["title"] - scoring.TITLE_FLOOR) / (scoring.TITLE_CEIL - scoring.TITLE_FLOOR), 0, 1
        ),
    }
    weights = {"semantic": 0.0667, "skills": 0.0667, "lexical": 0.6667, "title": 0.2}
    got = np.zeros_like(raw["lexical"])
    total = np.zeros_like(raw["lexical"])
    for key, w in weights.items():
        present = ~np.isnan(parts[key])
        got += np.where(present, w * np.nan_to_num(parts[key]), 0.0)
        total += np.where(present, w, 0.0)
    gap = np.nan_to_num(raw["level_gap"])
    return 100.0 * got / np.maximum(total, 1e-9) * (1.0 - np.minimum(1.0, 0.15 * gap))


# --- Baselines ---------------------------------------------------------------------------------


def tfidf_matrix(jobs: Sequence[str], resumes: Sequence[str]) -> np.ndarray:
    """TF-IDF with words and word pairs, sublinear tf, English stop words, fitted on the set."""
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1
    )
    matrix = vectorizer.fit_transform(list(jobs) + list(resumes))
    return (matrix[: len(jobs)] @ matrix[len(jobs) :].T).toarray()


def bm25_matrix(
    jobs: Sequence[str], resumes: Sequence[str], k1: float = 1.2, b: float = 0.75
) -> np.ndarray:
    """Okapi BM25 of each job's words (the query) over the resumes, idf from the resumes."""
    vectorizer = CountVectorizer(stop_words="english")
    docs = vectorizer.fit_transform(resumes).tocsr().astype(float)
    queries = vectorizer.transform(jobs)
    queries.data[:] = 1.0  # each query word once, as a search box reads it
    n = docs.shape[0]
    df = np.bincount(docs.indices, minlength=docs.shape[1])
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
    lengths = np.asarray(docs.sum(1)).ravel()
    avg = lengths.mean() if n else 1.0
    norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
    rows = np.repeat(np.arange(n), np.diff(docs.indptr))
    tf = docs.data
    docs.data = tf * (k1 + 1) / (tf + norm[rows]) * idf[docs.indices]
    return np.asarray((queries @ docs.T).toarray())


def minilm_matrix(roles: Sequence[RoleFeatures], resumes: Sequence[ResumeFeatures]) -> np.ndarray:
    """MiniLM alone: cosine of the job's and the resume's whole-text vectors (chunks pooled)."""
    return semantic_matrices(roles, resumes)[1]


def zscore(matrix: np.ndarray, axis: int) -> np.ndarray:
    """Per-query z-scores (axis 1: a job's row over resumes; axis 0: a resume's column)."""
    mean = np.nanmean(matrix, axis=axis, keepdims=True)
    sd = np.nanstd(matrix, axis=axis, keepdims=True)
    return (matrix - mean) / np.where(sd > 0, sd, 1.0)


def fusion_matrix(tfidf: np.ndarray, minilm: np.ndarray, axis: int) -> np.ndarray:
    return zscore(tfidf, axis) + zscore(minilm, axis)


def finite(value: float) -> bool:
    return not math.isnan(value)
