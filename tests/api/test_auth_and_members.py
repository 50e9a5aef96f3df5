"""POST /api/v1/auth/token/, bearer authentication and the members list."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


def test_it_trades_email_and_password_for_a_token_shown_once(alice, alice_org) -> None:
    response = APIClient().post(
        URL, {"email": "alice@example.com", "password": PASSWORD, "name": "ATS"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("rm_")
    assert body["organisation"] == {"id": alice_org.pk, "name": alice_org.name}
    token = ApiToken.objects.get(pk=body["id"])
    assert token.name == "ATS"
    assert body["token"] not in token.token_hash

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    members = client.get("/api/v1/members/")
    assert members.status_code == 200
    assert [m["email"] for m in members.json()["results"]] == ["alice@example.com"]


def test_a_wrong_password_is_a_401_problem(alice) -> None:
    response = APIClient().post(
        URL, {"email": "alice@example.com", "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"].endswith("/api/problems/authentication-failed/")
    assert not ApiToken.objects.exists()


def test_an_unverified_address_gets_no_token(db) -> None:
    make_user("new@example.com", verified=False)
    response = APIClient().post(URL, {"email": "new@example.com", "password": PASSWORD})
    assert response.status_code == 401


def test_missing_fields_are_a_validation_problem(db) -> None:
    response = APIClient().post(URL, {"email": "not-an-address"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"email", "password"}


def test_repeated_failures_for_one_account_are_throttled_with_retry_after(alice, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token_obtain_failed": "3/900"}
    client = APIClient()
    statuses = [
        client.post(URL, {"email": "alice@example.com", "password": "bad"}).status_code
        for _ in range(3)
    ]
    # Even the right password waits now from that address: the lockout is per account and
    # client, not per guess; the owner elsewhere is not locked out by it.
    response = client.post(URL, {"email": "ALICE@example.com", "password": PASSWORD})
    elsewhere = APIClient(REMOTE_ADDR="192.0.2.77").post(
        URL, {"email": "alice@example.com", "password": PASSWORD}
    )
    assert statuses == [401, 401, 401]
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    assert response.json()["type"].endswith("/api/problems/throttled/")
    assert elsewhere.status_code == 201


def test_attempts_per_address_are_limited(db, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token_obtain": "2/600"}
    client = APIClient()
    for _ in range(2):
        client.post(URL, {"email": "x@example.com", "password": "y"})
    assert client.post(URL, {"email": "x@example.com", "password": "y"}).status_code == 429


def test_a_revoked_token_stops_working_at_once(alice_api, alice) -> None:
    assert alice_api.get("/api/v1/members/").status_code == 200
    ApiToken.objects.update(revoked_at="2020-01-01T00:00:00Z")
    response = alice_api.get("/api/v1/members/")
    assert response.status_code == 401
    assert response.json()["type"].endswith("/authentication-failed/")


def test_without_credentials_the_api_answers_401_not_a_login_page(db) -> None:
    response = APIClient().get("/api/v1/candidates/")
    assert response.status_code == 401
    assert response.json()["type"].endswith("/api/problems/not-authenticated/")


def test_the_browser_session_works_too(alice, bob) -> None:
    client = APIClient()
    client.force_login(bob)
    emails = [m["email"] for m in client.get("/api/v1/members/").json()["results"]]
    assert emails == ["alice@example.com", "bob@example.com"]


def test_members_are_only_the_requesters_organisation(alice, bob, charlie_api) -> None:
    emails = [m["email"] for m in charlie_api.get("/api/v1/members/").json()["results"]]
    assert emails == ["charlie@example.org"]


def test_members_filter_by_role(alice, bob, alice_api) -> None:
    body = alice_api.get("/api/v1/members/?role=recruiter").json()
    assert [m["email"] for m in body["results"]] == ["bob@example.com"]
