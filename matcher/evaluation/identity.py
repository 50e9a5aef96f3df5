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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from candidates.parsing import extract
from candidates.parsing.profile import extract_profile
from matcher.evaluation.taxonomy import file_skill_matcher

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


# --- Scoring --------------------------------------------------------------------------------

_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "miss", "prof"})
_TITLE_SYNONYMS = {"sr": "senior", "jr": "junior", "mgr": "manager", "&": "and"}


def _name_tokens(name: str) -> frozenset[str]:
    name = name.split(",")[0]  # "Owen Pritchard, MRICS"
    words = re.findall(r"[^\W\d_]+", name.lower())
    return frozenset(w for w in words if w not in _HONORIFICS)


def same_name(predicted: str, label: str) -> bool:
    """Order-free ("Motovilov Pavel"), case-free, honorifics and letters after a comma ignored."""
    return bool(label) and _name_tokens(predicted) == _name_tokens(label)


def _title_tokens(title: str) -> list[str]:
    title = re.sub(r"\b(front|back|full)[\s\-]+(end|stack)\b", r"\1\2", title.lower())
    words = re.findall(r"[^\W_]+|&", title)
    words = [_TITLE_SYNONYMS.get(w, w) for w in words]
    return [w for w in words if w not in ("of", "the", "a", "an", "in")]


def same_title(predicted: str, label: str) -> bool:
    """Token overlap F1 of at least 0.6, so "Hydroblasting Technician" matches "Hydroblasting
    Technician 1" and "Front End developer" matches "Frontend Developer", while "Senior
    Accountant" does not match "Staff Accountant"."""
    if not label or not predicted:
        return False
    p = set(_title_tokens(predicted))
    gold = set(_title_tokens(label))
    joined_p, joined_g = "".join(sorted(p)), "".join(sorted(gold))
    if joined_p == joined_g:
        return True
    common = len(p & gold)
    if not common:
        # "Front End" against "Frontend": compare with spaces squeezed out.
        squeeze = re.sub(r"[\W_]+", "", predicted.lower()) == re.sub(r"[\W_]+", "", label.lower())
        return squeeze
    precision, recall = common / len(p), common / len(gold)
    return 2 * precision * recall / (precision + recall) >= 0.6


@dataclass
class Label:
    item: Item
    split: str
    name: str
    title: str


def load_labels(path: Path = LABELS_PATH) -> list[Label]:
    with open(path, newline="") as handle:
        return [
            Label(
                Item(row["source"], row["id"], row["stratum"]),
                row["split"],
                row["name"],
                row["title"],
            )
            for row in csv.DictReader(handle)
        ]


@dataclass
class Scores:
    """Precision and recall of one field over one part of the sample."""

    predicted: int = 0
    labelled: int = 0
    correct: int = 0
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)  # key, predicted, label

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0


def evaluate(
    labels: list[Label],
    texts: dict[str, str],
    extractor: Callable[[str], tuple[str, str]],
) -> dict[str, dict[str, Scores]]:
    """{"dev"|"test"|"all": {"name": Scores, "title": Scores}}; `extractor(text)` gives
    (name, title), empty strings for none."""
    out = {part: {"name": Scores(), "title": Scores()} for part in ("dev", "test", "all")}
    for label in labels:
        name, title = extractor(texts[label.item.key])
        for part in (label.split, "all"):
            for kind, got, gold, same in (
                ("name", name, label.name, same_name),
                ("title", title, label.title, same_title),
            ):
                scores = out[part][kind]
                scores.labelled += bool(gold)
                if got:
                    scores.predicted += 1
                    if same(got, gold):
                        scores.correct += 1
                    else:
                        scores.mistakes.append((label.item.key, got, gold))
    return out


# --- Extractors and the run -----------------------------------------------------------------


def product_extractor(text: str) -> tuple[str, str]:
    """What the product shows: the profile's name and title, read with the taxonomy as intake
    reads them (a line of tools is no name)."""
    profile = extract_profile(text, file_skill_matcher())
    return str(profile.name.value or ""), str(profile.title.value or "")


_FIRST_LINE_NAME = re.compile(r"^(?:[A-Z][\w'.\-]*\s+){1,3}[A-Z][\w'.\-]*$")


def baseline_extractor(text: str) -> tuple[str, str]:
    """The rule before this evaluation existed, as a yardstick: the first line when it reads as
    capitalised words, and the first dated position's title as the parser reads it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    name = lines[0] if lines and _FIRST_LINE_NAME.match(lines[0]) else ""
    positions = extract_profile(text).positions
    return name, positions[0].title if positions else ""


EXTRACTORS: dict[str, Callable[[str], tuple[str, str]]] = {
    "RoleMatch": product_extractor,
    "baseline": baseline_extractor,
}


def run(shared: Path) -> dict[str, dict[str, dict[str, Scores]]]:
    """{extractor: {part: {field: Scores}}} over the labelled sample, texts read from `shared`."""
    labels = load_labels()
    texts = {label.item.key: read_text(label.item, shared) for label in labels}
    return {name: evaluate(labels, texts, extractor) for name, extractor in EXTRACTORS.items()}


def report(results: dict[str, dict[str, dict[str, Scores]]]) -> str:
    rows = [
        f"{'extractor':<10} {'part':<5} {'name P':>7} {'name R':>7} {'title P':>8} {'title R':>8}"
    ]
    for name, parts in results.items():
        for part in ("dev", "test", "all"):
            n, t = parts[part]["name"], parts[part]["title"]
            rows.append(
                f"{name:<10} {part:<5} {n.precision:>7.3f} {n.recall:>7.3f} "
                f"{t.precision:>8.3f} {t.recall:>8.3f}"
            )
    return "\n".join(rows)
