"""Runs the scorers side by side over the labelled sets and reports nDCG@10 and MAP.

Three scorers, given the same texts:
- "RoleMatch": the product's hybrid scorer (`matcher.ranking`), the job read into a skill
  profile exactly as a pasted job description is;
- "TF-IDF": cosine of scikit-learn TF-IDF vectors (sublinear tf, English stop words) fitted on
  the jobs and resumes;
- "MiniLM cosine": cosine of all-MiniLM-L6-v2 embeddings of the whole texts, as the model reads
  them (the first 256 tokens).
No Django import; the command `evaluate_ranking` prints what this returns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

import numpy as np

from matcher import embeddings, ranking, scoring
from matcher.evaluation.metrics import average_precision, ndcg_at_k

DATA_DIR = Path(__file__).resolve().parent / "data"
SCORERS = ("RoleMatch", "TF-IDF", "MiniLM cosine")

COMPONENTS = scoring.COMPONENTS


@dataclass
class Comparison:
    """RoleMatch against one baseline, query by query, for one measure."""

    mean_diff: float
    wins: int
    ties: int
    losses: int
    # One-sided exact sign-flip test: the chance that differences this large in RoleMatch's
    # favour arise if each query's difference were as likely to have the other sign.
    p_value: float


@dataclass
class Report:
    name: str
    queries: int
    documents: int
    ndcg: dict[str, float] = field(default_factory=dict)
    map: dict[str, float] = field(default_factory=dict)
    note: str = ""
    k: int = 10
    # nDCG of RoleMatch's components each ranking alone: which one helps, which one hurts.
    component_ndcg: dict[str, float] = field(default_factory=dict)
    # "TF-IDF" -> {"nDCG": Comparison, "MAP": Comparison}
    comparisons: dict[str, dict[str, Comparison]] = field(default_factory=dict)
    # Figures that are not scorers but say what the set can show (the annotators' agreement).
    references: dict[str, tuple[float, float]] = field(default_factory=dict)


TIE = 1e-9
GRADES_NOTE = "relevance 2 = fits, 1 = adjacent, 0 = other; MAP counts grade 2"
EXACT_UP_TO = 16
SAMPLED_PATTERNS = 100_000


def sign_flip_p_value(diffs: list[float]) -> float:
    """One-sided p-value of the paired sign-flip (randomisation) test on the mean: exact up to
    16 non-tied queries (65,536 sign patterns), sampled above."""
    d = np.asarray([x for x in diffs if abs(x) > TIE], dtype=float)
    if len(d) == 0:
        return 1.0
    if len(d) <= EXACT_UP_TO:
        signs = 1 - 2 * ((np.arange(2 ** len(d))[:, None] >> np.arange(len(d))) & 1)
    else:  # too many patterns to list: a fixed-seed sample, so a rerun prints the same value
        signs = np.random.default_rng(0).choice([-1, 1], size=(SAMPLED_PATTERNS, len(d)))
    return float(((signs * d).sum(1) >= d.sum() - TIE).mean())


def compare(ours: list[float], theirs: list[float]) -> Comparison:
    diffs = [a - b for a, b in zip(ours, theirs, strict=True)]
    return Comparison(
        mean_diff=mean(diffs),
        wins=sum(1 for x in diffs if x > TIE),
        ties=sum(1 for x in diffs if abs(x) <= TIE),
        losses=sum(1 for x in diffs if x < -TIE),
        p_value=sign_flip_p_value(diffs),
    )


def _fill(report: Report, per_query: Mapping[str, tuple[list[float], list[float]]]) -> None:
    """Means per scorer (and per component), and RoleMatch against each baseline."""
    for name, (ndcgs, aps) in per_query.items():
        if name in COMPONENTS:
            report.component_ndcg[name] = mean(ndcgs)
        else:
            report.ndcg[name], report.map[name] = mean(ndcgs), mean(aps)
    ours = per_query["RoleMatch"]
    for baseline in SCORERS[1:]:
        theirs = per_query[baseline]
        report.comparisons[baseline] = {
            "nDCG": compare(ours[0], theirs[0]),
            "MAP": compare(ours[1], theirs[1]),
        }


@dataclass
class LabelledSet:
    jobs: dict[str, str]
    resumes: dict[str, str]
    grades: dict[str, dict[str, int]]  # job -> resume -> grade (absent = 0)
    split: dict[str, str] = field(default_factory=dict)  # job -> "dev" or "test"


def load_labelled_set(folder: Path = DATA_DIR) -> LabelledSet:
    jobs = {p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / "jobs").glob("*.txt"))}
    resumes = {
        p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / "resumes").glob("*.txt"))
    }
    grades: dict[str, dict[str, int]] = {job: {} for job in jobs}
    with (folder / "labels.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["job"] not in jobs or row["resume"] not in resumes:
                raise ValueError(f"labels.tsv names an unknown file: {row}")
            grades[row["job"]][row["resume"]] = int(row["grade"])
    split: dict[str, str] = {}
    with (folder / "split.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["job"] not in jobs or row["part"] not in ("dev", "test"):
                raise ValueError(f"split.tsv has a bad row: {row}")
            split[row["job"]] = row["part"]
    if set(split) != set(jobs):
        raise ValueError("split.tsv must put every job in dev or test")
    return LabelledSet(jobs, resumes, grades, split)


# --- Scorers ---------------------------------------------------------------------------------


def rolematch_scores(
    jobs: list[str], resumes: list[str], matcher: Any, categories: Mapping[int, str] | None = None
) -> dict[str, np.ndarray]:
    """RoleMatch's score matrix, and each component's own (a missing component counts 0)."""
    features = ranking.resume_features(resumes, matcher)
    stats = ranking.pool_stats(features)
    out = {name: np.zeros((len(jobs), len(resumes))) for name in ("RoleMatch", *COMPONENTS)}
    for j, text in enumerate(jobs):
        role = ranking.role_from_job_description(text, matcher, categories=categories)
        for i, result in ranking.rank(role, features, stats):
            out["RoleMatch"][j, i] = result.score
            for name in COMPONENTS:
                out[name][j, i] = result.components.get(name) or 0.0
    return out


def tfidf_scores(jobs: list[str], resumes: list[str]) -> np.ndarray:
    # scikit-learn loads only for the TF-IDF baseline of an evaluation run.
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = vectorizer.fit_transform(jobs + resumes)
    job_m, resume_m = matrix[: len(jobs)], matrix[len(jobs) :]
    return (job_m @ resume_m.T).toarray()


def minilm_scores(jobs: list[str], resumes: list[str]) -> np.ndarray:
    model = embeddings.get_model()
    job_v = model.encode(jobs, normalize_embeddings=True, show_progress_bar=False)
    resume_v = model.encode(resumes, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(job_v @ resume_v.T)


def all_scores(
    jobs: list[str], resumes: list[str], matcher: Any, categories: Mapping[int, str] | None = None
) -> dict[str, np.ndarray]:
    return {
        **rolematch_scores(jobs, resumes, matcher, categories),
        "TF-IDF": tfidf_scores(jobs, resumes),
        "MiniLM cosine": minilm_scores(jobs, resumes),
    }


def _ranked(ids: list[str], row: np.ndarray) -> list[str]:
    order = sorted(range(len(ids)), key=lambda i: (-row[i], i))
    return [ids[i] for i in order]


# --- (a) RoleMatch's labelled set --------------------------------------------------------------


def evaluate_labelled(
    matcher: Any, categories: Mapping[int, str] | None = None, folder: Path = DATA_DIR
) -> list[Report]:
    """Three reports: the dev jobs (the default weights were chosen on them), the held-out test
    jobs (never looked at while tuning) and all jobs together (more queries for the paired
    tests); every job is ranked against every resume."""
    data = load_labelled_set(folder)
    job_ids, resume_ids = list(data.jobs), list(data.resumes)
    scores = all_scores(
        [data.jobs[j] for j in job_ids], [data.resumes[r] for r in resume_ids], matcher, categories
    )
    reports = []
    notes = {
        "dev": "weights tuned here",
        "test": "held out: never used for tuning",
        "all": "dev and test together, for the query-by-query tests",
    }
    for part in ("dev", "test", "all"):
        chosen = [j for j, job in enumerate(job_ids) if part in ("all", data.split[job])]
        title = "all jobs" if part == "all" else f"{part} part"
        report = Report(f"RoleMatch labelled set, {title}", len(chosen), len(resume_ids))
        report.note = f"{notes[part]}; {GRADES_NOTE}"
        per_query: dict[str, tuple[list[float], list[float]]] = {}
        for name, matrix in scores.items():
            ndcgs, aps = [], []
            for j in chosen:
                ranked = _ranked(resume_ids, matrix[j])
                grades = data.grades[job_ids[j]]
                ndcgs.append(ndcg_at_k(ranked, grades, 10))
                aps.append(average_precision(ranked, {r for r, g in grades.items() if g >= 2}))
            per_query[name] = (ndcgs, aps)
        _fill(report, per_query)
        reports.append(report)
    return reports


# --- (b) Vanetik & Kogan's vacancy-resume set --------------------------------------------------


def parse_annotations(text: str) -> dict[str, list[list[int]]]:
    """`ANNOTATOR_n_RANKINGS=[[...], ...]` blocks: for CV i, the rank (1 = best) given to each of
    the five vacancies, in the order of 5_vacancies.csv."""
    out: dict[str, list[list[int]]] = {}
    for m in re.finditer(r"(ANNOTATOR_\d+)_RANKINGS\s*=\s*(\[.*?\]\])", text, re.DOTALL):
        body = re.sub(r"#[^\n]*", "", m.group(2))
        rows = re.findall(r"\[([\d,\s]+)\]", body)
        out[m.group(1)] = [[int(x) for x in row.split(",") if x.strip()] for row in rows]
    return out


def evaluate_vacancies(
    folder: Path,
    matcher: Any,
    read_docx: Callable[[Path], str],
    categories: Mapping[int, str] | None = None,
) -> Report:
    """Each CV is a query; the five vacancies are ranked for it and compared with each
    annotator's ranking (gain 4 for their first place down to 0 for the fifth; MAP counts their
    top two as relevant). Figures are averaged over annotators and CVs."""
    with (folder / "5_vacancies.csv").open(encoding="utf-8") as handle:
        vacancies = list(csv.DictReader(io.StringIO(handle.read())))
    jobs = [f"{v['job_title']}\n\n{v['job_description']}" for v in vacancies]
    annotations = parse_annotations(
        (folder / "annotations-for-the-first-30-vacancies.txt").read_text(encoding="utf-8")
    )
    n_cvs = max(len(rows) for rows in annotations.values())
    cv_ids = [str(i) for i in range(1, n_cvs + 1)]
    resumes = [read_docx(folder / "CV" / f"{cv}.docx") for cv in cv_ids]
    scores = all_scores(jobs, resumes, matcher, categories)
    vac_ids = [str(i) for i in range(len(jobs))]
    report = Report("vacancy-resume-matching (Vanetik & Kogan)", n_cvs, len(jobs), k=5)
    report.note = (
        f"{n_cvs} CVs x {len(jobs)} software vacancies, "
        f"{sum(len(r) for r in annotations.values())} human rankings from "
        f"{len(annotations)} annotators; gain 4..0 by human rank, MAP counts the human top 2"
    )

    def judged(
        predict: Callable[[int], np.ndarray], who: Mapping[str, list[list[int]]] = annotations
    ) -> tuple[list[float], list[float]]:
        """nDCG@5 and AP of a prediction (CV -> score per vacancy) against each ranking."""
        ndcgs, aps = [], []
        for rows in who.values():
            for c, ranks in enumerate(rows):
                if len(ranks) != len(jobs):
                    continue
                grades = {vac_ids[v]: float(len(jobs) - r) for v, r in enumerate(ranks)}
                ranked = _ranked(vac_ids, predict(c))
                ndcgs.append(ndcg_at_k(ranked, grades, 5))
                aps.append(
                    average_precision(ranked, {vac_ids[v] for v, r in enumerate(ranks) if r <= 2})
                )
        return ndcgs, aps

    def column(matrix: np.ndarray) -> Callable[[int], np.ndarray]:
        return lambda c: matrix[:, c]

    _fill(report, {name: judged(column(matrix)) for name, matrix in scores.items()})
    # What the set can tell apart: each annotator read as a scorer for the other (on the CVs
    # both ranked), and one fixed order of the vacancies (by mean human rank) for every CV.
    rows_of = list(annotations.values())
    if len(rows_of) == 2:
        n = min(len(rows_of[0]), len(rows_of[1]))
        a, b = rows_of[0][:n], rows_of[1][:n]
        one = judged(lambda c: -np.asarray(a[c], float), {"second": b})
        two = judged(lambda c: -np.asarray(b[c], float), {"first": a})
        report.references["annotators, each against the other"] = (
            mean(one[0] + two[0]),
            mean(one[1] + two[1]),
        )
    every = [r for rows in annotations.values() for r in rows if len(r) == len(jobs)]
    if every:
        fixed = -np.mean(np.asarray(every, float), axis=0)
        constant = judged(lambda _c: fixed)
        report.references["one fixed order for every CV"] = (mean(constant[0]), mean(constant[1]))
    return report


def format_report(report: Report) -> str:
    lines = [f"{report.name}: {report.queries} queries, {report.documents} documents each"]
    if report.note:
        lines.append(f"  ({report.note})")
    lines.append(f"  {'scorer':<16}{f'nDCG@{report.k}':>10}{'MAP':>10}")
    for name in SCORERS:
        lines.append(f"  {name:<16}{report.ndcg[name]:>10.3f}{report.map[name]:>10.3f}")
    for name, (ndcg, ap) in report.references.items():
        lines.append(f"  for reference, {name}: nDCG@{report.k} {ndcg:.3f}, MAP {ap:.3f}")
    if report.component_ndcg:
        parts = ", ".join(f"{k} {v:.3f}" for k, v in report.component_ndcg.items())
        lines.append(f"  RoleMatch's components alone (nDCG@{report.k}): {parts}")
    for baseline, measures in report.comparisons.items():
        parts = ", ".join(
            f"{measure} {c.mean_diff:+.3f} ({c.wins} better, {c.ties} equal, {c.losses} worse; "
            f"p = {c.p_value:.3f})"
            for measure, c in measures.items()
        )
        lines.append(f"  RoleMatch vs {baseline}, query by query: {parts}")
    return "\n".join(lines)


def as_dict(report: Report) -> Mapping[str, Any]:
    return {
        "name": report.name,
        "queries": report.queries,
        "documents": report.documents,
        "k": report.k,
        "ndcg": report.ndcg,
        "map": report.map,
        "component_ndcg": report.component_ndcg,
        "comparisons": {
            baseline: {measure: asdict(c) for measure, c in measures.items()}
            for baseline, measures in report.comparisons.items()
        },
        "references": {name: list(values) for name, values in report.references.items()},
        "note": report.note,
    }
