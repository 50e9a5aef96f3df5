"""A broker outage delays work and never loses it: the write commits with its dispatch intent
(the outbox), the API answers as usual, and the outbox sends the task when the broker is back."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from billing.models import Reservation
from billing.selectors import balance_cents, price_per_candidate_cents
from candidates.models import Candidate, Document
from matcher.models import Match
from matcher.services.matches import pipeline_sweep
from outbox.models import Message
from outbox.services import outbox_flush
from tests.api.conftest import PEOPLE, candidate_with_file, fund
from tests.brokers import UNREACHABLE, broker_at, eager
from tests.candidates.factories import resume_pdf, taxonomy
from tests.roles.factories import make_role

__all__ = ["taxonomy"]
pytestmark = pytest.mark.django_db


def a_minute_later() -> datetime:
    # The outbox waits a little before trying a refused message again.
    return timezone.now() + timedelta(minutes=1)


def test_a_match_posted_during_an_outage_is_accepted_once_and_runs_when_the_broker_is_back(
    alice, alice_org, alice_api, django_capture_on_commit_callbacks
) -> None:
    fund(alice_org, 1000)
    role = make_role("Backend Engineer", skills=[("Python", 5, True)])
    people = [candidate_with_file(alice_org, alice, *p) for p in PEOPLE]
    body = {"role": role.pk, "candidates": [p.pk for p in people]}
    with broker_at(UNREACHABLE):
        responses = []
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                responses.append(
                    alice_api.post(
                        "/api/v1/matches/", body, format="json", HTTP_IDEMPOTENCY_KEY="outage-1"
                    )
                )
    assert [r.status_code for r in responses] == [201, 201, 201], responses[0].content
    assert {r.json()["id"] for r in responses} == {responses[0].json()["id"]}
    assert responses[0].json()["status"] == "queued"
    assert Match.objects.count() == 1
    assert Reservation.objects.count() == 1
    cost = 3 * price_per_candidate_cents()
    assert balance_cents(org=alice_org) == 1000 - cost
    assert list(Message.objects.values_list("task", "args")) == [
        ("matcher.match_score", [responses[0].json()["id"]])
    ]
    assert Message.objects.get().attempts == 1

    with eager():
        assert outbox_flush(now=a_minute_later()) == 1
    match = Match.objects.get()
    assert match.status == Match.Status.DONE
    assert match.charged_cents == cost
    assert balance_cents(org=alice_org) == 1000 - cost
    assert not Message.objects.exists()
    call_command("audit_ledger")


@pytest.mark.slow
def test_an_upload_during_an_outage_is_read_when_the_broker_is_back_and_its_twin_follows(
    alice_api, taxonomy, django_capture_on_commit_callbacks
) -> None:
    data = resume_pdf(name="Ada Lovelace", email="ada@example.com")
    with broker_at(UNREACHABLE):
        with django_capture_on_commit_callbacks(execute=True):
            first = alice_api.post(
                "/api/v1/candidates/",
                {"files": [SimpleUploadedFile("ada.pdf", data)]},
                format="multipart",
            )
        with django_capture_on_commit_callbacks(execute=True):
            again = alice_api.post(
                "/api/v1/candidates/",
                {"files": [SimpleUploadedFile("ada-again.pdf", data)]},
                format="multipart",
            )
    assert first.status_code == again.status_code == 201, first.content
    assert Message.objects.filter(task="matcher.documents_ingest").count() == 1

    with eager(), django_capture_on_commit_callbacks(execute=True):
        outbox_flush(now=a_minute_later())
    documents = {d.original_name: d for d in Document.objects.all()}
    assert documents["ada.pdf"].status == Document.Status.EMBEDDED
    assert documents["ada-again.pdf"].status == Document.Status.DUPLICATE
    candidate = Candidate.objects.get()
    assert candidate.name == "Ada Lovelace"
    assert documents["ada-again.pdf"].candidate_id == candidate.pk
    assert not Message.objects.exists()


def test_the_pipeline_sweep_leaves_work_whose_task_waits_in_the_outbox(
    alice_api, alice_org, alice, settings, django_capture_on_commit_callbacks
) -> None:
    """An outage longer than PIPELINE_STUCK_MINUTES must not fail the uploads it held back."""
    with broker_at(UNREACHABLE), django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post(
            "/api/v1/candidates/",
            {"files": [SimpleUploadedFile("ada.txt", b"Ada Lovelace\nPython developer\n")]},
            format="multipart",
        )
    assert response.status_code == 201
    later = timezone.now() + timedelta(minutes=settings.PIPELINE_STUCK_MINUTES + 1)
    assert pipeline_sweep(now=later).documents_failed == 0
    assert Document.objects.get().status == Document.Status.UPLOADED
