"""The outbox: a task is sent only if its transaction commits, exactly once per message, and a
message the broker refused (or a sender that died) is sent later by the flush. Many tasks queued
together are written and sent in a fixed number of queries, with the same guarantees."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Any

import pytest
from amqp.exceptions import ChannelError
from celery.signals import after_task_publish
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from outbox.models import Message
from outbox.services import (
    CLAIM_SECONDS,
    message_send,
    outbox_flush,
    task_enqueue,
    task_enqueue_many,
)
from tests.brokers import UNREACHABLE, broker_at, eager

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of this test's own on the configured broker, emptied afterwards."""
    name = f"test-outbox-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    try:
        yield name
    finally:
        celery_app.conf.task_default_queue = previous
        with celery_app.connection_for_write() as conn:
            conn.SimpleQueue(name).clear()


def waiting(queue: str) -> int:
    with celery_app.connection_for_write() as conn:
        try:
            return int(conn.SimpleQueue(queue).qsize())
        except ChannelError:
            return 0  # Redis keeps no empty list: a queue nothing was sent to "does not exist"


def test_a_task_queued_in_a_rolled_back_transaction_is_never_sent(
    queue, django_capture_on_commit_callbacks
) -> None:
    def work() -> None:
        with transaction.atomic():
            task_enqueue("config.ping")
            raise RuntimeError("the work failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        work()
    assert not Message.objects.exists()
    assert waiting(queue) == 0


def test_a_committed_task_is_sent_once_even_when_two_senders_race(
    queue, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = task_enqueue("config.ping")
    assert len(callbacks) == 1
    assert outbox_flush() == 1  # the periodic sender got there first
    callbacks[0]()  # the sender that ran after the commit finds nothing left to send
    assert not message_send(message_id=message.pk)
    assert waiting(queue) == 1
    assert not Message.objects.exists()


def test_a_refused_task_is_kept_and_sent_by_the_flush_once_the_broker_is_back(
    queue, django_capture_on_commit_callbacks
) -> None:
    with broker_at(UNREACHABLE):
        with django_capture_on_commit_callbacks(execute=True):
            task_enqueue("config.ping")
        message = Message.objects.get()
        assert message.attempts == 1
        assert "refused" in message.last_error.lower()
        # Still refused: the flush stops at the first refusal and tries again later.
        assert outbox_flush(now=timezone.now() + timedelta(minutes=1)) == 0
    assert waiting(queue) == 0
    assert outbox_flush() == 0  # not due yet: the broker has just refused it
    assert outbox_flush(now=timezone.now() + timedelta(minutes=2)) == 1
    assert waiting(queue) == 1
    assert not Message.objects.exists()


def test_a_message_whose_sender_died_after_claiming_it_is_sent_after_the_claim_expires(
    queue, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        message = task_enqueue("config.ping")
    # A sender claimed it and was killed before publishing: the claim is all that is left.
    Message.objects.filter(pk=message.pk).update(due_at=timezone.now() + timedelta(seconds=60))
    assert outbox_flush() == 0
    assert outbox_flush(now=timezone.now() + timedelta(seconds=61)) == 1
    assert waiting(queue) == 1


def test_a_countdown_survives_a_delayed_send(queue, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        message = task_enqueue("config.ping", countdown=300)
    assert message.eta is not None
    assert timedelta(seconds=299) < message.eta - message.created_at < timedelta(seconds=301)


@contextmanager
def outage_after(taken: int) -> Iterator[None]:
    """The broker goes down once it has taken `taken` tasks: an outage that starts mid-batch."""
    count = 0
    with ExitStack() as outage:

        def published(**kwargs: Any) -> None:
            nonlocal count
            count += 1
            if count == taken:
                outage.enter_context(broker_at(UNREACHABLE))

        after_task_publish.connect(published, weak=False)
        try:
            yield
        finally:
            after_task_publish.disconnect(published)


def test_tasks_queued_together_are_written_in_one_query_and_sent_after_the_commit_in_three(
    queue, django_capture_on_commit_callbacks
) -> None:
    def queries_to_send(n: int) -> int:
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            CaptureQueriesContext(connection) as written,
        ):
            messages = task_enqueue_many("config.ping", [()] * n)
        assert len(written) == 1
        assert len(callbacks) == 1
        assert Message.objects.filter(pk__in=[m.pk for m in messages]).count() == n
        with CaptureQueriesContext(connection) as sent:
            callbacks[0]()
        return len(sent)

    # A claim, a read and a delete, whatever their number.
    assert queries_to_send(2) == queries_to_send(20) == 3
    assert waiting(queue) == 22
    assert not Message.objects.exists()


def test_nothing_queued_together_is_sent_when_the_transaction_rolls_back(
    queue, django_capture_on_commit_callbacks
) -> None:
    def work() -> None:
        with transaction.atomic():
            task_enqueue_many("config.ping", [()] * 3)
            raise RuntimeError("the work failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        work()
    assert not Message.objects.exists()
    assert waiting(queue) == 0


def test_queuing_no_task_writes_and_sends_nothing(django_capture_on_commit_callbacks) -> None:
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        assert task_enqueue_many("config.ping", []) == []
    assert (len(queries), len(callbacks)) == (0, 0)


def test_a_refusal_midway_leaves_that_task_and_the_later_ones_to_the_flush(
    queue, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        messages = task_enqueue_many("config.ping", [()] * 5)
    before = timezone.now()
    with outage_after(2):
        callbacks[0]()
        kept = list(Message.objects.all())
        # Still refused: the flush stops at the first refusal and tries again later.
        assert outbox_flush(now=timezone.now() + timedelta(minutes=1)) == 0
    assert [m.pk for m in kept] == [m.pk for m in messages[2:]]
    assert all(m.attempts == 1 for m in kept)
    assert all("refused" in m.last_error.lower() for m in kept)
    # Tried again after a short wait, not held for a whole claim like a sender that died.
    assert all(before < m.due_at < before + timedelta(seconds=CLAIM_SECONDS) for m in kept)
    assert waiting(queue) == 2
    assert outbox_flush() == 0  # not due yet: the broker has just refused them
    assert outbox_flush(now=timezone.now() + timedelta(minutes=2)) == 3
    assert waiting(queue) == 5
    assert not Message.objects.exists()


def test_tasks_queued_together_leave_alone_the_one_another_sender_holds(
    queue, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        messages = task_enqueue_many("config.ping", [()] * 3)
    held = messages[1]
    # The flush claimed it and is publishing it: sending it here as well would send it twice.
    Message.objects.filter(pk=held.pk).update(due_at=timezone.now() + timedelta(seconds=60))
    callbacks[0]()
    assert waiting(queue) == 2
    assert list(Message.objects.values_list("pk", "attempts", "last_error")) == [(held.pk, 0, "")]


ran: list[tuple[int, int]] = []


@celery_app.task(name="tests.outbox.note")
def note(n: int) -> None:
    """Notes how many messages were still in the outbox as it ran; task 2 fails."""
    ran.append((n, Message.objects.count()))
    if n == 2:
        raise RuntimeError("task 2 failed")


def test_in_eager_mode_every_task_runs_after_its_message_is_deleted_and_errors_reach_the_caller(
    django_capture_on_commit_callbacks,
) -> None:
    ran.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task_enqueue_many("tests.outbox.note", [(1,), (2,), (3,)])
    with eager(), pytest.raises(RuntimeError, match="task 2 failed"):
        callbacks[0]()
    # As if each were queued on its own: one message gone as each task starts, and a failure
    # stops none of the others.
    assert ran == [(1, 2), (2, 1), (3, 0)]
    assert not Message.objects.exists()
