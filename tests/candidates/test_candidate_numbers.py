"""Candidates are numbered per organisation and named by the person or, failing that, the file.

Issue #14: candidates showed as "Candidate #N" with N the database id (a new organisation's
first ones were #36 to #70), and no file name appeared anywhere.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from candidates.models import Candidate, candidate_number_next
from candidates.services import batch_create
from tests.candidates.factories import (
    CandidateFactory,
    media_root,  # noqa: F401
    resume_text,
    taxonomy,  # noqa: F401
    upload,
)

pytestmark = pytest.mark.django_db


def test_numbers_count_from_one_in_each_organisation(alice_org, charlie_org):
    # Another tenant's candidates first, so database ids and numbers part ways.
    others = [CandidateFactory(organisation=charlie_org) for _ in range(3)]
    mine = [CandidateFactory(organisation=alice_org) for _ in range(2)]
    assert [c.number for c in others] == [1, 2, 3]
    assert [c.number for c in mine] == [1, 2]
    assert mine[0].pk > 3


def test_a_deleted_candidates_number_is_not_given_again(alice_org):
    first, second = (
        CandidateFactory(organisation=alice_org),
        CandidateFactory(organisation=alice_org),
    )
    second.delete()
    assert CandidateFactory(organisation=alice_org).number == 3
    assert first.number == 1


def test_without_a_name_the_file_name_is_shown_never_the_database_id(alice_org, charlie_org):
    CandidateFactory(organisation=charlie_org)
    unnamed = CandidateFactory(organisation=alice_org, name="", file_name="cv-final.pdf")
    assert unnamed.display_name == "cv-final.pdf"
    bare = CandidateFactory(organisation=alice_org, name="", file_name="")
    assert bare.number == 2
    assert bare.pk != bare.number
    assert bare.display_name == "Candidate 2"


@pytest.mark.usefixtures("media_root", "taxonomy", "celery_eager")
def test_intake_keeps_the_file_name_and_the_persons_name(
    alice, alice_org, django_capture_on_commit_callbacks
):
    anonymous = "\n".join(resume_text(name="Grace Hopper").splitlines()[1:])
    with django_capture_on_commit_callbacks(execute=True):
        batch_create(
            org=alice_org,
            user=alice,
            files=[
                upload("grace.txt", resume_text(name="Grace Hopper").encode()),
                upload("cv 2024 final.txt", anonymous.encode()),
            ],
        )
    grace = Candidate.objects.get(organisation=alice_org, file_name="grace.txt")
    assert grace.display_name == "Grace Hopper"
    unnamed = Candidate.objects.get(organisation=alice_org, file_name="cv 2024 final.txt")
    assert unnamed.name == ""
    assert unnamed.display_name == "cv 2024 final.txt"
    assert sorted([grace.number, unnamed.number]) == [1, 2]


def test_the_pool_lists_number_name_and_file_without_database_ids(
    client, alice, alice_org, charlie_org
):
    for _ in range(40):
        CandidateFactory(organisation=charlie_org)
    CandidateFactory(organisation=alice_org, name="", file_name="resume_backend.docx")
    named = CandidateFactory(organisation=alice_org, name="Ada Lovelace", file_name="ada.pdf")
    client.force_login(alice)
    html = client.get(reverse("candidates:candidate_list")).content.decode()
    assert "resume_backend.docx" in html
    assert "Ada Lovelace" in html
    assert "ada.pdf" in html
    assert f'<td class="muted">{named.number}</td>' in html
    assert "Candidate #" not in html
    searched = client.get(reverse("candidates:candidate_list"), {"q": "backend.docx"}).content
    assert b"resume_backend.docx" in searched
    assert b"Ada Lovelace" not in searched


def test_the_api_gives_the_number_and_file_name(client, alice, alice_org):
    CandidateFactory(organisation=alice_org, name="", file_name="cv.pdf")
    client.force_login(alice)
    body = client.get("/api/v1/candidates/").json()
    assert [(c["number"], c["file_name"]) for c in body["results"]] == [(1, "cv.pdf")]


@pytest.mark.django_db(transaction=True)
def test_parallel_intakes_never_share_a_number(postgres, alice_org):
    CandidateFactory(organisation=alice_org)  # the counter row exists; the race is on its update
    numbers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def take() -> None:
        try:
            start.wait()
            for _ in range(5):
                numbers.append(CandidateFactory(organisation=alice_org).number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == list(range(2, 42))


@pytest.mark.django_db(transaction=True)
def test_the_first_numbers_of_a_new_organisation_do_not_collide(postgres, charlie_org):
    numbers: list[int] = []
    start = threading.Barrier(6)

    def take() -> None:
        try:
            start.wait()
            numbers.append(candidate_number_next(organisation_id=charlie_org.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]


@pytest.mark.usefixtures("media_root", "taxonomy")
def test_an_upload_is_named_by_its_time_not_its_database_id(client, alice, alice_org):
    batch = batch_create(org=alice_org, user=alice, files=[upload("a.txt", resume_text().encode())])
    client.force_login(alice)
    page = client.get(reverse("candidates:batch_detail", args=[batch.pk])).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    for html in (page, dashboard):
        assert "Upload of " in html
        assert f"Upload #{batch.pk}" not in html
