"""The real-resume corpus sent through the whole pipeline: the livecareer PDFs and the DOCX CVs.

`python -m bench intake_corpus` sends all of it (or a sample) through a real Celery worker into
one match; a slow test sends a fixed stratified sample of 120. The sample is fixed by a rule:
files ranked by the SHA-256 of `SEED + path`, taken round-robin over the strata (each livecareer
category, and the DOCX set), so it never changes unless the corpus does.

No Django import.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

LIVECAREER = Path("datasets/livecareer-resumes/pdf")
DOCX = Path("datasets/vacancy-resume-matching/CV")
SEED = "rolematch-intake-corpus:"

# Document error codes that mean a fault of ours, never of the file: an ordinary corpus file
# must end scored or with one of the other, readable, reasons.
INTERNAL_CODES = frozenset({"internal", "crashed", "crashed_repeatedly", "stuck", "embed_failed"})


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    stratum: str  # the livecareer category, or "DOCX"

    @property
    def name(self) -> str:
        return f"{self.stratum}-{self.path.name}"


def corpus_files(shared_dir: Path) -> list[CorpusFile]:
    """Every file of the corpus, in a stable order."""
    files = [
        CorpusFile(path, path.parent.name)
        for path in sorted((shared_dir / LIVECAREER).glob("*/*.pdf"))
    ]
    files += [CorpusFile(path, "DOCX") for path in sorted((shared_dir / DOCX).glob("*.docx"))]
    return files


def _rank(item: CorpusFile) -> str:
    return hashlib.sha256(f"{SEED}{item.stratum}/{item.path.name}".encode()).hexdigest()


def stratified_sample(files: list[CorpusFile], n: int | None) -> list[CorpusFile]:
    """`n` files taken in turn from each stratum (all of them when n is None or too large)."""
    if n is None or n >= len(files):
        return list(files)
    strata: dict[str, list[CorpusFile]] = defaultdict(list)
    for item in sorted(files, key=_rank):
        strata[item.stratum].append(item)
    queues = [strata[key] for key in sorted(strata)]
    chosen: list[CorpusFile] = []
    depth = 0
    while len(chosen) < n:
        for queue in queues:
            if depth < len(queue) and len(chosen) < n:
                chosen.append(queue[depth])
        depth += 1
    return chosen
