"""Re-weighting 1,000 scored candidates in place (issue 8, item 4): the engine's pure `rescore`
over stored components and evidence, as `match_reweight` runs it, beside the baseline of
scoring the same candidates again from their text features (no embedding: vectors are given).
"""

from __future__ import annotations

import random
import statistics
import time

import numpy as np

from matcher import ranker, scoring

N = 1_000
SKILLS = 14
RUNS = 7


def stored_results(rng: random.Random) -> list[tuple[dict[str, float], list[dict[str, object]]]]:
    specs = [
        scoring.RoleSkillSpec(i, f"Skill {i}", rng.randint(1, 5), i < 3, rng.choice([None, 2, 5]))
        for i in range(SKILLS)
    ]
    # Each result stores its role's reference statistics (scoring version 5): an average role's.
    reference = {k: v for k, v in ranker.default().fill.items() if "_ref_" in k}
    out = []
    for _ in range(N):
        mentions = {
            s.skill_id: [scoring.Mention(s.skill_id, 3, f"{rng.randint(1, 9)} years of {s.name}")]
            for s in specs
            if rng.random() < 0.6
        }
        result = scoring.score_candidate(
            role_skills=specs,
            role_vector=np.ones(384, dtype=np.float32) / np.sqrt(384),
            chunk_vectors=np.eye(3, 384, dtype=np.float32),
            mentions=mentions,
            text="word " * 200,
            lexical_raw=rng.random() * 0.4,
            total_years=float(rng.randint(0, 20)),
            reference=reference,
        )
        out.append((result.components, result.evidence_json()))
    return out


def main(argv: list[str]) -> None:
    rng = random.Random(8)
    stored = stored_results(rng)
    overrides = {"0": {"weight": 1, "must_have": False}, "5": {"weight": 5, "must_have": True}}
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        ranked = sorted(
            (
                scoring.rescore(components=c, evidence=e, skill_overrides=overrides).score
                for c, e in stored
            ),
            reverse=True,
        )
        timings.append(time.perf_counter() - started)
    assert len(ranked) == N
    baseline = []
    for _ in range(3):
        started = time.perf_counter()
        stored_results(random.Random(8))
        baseline.append(time.perf_counter() - started)
    print(f"candidates: {N}, role skills: {SKILLS}, runs: {RUNS}")
    print(f"re-weight (rescore + sort)   median {statistics.median(timings) * 1000:8.1f} ms")
    print(f"baseline: full score_candidate median {statistics.median(baseline) * 1000:8.1f} ms")
    print("the database write (bulk_update of 1,000 rows) comes on top; see docs/workspace.md")
