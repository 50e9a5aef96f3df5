"""Links the site hands out point at the address it was reached on (issue 17, items 7 and 8)."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from config import api_urls
from tests.roles.factories import make_role

pytestmark = pytest.mark.django_db

OTHER_PORT = "127.0.0.1:8123"


@pytest.fixture(autouse=True)
def _no_site_url(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver", "rolematch.example"]
    cache.clear()
    yield
    cache.clear()


def test_a_role_page_links_to_itself_on_the_port_it_was_served_on(client: Client) -> None:
    make_role("Data Engineer")
    html = client.get("/roles/data-engineer/", HTTP_HOST=OTHER_PORT).content.decode()
    assert f'<link rel="canonical" href="http://{OTHER_PORT}/roles/data-engineer/">' in html
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert raw
    assert json.loads(raw.group(1))["url"] == f"http://{OTHER_PORT}/roles/data-engineer/"
    assert ":8000" not in html


def test_the_cached_role_page_follows_each_request_s_host(client: Client) -> None:
    make_role("Data Engineer")
    client.get("/roles/data-engineer/", HTTP_HOST=OTHER_PORT)
    html = client.get("/roles/data-engineer/", HTTP_HOST="rolematch.example").content.decode()
    assert 'href="http://rolematch.example/roles/data-engineer/"' in html
    assert OTHER_PORT not in html


def test_an_explicit_site_url_wins(client: Client, settings) -> None:
    settings.SITE_URL = "https://jobs.example.com"
    make_role("Data Engineer")
    html = client.get("/roles/data-engineer/", HTTP_HOST=OTHER_PORT).content.decode()
    assert 'href="https://jobs.example.com/roles/data-engineer/"' in html


def test_api_problem_types_point_at_the_port_the_api_was_called_on(client: Client) -> None:
    response = client.get("/api/v1/matches/", HTTP_HOST=OTHER_PORT)
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == f"http://{OTHER_PORT}/api/problems/not-authenticated/"
    missing = client.get("/api/v1/no-such-thing/", HTTP_HOST=OTHER_PORT).json()
    assert missing["type"] == f"http://{OTHER_PORT}/api/problems/not-found/"
    assert client.get(missing["type"].removeprefix(f"http://{OTHER_PORT}")).status_code == 200


def test_robots_txt_names_the_sitemap_on_the_same_host(client: Client) -> None:
    body = client.get("/robots.txt", HTTP_HOST=OTHER_PORT).content.decode()
    assert f"Sitemap: http://{OTHER_PORT}/sitemap.xml" in body


def test_an_invitation_link_uses_the_inviting_request_s_address(
    client: Client, alice, django_capture_on_commit_callbacks
) -> None:
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("invitation_create"), {"email": "dana@example.com"}, HTTP_HOST=OTHER_PORT
        )
    assert f"http://{OTHER_PORT}/invitations/" in mail.outbox[0].body


def test_the_api_root_is_a_json_index_with_links_to_the_schema_and_docs(client: Client) -> None:
    response = client.get("/api/v1/", HTTP_HOST=OTHER_PORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["schema"] == f"http://{OTHER_PORT}/api/schema/"
    assert body["docs"] == f"http://{OTHER_PORT}/api/docs/"
    assert body["resources"]["matches"]["url"] == f"http://{OTHER_PORT}/api/v1/matches/"
    for resource in body["resources"].values():
        path = resource["url"].removeprefix(f"http://{OTHER_PORT}")
        # Every listed resource exists: anonymous callers get a problem, never a 404.
        assert client.get(path).status_code != 404, path
    assert client.get("/api/schema/").status_code == 200
    # Every address that needs no id is listed: a client finds them all from here.
    listed = {
        r["url"].removeprefix(f"http://{OTHER_PORT}/api/v1/") for r in body["resources"].values()
    }
    fixed = {str(p.pattern) for p in api_urls.urlpatterns if "<" not in str(p.pattern)}
    assert fixed - {""} == listed


def test_the_favicon_is_served_and_every_page_names_it(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    html = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.ico"', html)
