"""Lexical evidence: which of the role's words a resume uses, weighted by how rare they are.

Pure. A word every resume in the organisation's pool contains ("team", "experience") says little;
a word few contain ("phlebotomy", "IFRS") says a lot. The weight is BM25's inverse document
frequency over the pool, the per-term saturation and length normalisation are BM25's, and role
and resume are compared by cosine, so the component lies in [0, 1] whatever either's length
(see docs/scoring.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from roles.words import tokens

K1 = 1.2
B = 0.75


@dataclass
class PoolStats:
    """Document frequencies over an organisation's pool of resumes."""

    n_docs: int = 0
    total_len: int = 0
    doc_freq: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_token_lists(cls, docs: Iterable[list[str]]) -> PoolStats:
        stats = cls()
        for doc in docs:
            stats.add(doc)
        return stats

    def add(self, doc: list[str]) -> None:
        self.n_docs += 1
        self.total_len += len(doc)
        self.doc_freq.update(set(doc))

    @property
    def avg_len(self) -> float:
        return self.total_len / self.n_docs if self.n_docs else 1.0

    def idf(self, term: str) -> float:
        df = self.doc_freq.get(term, 0)
        return math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))


def query_terms(text: str, *, emphasis: Iterable[str] = (), cap: int = 5) -> dict[str, float]:
    """The role's terms with how often it uses them (capped, so repetition cannot dominate).

    Words of `emphasis` (the role's skill names) count as if written `cap` times."""
    counts = Counter(tokens(text))
    for phrase in emphasis:
        for term in tokens(phrase):
            counts[term] = cap
    return {term: float(min(n, cap)) for term, n in counts.items()}


def lexical_score(
    query: Mapping[str, float], doc: Counter[str], doc_len: int, stats: PoolStats
) -> float:
    """Cosine between the role's terms and the resume's, both weighted by BM25.

    The role's side: each term's (capped) count times its idf. The resume's side: idf times
    BM25's saturated, length-normalised term frequency. Normalising both sides (rather than only
    by the best score the role allows) keeps a long job ad and a short one comparable, which is
    what ranking one resume against several roles needs; see docs/scoring.md."""
    if not query or not doc:
        return 0.0
    norm = K1 * (1.0 - B + B * doc_len / max(stats.avg_len, 1.0))

    def doc_weight(term: str, tf: int) -> float:
        return stats.idf(term) * tf * (K1 + 1.0) / (tf + norm)

    dot = q_norm = 0.0
    for term, q in query.items():
        weight = q * stats.idf(term)
        q_norm += weight * weight
        tf = doc.get(term, 0)
        if tf:
            dot += weight * doc_weight(term, tf)
    if dot <= 0:
        return 0.0
    d_norm = sum(doc_weight(term, tf) ** 2 for term, tf in doc.items())
    return dot / math.sqrt(q_norm * d_norm)


def bm25_share(
    query: Mapping[str, float], doc: Counter[str], doc_len: int, stats: PoolStats
) -> float:
    """Okapi BM25 of the role's words (each once, as a search box reads them) in the resume,
    divided by the most those words could score, so it lies in [0, 1) for any role."""
    if not query or not doc:
        return 0.0
    norm = K1 * (1.0 - B + B * doc_len / max(stats.avg_len, 1.0))
    got = best = 0.0
    for term in query:
        idf = stats.idf(term)
        best += idf * (K1 + 1.0)
        tf = doc.get(term, 0)
        if tf:
            got += idf * tf * (K1 + 1.0) / (tf + norm)
    return got / best if best > 0 else 0.0


def tfidf_vectors(docs: list[list[str]], stats: PoolStats) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (log tf): the classic baseline the evaluation compares with."""
    out = []
    for doc in docs:
        counts = Counter(doc)
        vec = {t: (1.0 + math.log(n)) * stats.idf(t) for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())
