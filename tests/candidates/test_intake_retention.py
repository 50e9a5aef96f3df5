"""Retention: candidates older than CANDIDATE_RETENTION_DAYS are erased by a daily beat task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage

from candidates.models import Candidate, Document
from candidates.services import batch_create
from candidates.tasks import candidates_purge_expired_task
from tests.candidates.factories import (
    media_root,  # noqa: F401
    resume_pdf,
    resume_text,
    taxonomy,  # noqa: F401
    upload,
)

pytestmark = pytest.mark.usefixtures("media_root", "taxonomy")

START = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)


def _upload(alice, files, capture):
    with capture(execute=True):
        return batch_create(org=alice.membership.organisation, user=alice, files=files)


def test_the_purge_runs_daily_from_the_beat_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["matcher-candidates-purge-expired"]

    assert entry["task"] == "matcher.candidates_purge_expired"
    assert entry["schedule"] == timedelta(days=1)
    assert settings.CANDIDATE_RETENTION_DAYS == 365


def test_candidates_past_the_retention_period_are_erased_with_their_files(
    alice, settings, celery_eager, django_capture_on_commit_callbacks
) -> None:
    settings.CANDIDATE_RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False):
        old = _upload(
            alice,
            [upload("old.pdf", resume_pdf(name="Old Timer")), upload("bad.txt", b"too short")],
            django_capture_on_commit_callbacks,
        )
    with time_machine.travel(START + timedelta(days=20), tick=False):
        recent = _upload(
            alice,
            [upload("new.txt", resume_text(name="New Comer").encode())],
            django_capture_on_commit_callbacks,
        )
    old_files = [d.file.name for d in old.documents.all() if d.file]
    assert len(old_files) == 2
    assert all(default_storage.exists(n) for n in old_files)

    with (
        time_machine.travel(START + timedelta(days=29), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert candidates_purge_expired_task() == 0
    assert Candidate.objects.count() == 2

    with (
        time_machine.travel(START + timedelta(days=31), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert candidates_purge_expired_task() == 1

    assert list(Candidate.objects.values_list("name", flat=True)) == ["New Comer"]
    assert not any(default_storage.exists(n) for n in old_files)
    # The failed document of the old upload held a file too, and went with it.
    assert not Document.objects.filter(batch=old).exists()
    new_document = recent.documents.get()
    assert default_storage.exists(new_document.file.name)
