"""Intake on real documents: uploads become candidates, or failed documents with their reason."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from celery import signals
from django.core.files.storage import default_storage

from accounts import privacy
from billing import selectors as billing_selectors
from billing.models import LedgerEntry
from billing.services import credit_grant
from candidates import services
from candidates.models import Candidate, Document, UploadBatch
from candidates.services import (
    CorrectionError,
    batch_create,
    candidate_apply_profile,
    candidate_correct,
    candidate_delete,
)
from candidates.tasks import document_parse_task
from tests.candidates.factories import (
    encrypted_pdf,
    media_root,  # noqa: F401
    resume_docx,
    resume_pdf,
    resume_png,
    resume_text,
    taxonomy,  # noqa: F401
    upload,
    zip_bomb,
    zip_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "taxonomy")]

S = Document.Status
SETTLED = {S.PARSED, S.EMBEDDED}


def _run(alice, files, capture):
    """Uploads like the view does, then runs every task queued on commit (eagerly)."""
    with capture(execute=True):
        batch = batch_create(org=alice.membership.organisation, user=alice, files=files)
    return batch, {d.original_name: d for d in batch.documents.order_by("pk")}


@pytest.fixture
def run(alice, celery_eager, django_capture_on_commit_callbacks):
    return lambda files: _run(alice, files, django_capture_on_commit_callbacks)


def test_a_pdf_a_docx_and_a_text_file_each_become_a_candidate(run, alice_org) -> None:
    batch, docs = run(
        [
            upload("ada.pdf", resume_pdf()),
            upload("grace.docx", resume_docx(name="Grace Hopper", email="grace@example.com")),
            upload("alan.txt", resume_text(name="Alan Turing", email="alan@example.com").encode()),
        ]
    )

    assert {d.status for d in docs.values()} <= SETTLED
    assert [docs[n].detected_kind for n in ("ada.pdf", "grace.docx", "alan.txt")] == [
        "pdf",
        "docx",
        "text",
    ]
    ada = docs["ada.pdf"].candidate
    assert ada.organisation == alice_org
    assert ada.name == "Ada Lovelace"
    assert ada.email == "ada@example.com"
    assert {"Python", "Django", "PostgreSQL", "Kubernetes"} <= set(ada.skills)
    assert "Analytical Engines" in ada.text
    assert ada.years_experience is not None
    assert ada.years_experience >= Decimal(6)
    assert any("linkedin.com/in/ada-lovelace-example" in link for link in ada.links)
    assert docs["grace.docx"].candidate.email == "grace@example.com"
    assert docs["alan.txt"].candidate.name == "Alan Turing"
    # Every file is kept through the storage API, under the organisation's folder.
    for document in docs.values():
        assert document.file.name.startswith(f"candidates/org-{alice_org.pk}/")
        assert default_storage.exists(document.file.name)
    assert batch.file_count == 3
    assert batch.rejected_count == 0


def test_present_in_an_old_resume_means_the_day_its_file_was_saved(run) -> None:
    """A resume saved in August 2021 and read today: its current job ran to August 2021, not
    five more years (every livecareer PDF is such a file)."""
    _, docs = run(
        [
            upload("old.docx", resume_docx(saved=datetime(2021, 8, 8), email="old@example.com")),
            upload("undated.docx", resume_docx(email="undated@example.com")),
        ]
    )
    old, undated = docs["old.docx"].candidate, docs["undated.docx"].candidate
    # Mid-2019 to August 2021, and 03/2015 to 11/2018: 26 + 45 months.
    assert old.years_experience == Decimal("5.9")
    # python-docx's template stamps 2013, before the dates the text names: read to today.
    assert undated.years_experience is not None
    assert undated.years_experience > Decimal("10")


def test_the_profile_keeps_a_confidence_and_the_lines_where_each_skill_appears(run) -> None:
    _, docs = run([upload("ada.pdf", resume_pdf())])
    candidate = docs["ada.pdf"].candidate

    assert 0 < candidate.field_confidence("email") <= 1
    assert 0 < candidate.field_confidence("name") <= 1
    terraform = next(s for s in candidate.profile["skills"] if s["name"] == "Terraform")
    assert [line["line"] for line in terraform["lines"]] == [
        "Automated infrastructure with Terraform and wrote reporting in Python."
    ]
    assert 0 < terraform["confidence"] <= 1


def test_a_scanned_resume_is_read_through_ocr(run, tesseract) -> None:
    _, docs = run([upload("scan.png", resume_png(name="Katherine Johnson"))])
    document = docs["scan.png"]

    assert document.status in SETTLED, document.error_message
    assert document.ocr_used is True
    assert "Katherine" in document.candidate.text
    assert "Python" in document.candidate.skills


def test_hostile_files_fail_alone_with_their_reason_while_the_rest_of_the_zip_goes_on(run) -> None:
    archive = zip_of(
        [
            ("good/ada.pdf", resume_pdf()),
            ("locked.pdf", encrypted_pdf()),
            ("liar.pdf", resume_png()),  # a picture wearing a PDF's name
            ("../../etc/passwd.txt", resume_text().encode()),
            ("inner.zip", zip_of([("x.txt", b"hello")])),
            ("short.txt", b"Just a few words, nothing like a resume."),
            ("broken.pdf", resume_pdf()[:400]),  # cut short in transfer
        ]
    )
    batch, docs = run([upload("resumes.zip", archive)])
    by_member = {name.split(" \u203a ")[-1]: d for name, d in docs.items()}

    assert by_member["good/ada.pdf"].status in SETTLED
    assert by_member["good/ada.pdf"].candidate.name == "Ada Lovelace"
    expected = {
        "locked.pdf": "encrypted",
        "liar.pdf": "type_mismatch",
        "../../etc/passwd.txt": "unsafe_name",
        "inner.zip": "nested_archive",
        "short.txt": "no_text",
        "broken.pdf": "corrupt",
    }
    for member, code in expected.items():
        document = by_member[member]
        assert (document.status, document.error_code) == (S.FAILED, code), member
        assert len(document.error_message) > 20
    # A member refused before reading is never stored.
    assert not by_member["../../etc/passwd.txt"].file
    assert batch.file_count == 7
    assert Candidate.objects.count() == 1


def test_a_zip_bomb_is_refused_without_being_inflated(run) -> None:
    _, docs = run([upload("bomb.zip", zip_bomb(300)), upload("ada.pdf", resume_pdf())])

    failed = [d for d in docs.values() if d.status == S.FAILED]
    assert len(failed) == 1
    assert failed[0].error_code in {"zip_bomb", "too_large"}
    assert docs["ada.pdf"].status in SETTLED


def test_a_file_already_in_the_organisation_is_a_duplicate_linked_to_its_candidate(run) -> None:
    _, first = run([upload("ada.pdf", resume_pdf())])
    _, second = run([upload("ada-again.pdf", resume_pdf())])

    duplicate = second["ada-again.pdf"]
    assert duplicate.status == S.DUPLICATE
    assert duplicate.candidate == first["ada.pdf"].candidate
    assert not duplicate.file  # the same bytes are not stored twice
    assert Candidate.objects.count() == 1


def test_the_same_file_twice_in_one_upload_is_read_once_and_both_point_to_the_candidate(
    run,
) -> None:
    data = resume_docx()
    _, docs = run([upload("one.docx", data), upload("two.docx", data)])

    assert docs["one.docx"].status in SETTLED
    assert docs["two.docx"].status == S.DUPLICATE
    assert docs["two.docx"].candidate == docs["one.docx"].candidate


def test_the_same_file_in_another_organisation_is_not_a_duplicate(
    run, charlie, django_capture_on_commit_callbacks
) -> None:
    _, alice_docs = run([upload("ada.pdf", resume_pdf())])
    _, charlie_docs = _run(
        charlie, [upload("ada.pdf", resume_pdf())], django_capture_on_commit_callbacks
    )

    assert charlie_docs["ada.pdf"].status in SETTLED
    assert charlie_docs["ada.pdf"].candidate != alice_docs["ada.pdf"].candidate
    assert charlie_docs["ada.pdf"].candidate.organisation == charlie.membership.organisation


def test_a_file_past_the_size_limit_is_refused_before_it_is_stored(run, settings) -> None:
    settings.UPLOAD_MAX_FILE_BYTES = 20_000
    big = resume_text().encode() + b" padding" * 5000
    _, docs = run([upload("big.txt", big), upload("ada.pdf", resume_pdf())])

    assert docs["big.txt"].status == S.FAILED
    assert docs["big.txt"].error_code == "too_large"
    assert "0.0 MB" not in docs["big.txt"].error_message
    assert not docs["big.txt"].file
    assert docs["ada.pdf"].status in SETTLED


class _BrokenUpload:
    """An upload whose stream breaks while it is read, like a client that went away."""

    name = "broken.pdf"
    size = 10_000

    def seek(self, offset: int) -> None:
        pass

    def read(self) -> bytes:
        raise OSError("connection reset while reading the upload")


# One file a slice: the first file is written to storage before the second breaks.
@pytest.mark.parametrize("slice_files", [1, services.SLICE_FILES])
def test_an_upload_that_breaks_halfway_leaves_no_rows_and_no_files(
    alice, alice_org, monkeypatch, slice_files
) -> None:
    monkeypatch.setattr(services, "SLICE_FILES", slice_files)
    files = [upload("ada.pdf", resume_pdf()), _BrokenUpload()]

    with pytest.raises(OSError, match="connection reset"):
        batch_create(org=alice_org, user=alice, files=files)

    assert not UploadBatch.objects.exists()
    assert not Document.objects.exists()
    # A file written to storage before the second broke is gone too.
    assert _stored_files() == []


def _stored_files(folder: str = "") -> list[str]:
    if not default_storage.exists(folder):
        return []  # nothing was ever written
    dirs, names = default_storage.listdir(folder)
    found = [f"{folder}/{name}".lstrip("/") for name in names]
    for sub in dirs:
        found.extend(_stored_files(f"{folder}/{sub}".lstrip("/")))
    return found


def test_files_past_the_batch_limits_are_each_refused_with_a_reason(run, settings) -> None:
    settings.UPLOAD_MAX_BATCH_FILES = 2
    files = [
        upload(f"person{i}.txt", resume_text(name=f"Person Number{i}").encode()) for i in range(3)
    ]
    batch, docs = run(files)

    assert [d.status in SETTLED for d in docs.values()] == [True, True, False]
    assert docs["person2.txt"].error_code == "batch_full"
    assert "at most 2 files" in docs["person2.txt"].error_message
    assert batch.rejected_count == 1


def test_bytes_past_the_batch_limit_are_refused_per_file(run, settings) -> None:
    first = resume_text(name="Person One").encode()
    settings.UPLOAD_MAX_BATCH_BYTES = len(first) + 10
    _, docs = run(
        [upload("one.txt", first), upload("two.txt", resume_text(name="Person Two").encode())]
    )

    assert docs["one.txt"].status in SETTLED
    assert docs["two.txt"].error_code == "batch_too_large"


def test_an_empty_file_says_so(run) -> None:
    _, docs = run([upload("empty.pdf", b"")])

    assert (docs["empty.pdf"].status, docs["empty.pdf"].error_code) == (S.FAILED, "empty")


# --- The parse task -----------------------------------------------------------------------------


@pytest.fixture
def stored_document(alice, alice_org, django_capture_on_commit_callbacks):
    """A document uploaded but not yet read (its queued task is dropped, not run)."""
    with django_capture_on_commit_callbacks(execute=False):
        batch = batch_create(org=alice_org, user=alice, files=[upload("ada.pdf", resume_pdf())])
    return batch.documents.get()


def test_running_the_parse_task_twice_reads_the_file_once(
    stored_document, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        document_parse_task(stored_document.pk)
        document_parse_task(stored_document.pk)
    stored_document.refresh_from_db()

    assert stored_document.status == S.PARSED
    assert stored_document.attempts == 1
    assert Candidate.objects.count() == 1


def test_a_file_that_keeps_killing_the_worker_is_failed_after_the_bounded_attempts(
    stored_document, settings
) -> None:
    # What a redelivery looks like after the worker died PARSE_MAX_ATTEMPTS times mid-read.
    Document.objects.filter(pk=stored_document.pk).update(
        status=S.READING, attempts=settings.PARSE_MAX_ATTEMPTS
    )

    document_parse_task(stored_document.pk)
    stored_document.refresh_from_db()

    assert stored_document.status == S.FAILED
    assert stored_document.error_code == "crashed_repeatedly"
    assert "stopped the reader repeatedly" in stored_document.error_message
    assert stored_document.attempts == settings.PARSE_MAX_ATTEMPTS + 1
    # Once failed it stays failed: another redelivery changes nothing.
    document_parse_task(stored_document.pk)
    stored_document.refresh_from_db()
    assert stored_document.attempts == settings.PARSE_MAX_ATTEMPTS + 1


def test_a_redelivered_document_under_the_limit_is_read_again(
    stored_document, settings, django_capture_on_commit_callbacks
) -> None:
    Document.objects.filter(pk=stored_document.pk).update(status=S.READING, attempts=1)

    with django_capture_on_commit_callbacks(execute=False):
        document_parse_task(stored_document.pk)
    stored_document.refresh_from_db()

    assert stored_document.status == S.PARSED
    assert stored_document.attempts == 2


def test_a_parse_that_runs_past_its_time_limit_fails_with_that_reason(
    alice, alice_org, settings, django_capture_on_commit_callbacks
) -> None:
    # No time at all: the deadline has passed before the reader gets to the file. 10 ms was
    # once enough, until the warm reader forked and read this small PDF within it.
    settings.PARSE_TIME_LIMIT_S = 0
    with django_capture_on_commit_callbacks(execute=False):
        batch = batch_create(org=alice_org, user=alice, files=[upload("ada.pdf", resume_pdf())])
    document = batch.documents.get()

    document_parse_task(document.pk)
    document.refresh_from_db()

    assert (document.status, document.error_code) == (S.FAILED, "timeout")


def test_parsing_queues_the_embedding_by_name_once_the_candidate_is_committed(
    stored_document, celery_eager, django_capture_on_commit_callbacks
) -> None:
    started: list[tuple[str, tuple[object, ...]]] = []

    def record(sender=None, args=(), **kwargs):
        started.append((sender.name, tuple(args)))

    signals.task_prerun.connect(record, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            document_parse_task(stored_document.pk)
        assert started == []  # nothing is sent before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.task_prerun.disconnect(record)
    stored_document.refresh_from_db()

    assert ("matcher.candidate_embed", (stored_document.candidate_id,)) in started


# --- Corrections ------------------------------------------------------------------------------


def test_a_recruiters_correction_wins_and_is_kept_when_the_resume_is_read_again(run, alice) -> None:
    _, docs = run([upload("ada.pdf", resume_pdf())])
    candidate = docs["ada.pdf"].candidate

    candidate_correct(
        candidate=candidate,
        user=alice,
        data={"name": "Augusta Ada King", "years_experience": "12.5", "skills": "Python, Rust"},
    )
    candidate.refresh_from_db()
    assert candidate.name == "Augusta Ada King"
    assert candidate.years_experience == Decimal("12.5")
    assert candidate.skills == ["Python", "Rust"]
    assert candidate.corrections["name"]["by"] == alice.email
    assert candidate.field_confidence("name") == 1.0

    # A new read of the same resume (a better parser, say) refreshes everything else.
    candidate_apply_profile(candidate=candidate, profile=candidate.profile)
    candidate.save()
    candidate.refresh_from_db()
    assert candidate.name == "Augusta Ada King"
    assert candidate.skills == ["Python", "Rust"]
    assert candidate.email == "ada@example.com"
    assert "augusta ada king" in candidate.search_text


def test_an_invalid_correction_is_refused_with_a_reason_and_nothing_changes(run, alice) -> None:
    _, docs = run([upload("ada.pdf", resume_pdf())])
    candidate = docs["ada.pdf"].candidate

    with pytest.raises(CorrectionError) as refused:
        candidate_correct(
            candidate=candidate,
            user=alice,
            data={"email": "not-an-email", "years_experience": "lots", "name": "New Name"},
        )

    assert set(refused.value.errors) == {"email", "years_experience"}
    candidate.refresh_from_db()
    assert candidate.name == "Ada Lovelace"
    assert candidate.corrections == {}


# --- Erasure ----------------------------------------------------------------------------------


def test_deleting_a_candidate_erases_its_files_from_storage_and_its_rows(
    run, django_capture_on_commit_callbacks
) -> None:
    _, first = run([upload("ada.pdf", resume_pdf())])
    run([upload("ada-again.pdf", resume_pdf())])
    candidate = first["ada.pdf"].candidate
    name = first["ada.pdf"].file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        candidate_delete(candidate=candidate)

    assert not default_storage.exists(name)
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    assert not Document.objects.filter(sha256=candidate.sha256).exists()
    assert UploadBatch.objects.count() == 2  # the upload history stays, without the person


def test_privacy_export_holds_each_candidate_and_the_original_files(run, alice_org) -> None:

    _, docs = run([upload("ada.pdf", resume_pdf())])
    files = dict(privacy.exporters()["candidates"](alice_org))

    assert b"Ada Lovelace" in files["candidates.json"]
    document = docs["ada.pdf"]
    assert files[f"files/{document.pk}-ada.pdf"] == resume_pdf_bytes(document)


def resume_pdf_bytes(document: Document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def test_privacy_erasure_removes_the_organisations_files(run, alice_org) -> None:

    _, docs = run([upload("ada.pdf", resume_pdf())])
    name = docs["ada.pdf"].file.name

    privacy.erasers()["candidates"](alice_org)

    assert not default_storage.exists(name)


def test_reading_resumes_never_spends_credit_even_when_files_fail(run, alice, alice_org) -> None:

    credit_grant(
        org=alice_org,
        cents=300,
        kind=LedgerEntry.Kind.TRIAL_GRANT,
        idempotency_key="t-1",
        reference="trial",
    )
    entries_before = billing_selectors.ledger_list(org=alice_org).count()

    run([upload("ada.pdf", resume_pdf()), upload("locked.pdf", encrypted_pdf())])
    run([upload("ada-again.pdf", resume_pdf())])

    assert billing_selectors.balance_cents(org=alice_org) == 300
    assert billing_selectors.ledger_list(org=alice_org).count() == entries_before
