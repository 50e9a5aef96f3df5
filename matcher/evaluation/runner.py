"""RoleMatch's labelled set and Vanetik & Kogan's annotation file, read from disk.

`sets.py` builds the evaluation sets from these; no Django import.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


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


def parse_annotations(text: str) -> dict[str, list[list[int]]]:
    """`ANNOTATOR_n_RANKINGS=[[...], ...]` blocks: for CV i, the rank (1 = best) given to each of
    the five vacancies, in the order of 5_vacancies.csv."""
    out: dict[str, list[list[int]]] = {}
    for m in re.finditer(r"(ANNOTATOR_\d+)_RANKINGS\s*=\s*(\[.*?\]\])", text, re.DOTALL):
        body = re.sub(r"#[^\n]*", "", m.group(2))
        rows = re.findall(r"\[([\d,\s]+)\]", body)
        out[m.group(1)] = [[int(x) for x in row.split(",") if x.strip()] for row in rows]
    return out
