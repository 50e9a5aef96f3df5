"""Cross-cutting API behaviour on real endpoints: ETags, per-token throttling, problems for
requests Django refuses, and a schema that documents every operation."""

from __future__ import annotations

import threading
from uuid import uuid4

import pytest
import time_machine
import yaml
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.request import ForcedAuthentication, Request
from rest_framework.settings import api_settings
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from accounts.services import api_token_create
from api.throttling import TokenRateThrottle
from tests.api.conftest import bearer, candidate_with_file

pytestmark = pytest.mark.django_db


def test_a_candidate_read_answers_304_until_it_changes(alice, alice_org, alice_api) -> None:
    ada = candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer")
    url = f"/api/v1/candidates/{ada.pk}/"
    etag = alice_api.get(url)["ETag"]
    assert alice_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    alice_api.patch(url, {"headline": "Analyst"})
    assert alice_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_each_token_has_its_own_budget(alice, alice_org) -> None:
    first, second = bearer(alice, alice_org), bearer(alice, alice_org)
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "2/min"}
    try:
        statuses = [first.get("/api/v1/credits/").status_code for _ in range(3)]
        other = second.get("/api/v1/credits/")
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200, 429]
    assert other.status_code == 200


def test_a_request_django_refuses_is_still_a_problem(alice_api, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = "&".join(f"candidates={i}" for i in range(50))
    response = alice_api.post(
        "/api/v1/matches/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/api/problems/malformed-request/")


def test_a_bad_cursor_is_a_validation_problem(alice_api) -> None:
    response = alice_api.get("/api/v1/candidates/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_every_operation_is_documented_with_tags_errors_and_security(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "patch", "delete"}
    ]
    assert len(operations) >= 25
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("tags"), where
        assert op.get("summary"), where
        assert "429" in op["responses"], where
        problem = op["responses"]["429"]["content"]["application/problem+json"]
        assert problem["schema"]["$ref"] == "#/components/schemas/Problem", where
        if path != "/api/v1/auth/token/":
            assert {"bearerAuth": []} in op.get("security", []), where
        if method == "post" and path.endswith(("/custom-roles/", "/candidates/", "/matches/")):
            assert any(p["name"] == "Idempotency-Key" for p in op["parameters"]), where
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_docs_page_and_schema_are_served(db) -> None:
    client = APIClient()
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.redis
def test_the_token_throttle_lets_exactly_its_rate_through_when_hammered_at_once(
    redis_url, settings, alice, alice_org
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"throttle-test-{uuid4().hex}",
        }
    }
    token, _ = api_token_create(user=alice, org=alice_org, name="hammer")

    class TwoHundredAnHour(TokenRateThrottle):
        rate = "200/hour"

    allowed: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def hammer() -> None:
        barrier.wait()
        for _ in range(40):
            request = Request(
                APIRequestFactory().get("/api/v1/credits/"),
                authenticators=[ForcedAuthentication(alice, token)],
            )
            verdict = TwoHundredAnHour().allow_request(request, None)
            with lock:
                allowed.append(verdict)

    # One window for the whole run: the clock stands still (in every thread), Redis counts.
    with time_machine.travel("2026-01-01 10:00:00Z", tick=False):
        threads = [threading.Thread(target=hammer) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    cache.clear()

    assert len(allowed) == 640
    assert allowed.count(True) == 200
