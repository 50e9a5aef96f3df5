"""Who a result is: the person's name, else the file name, in the table, drawer and exports;
in a blind match a per-match label, the same everywhere, and no file name (it often carries the
person's name)."""

from __future__ import annotations

import csv
import io

import pypdfium2
import pytest
from django.urls import reverse

from billing.models import LedgerEntry
from matcher.models import Match
from tests.matcher.test_workspace_views import (  # noqa: F401 - fixtures
    _candidate,
    _profile,
    funded,
    post,
    role,
    skills,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(alice_org):
    return [
        _candidate(alice_org, "Jane Doe", "jane@example.com", file_name="jane-doe-cv.pdf"),
        _candidate(alice_org, "", "anon@example.com", file_name="resume_ml_2024.docx"),
    ]


@pytest.fixture
def match(client, post, alice, funded, role, pool):  # noqa: F811
    client.force_login(alice)
    post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [c.pk for c in pool], **_profile(role)},
    )
    return Match.objects.get(organisation=funded)


def _csv(client, match) -> list[dict[str, str]]:
    response = client.get(reverse("matcher:match_export_csv", args=[match.pk]))
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(body)))


def test_a_nameless_candidate_shows_its_file_name_everywhere(client, match, pool):
    html = client.get(reverse("matcher:match_detail", args=[match.pk])).content.decode()
    assert "resume_ml_2024.docx" in html
    assert "Candidate #" not in html
    drawer = client.get(
        reverse("matcher:match_candidate", args=[match.pk, pool[1].pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<h2 id="drawer-title">resume_ml_2024.docx</h2>' in drawer
    rows = {r["candidate"]: r for r in _csv(client, match)}
    assert set(rows) == {"Jane Doe", "resume_ml_2024.docx"}
    pdf = client.get(reverse("matcher:match_export_pdf", args=[match.pk])).content
    document = pypdfium2.PdfDocument(pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "resume_ml_2024.docx" in text
    assert "Jane Doe" in text


def test_a_named_candidates_file_name_is_in_the_table_the_drawer_and_the_csv(client, match, pool):
    html = client.get(reverse("matcher:match_detail", args=[match.pk])).content.decode()
    assert "Jane Doe" in html
    assert "jane-doe-cv.pdf" in html
    drawer = client.get(
        reverse("matcher:match_candidate", args=[match.pk, pool[0].pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "jane-doe-cv.pdf" in drawer
    jane = next(r for r in _csv(client, match) if r["candidate"] == "Jane Doe")
    assert jane["file_name"] == "jane-doe-cv.pdf"


def test_blind_review_labels_each_candidate_once_per_match_and_hides_file_names(
    client, match, pool
):
    client.post(reverse("matcher:match_blind", args=[match.pk]), {"blind": "on"})
    labels = {}
    for candidate in pool:
        drawer = client.get(
            reverse("matcher:match_candidate", args=[match.pk, candidate.pk]),
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert candidate.file_name not in drawer
        labels[candidate.pk] = drawer.split('<h2 id="drawer-title">')[1].split("</h2>")[0]
    assert sorted(labels.values()) == ["Candidate A", "Candidate B"]
    for sort in ("score", "-score", "name", "years"):
        table = client.get(
            reverse("matcher:match_results", args=[match.pk]),
            {"sort": sort},
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert "jane-doe-cv.pdf" not in table
        assert "resume_ml_2024.docx" not in table
        for candidate in pool:
            link = reverse("matcher:match_candidate", args=[match.pk, candidate.pk])
            assert f"{link}" in table
            row = table.split(f'href="{link}"')[1].split("</a>")[0]
            assert row.endswith(labels[candidate.pk])
    exported = _csv(client, match)
    assert {r["candidate"] for r in exported} == set(labels.values())
    assert {r["file_name"] for r in exported} == {""}


def test_the_credit_history_and_the_report_name_the_match_without_its_database_id(client, match):
    references = list(
        LedgerEntry.objects.filter(organisation=match.organisation).values_list(
            "reference", flat=True
        )
    )
    assert f"Match: {match.role_title}" in references
    assert not any(f"#{match.pk}" in r for r in references)
    pdf = client.get(reverse("matcher:match_export_pdf", args=[match.pk])).content
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    assert "Match of " in text
    assert f"Match #{match.pk}" not in text
