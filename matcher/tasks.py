"""Engine tasks: thin wrappers that load by id and call the matching services."""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init, worker_process_init
from django.conf import settings

from candidates.models import Document
from candidates.services import document_fail
from matcher import embeddings
from matcher.embeddings import CONCURRENCY_ENV
from matcher.services.matches import (
    candidate_embed,
    documents_ingest,
    match_fail,
    match_score_delivery,
    pipeline_sweep,
)
from matcher.services.recovery import work_recover
from outbox.services import task_enqueue

logger = logging.getLogger(__name__)

# A match waits for uploads still being read: poll every few seconds, for up to two hours.
WAIT_COUNTDOWN = 5
WAIT_RETRIES = 1440
ERROR_RETRIES = 3


@worker_init.connect
def _record_concurrency(sender: Any = None, **kwargs: Any) -> None:
    # Children inherit the environment: each then gives torch its share of the cores.
    concurrency = getattr(sender, "concurrency", None)
    if concurrency:
        os.environ[CONCURRENCY_ENV] = str(concurrency)


@worker_process_init.connect
def _load_the_model(**kwargs: Any) -> None:
    # In each pool child, after the fork: torch's threads never cross a fork. One short text
    # through the model also builds its kernels, so the first resume is as fast as the rest.
    if settings.EMBEDDING_PRELOAD:
        embeddings.embed_texts(["warm up"])


@shared_task(name="matcher.candidate_embed", acks_late=True, reject_on_worker_lost=True)
def candidate_embed_task(candidate_id: int) -> str:
    row = candidate_embed(candidate_id=candidate_id)
    return "embedded" if row is not None else "gone or failed"


TOO_SLOW = (
    "Reading this file took too long and was stopped. Re-export it (for example as a "
    "text-based PDF) and upload it again."
)


@shared_task(name="matcher.documents_ingest", acks_late=True, reject_on_worker_lost=True)
def documents_ingest_task(document_ids: list[int]) -> dict[str, int]:
    """Reads, embeds and scores a chunk of uploads. Redelivered if its worker dies: settled
    documents are skipped and the service bounds each file's attempts."""
    budget = max(10, settings.CELERY_TASK_SOFT_TIME_LIMIT - 2 * settings.PARSE_TIME_LIMIT_S - 60)
    try:
        outcome = documents_ingest(document_ids=document_ids, budget_s=budget)
    except SoftTimeLimitExceeded:
        # The file being read when time ran out fails; the rest go to another task.
        for document in Document.objects.filter(
            pk__in=document_ids, status=Document.Status.READING
        ):
            document_fail(document=document, code="timeout", message=TOO_SLOW)
        left = list(
            Document.objects.filter(
                pk__in=document_ids, status=Document.Status.UPLOADED
            ).values_list("pk", flat=True)
        )
        if left:
            task_enqueue("matcher.documents_ingest", left)
        return {"left": len(left)}
    if outcome.left:
        task_enqueue("matcher.documents_ingest", outcome.left)
    return {"parsed": outcome.parsed, "embedded": outcome.embedded, "left": len(outcome.left)}


@shared_task(name="matcher.pipeline_sweep")
def pipeline_sweep_task() -> dict[str, int]:
    return asdict(pipeline_sweep())


@shared_task(
    name="matcher.match_score",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=WAIT_RETRIES,
)
def match_score_task(self: Any, match_id: int, errors: int = 0) -> str:
    """Scores a match. Redelivered if its worker dies; the service stops a match whose
    deliveries keep dying. `errors` counts the deliveries in a row that ended in an error:
    `self.request.retries` also counts the polls while uploads were read, and after a long wait
    it would fail the match on its first error."""
    try:
        progress = match_score_delivery(match_id=match_id)
    except Exception:
        if errors >= ERROR_RETRIES:
            logger.exception("match %s failed for good", match_id)
            match_fail(
                match_id=match_id,
                message=(
                    "Scoring stopped on an internal error before this file was scored; nothing "
                    "left unscored was charged. Run the match again later."
                ),
            )
            return "failed"
        logger.exception("match %s failed; retrying", match_id)
        raise self.retry(
            countdown=30,
            max_retries=WAIT_RETRIES,
            args=[match_id],
            kwargs={"errors": errors + 1},
        ) from None
    if not progress.done:
        if self.request.retries >= WAIT_RETRIES:
            match_fail(
                match_id=match_id,
                message="Some files were still not read after two hours; they were not charged.",
            )
            return "failed"
        raise self.retry(countdown=WAIT_COUNTDOWN, args=[match_id], kwargs={"errors": errors})
    return "done"


@shared_task(name="matcher.work_recover", ignore_result=True)
def work_recover_task() -> int:
    """The sweep that takes back work from dead workers; beat runs it every minute."""
    return work_recover().total
