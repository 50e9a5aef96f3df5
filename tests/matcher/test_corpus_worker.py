"""A fixed stratified sample of 120 real resumes (livecareer PDFs, DOCX CVs) through a real
worker into one match: every file ends scored or with a reason a recruiter can read, and not
one internal error. `python -m bench intake_corpus` runs the whole corpus the same way."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.services import credit_grant
from candidates.models import Document
from candidates.services import batch_create
from matcher.evaluation.corpus import INTERNAL_CODES, corpus_files, stratified_sample
from matcher.models import Match, MatchFailure, MatchResult
from matcher.services.matches import match_create
from tests.roles.factories import make_role

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    # A loaded two-core CI machine needs minutes for 120 real files; the work is what is tested.
    pytest.mark.timeout(1800),
]

SAMPLE = 120


def test_a_sample_of_the_real_corpus_goes_through_a_worker_without_an_internal_error(
    alice, shared_dir, worker_queue
):
    files = stratified_sample(corpus_files(shared_dir), SAMPLE)
    assert len(files) == SAMPLE
    assert {f.stratum for f in files} >= {"DOCX", "ACCOUNTANT", "INFORMATION-TECHNOLOGY"}
    org = alice.membership.organisation
    credit_grant(org=org, cents=100_000, kind="adjustment", idempotency_key="t", reference="t")
    role = make_role(
        "Accountant",
        skills=[("Excel", 5, True), ("general ledger", 3, False), ("Python", 2, False)],
    )
    batch = batch_create(
        org=org,
        user=alice,
        files=[SimpleUploadedFile(f.name, f.path.read_bytes()) for f in files],
    )
    match = match_create(org=org, user=alice, role=role, documents=list(batch.documents.all()))

    deadline = time.monotonic() + 1500
    while not match.is_finished and time.monotonic() < deadline:
        time.sleep(1)
        match.refresh_from_db()
    log = worker_queue.read_text(errors="replace")
    assert match.status == Match.Status.DONE, (match.status, match.status_message, log[-3000:])

    documents = list(Document.objects.filter(batch=batch))
    assert len(documents) == SAMPLE
    scored = set(MatchResult.objects.filter(match=match).values_list("candidate_id", flat=True))
    internal = [d for d in documents if d.error_code in INTERNAL_CODES]
    assert internal == [], [(d.original_name, d.error_code) for d in internal]
    assert not MatchFailure.objects.filter(match=match).exists()
    for document in documents:
        if document.status == Document.Status.FAILED:
            assert len(document.error_message) > 20, document.original_name
        else:
            assert document.candidate_id in scored, (document.original_name, document.status)
    assert match.scored_count == len(scored) >= SAMPLE * 9 // 10
    assert " ERROR " not in log, log[log.find(" ERROR ") - 200 :][:3000]
