"""Reads of the outbox."""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app

from outbox.models import Message

logger = logging.getLogger(__name__)


def message_pending(task: str, *args: Any) -> bool:
    """Whether this very task waits in the outbox for the broker (it will run; do not give up on
    its work, do not queue it again)."""
    return Message.objects.filter(task=task, args=list(args)).exists()


def message_args_pending(task: str) -> list[list[Any]]:
    """The arguments of every message of `task` waiting for the broker."""
    return [list(args) for args in Message.objects.filter(task=task).values_list("args", flat=True)]


def outbox_pending() -> int:
    """Messages the broker has not taken yet."""
    return Message.objects.count()


def broker_backlog(task: str) -> int | None:
    """Messages waiting in the broker's queue that `task` is routed to (not those a worker has
    already taken), or None when the broker cannot say: tasks run eagerly, the broker is down,
    or the queue was never declared."""
    app = current_app
    if app.conf.task_always_eager:
        return None
    queue = app.amqp.router.route({}, task)["queue"]
    try:
        with app.connection_for_read() as connection:
            # One attempt: a sweep during an outage must not wait on the broker's retries.
            connection.ensure_connection(max_retries=1)
            declared = connection.default_channel.queue_declare(queue=queue.name, passive=True)
    except Exception as exc:
        logger.info("queue %s: size unknown (%s)", queue.name, exc)
        return None
    return int(declared.message_count)
