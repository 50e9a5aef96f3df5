"""The fixed reference pool every role's components are standardised against (scoring version 5).

A lexical cosine of 0.2 is a near miss for one job ad and a clear fit for another: a long ad of
common words shares some of them with every resume, a short one of rare words with few. So each
of a role's components is also read against what the same role scores over a fixed pool of
resumes of many fields: RoleMatch's own 179 written resumes (the labelled evaluation set's,
`matcher/evaluation/data/resumes/`, written for this project). The same pool for every role and
every organisation, so a candidate scores the same whoever else is in the match or the
organisation, and a score reads the same across roles (docs/scoring.md, "Read against the
role's reference pool").

Embedding the pool takes about 20 s on two cores; it is done once and kept under
`var/` (keyed by the model, the pool's texts and the code that reads them), so each worker
process only loads it. No Django import.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import statistics
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from candidates.parsing import ParseError, extract
from matcher import blind, embeddings, lexical, ranking, scoring
from matcher.ranker import REFERENCE_INPUTS, mean_key, sd_key

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = Path(__file__).resolve().parent / "evaluation" / "data" / "resumes"


@dataclass
class ReferencePool:
    """The pool's resumes as the scorer reads them (`ranking.ResumeFeatures`)."""

    resumes: list[ranking.ResumeFeatures]
    readable: list[bool]


