"""Intake pages: upload, live progress, pool, profile, download and delete, each org-scoped."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from candidates.models import Candidate, Document
from candidates.templatetags.intake import confidence
from tests.candidates.factories import (
    CandidateFactory,
    DocumentFactory,
    UploadBatchFactory,
    media_root,  # noqa: F401
    resume_docx,
    resume_pdf,
    resume_text,
    taxonomy,  # noqa: F401
    upload,
    zip_of,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("media_root", "taxonomy")

S = Document.Status


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def uploaded(alice, celery_eager, django_capture_on_commit_callbacks):
    """alice uploads a ZIP with one good resume and one refused entry, through the page."""
    client = signed_in(alice)
    archive = zip_of([("ada.pdf", resume_pdf()), ("../evil.txt", resume_text().encode())])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("candidates:candidate_upload"), {"files": [upload("cvs.zip", archive)]}
        )
    assert response.status_code == 302
    batch = alice.membership.organisation.upload_batches.get()
    assert response["Location"] == reverse("candidates:batch_detail", args=[batch.pk])
    good = batch.documents.get(status__in=[S.PARSED, S.EMBEDDED])
    return batch, good, good.candidate


def test_the_upload_page_offers_a_file_picker_that_works_without_javascript(alice) -> None:
    response = signed_in(alice).get(reverse("candidates:candidate_upload"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="files" id="id_files" multiple' in html
    assert "js/upload.js" in html
    assert "10 MB a file, 200 files and 100 MB an upload" in html


def test_an_upload_with_no_file_is_refused_with_a_message(alice) -> None:
    response = signed_in(alice).post(reverse("candidates:candidate_upload"), {})

    assert response.status_code == 400
    assert "Choose at least one resume" in response.content.decode()


def test_a_visitor_is_sent_to_sign_in(db) -> None:
    response = Client().get(reverse("candidates:candidate_upload"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_batch_page_shows_each_file_with_its_stage_and_reason(uploaded, alice) -> None:
    batch, _, candidate = uploaded

    html = (
        signed_in(alice).get(reverse("candidates:batch_detail", args=[batch.pk])).content.decode()
    )

    assert "cvs.zip \u203a ada.pdf" in html
    assert reverse("candidates:candidate_detail", args=[candidate.pk]) in html
    assert "cvs.zip \u203a ../evil.txt" in html
    assert "unsafe name" in html
    assert 'role="progressbar"' in html


def test_an_empty_file_says_it_is_empty_and_shows_its_size(
    alice, celery_eager, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("candidates:candidate_upload"), {"files": [upload("empty.txt", b"")]})
    batch = alice.membership.organisation.upload_batches.get()

    html = client.get(reverse("candidates:batch_detail", args=[batch.pk])).content.decode()

    assert "holds no bytes at all" in html
    # A size of zero is the reason, not an unknown: it shows like any other file's.
    assert "0\xa0bytes" in html


def test_a_file_with_more_text_than_a_resume_is_read_in_part_and_says_so(
    alice, settings, celery_eager, django_capture_on_commit_callbacks
) -> None:
    settings.UPLOAD_MAX_TEXT_CHARS = 1_500
    client = signed_in(alice)
    long_text = "\n".join([resume_text()] * 10).encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("candidates:candidate_upload"), {"files": [upload("long.txt", long_text)]}
        )
    document = Document.objects.get(original_name="long.txt")
    assert document.status in (S.PARSED, S.EMBEDDED)
    assert len(document.candidate.text) <= 1_500 < len(long_text)
    html = client.get(reverse("candidates:batch_detail", args=[document.batch_id])).content.decode()
    assert "only its first 1,500 characters were read" in html


def test_the_status_partial_polls_until_every_file_has_settled(alice, alice_org) -> None:
    batch = UploadBatchFactory(organisation=alice_org, created_by=alice)
    document = DocumentFactory(organisation=alice_org, batch=batch, status=S.READING)
    client = signed_in(alice)
    url = reverse("candidates:batch_status", args=[batch.pk])

    working = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in working
    assert 'aria-valuenow="40"' in working

    Document.objects.filter(pk=document.pk).update(status=S.FAILED, error_message="Bad file.")
    settled = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in settled
    assert 'aria-valuenow="100"' in settled
    assert "Bad file." in settled


def test_the_status_partial_opened_on_its_own_lands_on_the_upload_page(
    alice, alice_org, charlie
) -> None:
    batch = UploadBatchFactory(organisation=alice_org, created_by=alice)
    DocumentFactory(
        organisation=alice_org, batch=batch, status=S.READING, original_name="resume_2023.pdf"
    )
    url = reverse("candidates:batch_status", args=[batch.pk])

    response = signed_in(alice).get(url, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(reverse("candidates:batch_detail", args=[batch.pk]), 302)]
    assert "<html" in html
    assert 'title="resume_2023.pdf"' in html
    assert 'hx-trigger="every 2s"' in html
    intruder = signed_in(charlie)
    assert intruder.get(url).status_code == 404
    assert intruder.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_the_candidate_page_shows_the_profile_with_confidences_and_the_text(
    uploaded, alice
) -> None:
    _, good, candidate = uploaded

    response = signed_in(alice).get(reverse("candidates:candidate_detail", args=[candidate.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in html
    assert "ada@example.com" in html
    assert "confidence-high" in html
    assert "Built Python and Django services on PostgreSQL" in html  # an evidence line
    assert "Analytical Engines Ltd" in html  # the extracted text
    assert reverse("candidates:document_download", args=[good.pk]) in html


def test_experience_counted_to_the_day_an_old_file_was_saved_says_so(
    alice, celery_eager, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("candidates:candidate_upload"),
            {"files": [upload("old.docx", resume_docx(saved=datetime(2021, 8, 8)))]},
        )
    candidate = Candidate.objects.get(organisation=alice.membership.organisation)
    url = reverse("candidates:candidate_detail", args=[candidate.pk])

    html = client.get(url).content.decode()

    assert "5.9 years" in html
    assert "to August 2021, when the file was saved" in html
    # A recruiter's own figure is not the file's: the note goes.
    form = {
        "name": candidate.name,
        "email": candidate.email,
        "phone": candidate.phone,
        "location": candidate.location,
        "headline": candidate.headline,
        "years_experience": "8",
        "links": "\n".join(candidate.links),
        "skills": ", ".join(candidate.skills),
    }
    assert client.post(url, form).status_code == 302
    corrected = client.get(url).content.decode()
    assert "8 years" in corrected
    assert "when the file was saved" not in corrected


def test_a_file_name_standing_in_for_an_unread_name_shows_no_confidence(
    alice, celery_eager, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(alice)
    # A heading where the name would be, and no name anywhere else: the reader finds none.
    pdf = resume_pdf(name="ACCOUNTANT", email="contact@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("candidates:candidate_upload"),
            {"files": [upload("ACCOUNTANT_12338274.pdf", pdf)]},
        )
    candidate = Candidate.objects.get(organisation=alice.membership.organisation)
    assert candidate.name == ""
    assert candidate.display_name == "ACCOUNTANT_12338274.pdf"

    html = client.get(reverse("candidates:candidate_detail", args=[candidate.pk])).content.decode()

    heading = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.strip() == "ACCOUNTANT_12338274.pdf"
    assert ">0%<" not in html
    # The fields the resume did give keep theirs.
    assert "confidence-high" in html


def test_a_field_the_reader_found_nothing_for_has_no_confidence_badge() -> None:
    candidate = CandidateFactory.build(
        profile={
            "email": {"value": "ada@example.com", "confidence": 0.95},
            "phone": {"value": None, "confidence": 0.0},
        }
    )
    assert confidence(candidate, "email")["percent"] == 95
    assert confidence(candidate, "phone")["percent"] is None
    candidate.corrections = {"phone": "+44 20 7946 0958"}
    assert confidence(candidate, "phone")["corrected"]


def test_a_recruiter_corrects_a_field_from_the_candidate_page(uploaded, bob) -> None:
    _, _, candidate = uploaded
    url = reverse("candidates:candidate_detail", args=[candidate.pk])
    client = signed_in(bob)
    form = {
        "name": "Ada King",
        "email": candidate.email,
        "phone": candidate.phone,
        "location": candidate.location,
        "headline": candidate.headline,
        "years_experience": candidate.years_display,
        "links": "\n".join(candidate.links),
        "skills": ", ".join(candidate.skills),
    }

    response = client.post(url, form)

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.name == "Ada King"
    assert set(candidate.corrections) == {"name"}
    assert candidate.corrections["name"]["by"] == "bob@example.com"

    refused = client.post(url, {**form, "years_experience": "many"})
    assert refused.status_code == 400
    assert "Enter the years as a number" in refused.content.decode()


def test_the_original_downloads_as_an_attachment_to_its_organisation_only(
    uploaded, alice, charlie
) -> None:
    _, good, _ = uploaded
    url = reverse("candidates:document_download", args=[good.pk])

    response = signed_in(alice).get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ada.pdf"'
    assert b"".join(response.streaming_content) == resume_pdf()
    assert "private" in response["Cache-Control"]
    assert signed_in(charlie).get(url).status_code == 404


def test_files_are_never_served_from_a_public_url(uploaded, alice) -> None:
    _, good, _ = uploaded

    response = signed_in(alice).get("/media-not-served/" + good.file.name)

    assert response.status_code == 404


def test_charlie_gets_a_404_on_every_page_of_alices_candidates(uploaded, charlie) -> None:
    batch, good, candidate = uploaded
    client = signed_in(charlie)
    pages = [
        ("get", reverse("candidates:batch_detail", args=[batch.pk])),
        ("get", reverse("candidates:batch_status", args=[batch.pk])),
        ("get", reverse("candidates:candidate_detail", args=[candidate.pk])),
        ("post", reverse("candidates:candidate_detail", args=[candidate.pk])),
        ("get", reverse("candidates:candidate_delete", args=[candidate.pk])),
        ("post", reverse("candidates:candidate_delete", args=[candidate.pk])),
        ("get", reverse("candidates:document_download", args=[good.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url, {"name": "Hacked"} if method == "post" else {})
        assert response.status_code == 404, url

    listing = client.get(reverse("candidates:candidate_list")).content.decode()
    assert "Ada Lovelace" not in listing
    candidate.refresh_from_db()
    assert candidate.name == "Ada Lovelace"
    assert default_storage.exists(good.file.name)


def test_deleting_a_candidate_from_the_page_erases_the_file(
    uploaded, alice, django_capture_on_commit_callbacks
) -> None:
    _, good, candidate = uploaded
    client = signed_in(alice)
    confirm = client.get(reverse("candidates:candidate_delete", args=[candidate.pk]))
    assert "cannot be undone" in confirm.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("candidates:candidate_delete", args=[candidate.pk]))

    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    assert not default_storage.exists(good.file.name)


def test_the_pool_is_searchable_by_name_skill_and_title_and_paginated(alice, alice_org) -> None:
    CandidateFactory(organisation=alice_org, name="Grace Hopper", headline="Compiler Engineer")
    CandidateFactory(
        organisation=alice_org, name="Alan Turing", headline="Researcher", skills=["Kubernetes"]
    )
    for i in range(30):
        CandidateFactory(organisation=alice_org, name=f"Filler Person {i:02d}")
    client = signed_in(alice)
    url = reverse("candidates:candidate_list")

    def names(**params: str) -> str:
        return client.get(url, params).content.decode()

    hopper, kubernetes = names(q="hopper"), names(q="kubernetes")
    assert "Grace Hopper" in hopper
    assert "Alan Turing" not in hopper
    assert "Alan Turing" in kubernetes
    assert "Grace Hopper" not in kubernetes
    assert "Grace Hopper" in names(q="compiler")
    first_page = names()
    assert "Page 1 of 2" in first_page
    assert "32 candidates" in first_page
    assert "Grace Hopper" in names(page="2")


def test_the_dashboard_lists_the_organisations_recent_uploads(uploaded, alice, charlie) -> None:
    batch, _, _ = uploaded

    html = signed_in(alice).get(reverse("dashboard")).content.decode()
    assert "Recent uploads" in html
    assert reverse("candidates:batch_detail", args=[batch.pk]) in html

    other = signed_in(charlie).get(reverse("dashboard")).content.decode()
    assert reverse("candidates:batch_detail", args=[batch.pk]) not in other
