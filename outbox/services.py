"""Queueing Celery tasks through the outbox: the one way the project starts background work.

`task_enqueue` writes a `Message` in the caller's transaction and sends it once that commits;
`task_enqueue_many` does the same for many in a few queries, whatever their number. If the
broker does not take one (an outage, a crash between commit and send), the row stays and
`outbox_flush`, run by beat, sends it later. A message may therefore reach a worker twice (sent,
then the row's deletion lost): every task queued this way must be idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.db import NotSupportedError, transaction
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
    return task_enqueue_many(name, [args], countdown=countdown)[0]


def task_enqueue_many(
    name: str, args_list: Iterable[Sequence[Any]], *, countdown: float | None = None
) -> list[Message]:
    """Queues the task `name` once for each entry of `args_list`, as `task_enqueue` does.

    One INSERT for all the messages, and once the transaction commits one send for all of them:
    a claim, a read and a delete, whatever their number.
    """
    now = timezone.now()
    eta = now + timedelta(seconds=countdown) if countdown else None
    messages = Message.objects.bulk_create(
        [Message(task=name, args=list(args), eta=eta, due_at=now) for args in args_list]
    )
    message_ids = [message.pk for message in messages]
    if None in message_ids:
        # PostgreSQL and SQLite 3.35+ return the new ids from a bulk INSERT; without them nothing
        # would be sent until the flush.
        raise NotSupportedError("this database does not return the ids of rows inserted in bulk")
    if message_ids:
        transaction.on_commit(lambda: messages_send(message_ids=message_ids), robust=True)
    return messages


def message_send(*, message_id: int, now: datetime | None = None) -> bool:
    """Sends one message if no other sender holds it; True once the broker has it."""
    return _send(message_id, now or timezone.now()) == SENT


def messages_send(*, message_ids: Sequence[int], now: datetime | None = None) -> int:
    """Sends, oldest first, the messages no other sender holds; returns how many the broker took.

    A refusal is taken for an outage: the message refused and every later one are left to the
    flush, as `message_send` leaves one; those sent before it stay sent.
    """
    sent, _refused = _send_many(message_ids, now or timezone.now())
    return sent


SENT, SKIPPED, REFUSED = "sent", "skipped", "refused"


def _send(message_id: int, now: datetime) -> str:
    sent, refused = _send_many([message_id], now)
    return SENT if sent else REFUSED if refused else SKIPPED


def _send_many(message_ids: Sequence[int], now: datetime) -> tuple[int, int]:
    """(sent, refused) of the messages claimed."""
    claim_until = now + timedelta(seconds=CLAIM_SECONDS)
    if not Message.objects.filter(pk__in=message_ids, due_at__lte=now).update(due_at=claim_until):
        return 0, 0  # sent already, or another sender is on them
    # Only the rows this claim moved: another sender's claim ends at another time.
    messages = list(Message.objects.filter(pk__in=message_ids, due_at=claim_until))
    if current_app.conf.task_always_eager:
        return _run_here(messages), 0
    sent: list[int] = []
    for position, message in enumerate(messages):
        try:
            _publish(message)
        except Exception as exc:
            _keep_for_flush(messages[position:], exc)
            break
        sent.append(message.pk)
    if sent:
        Message.objects.filter(pk__in=sent).delete()
    return len(sent), len(messages) - len(sent)


def _run_here(messages: list[Message]) -> int:
    """Eager mode runs each task right here; their errors are the caller's, as without an outbox.

    Every task runs, as if each had been queued on its own; the first error is raised once they
    all have, and the others are logged."""
    errors: list[Exception] = []
    for message in messages:
        message.delete()
        try:
            _publish(message)
        except Exception as exc:
            if errors:
                logger.exception("task %s failed", message)
            errors.append(exc)
    if errors:
        raise errors[0]
    return len(messages)


def _keep_for_flush(messages: list[Message], exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:500]
    refused_at = timezone.now()
    for attempts in sorted({message.attempts for message in messages}):
        wait = min(MAX_BACKOFF_SECONDS, 2 ** min(attempts + 1, 6))
        Message.objects.filter(
            pk__in=[message.pk for message in messages if message.attempts == attempts]
        ).update(
            attempts=F("attempts") + 1,
            last_error=error,
            due_at=refused_at + timedelta(seconds=wait),
        )
    logger.warning(
        "task %s not sent (%s); the outbox retries it%s",
        messages[0],
        exc,
        f" and the {len(messages) - 1} queued after it" if len(messages) > 1 else "",
    )


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
