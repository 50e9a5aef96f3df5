"""End to end with a real Celery worker process: an upload is read by the worker, not in-process.

The worker shares the test database (PostgreSQL's test database, or SQLite's test file), the
media folder and the broker (Redis in CI, the filesystem otherwise), and listens on a queue of
its own so that no other worker takes the task.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from config.celery import app as celery_app
from matcher.models import Document
from matcher.services.intake import batch_create
from tests.matcher.factories import resume_docx, resume_pdf, taxonomy, upload  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("taxonomy")]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_queue(settings, tmp_path):  # type: ignore[no-untyped-def]
    queue = f"test-intake-{uuid.uuid4().hex[:10]}"
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield log
    finally:
        celery_app.conf.task_default_queue = previous
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def _wait_until_settled(batch_id: int, deadline_s: float) -> list[Document]:
    """Polls the database like the batch page does, until no document is waiting or reading."""
    deadline = time.monotonic() + deadline_s
    while True:
        documents = list(Document.objects.filter(batch_id=batch_id).order_by("pk"))
        waiting = [d for d in documents if d.status in Document.PARSABLE_STATUSES]
        if not waiting or time.monotonic() > deadline:
            return documents
        time.sleep(0.5)


def test_a_real_worker_reads_an_upload_end_to_end(alice, worker_queue) -> None:  # type: ignore[no-untyped-def]
    batch = batch_create(
        org=alice.membership.organisation,
        user=alice,
        files=[
            upload("ada.pdf", resume_pdf()),
            upload("grace.docx", resume_docx(name="Grace Hopper", email="grace@example.com")),
            upload("empty.txt", b"hello"),
        ],
    )

    documents = _wait_until_settled(batch.pk, deadline_s=180)
    log = worker_queue.read_text(errors="replace")

    ada, grace, empty = documents
    assert ada.status in {"parsed", "embedded"}, (ada.error_message, log[-3000:])
    assert ada.candidate.name == "Ada Lovelace"
    assert "Python" in ada.candidate.skills
    assert grace.status in {"parsed", "embedded"}
    assert grace.candidate.email == "grace@example.com"
    assert (empty.status, empty.error_code) == ("failed", "no_text")
    assert all(d.attempts == 1 for d in documents)
    assert "matcher.document_parse" in log
