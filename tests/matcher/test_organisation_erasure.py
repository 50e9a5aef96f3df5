"""Deleting an organisation erases everything the matcher holds for it, matches included."""

from __future__ import annotations

import pytest

from accounts.models import Organisation
from accounts.services import organisation_delete
from billing.models import LedgerEntry, Reservation
from billing.services import credit_grant
from candidates.models import Candidate, Document
from matcher.models import CandidateEmbedding, Match, MatchResult
from matcher.services.matches import match_create
from tests.candidates.factories import CandidateFactory
from tests.roles.factories import make_role

pytestmark = pytest.mark.slow

RESUME = """Ada Lovelace
Senior Backend Engineer, Analytical Engines Ltd, 2016 - present
Built Python services on PostgreSQL, deployed with Docker on Kubernetes for seven years.
Designed REST APIs, reviewed code, ran on-call rotations and mentored three engineers.
"""


def test_deleting_an_organisation_with_a_finished_match_erases_it_and_spares_others(
    alice, alice_org, charlie_org, django_capture_on_commit_callbacks, celery_eager
) -> None:
    role = make_role("Backend Engineer", skills=[("Python", 5, True), ("Kubernetes", 3, False)])
    credit_grant(
        org=alice_org, cents=500, kind="adjustment", idempotency_key="t:alice", reference="t"
    )
    ada = CandidateFactory(organisation=alice_org, name="Ada", text=RESUME)
    other = CandidateFactory(organisation=charlie_org, name="Other", text=RESUME)
    with django_capture_on_commit_callbacks(execute=True):
        match = match_create(org=alice_org, user=alice, role=role, candidates=[ada])
    match.refresh_from_db()
    assert match.status == Match.Status.DONE
    assert match.reservation_id is not None

    organisation_delete(org=alice_org, actor=alice)

    assert not Organisation.objects.filter(pk=alice_org.pk).exists()
    assert not Match.objects.filter(pk=match.pk).exists()
    assert not MatchResult.objects.filter(match_id=match.pk).exists()
    assert not Candidate.objects.filter(pk=ada.pk).exists()
    assert not CandidateEmbedding.objects.filter(candidate_id=ada.pk).exists()
    assert not Reservation.objects.filter(organisation_id=alice_org.pk).exists()
    assert not LedgerEntry.objects.filter(organisation_id=alice_org.pk).exists()
    assert Candidate.objects.filter(pk=other.pk).exists()
    assert not Document.objects.filter(organisation_id=alice_org.pk).exists()
