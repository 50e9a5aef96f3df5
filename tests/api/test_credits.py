"""Credits over the API: balance, ledger with filters, packs, Checkout."""

from __future__ import annotations

import pytest

from billing.models import CreditPack, Purchase
from tests.api.conftest import bearer, fund

pytestmark = pytest.mark.django_db


def test_the_balance_says_how_many_candidates_it_pays_for(alice_api, alice_org) -> None:
    fund(alice_org, 300)
    body = alice_api.get("/api/v1/credits/").json()
    assert body["balance_cents"] == 300
    assert body["candidates"] == 300 // body["price_per_candidate_cents"]
    assert body["blocked"] is False


def test_the_ledger_lists_entries_and_filters_by_kind(alice_api, alice_org) -> None:
    fund(alice_org, 300, key="one")
    fund(alice_org, 200, key="two")
    body = alice_api.get("/api/v1/credits/ledger/").json()
    assert [e["amount_cents"] for e in body["results"]] == [200, 300]
    assert body["results"][0]["balance_after_cents"] == 500
    assert alice_api.get("/api/v1/credits/ledger/?kind=purchase").json()["results"] == []
    bad = alice_api.get("/api/v1/credits/ledger/?kind=gift")
    assert bad.status_code == 400
    assert "kind" in bad.json()["errors"]


def test_the_ledger_filters_by_date(alice_api, alice_org) -> None:
    fund(alice_org, 300)
    assert len(alice_api.get("/api/v1/credits/ledger/?date_from=2000-01-01").json()["results"]) == 1
    assert alice_api.get("/api/v1/credits/ledger/?date_to=2000-01-01").json()["results"] == []


def test_another_organisations_ledger_is_not_shown(alice_org, charlie_api) -> None:
    fund(alice_org, 300)
    assert charlie_api.get("/api/v1/credits/ledger/").json()["results"] == []


def test_checkout_without_stripe_is_a_clear_problem(alice_api, settings) -> None:
    settings.USE_STRIPE = False
    pack = CreditPack.objects.create(name="Starter", price_cents=1000, credits_cents=1000)
    assert [p["id"] for p in alice_api.get("/api/v1/credits/packs/").json()] == [pack.pk]
    response = alice_api.post("/api/v1/credits/checkout/", {"pack": pack.pk}, format="json")
    assert response.status_code == 503
    assert response.json()["type"].endswith("/api/problems/payments-not-configured/")
    assert not Purchase.objects.exists()


def test_only_the_owner_may_start_a_checkout(bob, alice_org) -> None:
    pack = CreditPack.objects.create(name="Starter", price_cents=1000, credits_cents=1000)
    response = bearer(bob, alice_org).post("/api/v1/credits/checkout/", {"pack": pack.pk})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/permission-denied/")


def test_checkout_refuses_an_unknown_pack(alice_api) -> None:
    response = alice_api.post("/api/v1/credits/checkout/", {"pack": 999999}, format="json")
    assert response.status_code == 400
    assert "pack" in response.json()["errors"]