@cache
def texts(folder: Path = REFERENCE_DIR) -> tuple[str, ...]:
    """The pool's resumes as intake stores a plain-text upload (read once a process: they ship
    with the code; a tuple, as every caller shares it)."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        try:
            out.append(extract(path.read_bytes(), "resume.txt").text)
        except ParseError:
            continue
    return tuple(out)


CODE_FILES = (
    Path(str(blind.__file__)),
    Path(str(ranking.__file__)),
    ROOT / "candidates" / "parsing" / "profile.py",
    ROOT / "candidates" / "parsing" / "titles.py",
    ROOT / "roles" / "words.py",
    ROOT / "matcher" / "chunking.py",
)


@cache
def _code_hash() -> str:
    """The code behind what the file holds: identity masking and chunking (what the model
    reads), and the profile and title reading and title cleaning (`ranking.resume_features`,
    with `roles.words`' occupation qualifiers) behind the titles and years. The title rules
    live in titles.py: without it a change to them left a machine's pool holding titles read the
    old way."""
    digest = hashlib.sha256()
    for path in CODE_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def _texts_hash(pool_texts: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for text in pool_texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def cache_path(pool_texts: tuple[str, ...], folder: Path | None = None) -> Path:
    """The pool's file. Every new match in a worker asks for it: the hashes behind its name are
    computed once a process, not a read of three source files and 700 kB of text a match."""
    key = f"{embeddings.model_version()}-{_texts_hash(pool_texts)}-{_code_hash()}"
    var = folder or Path(os.environ.get("VAR_DIR", str(ROOT / "var")))
    return var / "reference" / f"pool-{key}.npz"


def _save(path: Path, resumes: Sequence[ranking.ResumeFeatures]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dim = embeddings.DIMENSIONS
    arrays = {
        "vectors": np.concatenate(
            [np.asarray(r.vectors, np.float32).reshape(-1, dim) for r in resumes]
        ),
        "vector_counts": np.asarray([len(r.vectors) for r in resumes]),
        "title_vectors": np.concatenate(
            [np.asarray(r.title_vectors, np.float32).reshape(-1, dim) for r in resumes]
        ),
        "title_counts": np.asarray([len(r.title_vectors) for r in resumes]),
        "years": np.asarray(
            [np.nan if r.total_years is None else r.total_years for r in resumes], float
        ),
    }
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, allow_pickle=False, **arrays)
    # Two workers may build it at once: each writes its own file, the rename is atomic.
    tmp.replace(path)
    _prune(path)


def _prune(current: Path) -> None:
    """Deletes the files of this model's pool that an older pool or older code left (1 MB each,
    which this code never reads). Another process's temporary file is not a finished name, so a
    build in progress is left alone; a file another process deleted first is simply gone."""
    model = re.escape(embeddings.model_version())
    finished = re.compile(rf"pool-{model}-[0-9a-f]{{12}}-[0-9a-f]{{12}}\.npz")
    for old in current.parent.glob("pool-*.npz"):
        if old.name == current.name or not finished.fullmatch(old.name):
            continue
        try:
            old.unlink()
        except FileNotFoundError:
            continue
        logger.info("Deleted the reference pool file %s (an older pool or code)", old.name)


def _split(flat: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    ends = np.cumsum(counts)
    return [flat[end - n : end] for n, end in zip(counts, ends, strict=True)]


def _load(path: Path, pool_texts: Sequence[str], matcher: Any) -> list[ranking.ResumeFeatures]:
    with np.load(path) as data:
        vectors = _split(data["vectors"], data["vector_counts"])
        titles = _split(data["title_vectors"], data["title_counts"])
        years = data["years"]
    out = []
    for i, text in enumerate(pool_texts):
        terms = lexical.tokens(text)
        out.append(
            ranking.ResumeFeatures(
                text=text,
                vectors=vectors[i],
                mentions=ranking.mentions_from_hits(matcher.find_claimed(text)),
                terms=Counter(terms),
                n_terms=len(terms),
                total_years=None if np.isnan(years[i]) else float(years[i]),
                title_vectors=titles[i],
            )
        )
    return out


_lock = threading.Lock()
# The pool last loaded, with the file and the taxonomy matcher it was read with: a curator's
# taxonomy edit gives a new matcher (`roles.selectors.skill_matcher`), whose mentions differ.
_last: tuple[Path, Any, ReferencePool] | None = None


class _NoSkills:
    """Building the file needs no taxonomy: mentions are found again at every load."""

    def find(self, text: str) -> list[Any]:
        return []

    find_claimed = find


def ensure_built(folder: Path | None = None) -> str:
    """Embeds the pool into its file under `var/` unless it is there already (a bootstrap
    step, so that no worker's first match waits 20 s for it)."""
    pool_texts = texts()
    path = cache_path(pool_texts, folder)
    with _lock:
        if path.is_file():
            return f"reference pool present ({path.name})"
        _save(path, ranking.resume_features(pool_texts, _NoSkills()))
    return f"reference pool embedded: {len(pool_texts)} resumes ({path.name})"


def pool(matcher: Any, *, folder: Path | None = None) -> ReferencePool:
    """The reference pool, embedded once (under `var/`) and kept for the process's life. The
    taxonomy's mentions are found with `matcher`, the same one the candidates are read with."""
    global _last
    pool_texts = texts()
    path = cache_path(pool_texts, folder)
    with _lock:
        if _last is not None and _last[0] == path and _last[1] is matcher:
            return _last[2]
        if path.is_file():
            resumes = _load(path, pool_texts, matcher)
        else:
            logger.info("Embedding the reference pool (%s resumes) into %s", len(pool_texts), path)
            resumes = ranking.resume_features(pool_texts, matcher)
            _save(path, resumes)
            resumes = _load(path, pool_texts, matcher)
        made = ReferencePool(resumes, [scoring.text_is_readable(r.text) for r in resumes])
        _last = (path, matcher, made)
        return made


def role_stats(
    role: ranking.RoleFeatures, reference: ReferencePool, stats: lexical.PoolStats
) -> dict[str, float]:
    """The role's average and spread of each component over the reference pool: what
    `ranker.input_values` standardises a candidate's value against (`<name>_ref_mean`,
    `<name>_ref_sd`). A component the role cannot have (no title, no skills) is left out."""
    values: dict[str, list[float]] = {name: [] for name in REFERENCE_INPUTS}
    for resume, readable in zip(reference.resumes, reference.readable, strict=True):
        values["lexical"].append(
            lexical.lexical_score(role.query, resume.terms, resume.n_terms, stats)
        )
        values["semantic"].append(scoring.semantic_cosine(resume.vectors, role.vector))
        values["semantic_mean"].append(scoring.pooled_cosine(resume.vectors, role.vector))
        if role.title_vector is not None:
            title = scoring.title_cosine(resume.title_vectors, role.title_vector)
            latest = scoring.latest_title_cosine(resume.title_vectors, role.title_vector)
            if title is not None and latest is not None:
                values["title"].append(title)
                values["title_latest"].append(latest)
        evidence = scoring.skill_evidence(
            role.skills,
            ranking.skill_mentions(role, resume),
            readable=readable,
            total_years=resume.total_years,
        )
        coverage = scoring.skill_coverage(evidence)
        if coverage is not None:
            values["skills"].append(coverage)
    out = {}
    for name, found in values.items():
        if found:
            out[mean_key(name)] = statistics.fmean(found)
            out[sd_key(name)] = statistics.pstdev(found)
    return out
