"""Content-Security-Policy on every page, no inline script in any template, and no cache keeps
a signed-in person's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.api.conftest import bearer
from tests.roles.factories import make_role

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", ["/", "/roles/", "/accounts/login/", "/api/docs/"])
def test_every_page_carries_a_policy_that_runs_only_our_own_scripts(client: Client, path) -> None:
    make_role("Data Engineer")
    policy = directives(client.get(path))

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src-elem"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-eval'" not in values for values in policy.values())


def test_the_signed_in_dashboard_carries_the_policy_too(client: Client, alice) -> None:
    client.force_login(alice)
    assert directives(client.get("/dashboard/"))["script-src"] == ["'self'"]


def test_no_template_holds_an_inline_script_or_event_handler() -> None:
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            # A JSON-LD data block is never run; everything else must be a file.
            if "src=" not in tag and "application/ld+json" not in tag:
                offenders.append(f"{template.relative_to(TEMPLATES)}: {tag}")
        for handler in re.findall(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE):
            offenders.append(f"{template.relative_to(TEMPLATES)}: {handler.strip()}")
        if "javascript:" in text.lower():
            offenders.append(f"{template.relative_to(TEMPLATES)}: javascript: URL")

    assert offenders == []


def test_htmx_is_told_not_to_inject_its_style_element(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in page


def test_signed_in_pages_are_private_and_never_stored(client: Client, alice) -> None:
    make_role("Data Engineer")
    client.force_login(alice)

    for path in ("/dashboard/", "/roles/", "/roles/data-engineer/", "/billing/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path


def test_api_answers_to_a_token_are_private_and_never_stored(alice, alice_org) -> None:
    response = bearer(alice, alice_org).get("/api/v1/credits/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_pages_stay_cacheable(client: Client) -> None:
    make_role("Data Engineer")
    for path in ("/", "/roles/data-engineer/"):
        assert "no-store" not in client.get(path).get("Cache-Control", ""), path
