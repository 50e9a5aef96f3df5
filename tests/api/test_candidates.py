"""Candidates over the API: multipart upload (files and ZIPs), batch status, list with filters,
detail, correction, download, delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Candidate, Document, UploadBatch
from tests.api.conftest import candidate_with_file
from tests.candidates.factories import encrypted_pdf, resume_docx, resume_pdf, taxonomy, zip_of

__all__ = ["taxonomy"]
pytestmark = pytest.mark.django_db


def upload(api, *files, key: str | None = None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        "/api/v1/candidates/",
        {"files": [SimpleUploadedFile(name, data) for name, data in files]},
        format="multipart",
        **extra,
    )


@pytest.mark.slow
def test_files_and_a_zip_become_candidates_with_per_file_stages(
    alice_api, taxonomy, celery_eager, django_capture_on_commit_callbacks
) -> None:
    archive = zip_of(
        [
            ("team/grace.docx", resume_docx(name="Grace Hopper", email="grace@example.com")),
            ("team/locked.pdf", encrypted_pdf()),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            alice_api,
            ("ada.pdf", resume_pdf(name="Ada Lovelace", email="ada@example.com")),
            ("cvs.zip", archive),
        )
    assert response.status_code == 201, response.json()
    assert response["Location"] == f"/api/v1/uploads/{response.json()['id']}/"
    status = alice_api.get(response["Location"]).json()
    assert status["progress"]["done"] is True
    stages = {d["original_name"]: d for d in status["documents"]}
    assert stages["ada.pdf"]["status"] == "embedded"
    assert stages["cvs.zip \u203a team/grace.docx"]["status"] == "embedded"
    locked = stages["cvs.zip \u203a team/locked.pdf"]
    assert (locked["status"], locked["error_code"]) == ("failed", "encrypted")
    assert locked["error_message"]
    names = {c["name"] for c in alice_api.get("/api/v1/candidates/").json()["results"]}
    assert names == {"Ada Lovelace", "Grace Hopper"}


def test_a_retried_upload_with_the_same_key_stores_the_files_once(alice_api) -> None:
    first = upload(alice_api, ("ada.txt", b"Ada Lovelace\nPython developer\n"), key="u-1")
    second = upload(alice_api, ("ada.txt", b"Ada Lovelace\nPython developer\n"), key="u-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert UploadBatch.objects.count() == 1
    assert Document.objects.count() == 1


def test_an_upload_without_files_is_a_validation_problem(alice_api) -> None:
    response = alice_api.post("/api/v1/candidates/", {}, format="multipart")
    assert response.status_code == 400
    assert "files" in response.json()["errors"]


def test_an_upload_as_json_is_refused_with_415(alice_api) -> None:
    response = alice_api.post("/api/v1/candidates/", {"files": []}, format="json")
    assert response.status_code == 415
    assert response.json()["type"].endswith("/unsupported-media-type/")


def test_the_pool_filters_by_search_skill_and_status(alice, alice_org, alice_api) -> None:
    ada = candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer")
    grace = candidate_with_file(alice_org, alice, "Grace Hopper", "grace@example.com", "Admiral")
    grace.skills = ["COBOL"]
    grace.save()
    Document.objects.filter(candidate=grace).update(status=Document.Status.PARSED)

    def names(query: str) -> list[str]:
        body = alice_api.get(f"/api/v1/candidates/{query}").json()
        return [c["name"] for c in body["results"]]

    assert names("?q=ada") == ["Ada Lovelace"]
    assert names("?skill=cobol") == ["Grace Hopper"]
    assert names("?skill=Python") == ["Ada Lovelace"]
    assert names("?status=embedded") == ["Ada Lovelace"]
    assert names("?ordering=name") == ["Ada Lovelace", "Grace Hopper"]
    assert names("?ordering=-name") == ["Grace Hopper", "Ada Lovelace"]
    assert alice_api.get("/api/v1/candidates/?status=lost").status_code == 400
    assert ada.pk in [c["id"] for c in alice_api.get("/api/v1/candidates/").json()["results"]]


def test_the_pool_is_cursor_paginated(alice, alice_org, alice_api) -> None:
    for i in range(3):
        candidate_with_file(alice_org, alice, f"Person {i}", f"p{i}@example.com", "Engineer")
    first = alice_api.get("/api/v1/candidates/?page_size=2").json()
    assert len(first["results"]) == 2
    assert first["previous"] is None
    second = alice_api.get(first["next"]).json()
    assert len(second["results"]) == 1
    seen = {c["id"] for c in first["results"] + second["results"]}
    assert len(seen) == 3


def test_the_detail_has_the_structured_profile_and_documents(alice, alice_org, alice_api) -> None:
    ada = candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer")
    ada.profile = {"name": {"value": "Ada Lovelace", "confidence": 0.95}}
    ada.save()
    body = alice_api.get(f"/api/v1/candidates/{ada.pk}/").json()
    assert body["profile"]["name"]["confidence"] == 0.95
    assert body["years_experience"] == 7.0
    assert body["documents"][0]["status"] == "embedded"
    assert "Python" in body["skills"]


def test_corrections_are_saved_and_bad_ones_explained(alice, alice_org, alice_api) -> None:
    ada = candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer")
    ok = alice_api.patch(
        f"/api/v1/candidates/{ada.pk}/", {"headline": "Analyst", "years_experience": "12.5"}
    )
    assert ok.status_code == 200
    assert ok.json()["headline"] == "Analyst"
    assert "headline" in ok.json()["corrections"]
    bad = alice_api.patch(f"/api/v1/candidates/{ada.pk}/", {"links": ["not a link"]}, format="json")
    assert bad.status_code == 400
    assert "links" in bad.json()["errors"]


def test_the_original_file_downloads_to_its_organisation_only(
    alice, alice_org, alice_api, charlie_api
) -> None:
    ada = candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer")
    response = alice_api.get(f"/api/v1/candidates/{ada.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"Ada Lovelace")
    assert "attachment" in response["Content-Disposition"]
    assert charlie_api.get(f"/api/v1/candidates/{ada.pk}/file/").status_code == 404


def test_a_candidate_is_deleted_with_the_file(alice, alice_org, alice_api) -> None:
    ada = candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer")
    assert alice_api.delete(f"/api/v1/candidates/{ada.pk}/").status_code == 204
    assert not Candidate.objects.filter(pk=ada.pk).exists()
    assert alice_api.get(f"/api/v1/candidates/{ada.pk}/").status_code == 404


def test_another_organisation_sees_none_of_it(alice, alice_org, charlie_api) -> None:
    ada = candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer")
    batch = ada.source_document.batch
    assert charlie_api.get(f"/api/v1/candidates/{ada.pk}/").status_code == 404
    assert charlie_api.delete(f"/api/v1/candidates/{ada.pk}/").status_code == 404
    assert charlie_api.patch(f"/api/v1/candidates/{ada.pk}/", {"name": "X"}).status_code == 404
    assert charlie_api.get(f"/api/v1/uploads/{batch.pk}/").status_code == 404
    assert charlie_api.get("/api/v1/candidates/").json()["results"] == []
    assert charlie_api.get("/api/v1/uploads/").json()["results"] == []
    assert Candidate.objects.filter(pk=ada.pk, name="Ada Lovelace").exists()
