"""Fixtures for the API tests: bearer clients for alice and charlie, and alice's organisation
seeded with a role, candidates with their files, an upload and a match scored by the engine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.services import api_token_create
from billing.services import credit_grant
from candidates.models import Candidate, Document, UploadBatch
from matcher.models import Match
from matcher.services.matches import match_create
from roles.models import Role
from tests.candidates.factories import CandidateFactory, resume_text
from tests.roles.factories import make_role


@pytest.fixture(autouse=True)
def _clean_cache():
    # Throttle counters and idempotency records live in the cache; each test starts afresh.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def bearer(user: User, org: Organisation) -> APIClient:
    _, secret = api_token_create(user=user, org=org, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.secret = secret
    return client


@pytest.fixture
def alice_api(alice: User, alice_org: Organisation) -> APIClient:
    return bearer(alice, alice_org)


@pytest.fixture
def charlie_api(charlie: User, charlie_org: Organisation) -> APIClient:
    return bearer(charlie, charlie_org)


def fund(org: Organisation, cents: int, key: str = "api-tests") -> None:
    credit_grant(
        org=org, cents=cents, kind="adjustment", idempotency_key=f"{key}:{org.pk}", reference=key
    )


PEOPLE = [
    ("Ada Lovelace", "ada@example.com", "Senior Backend Engineer"),
    ("Grace Hopper", "grace@example.com", "Backend Developer"),
    ("Alan Turing", "alan@example.com", "Data Engineer"),
]


def candidate_with_file(
    org: Organisation, user: User, name: str, email: str, title: str
) -> Candidate:
    text = resume_text(name=name, email=email, title=title)
    batch = UploadBatch.objects.create(organisation=org, created_by=user, file_count=1)
    document = Document.objects.create(
        organisation=org,
        batch=batch,
        original_name=f"{name.split()[0].lower()}.txt",
        file=ContentFile(text.encode(), name="resume.txt"),
        size=len(text),
        sha256=hashlib.sha256(f"{org.pk}:{text}".encode()).hexdigest(),
        detected_kind="text",
        status=Document.Status.EMBEDDED,
    )
    candidate = CandidateFactory(
        organisation=org,
        name=name,
        email=email,
        headline=title,
        text=text,
        skills=["Python", "Django", "PostgreSQL", "Docker", "Kubernetes", "Terraform"],
        source_document=document,
        years_experience=7,
    )
    document.candidate = candidate
    document.save(update_fields=["candidate"])
    return candidate


@dataclass
class Seeded:
    role: Role
    custom_role: Role
    candidates: list[Candidate]
    batch: UploadBatch
    match: Match


def seed(org: Organisation, user: User, *, celery_app: Any, capture: Any) -> Seeded:
    """A real organisation's state: credit, a catalog and a custom role, three candidates with
    their original files, and a match the engine scored end to end."""
    fund(org, 1000)
    role = make_role(
        "Backend Engineer",
        skills=[("Python", 5, True), ("PostgreSQL", 3, False), ("Kubernetes", 3, False)],
    )
    custom = make_role(
        "Platform Engineer",
        organisation=org,
        status=Role.Status.DRAFT,
        skills=[("Docker", 4, True)],
    )
    people = [candidate_with_file(org, user, *p) for p in PEOPLE]
    with capture(execute=True):
        match = match_create(org=org, user=user, role=role, candidates=people)
    match.refresh_from_db()
    assert match.status == Match.Status.DONE, match.status_message
    batch = people[0].source_document.batch
    return Seeded(role=role, custom_role=custom, candidates=people, batch=batch, match=match)


@pytest.fixture
def seeded(alice, alice_org, celery_eager, django_capture_on_commit_callbacks) -> Seeded:
    return seed(
        alice_org, alice, celery_app=celery_eager, capture=django_capture_on_commit_callbacks
    )
