"""Problem details, Idempotency-Key, ETags and throttling, shared by every API endpoint."""

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.config.api_plumbing_urls")]
URL = "/api/v1/plumbing/"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_a_validation_error_is_a_problem_document_listing_the_fields(api: APIClient) -> None:
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/api/problems/validation-error/")
    assert body["status"] == 400
    assert body["instance"] == URL
    assert "name" in body["errors"]


def test_a_domain_problem_keeps_its_type_status_and_extra_members(api: APIClient) -> None:
    response = api.post(URL, {"name": "broke"}, format="json")
    assert response.status_code == 402
    body = response.json()
    assert body["type"].endswith("/api/problems/insufficient-credit/")
    assert body["needed_cents"] == 25
    assert body["detail"] == "You need 25 more cents."


def test_an_unknown_api_path_is_a_problem_not_an_html_page(api: APIClient) -> None:
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/api/problems/not-found/")


def test_every_problem_type_uri_resolves_to_a_page(api: APIClient) -> None:
    body = api.post(URL, {}, format="json").json()
    path = body["type"].split("://", 1)[1].split("/", 1)[1]
    page = api.get("/" + path)
    assert page.status_code == 200
    assert b"The request has invalid fields" in page.content


def test_a_retried_create_with_the_same_key_creates_once(api: APIClient) -> None:
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-1"}
    first = api.post(URL, {"name": "Acme"}, format="json", **headers)
    second = api.post(URL, {"name": "Acme"}, format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Organisation.objects.filter(name="Acme").count() == 1


def test_the_same_key_with_another_body_is_refused(api: APIClient) -> None:
    api.post(URL, {"name": "Acme"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = api.post(URL, {"name": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["type"].endswith("/idempotency-key-reused/")
    assert not Organisation.objects.filter(name="Other").exists()


def test_without_a_key_each_post_creates(api: APIClient) -> None:
    api.post(URL, {"name": "Acme"}, format="json")
    api.post(URL, {"name": "Acme"}, format="json")
    assert Organisation.objects.filter(name="Acme").count() == 2


def test_a_failed_request_is_not_stored_so_a_corrected_retry_runs(api: APIClient) -> None:
    assert api.post(URL, {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    assert api.post(URL, {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    assert Organisation.objects.count() == 0


def test_reads_carry_an_etag_and_answer_304_when_unchanged(api: APIClient) -> None:
    Organisation.objects.create(name="Acme")
    first = api.get(URL)
    etag = first["ETag"]
    assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Organisation.objects.create(name="Beta")
    assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_too_many_requests_get_429_with_retry_after(api: APIClient, settings) -> None:
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/min"}
    try:
        statuses = [api.get(URL).status_code for _ in range(4)]
        response = api.get(URL)
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert statuses[:3] == [200, 200, 200]
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["type"].endswith("/api/problems/throttled/")
