"""Matching speed, each figure beside its baseline from the same run.

1. Ingest and scoring of N text resumes through the product's pipeline
   (`candidates.parsing.extract`, profile, chunked embedding, titles, taxonomy, lexical
   statistics, hybrid score against a role)
   versus the raw model embedding the same text (`SentenceTransformer.encode` over the same
   resumes cut into consecutive 254-token pieces: the least work that reads all of the text),
   in batches of the product's size; and, for scale, the raw model at the library's default
   batch of 32.
2. Ranking a pool of stored candidates against one role by exact search over the cached float32
   matrix (`matcher.vector_cache.ChunkMatrix`), p50/p95 over repeated queries, versus the naive
   loop a view would write without the cache (decode each candidate's stored bytes, dot, max).
3. Re-weighting 1,000 stored results (`scoring.rescore`), what the workspace does on a slider.
4. Resident memory of a fresh process that loaded the model and embedded a batch.

`python -m bench matching [--quick]`; --quick uses 100 resumes and a 20,000-candidate pool.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from bench import bench_reweight as bench_reweight_module
from candidates.parsing import extract
from matcher import embeddings, ranking, reference, scoring
from matcher.embeddings import from_bytes, to_bytes
from matcher.evaluation.taxonomy import file_skill_categories, file_skill_matcher
from matcher.vector_cache import ChunkMatrix

FIELDS = {
    "software": (
        "Backend Engineer",
        ["Python", "Django", "PostgreSQL", "Docker", "Kubernetes", "Redis", "AWS", "Git"],
        "built services, designed REST APIs, tuned slow SQL queries and ran on-call rotations",
    ),
    "nursing": (
        "Registered Nurse",
        ["patient assessment", "ACLS", "BLS", "IV therapy", "Epic", "critical care"],
        "cared for acutely ill patients, gave medications, precepted new graduate nurses",
    ),
    "accounting": (
        "Staff Accountant",
        ["general ledger", "GAAP", "NetSuite", "Excel", "month-end close", "reconciliations"],
        "prepared journal entries and accruals, supported the external audit",
    ),
    "sales": (
        "Account Executive",
        ["B2B sales", "Salesforce", "prospecting", "negotiation", "SaaS", "HubSpot"],
        "ran discovery calls and demos, closed new business above quota",
    ),
    "teaching": (
        "Mathematics Teacher",
        ["lesson planning", "classroom management", "safeguarding", "GCSE", "assessment"],
        "planned and taught mixed-ability classes and tracked pupil progress",
    ),
}

ROLE_TEXT = """Backend Developer (Python)
Design, build and maintain REST APIs in Python and Django. Model data in PostgreSQL.
Requirements: 4+ years of Python, solid Django, strong SQL, must be comfortable with Docker.
Nice to have: Celery, Redis, Kubernetes."""


# sentence-transformers' own default, printed beside the product's batch size for scale.
LIBRARY_BATCH_SIZE = 32


def synthetic_resumes(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    names = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie"]
    out = []
    for i in range(n):
        field = rng.choice(list(FIELDS))
        title, skills, duty = FIELDS[field]
        lines = [f"{rng.choice(names)} Example{i}", title, "", "Summary"]
        lines.append(
            f"{title} with {rng.randint(1, 15)} years of experience. I {duty}, and I care "
            "about clear communication with colleagues and the people we serve."
        )
        lines.append("Experience")
        year = 2024
        for _ in range(rng.randint(2, 4)):
            start = year - rng.randint(1, 5)
            lines.append(f"{title}, Company {rng.randint(1, 999)} ({start} - {year})")
            for _ in range(rng.randint(2, 4)):
                used = ", ".join(rng.sample(skills, 3))
                lines.append(f"- {duty.capitalize()} using {used}; measured and improved results.")
            year = start
        lines.append("Skills: " + ", ".join(skills))
        lines.append("Education: Bachelor's degree, State University")
        out.append("\n".join(lines))
    return out


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def bench_ingest(n: int, rounds: int = 3) -> dict[str, float]:
    texts = synthetic_resumes(n)
    files = [(f"resume-{i}.txt", t.encode()) for i, t in enumerate(texts)]
    model = embeddings.get_model()
    matcher, categories = file_skill_matcher(), file_skill_categories()
    model.encode(texts[:8], show_progress_bar=False)  # warm-up, not timed
    reference.pool(matcher)  # embedded once per machine and loaded once per worker: not timed

    tokenizer = model.tokenizer
    body = embeddings.max_tokens() - 2
    pieces: list[str] = []
    token_count = 0
    for text in texts:
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        offsets = enc["offset_mapping"]
        token_count += len(offsets)
        for start in range(0, len(offsets), body):
            end = min(start + body, len(offsets))
            pieces.append(text[offsets[start][0] : offsets[end - 1][1]])

    def raw() -> object:
        return model.encode(pieces, batch_size=embeddings.BATCH_SIZE, show_progress_bar=False)

    def raw_default() -> object:
        return model.encode(pieces, batch_size=LIBRARY_BATCH_SIZE, show_progress_bar=False)

    def pipeline() -> int:
        parsed = [extract(data, name).text for name, data in files]
        features = ranking.resume_features(parsed, matcher)
        role = ranking.role_from_job_description(ROLE_TEXT, matcher, categories=categories)
        stats = ranking.pool_stats(features)
        ref = reference.role_stats(role, reference.pool(matcher), stats)
        return len(ranking.rank(role, features, stats, reference=ref))

    # The machines are shared: one run of each, minutes apart, can catch a neighbour's burst on
    # either side. Rounds rotate which goes first, and the figure is the ratio of medians.
    times: dict[Callable[[], object], list[float]] = {raw: [], raw_default: [], pipeline: []}
    runs = list(times)
    for index in range(rounds):
        for fn in runs[index % 3 :] + runs[: index % 3]:
            elapsed, value = _timed(fn)
            if fn is pipeline:
                assert value == n
            times[fn].append(elapsed)
    raw_times, product_times = times[raw], times[pipeline]
    raw_s, product_s = statistics.median(raw_times), statistics.median(product_times)
    per_round = [r / p for r, p in zip(raw_times, product_times, strict=True)]
    return {
        "resumes": n,
        "rounds": rounds,
        "tokens_per_resume": token_count / n,
        "raw_resumes_per_s": n / raw_s,
        "raw_default_batch_resumes_per_s": n / statistics.median(times[raw_default]),
        "product_resumes_per_s": n / product_s,
        "ratio": raw_s / product_s,
        "ratio_min": min(per_round),
        "ratio_max": max(per_round),
    }


def bench_pool(pool: int, queries: int = 40) -> dict[str, float]:
    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 5, size=pool)
    stored: list[bytes] = []
    for size in sizes:
        block = rng.standard_normal((int(size), 384)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        stored.append(to_bytes(block))
    build_s, matrix = _timed(
        lambda: ChunkMatrix.from_blocks(list(range(pool)), [from_bytes(b) for b in stored])
    )
    assert isinstance(matrix, ChunkMatrix)
    roles = rng.standard_normal((queries, 384)).astype(np.float32)
    roles /= np.linalg.norm(roles, axis=1, keepdims=True)
    matrix.top_k(roles[0], 100)  # warm-up
    times = []
    for vector in roles:
        elapsed, _ = _timed(lambda v=vector: matrix.top_k(v, 100))
        times.append(elapsed * 1000)

    def naive(vector: np.ndarray) -> list[tuple[int, float]]:
        scores = []
        for i, data in enumerate(stored):
            scores.append((i, float((from_bytes(data) @ vector).max())))
        scores.sort(key=lambda pair: -pair[1])
        return scores[:100]

    naive_times = [_timed(lambda v=v: naive(v))[0] * 1000 for v in roles[:3]]
    exact = [cid for cid, _ in matrix.top_k(roles[1], 10)]
    assert exact == [cid for cid, _ in naive(roles[1])[:10]], "cache and naive disagree"
    return {
        "candidates": pool,
        "chunks": int(sizes.sum()),
        "matrix_mb": matrix.nbytes / 1e6,
        "build_s": build_s,
        "p50_ms": statistics.median(times),
        "p95_ms": float(np.percentile(times, 95)),
        "naive_p50_ms": statistics.median(naive_times),
    }


def bench_reweight(runs: int = 5) -> dict[str, float]:
    """`bench reweight`'s 1,000 results (scored by `score_candidate`, so they carry every stored
    value a real result does), re-weighted with two skill overrides."""
    stored = bench_reweight_module.stored_results(random.Random(5))
    overrides = {"0": {"weight": 1, "must_have": False}, "7": {"must_have": True, "min_years": 5}}
    times = [
        _timed(
            lambda: [
                scoring.rescore(components=c, evidence=e, skill_overrides=overrides)
                for c, e in stored
            ]
        )[0]
        for _ in range(runs)
    ]
    return {"results": len(stored), "runs": runs, "ms": statistics.median(times) * 1000}


# The peak is read from /proc/self/status (VmHWM, kB), which belongs to the process's own
# memory map: ru_maxrss survives fork and exec on Linux, so after the 100,000-candidate matrix
# it reported the parent's 1.3 GB as the child's.
RSS_SCRIPT = """
import os, resource, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from matcher import embeddings
from bench.bench_matching import synthetic_resumes
embeddings.embed_texts(synthetic_resumes(64))
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak)
"""


def bench_rss() -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT], capture_output=True, text=True, check=True
    )
    kilobytes = int(out.stdout.strip().splitlines()[-1])
    return {"max_rss_mb": kilobytes / 1024}


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    ingest = bench_ingest(100 if quick else 1000)
    print(
        f"ingest+score {ingest['resumes']} text resumes (~{ingest['tokens_per_resume']:.0f} "
        f"tokens each), median of {ingest['rounds']} alternating rounds: product "
        f"{ingest['product_resumes_per_s']:.1f}/s, raw model {ingest['raw_resumes_per_s']:.1f}/s "
        f"on the same text in the product's batches of {embeddings.BATCH_SIZE} -> "
        f"{100 * ingest['ratio']:.0f}% of raw (rounds {100 * ingest['ratio_min']:.0f}-"
        f"{100 * ingest['ratio_max']:.0f}%; target >= 85%); raw model in the library's default "
        f"batches of {LIBRARY_BATCH_SIZE}: {ingest['raw_default_batch_resumes_per_s']:.1f}/s"
    )
    pool = bench_pool(20_000 if quick else 100_000)
    print(
        f"rank {pool['candidates']:,} candidates ({pool['chunks']:,} chunk vectors, "
        f"{pool['matrix_mb']:.0f} MB) against one role: cached exact search p50 "
        f"{pool['p50_ms']:.1f} ms, p95 {pool['p95_ms']:.1f} ms (target p95 < 150 ms); naive "
        f"loop over stored bytes p50 {pool['naive_p50_ms']:.0f} ms; matrix built in "
        f"{pool['build_s']:.1f} s"
    )
    reweight = bench_reweight()
    print(
        f"re-weight {reweight['results']} stored results: median {reweight['ms']:.0f} ms "
        f"of {reweight['runs']} runs"
    )
    rss = bench_rss()
    print(f"worker process with the model loaded: max RSS {rss['max_rss_mb']:.0f} MB (< 1500)")
    print(json.dumps({"ingest": ingest, "pool": pool, "reweight": reweight, "rss": rss}))
