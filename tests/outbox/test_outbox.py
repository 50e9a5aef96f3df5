"""The outbox: a task is sent only if its transaction commits, exactly once per message, and a
message the broker refused (or a sender that died) is sent later by the flush."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from amqp.exceptions import ChannelError
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from outbox.models import Message
from outbox.services import message_send, outbox_flush, task_enqueue
from tests.brokers import UNREACHABLE, broker_at

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
