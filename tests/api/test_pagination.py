"""Every paginated list pages the same way: `page_size` from 1 to 200 or a 400 that says so, a
cursor only from a `next` or `previous` link, no page numbers, and `next` to walk to the end.

Each list holds two rows here, so a page of one is visibly a page and has a `next` link."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, reverse
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin

from accounts.models import Organisation, User
from api.pagination import CursorPagination
from candidates.models import Candidate
from config import api_urls
from matcher.models import Match, MatchResult
from matcher.services.workspace import decision_make
from roles.models import Role
from tests.api.conftest import candidate_with_file, fund
from tests.roles.factories import make_role

pytestmark = pytest.mark.django_db

# Route name -> whether its URL takes the match's id.
PAGINATED_LISTS = {
    "member_list": False,
    "role_list": False,
    "custom_role_list": False,
    "candidate_list": False,
    "upload_list": False,
    "match_list": False,
    "match_results": True,
    "match_decisions": True,
    "credit_ledger": False,
}
OUT_OF_RANGE = ["0", "-3", "201", "5000", "abc", "1.5", "+5", " 5", "9" * 5000]


def _match(org: Organisation, user: User, role: Role) -> Match:
    return Match.objects.create(
        organisation=org,
        role=role,
        role_version=role.version,
        role_title=role.title,
        status=Match.Status.DONE,
        price_cents=5,
        created_by=user,
    )


@pytest.fixture
def two_of_everything(alice: User, alice_org: Organisation, bob: User) -> Match:
    """Two rows in every list of alice's organisation; returns the match holding two results
    and two decisions."""
    catalog = [make_role("Backend Engineer"), make_role("Data Engineer")]
    make_role("Platform Engineer", organisation=alice_org, status=Role.Status.DRAFT)
    make_role("Site Reliability Engineer", organisation=alice_org, status=Role.Status.DRAFT)
    people = [
        candidate_with_file(alice_org, alice, "Ada Lovelace", "ada@example.com", "Engineer"),
        candidate_with_file(alice_org, alice, "Grace Hopper", "grace@example.com", "Engineer"),
    ]
    fund(alice_org, 300, key="one")
    fund(alice_org, 200, key="two")
    match = _match(alice_org, alice, catalog[0])
    _match(alice_org, alice, catalog[1])
    match.candidates.add(*people)
    for score, person in zip((81.0, 64.0), people, strict=True):
        MatchResult.objects.create(
            match=match,
            candidate=person,
            score=score,
            tier="strong",
            model_version="pagination",
            role_version=match.role_version,
        )
        decision_make(match=match, candidate=person, user=alice, decision="shortlist")
    return match


def _url(name: str, match: Match) -> str:
    return reverse(f"api:{name}", args=[match.pk] if PAGINATED_LISTS[name] else [])


def test_the_table_names_every_paginated_list_of_the_api() -> None:
    paginated = set()
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view = getattr(pattern.callback, "view_class", None)
        if (
            isinstance(view, type)
            and issubclass(view, GenericAPIView)
            and issubclass(view, ListModelMixin)
            and view.pagination_class is not None
        ):
            assert issubclass(view.pagination_class, CursorPagination), pattern.name
            paginated.add(pattern.name)
    assert paginated == set(PAGINATED_LISTS)


@pytest.mark.parametrize("name", list(PAGINATED_LISTS))
def test_every_list_honours_a_page_size_in_range(alice_api, two_of_everything, name) -> None:
    url = _url(name, two_of_everything)

    one = alice_api.get(url, {"page_size": "1"})
    most = alice_api.get(url, {"page_size": "200"})
    default = alice_api.get(url, {"page_size": ""})

    assert one.status_code == 200, one.content
    assert len(one.json()["results"]) == 1
    assert one.json()["next"] is not None
    assert "page_size=1" in one.json()["next"]
    for response in (most, default):
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == 2
        assert response.json()["next"] is None


@pytest.mark.parametrize("name", list(PAGINATED_LISTS))
def test_every_list_refuses_a_page_size_out_of_range_with_the_range(
    alice_api, two_of_everything, name
) -> None:
    url = _url(name, two_of_everything)
    for size in OUT_OF_RANGE:
        response = alice_api.get(url, {"page_size": size})

        assert response.status_code == 400, (size[:10], response.content[:300])
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["type"].endswith("/api/problems/validation-error/")
        assert body["status"] == 400
        assert body["errors"] == {
            "page_size": [
                "Send a whole number from 1 to 200, or leave `page_size` out for pages of 50."
            ]
        }


def test_the_public_catalog_refuses_a_bad_page_size_to_anonymous_clients_too(
    client, two_of_everything
) -> None:
    response = client.get("/api/v1/roles/", {"page_size": "0"})

    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize("name", list(PAGINATED_LISTS))
def test_every_list_refuses_a_mangled_cursor(alice_api, two_of_everything, name) -> None:
    response = alice_api.get(_url(name, two_of_everything), {"cursor": "page-2"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("name", list(PAGINATED_LISTS))
def test_every_list_refuses_a_page_number_and_points_to_next(
    alice_api, two_of_everything, name
) -> None:
    url = _url(name, two_of_everything)
    for page in ("1", "2", "999", "last"):
        response = alice_api.get(url, {"page": page, "page_size": "1"})

        assert response.status_code == 400, (page, response.content[:300])
        assert response.json()["errors"] == {
            "page": [
                "Lists are paged by cursor, not by number: follow the `next` link until it is null."
            ]
        }
    assert alice_api.get(url, {"page": ""}).status_code == 200


def test_a_cursor_past_the_end_of_a_list_that_shrank_is_an_empty_last_page(
    alice_api, two_of_everything
) -> None:
    first = alice_api.get("/api/v1/candidates/", {"page_size": "1"}).json()
    rest = [c["id"] for c in first["results"]]
    Candidate.objects.filter(organisation=two_of_everything.organisation).exclude(
        pk__in=rest
    ).delete()

    after = alice_api.get(first["next"])

    assert after.status_code == 200
    assert after.json()["results"] == []
    assert after.json()["next"] is None


def test_the_schema_states_the_page_size_range(alice_api) -> None:
    schema: dict[str, Any] = alice_api.get("/api/schema/", {"format": "json"}).json()
    listed = schema["paths"]["/api/v1/candidates/"]["get"]["parameters"]
    page_size = next(p for p in listed if p["name"] == "page_size")

    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
