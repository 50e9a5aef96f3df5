"""Queueing Celery tasks through the outbox: the one way the project starts background work.

`task_enqueue` writes a `Message` in the caller's transaction and sends it once that commits. If
the broker does not take it (an outage, a crash between commit and send), the row stays and
`outbox_flush`, run by beat, sends it later. A message may therefore reach a worker twice (sent,
then the row's deletion lost): every task queued this way must be idempotent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outbox.models import Message

logger = logging.getLogger(__name__)

# How long a sender holds a claimed message before another may try it (a crashed sender).
CLAIM_SECONDS = 60
# Longest wait between two tries of a message the broker refused.
MAX_BACKOFF_SECONDS = 60
FLUSH_BATCH = 500


def task_enqueue(name: str, *args: Any, countdown: float | None = None) -> Message:
    """Queues the task `name` by name (no service imports a task module) with JSON `args`.

    Call it inside the transaction that records the work: the task is sent only if that commits.
    """
    now = timezone.now()
    message = Message.objects.create(
        task=name,
        args=list(args),
        eta=now + timedelta(seconds=countdown) if countdown else None,
        due_at=now,
    )
    message_id = message.pk
    transaction.on_commit(lambda: message_send(message_id=message_id), robust=True)
    return message


def message_send(*, message_id: int, now: datetime | None = None) -> bool:
    """Sends one message if no other sender holds it; True once the broker has it."""
    return _send(message_id, now or timezone.now()) == SENT


SENT, SKIPPED, REFUSED = "sent", "skipped", "refused"


def _send(message_id: int, now: datetime) -> str:
    claimed = Message.objects.filter(pk=message_id, due_at__lte=now).update(
        due_at=now + timedelta(seconds=CLAIM_SECONDS)
    )
    message = Message.objects.filter(pk=message_id).first() if claimed else None
    if message is None:
        return SKIPPED  # sent already, or another sender is on it
    if current_app.conf.task_always_eager:
        # Eager mode runs the task right here; its errors are the caller's, as without an outbox.
        message.delete()
        _publish(message)
        return SENT
    try:
        _publish(message)
    except Exception as exc:
        wait = min(MAX_BACKOFF_SECONDS, 2 ** min(message.attempts + 1, 6))
        Message.objects.filter(pk=message.pk).update(
            attempts=F("attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            due_at=timezone.now() + timedelta(seconds=wait),
        )
        logger.warning("task %s not sent (%s); the outbox retries it", message, exc)
        return REFUSED
    Message.objects.filter(pk=message.pk).delete()
    return SENT


def _publish(message: Message) -> None:
    options: dict[str, Any] = {
        # Nobody reads these tasks' return values; waiting on the result store as well would
        # double the ways a send can hang during an outage.
        "ignore_result": True,
    }
    if message.eta and message.eta > timezone.now():
        options["eta"] = message.eta
    task = current_app.tasks.get(message.task)
    if task is not None:
        task.apply_async(args=list(message.args), **options)
    elif current_app.conf.task_always_eager:
        logger.warning("task %s is not registered in this process; not run", message.task)
    else:
        current_app.send_task(message.task, args=list(message.args), **options)


def outbox_flush(*, now: datetime | None = None, limit: int = FLUSH_BATCH) -> int:
    """Sends what is due, oldest first; stops at the first refusal (the broker is still down).

    Returns how many messages the broker took."""
    now = now or timezone.now()
    due = list(
        Message.objects.filter(due_at__lte=now).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in due:
        outcome = _send(message_id, now)
        if outcome == REFUSED:
            break
        sent += outcome == SENT
    return sent
