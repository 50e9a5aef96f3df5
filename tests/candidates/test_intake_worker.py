"""End to end with a real Celery worker process: an upload is read by the worker, not in-process.

The worker shares the test database (PostgreSQL's test database, or SQLite's test file), the
media folder and the broker (Redis in CI, the filesystem otherwise), and listens on a queue of
its own so that no other worker takes the task.
"""

from __future__ import annotations

import time

import pytest

from candidates.models import Document
from candidates.services import batch_create
from tests.candidates.factories import resume_docx, resume_pdf, taxonomy, upload  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("taxonomy")]


def _wait_until_settled(batch_id: int, deadline_s: float) -> list[Document]:
    """Polls the database like the batch page does, until no document is waiting or reading."""
    deadline = time.monotonic() + deadline_s
    while True:
        documents = list(Document.objects.filter(batch_id=batch_id).order_by("pk"))
        waiting = [d for d in documents if d.status in Document.PARSABLE_STATUSES]
        if not waiting or time.monotonic() > deadline:
            return documents
        time.sleep(0.5)


def test_a_real_worker_reads_an_upload_end_to_end(alice, worker_queue) -> None:
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
    assert "matcher.documents_ingest" in log
