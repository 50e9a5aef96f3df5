"""A NUL character in any search box is a clear 400, never a 500; with the database or Redis
unreachable, signed-in pages and API calls answer 503 with Retry-After, never a bare 500."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts import views
from accounts.services import api_token_create
from tests.roles.factories import make_role

SEARCHES = [
    "/roles/?q=%00",
    "/roles/?q=data%00engineer",
    "/roles/?industry=%00",
    "/app/candidates/?q=%00",
    "/app/matches/new/?q=%00",
    "/app/matches/new/roles/?q=a%00b",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", SEARCHES)
def test_a_nul_character_in_a_search_box_is_a_clear_400(client: Client, alice, path) -> None:
    client.force_login(alice)

    response = client.get(path)

    assert response.status_code == 400
    assert b"could not be read" in response.content
    assert b"Nothing was changed" in response.content


@pytest.mark.django_db
def test_a_nul_character_in_an_api_query_is_a_problem(alice, alice_org) -> None:
    _, secret = api_token_create(user=alice, org=alice_org, name="t")
    response = APIClient().get("/api/v1/roles/?q=%00", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_a_nul_character_in_a_posted_form_is_a_400(client: Client, alice) -> None:
    # As a browser posts the sign-in form.
    response = client.post(
        "/accounts/login/",
        urlencode({"login": "a\x00@example.com", "password": "x"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400


@pytest.mark.django_db
def test_the_same_searches_without_the_nul_still_work(client: Client, alice) -> None:
    make_role("Data Engineer")
    client.force_login(alice)
    for path in SEARCHES:
        # Followed: the role picker's htmx partial, opened on its own, redirects to its page.
        assert client.get(path.replace("%00", ""), follow=True).status_code == 200, path


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database_down_now() -> Iterator[None]:
    """The database stops answering: the next query opens a connection that is refused."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/rolematch.sqlite3"
    else:
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(dead_port())})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def redis_down(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_a_signed_in_page_answers_503_with_retry_after(alice) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    with database_down_now():
        response = client.get("/dashboard/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert b"back in a moment" in response.content
    assert b"Nothing you uploaded was lost" in response.content


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_an_api_call_answers_a_503_problem(alice, alice_org) -> None:
    _, secret = api_token_create(user=alice, org=alice_org, name="t")
    client = APIClient(raise_request_exception=False)

    with database_down_now():
        response = client.get("/api/v1/credits/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/api/problems/service-unavailable/")


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_with_redis_down_an_api_call_answers_a_503_problem(alice, alice_org) -> None:
    _, secret = api_token_create(user=alice, org=alice_org, name="t")

    response = APIClient(raise_request_exception=False).get(
        "/api/v1/credits/", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["type"].endswith("/api/problems/service-unavailable/")


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_with_redis_down_signing_in_answers_503_with_retry_after(alice) -> None:
    response = Client(raise_request_exception=False).post(
        "/accounts/login/", {"login": "alice@example.com", "password": "whatever-it-is"}
    )

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_an_ordinary_bug_is_still_a_500(client: Client, alice, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    client = Client(raise_request_exception=False)
    client.force_login(alice)
    monkeypatch.setattr(views, "render", broken)

    assert client.get("/dashboard/").status_code == 500
