"""Load and soak against the production processes, beside a static file served by the same server.

Collects static files as the Dockerfile does, starts gunicorn as the README does (`DJANGO_DEBUG=0`,
three sync workers) and a Celery worker, on the PostgreSQL and Redis the environment names. Then,
at `--clients` concurrent clients (4), each for `--seconds`:

- a static file (WhiteNoise): the baseline, same server, same run;
- a cached catalog role page, anonymous: its rate beside the static file's (target >= 50%);
- the results page of a finished 1,000-candidate match, signed in through the form, and the API's
  results list with a bearer token: p95 (target < 150 ms).

The match's results are seeded through the ORM and the real score combiner, not embedded. Then
the soak: `--resumes` (2,000) generated text resumes uploaded over the API in batches of 100
while one client keeps reading the pages, read and embedded by the worker, with the RSS of the
gunicorn workers and of the Celery processes sampled every second (written to
`VAR_DIR/bench-load-memory.csv`, the processes' logs beside it) and compared first quarter
against last.

`--quick` (what CI runs, through tests/reliability/test_load_quick.py): two seconds a page and 30
resumes, no timing targets. Everything goes into a throw-away organisation, deleted at the end.

    python -m bench load [--quick] [--clients=4] [--seconds=15] [--resumes=2000] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bench.load import client, processes, seed
from candidates.models import Document
from config.celery import app

# The processes' logs stay after the run, for a look at what went wrong.
LOGS = Path(settings.VAR_DIR)
RATE_TARGET = 0.50
P95_TARGET_MS = 150.0
FLAT_TARGET = 0.10
UPLOAD_BATCH = 100
# Seeded candidates are numbered from 1: the soak's resumes must not repeat their bytes.
SOAK_NUMBERS_FROM = 100_000


@dataclass
class Options:
    quick: bool = False
    clients: int = 4
    seconds: float = 15.0
    resumes: int = 2000
    candidates: int = 1000
    web_workers: int = 3
    worker_concurrency: int = 2
    timeout: float = 1800.0
    keep: bool = False


@dataclass
class Soak:
    resumes: int = 0
    seconds: float = 0.0
    upload_statuses: Counter[int] = field(default_factory=Counter)
    documents: Counter[str] = field(default_factory=Counter)
    reads: client.Stats = field(default_factory=client.Stats)
    samples: list[tuple[float, float, float]] = field(default_factory=list)

    def quarters(self, column: int) -> tuple[float, float, float]:
        """Median of the first quarter of samples, of the last, and the peak, in MB."""
        values = [s[column] for s in self.samples] or [0.0]
        quarter = max(1, len(values) // 4)
        return (
            statistics.median(values[:quarter]),
            statistics.median(values[-quarter:]),
            max(values),
        )


@dataclass
class Report:
    pages: dict[str, client.Stats] = field(default_factory=dict)
    soak: Soak = field(default_factory=Soak)
    log_errors: int = 0

    @property
    def all_ok(self) -> bool:
        soak = self.soak
        return (
            all(s.all_ok for s in self.pages.values())
            and soak.reads.all_ok
            and set(soak.upload_statuses) == {201}
            and soak.documents.get(Document.Status.EMBEDDED, 0) == soak.resumes
            and not self.log_errors
        )


def run(options: Options, *, database_url: str, redis_url: str) -> Report:
    """The whole bench on this database and Redis; the caller prints or checks the report."""
    report = Report()
    queue = f"bench-load-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="rolematch-load-") as var:
        var_dir = Path(var)
        processes.collectstatic(var_dir)
        tenant = seed.tenant_create(candidates=options.candidates)
        try:
            _measure(options, report, var_dir, tenant, queue, database_url, redis_url)
        finally:
            connection.close()
            if not options.keep:
                seed.tenant_delete(tenant)
    return report


def _measure(
    options: Options,
    report: Report,
    var_dir: Path,
    tenant: seed.Tenant,
    queue: str,
    database_url: str,
    redis_url: str,
) -> None:
    env = processes.production_env(
        var_dir=var_dir, database_url=database_url, redis_url=redis_url, queue=queue
    )
    # No database connection may cross into the forked clients.
    connection.close()
    web, port = processes.gunicorn_start(env, LOGS / "bench-load-gunicorn.log", options.web_workers)
    worker = None
    try:
        pages = _pages(port, var_dir, tenant)
        for name, target in pages.items():
            _warm(port, target)
            report.pages[name] = client.hammer(
                port, [target], clients=options.clients, seconds=options.seconds
            )
        worker = processes.worker_start(
            env, LOGS / "bench-load-worker.log", options.worker_concurrency
        )
        app.send_task("config.ping", queue=queue).get(timeout=300)
        report.soak = _soak(options, port, tenant, web.pid, worker.pid, list(pages.values()))
    finally:
        if worker is not None:
            processes.stop(worker)
        processes.stop(web)
        report.log_errors = sum(
            (LOGS / name).read_text(errors="replace").count("Traceback")
            for name in ("bench-load-gunicorn.log", "bench-load-worker.log")
            if (LOGS / name).exists()
        )


def _pages(port: int, var_dir: Path, tenant: seed.Tenant) -> dict[str, client.Target]:
    manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text())
    session = client.sign_in(port, tenant.email, seed.PASSWORD)
    match = tenant.match.pk
    return {
        "static file (baseline)": client.Target(f"/static/{manifest['paths']['css/app.css']}"),
        "role page, cached": client.Target(f"/roles/{tenant.role.slug}/"),
        "results page, 1,000 candidates": client.Target(
            f"/app/matches/{match}/", (("Cookie", session),)
        ),
        "API results list": client.Target(
            f"/api/v1/matches/{match}/results/",
            (("Authorization", f"Bearer {tenant.token}"),),
        ),
    }


def _warm(port: int, target: client.Target) -> None:
    """A few requests first: the role page's cache fills, each worker opens its connection."""
    for _ in range(6):
        status, _, body, _ = client.request(port, "GET", target.path, headers=dict(target.headers))
        if status != 200:
            raise RuntimeError(f"{target.path} answered {status}: {body[-1500:]!r}")


