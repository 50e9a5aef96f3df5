"""The four evaluation sets, each read through the product's intake (`cache.parse_files`).

A set is a list of jobs, a list of resumes and a list of queries. A query ranks the resumes for
one job (axis "row"), or, in Vanetik & Kogan's set, the jobs for one resume (axis "col"), with a
grade for every item that counts (absent = 0). `quick=True` takes a fixed stratified sample.
No Django import.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from candidates.parsing import ParseError, extract
from matcher.evaluation import cache
from matcher.evaluation.runner import load_labelled_set, parse_annotations

DATA_DIR = Path(__file__).resolve().parent / "data"
LIVECAREER_DATA = DATA_DIR / "livecareer"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"

LIVECAREER_QUICK_PER_CATEGORY = 8
RJDB_QUICK_JOBS = 100
LABELLED_QUICK_JOBS = 16  # all: the set is small


@dataclass
class Query:
    id: str
    axis: str  # "row": rank the resumes for job `index`; "col": rank the jobs for resume `index`
    index: int
    grades: dict[int, float]
    group: str = ""


@dataclass
class EvalSet:
    name: str
    jobs: list[str]
    resumes: list[str]
    queries: list[Query]
    k: int = 10
    relevant_at: float = 2.0  # MAP counts items graded at least this
    note: str = ""
    # rjdb: (job, matched resume, unmatched resume) for pairwise accuracy
    pairs: list[tuple[int, int, int]] = field(default_factory=list)
    refused: int = 0  # files intake would not read (never shown to a recruiter, so not ranked)
    # The day each resume's file says it was saved ("" when it says none; empty for texts).
    written: list[str] = field(default_factory=list)


def _stable(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _as_intake_text(text: str, name: str = "resume.txt") -> str:
    """A plain-text resume as intake stores it (the same normalisation as an uploaded .txt)."""
    try:
        return extract(text.encode("utf-8"), name).text
    except ParseError:
        return ""  # refused by intake: it stays in the pool, empty, and can only be missed


# --- livecareer ----------------------------------------------------------------------------------


def _tsv(path: Path) -> list[dict[str, str]]:
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t"))


def onet_query(folder: Path, code: str) -> str:
    """An O*NET occupation as a job description: title, description and task statements."""
    title = description = ""
    with (folder / "Occupation Data.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["O*NET-SOC Code"] == code:
                title, description = row["Title"], row["Description"]
    if not title:
        raise ValueError(f"O*NET occupation {code} is not in {folder}")
    tasks = []
    with (folder / "Task Statements.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["O*NET-SOC Code"] == code:
                tasks.append(f"- {row['Task']}")
    return f"{title}\n\n{description}\n\nTasks\n" + "\n".join(tasks)


def stratified(rows: list[dict[str, str]], per_category: int) -> list[dict[str, str]]:
    """The first `per_category` resumes of each category in a fixed pseudo-random order (by
    the hash of their ids), taken round-robin across categories so a longer prefix of the same
    order is always a larger stratified sample."""
    by_cat: dict[str, list[dict[str, str]]] = {}
    for row in sorted(rows, key=lambda r: _stable(r["id"])):
        by_cat.setdefault(row["category"], []).append(row)
    out = []
    for rank in range(per_category):
        for cat in sorted(by_cat):
            if rank < len(by_cat[cat]):
                out.append(by_cat[cat][rank])
    return out


def livecareer(
    shared: Path = SHARED,
    *,
    quick: bool = False,
    per_category: int | None = None,
    log: Callable[[str], None] = print,
) -> EvalSet:
    root = shared / "livecareer-resumes"
    with (root / "labels.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    per_category = LIVECAREER_QUICK_PER_CATEGORY if quick else per_category
    if per_category:
        rows = stratified(rows, per_category)
    parsed = cache.parse_files([root / r["path"] for r in rows], log=log)
    kept = [(r, t) for r, (t, _) in zip(rows, parsed, strict=True) if t]
    written = [day for t, day in parsed if t]
    categories = [r["category"] for r, _ in kept]
    neighbours: dict[str, set[str]] = {}
    for row in _tsv(LIVECAREER_DATA / "neighbours.tsv"):
        neighbours.setdefault(row["category_a"], set()).add(row["category_b"])
        neighbours.setdefault(row["category_b"], set()).add(row["category_a"])
    cats = sorted(p.stem for p in (LIVECAREER_DATA / "jobs").glob("*.txt"))
    onet = {row["category"]: row["onet_soc_code"] for row in _tsv(LIVECAREER_DATA / "onet.tsv")}
    jobs: list[str] = []
    queries: list[Query] = []
    for kind in ("jd", "onet"):
        for cat in cats:
            if kind == "jd":
                text = (LIVECAREER_DATA / "jobs" / f"{cat}.txt").read_text(encoding="utf-8")
            else:
                text = onet_query(shared / "onet-29.2", onet[cat])
            grades = {}
            for i, c in enumerate(categories):
                if c == cat:
                    grades[i] = 2.0
                elif c in neighbours.get(cat, ()):
                    grades[i] = 1.0
            queries.append(Query(f"{kind}:{cat}", "row", len(jobs), grades, kind))
            jobs.append(text)
    return EvalSet(
        "livecareer",
        jobs,
        [t for _, t in kept],
        queries,
        note=(
            f"{len(kept)} PDFs in 24 categories; 24 written job descriptions and 24 O*NET "
            "occupations; same category 2, declared neighbour 1"
        ),
        refused=len(rows) - len(kept),
        written=written,
    )


# --- rjdb ----------------------------------------------------------------------------------------


def rjdb(
    shared: Path = SHARED, *, quick: bool = False, log: Callable[[str], None] = print
) -> EvalSet:
    with (shared / "rjdb" / "test.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if quick:
        records = sorted(records, key=lambda r: _stable(r["Job-Description"]))[:RJDB_QUICK_JOBS]
    jobs: list[str] = []
    resumes: list[str] = []
    queries: list[Query] = []
    pairs: list[tuple[int, int, int]] = []
    for j, record in enumerate(records):
        matched = len(resumes)
        resumes.append(_as_intake_text(record["Resume-matched"]))
        resumes.append(_as_intake_text(record["Resume-unmatched"]))
        jobs.append(record["Job-Description"].strip())
        queries.append(Query(f"job{j}", "row", j, {matched: 2.0}))
        pairs.append((j, matched, matched + 1))
    return EvalSet(
        "rjdb",
        jobs,
        resumes,
        queries,
        pairs=pairs,
        refused=sum(1 for r in resumes if not r),
        note=f"{len(jobs)} generated jobs; the matched resume among all {len(resumes)}",
    )


# --- RoleMatch's labelled set ---------------------------------------------------------------------


def labelled(
    folder: Path = DATA_DIR, *, quick: bool = False, log: Callable[[str], None] = print
) -> EvalSet:
    data = load_labelled_set(folder)
    job_ids, resume_ids = list(data.jobs), list(data.resumes)
    index = {r: i for i, r in enumerate(resume_ids)}
    queries = [
        Query(
            job,
            "row",
            j,
            {index[r]: float(g) for r, g in data.grades[job].items() if g},
            data.split[job],
        )
        for j, job in enumerate(job_ids)
    ]
    return EvalSet(
        "labelled",
        [data.jobs[j] for j in job_ids],
        [_as_intake_text(data.resumes[r]) for r in resume_ids],
        queries,
        note="RoleMatch's 16 written jobs x 179 written resumes; 2 fits, 1 adjacent",
    )


# --- Vanetik & Kogan ----------------------------------------------------------------------------


def vanetik(
    shared: Path = SHARED, *, quick: bool = False, log: Callable[[str], None] = print
) -> EvalSet:
    folder = shared / "vacancy-resume-matching"
    with (folder / "5_vacancies.csv").open(encoding="utf-8") as handle:
        vacancies = list(csv.DictReader(io.StringIO(handle.read())))
    jobs = [f"{v['job_title']}\n\n{v['job_description']}" for v in vacancies]
    annotations = parse_annotations(
        (folder / "annotations-for-the-first-30-vacancies.txt").read_text(encoding="utf-8")
    )
    n_cvs = max(len(rows) for rows in annotations.values())
    parsed = cache.parse_files([folder / "CV" / f"{i}.docx" for i in range(1, n_cvs + 1)], log=log)
    texts = [text for text, _ in parsed]
    queries = []
    for who, rows in annotations.items():
        for c, ranks in enumerate(rows):
            if len(ranks) == len(jobs) and texts[c]:
                grades = {v: float(len(jobs) - r) for v, r in enumerate(ranks)}
                queries.append(Query(f"{who}:cv{c + 1}", "col", c, grades, who))
    return EvalSet(
        "vanetik",
        jobs,
        [t or "" for t in texts],
        queries,
        k=5,
        relevant_at=3.0,
        note=f"{n_cvs} DOCX CVs x {len(jobs)} vacancies ranked by two annotators; gain 4..0",
        written=[day for _, day in parsed],
    )


LOADERS = {"livecareer": livecareer, "rjdb": rjdb, "labelled": labelled, "vanetik": vanetik}


def titles_of(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().splitlines()[0] if text.strip() else "")[:80]
