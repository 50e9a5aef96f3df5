"""The upload alone: `batch_create` for N generated files, beside one file a slice in the same run.

`batch_create` writes an upload a slice at a time (`candidates.services.SLICE_FILES`): one
look-up of the slice's hashes, one INSERT for its rows. The baseline runs the same code with one
file a slice, which is what the upload did before it wrote in slices: two look-ups and an
INSERT for every file. Both store the same files and queue the same chunks, whose sends (one
message each, after the commit) are counted and timed too, as the recruiter waits for them.

Prints, for each size, the queries and the milliseconds of each path (median of `--repeat`
runs, the two paths taking turns), on whatever database and broker the environment configures:
the embedded default (SQLite, filesystem broker) or `DATABASE_URL` and `REDIS_URL`. Every file
is new to the organisation, so each one is stored and queued to be read.

The queued chunks go to a queue of the bench's own, emptied at the end; everything else is
written into a throw-away organisation, deleted at the end.

    python -m bench intake_upload [--files=25,200] [--repeat=5] [--kb=24]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation, User
from accounts.services import organisation_create, organisation_delete
from candidates import services
from candidates.services import batch_create, chunk_sizes
from config.celery import app


@contextmanager
def _one_file_a_slice() -> Iterator[None]:
    saved = services.SLICE_FILES
    services.SLICE_FILES = 1
    try:
        yield
    finally:
        services.SLICE_FILES = saved


def _files(n: int, kb: int, tag: str) -> list[SimpleUploadedFile]:
    """n plain-text resumes of about `kb` KB (the livecareer PDFs average 24 KB), all distinct."""
    files = []
    for i in range(n):
        head = f"Person {tag} {i}\nSenior Backend Engineer | person{i}@{tag}.example\n"
        body = "Built Python and Django services on PostgreSQL, deployed on Kubernetes.\n"
        text = head + body * max(1, kb * 1024 // len(body))
        files.append(SimpleUploadedFile(f"{tag}-{i}.txt", text.encode()))
    return files


def _upload(user: User, org: Organisation, files: list[SimpleUploadedFile]) -> tuple[int, float]:
    """(queries, seconds) of one upload, the sends after its commit included."""
    # The query log keeps only the last 9,000: emptied first, so that a long run counts right.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        batch = batch_create(org=org, user=user, files=files)
        elapsed = time.perf_counter() - started
    if batch.documents.exclude(status="uploaded").exists():
        raise SystemExit("a generated file was not taken as new: the comparison would be unfair")
    return len(queries), elapsed


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench intake_upload")
    parser.add_argument("--files", default="25,200", help="upload sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--kb", type=int, default=24, help="size of each generated file")
    return parser.parse_args(argv)


def _queue_purge(queue: str) -> None:
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def main(argv: list[str]) -> None:
    args = _arguments(argv)
    sizes = [int(n) for n in args.files.split(",")]
    if max(sizes) > settings.UPLOAD_MAX_BATCH_FILES:
        raise SystemExit(f"one upload takes at most {settings.UPLOAD_MAX_BATCH_FILES} files")
    queue = f"bench-upload-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    broker = str(app.conf.broker_url).split(":", 1)[0]
    print(f"{connection.vendor} + {broker} broker; files of {args.kb} KB; median of {args.repeat}")
    tag = uuid.uuid4().hex[:8]
    user = User.objects.create_user(email=f"bench-upload-{tag}@rolematch.test", password=None)
    org = organisation_create(owner=user, name=f"Bench upload {tag}")
    print(
        f"\n{'files':>6} {'chunks':>6}  {'path':<18} {'queries':>8} {'queries/file':>13} "
        f"{'ms':>9} {'ms/file':>8}"
    )
    try:
        _upload(user, org, _files(2, args.kb, f"warm-{tag}"))
        for n in sizes:
            runs: dict[str, list[tuple[int, float]]] = {"one file a slice": [], "slices": []}
            for r in range(args.repeat):
                with _one_file_a_slice():
                    runs["one file a slice"].append(
                        _upload(user, org, _files(n, args.kb, f"a{n}-{r}"))
                    )
                runs["slices"].append(_upload(user, org, _files(n, args.kb, f"b{n}-{r}")))
            chunks = len(chunk_sizes(n, largest=settings.INTAKE_CHUNK_FILES))
            for path, measured in runs.items():
                queries = statistics.median(q for q, _ in measured)
                ms = 1000 * statistics.median(s for _, s in measured)
                print(
                    f"{n:>6} {chunks:>6}  {path:<18} {queries:>8.0f} {queries / n:>13.2f} "
                    f"{ms:>9.1f} {ms / n:>8.2f}",
                    flush=True,
                )
    finally:
        organisation_delete(org=org, actor=user)
        user.delete()
        _queue_purge(queue)
