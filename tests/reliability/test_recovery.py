"""Work a dead worker held comes back in minutes (the sweep), and `audit_ledger` reports credit
held by matches that are not running."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from billing.models import Reservation
from candidates.models import Document
from candidates.services import batch_create
from matcher.models import Match
from matcher.services.matches import match_create
from matcher.services.recovery import work_recover
from outbox.models import Message
from outbox.services import outbox_flush
from tests.api.conftest import PEOPLE, candidate_with_file, fund
from tests.brokers import eager
from tests.candidates.factories import resume_pdf, taxonomy, upload
from tests.roles.factories import make_role

__all__ = ["taxonomy"]
pytestmark = pytest.mark.django_db


def ago(seconds: int) -> timezone.datetime:
    return timezone.now() - timedelta(seconds=seconds)


@pytest.fixture
def running_match(alice, alice_org, django_capture_on_commit_callbacks) -> Match:
    """A match a worker started and then died on: running, its message gone with the worker."""
    fund(alice_org, 1000)
    role = make_role("Backend Engineer", skills=[("Python", 5, True)])
    people = [candidate_with_file(alice_org, alice, *p) for p in PEOPLE]
    with django_capture_on_commit_callbacks(execute=False):
        match = match_create(org=alice_org, user=alice, role=role, candidates=people)
    Message.objects.all().delete()  # the broker handed it to the worker that died
    Match.objects.filter(pk=match.pk).update(status=Match.Status.RUNNING, updated_at=ago(150))
    return match


def test_a_running_match_whose_worker_died_is_queued_again_and_finishes(
    running_match, alice_org, django_capture_on_commit_callbacks
) -> None:
    assert work_recover(now=timezone.now() - timedelta(seconds=60)).matches == 0  # not yet stale
    with eager(), django_capture_on_commit_callbacks(execute=True):
        assert work_recover().matches == 1
    running_match.refresh_from_db()
    assert running_match.status == Match.Status.DONE
    assert running_match.scored_count == 3
    assert Reservation.objects.get().status == Reservation.Status.RELEASED
    call_command("audit_ledger")


def test_a_match_that_is_alive_is_left_to_its_worker(running_match) -> None:
    Match.objects.filter(pk=running_match.pk).update(updated_at=ago(30))
    assert work_recover().matches == 0
    assert not Message.objects.exists()


def test_two_sweeps_queue_a_stalled_match_once(running_match) -> None:
    assert work_recover().matches == 1
    assert work_recover().matches == 0
    assert Message.objects.filter(task="matcher.match_score").count() == 1


@pytest.mark.slow
def test_a_document_left_reading_by_a_dead_worker_is_read_again(
    alice, alice_org, taxonomy, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=False):
        batch_create(
            org=alice_org, user=alice, files=[upload("ada.pdf", resume_pdf(name="Ada Lovelace"))]
        )
    Message.objects.all().delete()
    document = Document.objects.get()
    # The worker counted its attempt and started reading, then was killed.
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.READING, attempts=1, updated_at=ago(settings.PARSE_TIME_LIMIT_S + 30)
    )
    assert work_recover().documents == 0  # the sandbox could still be reading it
    Document.objects.filter(pk=document.pk).update(
        updated_at=ago(settings.PARSE_TIME_LIMIT_S + settings.MATCH_STALL_SECONDS + 1)
    )
    with eager(), django_capture_on_commit_callbacks(execute=True):
        assert work_recover().documents == 1
    document.refresh_from_db()
    assert document.status == Document.Status.EMBEDDED
    assert document.attempts == 2


def test_the_audit_reports_credit_held_by_a_finished_match(running_match, capsys) -> None:
    Match.objects.filter(pk=running_match.pk).update(status=Match.Status.DONE)
    with pytest.raises(CommandError):
        call_command("audit_ledger")
    assert f"match #{running_match.pk} is done but its reservation" in capsys.readouterr().err


def test_the_audit_leaves_a_match_that_is_running(running_match) -> None:
    Match.objects.filter(pk=running_match.pk).update(updated_at=timezone.now())
    call_command("audit_ledger")


def test_a_requeued_match_whose_message_waits_in_the_outbox_is_not_queued_twice(
    running_match,
) -> None:
    assert work_recover().matches == 1
    Match.objects.filter(pk=running_match.pk).update(updated_at=ago(500))
    assert work_recover().matches == 0  # the broker has not taken the first one yet
    assert Message.objects.count() == 1


def test_the_audit_reports_a_match_that_has_not_moved_for_pipeline_stuck_minutes(
    running_match, settings, capsys
) -> None:
    Match.objects.filter(pk=running_match.pk).update(
        updated_at=ago(60 * settings.PIPELINE_STUCK_MINUTES + 1)
    )
    with pytest.raises(CommandError):
        call_command("audit_ledger")
    assert "has not progressed since" in capsys.readouterr().err
    with eager():
        outbox_flush()
