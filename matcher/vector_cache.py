"""Exact vector search over an organisation's pool, from a float32 matrix kept in the process.

Every chunk vector of every candidate of the organisation (current model version) sits in one
contiguous matrix; a role is ranked against the pool with one matrix-vector product and a
per-candidate maximum (`np.maximum.reduceat`), no approximate index. The matrix is built on first
use and rebuilt when the organisation's pool version changes: a counter in the shared cache
(Redis in production) that every embedding write bumps, so a worker on another machine sees
the change on its next read.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache

from matcher.embeddings import from_bytes
from matcher.embeddings import model_version as current
from matcher.models import CandidateEmbedding

MAX_ORGS_CACHED = 8


@dataclass(frozen=True)
class ChunkMatrix:
    """Candidates' chunk vectors stacked: rows `offsets[i]:offsets[i+1]` belong to `ids[i]`."""

    ids: np.ndarray  # int64, one per candidate
    offsets: np.ndarray  # int64, len(ids) + 1
    vectors: np.ndarray  # float32 (total chunks, dim), unit rows

    @classmethod
    def from_blocks(cls, ids: list[int], blocks: list[np.ndarray], dim: int = 384) -> ChunkMatrix:
        kept_ids, kept = [], []
        for candidate_id, block in zip(ids, blocks, strict=True):
            if len(block):
                kept_ids.append(candidate_id)
                kept.append(block)
        sizes = np.array([len(b) for b in kept], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        vectors = (
            np.ascontiguousarray(np.vstack(kept), dtype=np.float32)
            if kept
            else np.zeros((0, dim), np.float32)
        )
        return cls(np.array(kept_ids, dtype=np.int64), offsets, vectors)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        return int(self.vectors.nbytes + self.ids.nbytes + self.offsets.nbytes)

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Each candidate's best chunk cosine with `vector` (a unit vector)."""
        if not len(self.ids):
            return np.zeros(0, np.float32)
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        return np.maximum.reduceat(sims, self.offsets[:-1])

    def top_k(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k most similar candidates, best first, exactly (argpartition, then a sort of k)."""
        best = self.similarities(vector)
        if not len(best):
            return []
        k = min(k, len(best))
        part = np.argpartition(-best, k - 1)[:k]
        order = part[np.argsort(-best[part], kind="stable")]
        return [(int(self.ids[i]), float(best[i])) for i in order]


# --- The per-process cache, keyed by organisation and invalidated by a shared counter ----------

_lock = threading.Lock()
_cache: OrderedDict[tuple[int, str], tuple[int, ChunkMatrix]] = OrderedDict()


def _version_key(org_id: int) -> str:
    return f"matcher:pool-version:{org_id}"


def pool_version(org_id: int) -> int:
    return int(cache.get(_version_key(org_id), 0))


def pool_changed(org_id: int) -> None:
    """Called after any change to an organisation's embeddings: every process rebuilds."""
    key = _version_key(org_id)
    try:
        cache.incr(key)
    except ValueError:
        # The counter is gone (first change, or the cache was flushed or restarted: Redis here
        # keeps nothing on disk). Counting again from 1 could reach a number that a long-lived
        # process still holds for an older pool, which would then look current; a start taken
        # from the clock cannot.
        cache.add(key, time.time_ns(), None) or cache.incr(key)


def _load(org_id: int, model_version: str) -> ChunkMatrix:
    ids: list[int] = []
    blocks: list[np.ndarray] = []
    rows = (
        CandidateEmbedding.objects.filter(organisation_id=org_id, model_version=model_version)
        .order_by("candidate_id")
        .values_list("candidate_id", "vectors", "dimensions")
        .iterator(chunk_size=2000)
    )
    for candidate_id, data, dim in rows:
        ids.append(candidate_id)
        blocks.append(from_bytes(bytes(data), dim))
    return ChunkMatrix.from_blocks(ids, blocks)


def org_matrix(org_id: int, model_version: str | None = None) -> ChunkMatrix:
    """The organisation's matrix, rebuilt only when its pool version moved."""
    if model_version is None:
        model_version = current()
    version = pool_version(org_id)
    key = (org_id, model_version)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == version:
            _cache.move_to_end(key)
            return hit[1]
    matrix = _load(org_id, model_version)
    with _lock:
        _cache[key] = (version, matrix)
        _cache.move_to_end(key)
        while len(_cache) > MAX_ORGS_CACHED:
            _cache.popitem(last=False)
    return matrix


def cache_clear() -> None:
    with _lock:
        _cache.clear()


def rank_pool(org_id: int, vector: np.ndarray, *, top_k: int = 100) -> list[tuple[int, float]]:
    """The organisation's candidates most similar to `vector`: (candidate id, cosine)."""
    return org_matrix(org_id).top_k(vector, top_k)


def cache_info() -> dict[str, Any]:
    with _lock:
        return {f"{k[0]}@{k[1]}": (v[0], len(v[1]), v[1].nbytes) for k, v in _cache.items()}