def _soak(
    options: Options,
    port: int,
    tenant: seed.Tenant,
    web_pgid: int,
    worker_pgid: int,
    reads: list[client.Target],
) -> Soak:
    soak = Soak(resumes=options.resumes)
    # A warm worker first (model loaded, first batch embedded): the soak measures the steady state.
    _upload_all(port, tenant, range(SOAK_NUMBERS_FROM - 10, SOAK_NUMBERS_FROM), soak)
    _settle(tenant, 10, options.timeout)
    stop = threading.Event()
    reader = threading.Thread(target=_read_until, args=(port, reads, stop, soak.reads))
    started = time.perf_counter()
    with processes.MemorySampler(web_pgid, worker_pgid) as sampler:
        reader.start()
        try:
            numbers = range(SOAK_NUMBERS_FROM, SOAK_NUMBERS_FROM + options.resumes)
            _upload_all(port, tenant, numbers, soak)
            _settle(tenant, options.resumes + 10, options.timeout)
        finally:
            stop.set()
            reader.join()
    soak.seconds = time.perf_counter() - started
    soak.samples = sampler.samples
    statuses = Document.objects.filter(
        organisation=tenant.org, original_name__startswith="soak-"
    ).values_list("status", flat=True)
    soak.documents = Counter(statuses)
    return soak


def _upload_all(port: int, tenant: seed.Tenant, numbers: range, soak: Soak) -> None:
    files: list[tuple[str, bytes]] = []
    for number in numbers:
        name = f"Soak Person {number}"
        prefix = "soak-" if number >= SOAK_NUMBERS_FROM else "warm-"
        files.append((f"{prefix}{number}.txt", seed.resume_text(number, name).encode()))
        if len(files) == UPLOAD_BATCH or number == numbers[-1]:
            soak.upload_statuses[client.upload(port, tenant.token, files)] += 1
            files = []


