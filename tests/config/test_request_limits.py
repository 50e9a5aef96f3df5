"""An oversized form gets the product's answer with the limit (issue 17, item 3)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from roles.models import Role

pytestmark = pytest.mark.django_db

THREE_MB = "Python and SQL. " * (3 * 1024 * 1024 // 16)


def test_a_three_megabyte_job_description_returns_to_the_form_with_the_limit(
    client: Client, alice
) -> None:
    client.force_login(alice)
    form = reverse("matcher:match_new")
    response = client.post(
        form,
        {"action": "from_job_description", "title": "Analyst", "job_description": THREE_MB},
        HTTP_REFERER=f"http://testserver{form}",
    )
    assert response.status_code == 303
    assert response["Location"] == f"http://testserver{form}"
    page = client.get(response["Location"]).content.decode()
    assert "2.5 MB of text" in page
    assert "Nothing was saved" in page
    assert 'data-form-max-bytes="2621440"' in page
    assert not Role.objects.filter(organisation__isnull=False).exists()


def test_an_oversized_form_from_elsewhere_returns_to_its_own_address(client: Client, alice) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("matcher:match_new"),
        {"job_description": THREE_MB},
        HTTP_REFERER="https://evil.example/phish",
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("matcher:match_new")


def test_the_api_keeps_its_problem_answer_for_an_oversized_body(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token/",
        data="email=a%40b.c&password=" + "x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
