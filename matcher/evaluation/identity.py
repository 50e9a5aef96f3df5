"""Names and latest job titles read from resumes, checked against hand labels.

The sample is fixed by a rule, not by hand-picking, so anyone can rebuild it from the corpora:
every file is ranked by the SHA-256 of `SEED + identifier`, and the first ones are taken per
stratum (two per livecareer category, three per field prefix of our plain-text resumes, 54 of
the 65 DOCX resumes). Each source is then split alternately in that order into a dev half
(rules may be tuned on it) and a test half (only reported). The labels, written by reading each
text as `candidates.parsing.extract` gives it and before any extractor output on it was seen, are
in `data/identity_labels.csv`; the resume texts themselves stay in the corpora.

No Django import.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from candidates.parsing import extract

DATA_DIR = Path(__file__).resolve().parent / "data"
LABELS_PATH = DATA_DIR / "identity_labels.csv"
SEED = "rolematch-identity-2026:"
NONE = ""  # the label for "the resume gives no name" / "no job title"

LIVECAREER_PER_CATEGORY = 2
TEXT_PER_FIELD = 3
DOCX_COUNT = 54


@dataclass(frozen=True)
class Item:
    source: str  # "livecareer", "docx", "text"
    ident: str  # livecareer id, DOCX file name, text file name
    stratum: str

    @property
    def key(self) -> str:
        return f"{self.source}:{self.ident}"


def _rank(ident: str) -> str:
    return hashlib.sha256((SEED + ident).encode()).hexdigest()


def _take(items: Iterable[Item], per_stratum: int | None, total: int | None = None) -> list[Item]:
    ordered = sorted(items, key=lambda i: (i.stratum, _rank(i.ident)))
    taken: list[Item] = []
    counts: dict[str, int] = {}
    for item in ordered:
        if per_stratum is not None and counts.get(item.stratum, 0) >= per_stratum:
            continue
        counts[item.stratum] = counts.get(item.stratum, 0) + 1
        taken.append(item)
    if total is not None:
        taken = sorted(taken, key=lambda i: _rank(i.ident))[:total]
    return taken


def sample(shared: Path) -> list[Item]:
    """The 150 files of the labelled sample, in a stable order."""
    livecareer = shared / "datasets" / "livecareer-resumes"
    with open(livecareer / "labels.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = _take(
        (Item("livecareer", row["id"], row["category"]) for row in rows),
        LIVECAREER_PER_CATEGORY,
    )
    docx = sorted((shared / "datasets" / "vacancy-resume-matching" / "CV").glob("*.docx"))
    items += sorted(
        _take((Item("docx", p.name, "docx") for p in docx), None, DOCX_COUNT),
        key=lambda i: _rank(i.ident),
    )
    texts = sorted((DATA_DIR / "resumes").glob("*.txt"))
    items += _take((Item("text", p.name, p.name.split("-", 1)[0]) for p in texts), TEXT_PER_FIELD)
    return items


def split_of(items: list[Item]) -> dict[str, str]:
    """ "dev" or "test" per item key: alternate within each source, in hash order."""
    out: dict[str, str] = {}
    for source in ("livecareer", "docx", "text"):
        mine = sorted((i for i in items if i.source == source), key=lambda i: _rank(i.ident))
        for index, item in enumerate(mine):
            out[item.key] = "dev" if index % 2 == 0 else "test"
    return out


def path_of(item: Item, shared: Path) -> Path:
    if item.source == "livecareer":
        return (
            shared / "datasets" / "livecareer-resumes" / "pdf" / item.stratum / f"{item.ident}.pdf"
        )
    if item.source == "docx":
        return shared / "datasets" / "vacancy-resume-matching" / "CV" / item.ident
    return DATA_DIR / "resumes" / item.ident


def read_text(item: Item, shared: Path) -> str:
    """The text as intake reads it."""
    path = path_of(item, shared)
    return extract(path.read_bytes(), path.name, ocr=False).text
