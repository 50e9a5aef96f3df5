"""Taking back work whose worker died whole, in minutes rather than at the visibility timeout.

A scoring task touches its match (`updated_at`) when it starts, after every batch and at every
poll for uploads, so a match "running" untouched for `MATCH_STALL_SECONDS` has lost its worker. A
document "reading" for that long past the sandbox's own limit lost its worker too. Both are queued
again through the outbox. The tasks are idempotent, so a worker that was only slow costs a
duplicate run, never a double charge; a document counts its attempts and is set aside after
PARSE_MAX_ATTEMPTS. What stays stuck anyway is settled later by `pipeline_sweep`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from candidates.models import Document
from matcher.models import Match
from outbox.selectors import message_args_pending, message_pending
from outbox.services import task_enqueue

logger = logging.getLogger(__name__)


@dataclass
class Recovered:
    matches: int = 0
    documents: int = 0

    @property
    def total(self) -> int:
        return self.matches + self.documents


def _requeue(
    queryset: QuerySet[Document] | QuerySet[Match], task: str, cutoff: datetime, now: datetime
) -> int:
    done = 0
    for pk in list(queryset.filter(updated_at__lt=cutoff).values_list("pk", flat=True)):
        with transaction.atomic():
            # Touched by the statement that decides: two sweeps never both re-queue one item, and
            # an item a worker touched meanwhile is left to it.
            if not queryset.filter(pk=pk, updated_at__lt=cutoff).update(updated_at=now):
                continue
            if message_pending(task, pk):
                continue  # the broker has not even taken the previous one
            task_enqueue(task, pk)
            done += 1
    return done


def _chunk_requeue(document: Document, cutoff: datetime, now: datetime) -> int:
    """Queues again a document a dead worker was reading, with what else of its upload that
    worker's chunk may have held: files of the batch not read yet, or read and not embedded."""
    held = {pk for args in message_args_pending("matcher.documents_ingest") for pk in args[0]}
    with transaction.atomic():
        if not Document.objects.filter(
            pk=document.pk, status=Document.Status.READING, updated_at__lt=cutoff
        ).update(updated_at=now):
            return 0
        left = (
            Document.objects.filter(
                batch_id=document.batch_id,
                status__in=[Document.Status.UPLOADED, Document.Status.PARSED],
                updated_at__lt=cutoff,
            )
            .exclude(pk__in=held)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chunk = [document.pk, *left]
        Document.objects.filter(pk__in=chunk).update(updated_at=now)
        # Files still in a chunk the broker holds may be read twice: reading is idempotent.
        task_enqueue("matcher.documents_ingest", chunk)
    return len(chunk)


def work_recover(*, now: datetime | None = None) -> Recovered:
    """Queues again the work dead workers held. Safe to run often and from many processes."""
    now = now or timezone.now()
    stalled = now - timedelta(seconds=settings.MATCH_STALL_SECONDS)
    unread = stalled - timedelta(seconds=settings.PARSE_TIME_LIMIT_S)
    found = Recovered(
        matches=_requeue(
            Match.objects.filter(status=Match.Status.RUNNING), "matcher.match_score", stalled, now
        )
    )
    reading = Document.objects.filter(status=Document.Status.READING, updated_at__lt=unread)
    for document in list(reading):
        found.documents += _chunk_requeue(document, unread, now)
    if found.total:
        logger.warning(
            "re-queued %s match(es) and %s document(s) whose worker is gone",
            found.matches,
            found.documents,
        )
    return found
