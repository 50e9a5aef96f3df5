"""The real corpus through the real worker into one match, beside the raw model on the same texts.

Sends the livecareer PDFs and the DOCX CVs of ../shared (all 2,549, or `--sample N` of them,
stratified) through a Celery worker started here (prefork, `--concurrency`, on a queue of its
own), on whatever database and broker the environment configures: the embedded default
(SQLite, filesystem broker) or PostgreSQL and Redis (`DATABASE_URL`, `REDIS_URL`). The files are
uploaded and the match created at once, as a recruiter does on the new-match page, and the
clock runs from that moment to the match's last score.

Prints a table of reasons for the files not scored, the internal errors (must be zero), the
time to the first visible result, Run to last score, and the throughput beside the raw model
embedding the same texts in this same run (`SentenceTransformer.encode` over consecutive
254-token pieces: the least work that reads all of the text). Exits non-zero under target:
any internal error; for 500 files or more, under 70% of the raw model's throughput; for 50
files or fewer, more than 10 s to the last score or 5 s to the first.

Everything is written into a throw-away organisation, deleted at the end (`--keep` keeps it).

    python -m bench intake_corpus [--sample=N] [--concurrency=2] [--keep] [--timeout=S]
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from accounts.models import Organisation, User
from accounts.services import organisation_create, organisation_delete
from bench.load.processes import stop, worker_start
from billing.services import credit_grant
from candidates.models import Document
from candidates.services import batch_create
from config.celery import app
from matcher import embeddings
from matcher.evaluation.corpus import INTERNAL_CODES, CorpusFile, corpus_files, stratified_sample
from matcher.models import Match, MatchFailure, MatchResult
from matcher.services.matches import match_create
from roles.job_description import role_create_from_job_description

ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("ROLEMATCH_SHARED_DIR", ROOT.parent / "shared"))
JOB = ROOT / "matcher/evaluation/data/livecareer/jobs/INFORMATION-TECHNOLOGY.txt"
LOG = Path(settings.VAR_DIR) / "bench-intake-worker.log"

RATIO_TARGET = 0.70
SMALL_RUN_S = 10.0
FIRST_RESULT_S = 5.0


def _backend() -> str:
    broker = str(app.conf.broker_url).split(":", 1)[0]
    return f"{connection.vendor} + {broker} broker"


def _tenant(label: str) -> tuple[User, Organisation]:
    tag = uuid.uuid4().hex[:8]
    user = User.objects.create_user(email=f"bench-{label}-{tag}@rolematch.test", password=None)
    org = organisation_create(owner=user, name=f"Bench {label} {tag}")
    credit_grant(
        org=org,
        cents=10_000_000,
        kind="adjustment",
        idempotency_key=f"bench:{org.pk}",
        reference="intake corpus bench",
    )
    return user, org


def _upload_and_run(user: User, org: Organisation, files: list[CorpusFile]) -> Match:
    """What the new-match page does: the files stored in upload batches, then the match."""
    limit_files = settings.UPLOAD_MAX_BATCH_FILES
    limit_bytes = settings.UPLOAD_MAX_BATCH_BYTES * 9 // 10
    role = role_create_from_job_description(org=org, user=user, text=JOB.read_text())
    documents: list[Document] = []
    pending: list[SimpleUploadedFile] = []
    size = 0

    def flush() -> None:
        nonlocal pending, size
        if pending:
            batch = batch_create(org=org, user=user, files=pending)
            documents.extend(batch.documents.all())
        pending, size = [], 0

    for item in files:
        data = item.path.read_bytes()
        if len(pending) >= limit_files or size + len(data) > limit_bytes:
            flush()
        pending.append(SimpleUploadedFile(item.name, data))
        size += len(data)
    flush()
    return match_create(org=org, user=user, role=role, documents=documents)


def _wait(match: Match, started: float, timeout: float, quiet: bool) -> tuple[float, float | None]:
    """Polls like the progress page; returns (seconds to the end, seconds to the first result)."""
    first: float | None = None
    last_print = 0.0
    while True:
        match.refresh_from_db()
        now = time.perf_counter() - started
        if first is None and MatchResult.objects.filter(match=match).exists():
            first = now
        if match.is_finished:
            return now, first
        if now > timeout:
            raise SystemExit(f"the match did not finish within {timeout:.0f} s ({match.status})")
        if not quiet and now - last_print >= 15:
            last_print = now
            print(
                f"  {now:6.0f} s: {match.scored_count} scored, {match.failed_count} not scored "
                f"of {match.candidate_count}",
                flush=True,
            )
        time.sleep(0.1)


def _raw_model(texts: list[str]) -> float:
    """Seconds the bare model takes to embed every piece of these texts, warmed up first."""
    model = embeddings.get_model()
    tokenizer = model.tokenizer
    body = embeddings.max_tokens() - 2
    pieces: list[str] = []
    for text in texts:
        offsets = tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )["offset_mapping"]
        for start in range(0, len(offsets), body):
            end = min(start + body, len(offsets))
            pieces.append(text[offsets[start][0] : offsets[end - 1][1]])
    model.encode(pieces[:16], batch_size=embeddings.BATCH_SIZE, show_progress_bar=False)
    started = time.perf_counter()
    model.encode(pieces, batch_size=embeddings.BATCH_SIZE, show_progress_bar=False)
    return time.perf_counter() - started


def _report(match: Match, files: list[CorpusFile]) -> tuple[int, list[str]]:
    """Prints what became of every file; returns (internal errors, candidate texts scored)."""
    # The tenant's uploads, not the match's: a file read before Run joins the match as its
    # candidate, not as a document still being read.
    documents = list(
        Document.objects.filter(organisation_id=match.organisation_id).select_related("candidate")
    )
    by_name = {d.original_name: d for d in documents}
    reasons: Counter[tuple[str, str]] = Counter()
    internal = 0
    for item in files:
        document = by_name.get(item.name)
        if document is None:
            reasons[("missing", "the upload lost this file")] += 1
            internal += 1
        elif document.status == Document.Status.FAILED:
            reasons[(document.error_code, document.error_message)] += 1
            internal += document.error_code in INTERNAL_CODES
        elif document.status == Document.Status.DUPLICATE:
            reasons[("duplicate", "the same bytes as another file of the corpus")] += 1
    for failure in MatchFailure.objects.filter(match=match):
        reasons[(f"match:{failure.stage}", failure.message)] += 1
        internal += 1
    if match.status != Match.Status.DONE:
        internal += 1
    print(f"\n{'files':>6}  {'code':<20} reason")
    for (code, message), count in reasons.most_common():
        print(f"{count:>6}  {code:<20} {message[:110]}")
    if not reasons:
        print("     -  (every file was scored)")
    texts = list(MatchResult.objects.filter(match=match).values_list("candidate__text", flat=True))
    return internal, texts


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench intake_corpus")
    parser.add_argument("--sample", type=int, default=None, help="files, stratified (all)")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=7200)
    parser.add_argument("--keep", action="store_true", help="keep the bench's organisation")
    return parser.parse_args(argv)


def _tenants_delete(tenants: list[tuple[User, Organisation]]) -> None:
    for user, org in tenants:
        # A match protects the private role it ran against (see the report's notes).
        Match.objects.filter(organisation=org).delete()
        organisation_delete(org=org, actor=user)


def main(argv: list[str]) -> None:
    args = _arguments(argv)
    if not SHARED_DIR.is_dir():
        raise SystemExit(f"{SHARED_DIR} is absent: the corpus lives in ../shared")
    call_command("bootstrap", verbosity=0)
    files = stratified_sample(corpus_files(SHARED_DIR), args.sample)
    queue = f"bench-corpus-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    print(f"{len(files)} files, {_backend()}, worker concurrency {args.concurrency}", flush=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CELERY_TASK_DEFAULT_QUEUE": queue}
    worker = worker_start(env, LOG, args.concurrency)
    tenants: list[tuple[User, Organisation]] = []
    try:
        app.send_task("config.ping", queue=queue).get(timeout=180)
        # A warm worker: the model loaded and one small match run before the clock starts.
        tenants.append(_tenant("warm-up"))
        warm = _upload_and_run(*tenants[-1], corpus_files(SHARED_DIR)[-2:])
        _wait(warm, time.perf_counter(), 300, quiet=True)

        tenants.append(_tenant("corpus"))
        started = time.perf_counter()
        match = _upload_and_run(*tenants[-1], files)
        uploaded = time.perf_counter() - started
        total, first = _wait(match, started, args.timeout, quiet=False)
        match.refresh_from_db()
        internal, texts = _report(match, files)
        log_errors = LOG.read_text(errors="replace").count("ERROR")
    finally:
        stop(worker)
    raw_s = _raw_model(texts) if texts else float("nan")
    scored = len(texts)
    product_rps = scored / total if total else 0.0
    raw_rps = scored / raw_s if texts else 0.0
    ratio = product_rps / raw_rps if raw_rps else 0.0
    print(
        f"\n{len(files)} files: {match.scored_count} scored, {match.failed_count} not scored, "
        f"match {match.get_status_display()!r} {match.status_message!r}"
    )
    print(f"internal errors: {internal}; ERROR lines in the worker log: {log_errors}")
    print(f"upload and Run: {uploaded:.1f} s; first result visible at {first or -1:.1f} s")
    print(f"load average during the run (2 cores): {os.getloadavg()[0]:.1f}")
    print(
        f"Run to last score: {total:.1f} s -> {product_rps:.1f} resumes/s through the worker; "
        f"raw model on the same {scored} texts: {raw_rps:.1f} resumes/s -> "
        f"{100 * ratio:.0f}% of raw (target {100 * RATIO_TARGET:.0f}%)"
    )
    if not args.keep:
        _tenants_delete(tenants)
    failures = []
    if internal or log_errors:
        failures.append("internal errors")
    if len(files) >= 500 and ratio < RATIO_TARGET:
        failures.append(f"under {100 * RATIO_TARGET:.0f}% of the raw model")
    if len(files) <= 50 and (total > SMALL_RUN_S or (first or 1e9) > FIRST_RESULT_S):
        failures.append(f"over {SMALL_RUN_S:.0f} s to rank or {FIRST_RESULT_S:.0f} s to show")
    if failures:
        print("UNDER TARGET: " + "; ".join(failures))
        raise SystemExit(1)