def _settle(tenant: seed.Tenant, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        documents = Document.objects.filter(organisation=tenant.org)
        if (
            documents.count() >= expected
            and not documents.exclude(status__in=Document.FINAL_STATUSES).exists()
        ):
            return
        time.sleep(1)
    raise RuntimeError(f"the worker did not settle {expected} uploads in {timeout:.0f} s")


def _read_until(
    port: int, targets: list[client.Target], stop: threading.Event, stats: client.Stats
) -> None:
    while not stop.is_set():
        stats.add(client.run_for(port, targets, seconds=1.0))


# --- Printing ---------------------------------------------------------------------------------


def report_print(report: Report, options: Options) -> list[str]:
    """Prints the figures side by side; returns the targets missed (none checked when quick)."""
    missed = []
    baseline = next(iter(report.pages.values()))
    print(f"\n{options.clients} concurrent clients, {options.seconds:g} s a page")
    print(
        f"{'page':<32} {'requests':>8} {'req/s':>8} {'vs static':>9} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7}  statuses"
    )
    for name, stats in report.pages.items():
        ratio = stats.rate / baseline.rate if baseline.rate else 0.0
        statuses = dict(stats.statuses) | {f"error {k}": v for k, v in stats.errors.items()}
        print(
            f"{name:<32} {stats.requests:>8} {stats.rate:>8.1f} {ratio:>8.0%} "
            f"{stats.percentile(50):>7.1f} {stats.percentile(95):>7.1f} "
            f"{stats.percentile(99):>7.1f}  {statuses}"
        )
        if name.startswith("role") and ratio < RATE_TARGET:
            missed.append(f"{name} at {ratio:.0%} of the static rate")
        if ("results" in name) and stats.percentile(95) >= P95_TARGET_MS:
            missed.append(f"{name} p95 {stats.percentile(95):.0f} ms")
    soak = report.soak
    rate = soak.resumes / soak.seconds if soak.seconds else 0.0
    print(
        f"\nsoak: {soak.resumes} resumes uploaded in batches of {UPLOAD_BATCH} "
        f"(answers {dict(soak.upload_statuses)}), settled in {soak.seconds:.0f} s "
        f"({rate:.1f} resumes/s); documents {dict(soak.documents)}"
    )
    print(
        f"pages read meanwhile: {soak.reads.requests}, statuses {dict(soak.reads.statuses)}, "
        f"p95 {soak.reads.percentile(95):.0f} ms"
    )
    print(
        f"{'memory, MB (RSS)':<32} {'first quarter':>13} {'last quarter':>12} {'peak':>7} "
        f"{'change':>7}   ({len(soak.samples)} samples, 1 s apart)"
    )
    for label, column in (("gunicorn workers", 1), ("celery processes", 2)):
        first, last, peak = soak.quarters(column)
        change = (last - first) / first if first else 0.0
        print(f"{label:<32} {first:>13.0f} {last:>12.0f} {peak:>7.0f} {change:>+7.1%}")
        if change > FLAT_TARGET:
            missed.append(f"{label} grew {change:.0%} over the soak")
    print(f"Tracebacks in the gunicorn and worker logs: {report.log_errors}")
    print(f"load average (1, 5, 15 min, 2 cores): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not report.all_ok:
        missed.append("a request was not answered 200, an upload failed, or a log has a traceback")
    return missed if not options.quick else [m for m in missed if m.startswith("a request")]


def memory_write(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as sink:
        out = csv.writer(sink)
        out.writerow(["seconds", "gunicorn_workers_rss_mb", "celery_rss_mb"])
        out.writerows((f"{t:.1f}", f"{w:.1f}", f"{c:.1f}") for t, w, c in report.soak.samples)


def _arguments(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--quick", action="store_true", help="2 s a page, 30 resumes")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--resumes", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the bench's organisation")
    args = parser.parse_args(argv)
    options = Options(clients=args.clients, seconds=args.seconds, resumes=args.resumes)
    options.keep = args.keep
    if args.quick:
        options.quick, options.seconds, options.resumes = True, 2.0, 30
    return options


def main(argv: list[str]) -> None:
    options = _arguments(argv)
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        # Not an error: `make bench` runs every benchmark, and this one measures production's
        # processes only.
        print("skipped: the load bench needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        return
    call_command("bootstrap", verbosity=0)
    report = run(options, database_url=os.environ["DATABASE_URL"], redis_url=settings.REDIS_URL)
    missed = report_print(report, options)
    memory_write(report, Path(settings.VAR_DIR) / "bench-load-memory.csv")
    if missed:
        print("UNDER TARGET: " + "; ".join(missed))
        raise SystemExit(1)
