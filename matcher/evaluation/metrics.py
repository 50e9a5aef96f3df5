"""Ranking metrics: nDCG@k with graded gains and mean average precision. Pure."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any


def dcg(gains: Sequence[float], k: int) -> float:
    return sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(ranking: Sequence[Hashable], grades: Mapping[Any, float], k: int = 10) -> float:
    """nDCG@k of `ranking` (ids, best first); ids missing from `grades` have grade 0."""
    ideal = dcg(sorted(grades.values(), reverse=True), k)
    if ideal == 0:
        return 0.0
    return dcg([grades.get(doc, 0.0) for doc in ranking], k) / ideal


def average_precision(ranking: Sequence[Hashable], relevant: set[Any]) -> float:
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    for i, doc in enumerate(ranking, start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)
