"""Duplicate Stripe webhooks, concurrently and in either order: a paid session is credited once,
and a refund claws back once, whichever arrives first."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from billing import selectors
from billing.models import LedgerEntry
from tests.billing.conftest import webhook_secret
from tests.billing.stripe_support import checkout_session, post_event, purchase_record, stripe_event
from tests.billing.test_webhooks import _fire_concurrently, refund_event

__all__ = ["webhook_secret"]
pytestmark = pytest.mark.usefixtures("webhook_secret")


def events(org_id: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    session = checkout_session(
        session_id="cs_order", org_id=org_id, payment_intent="pi_1", amount_total=1000
    )
    return (
        stripe_event("checkout.session.completed", session),
        stripe_event("checkout.session.async_payment_succeeded", session),
        refund_event(1000),
    )


@pytest.mark.parametrize(
    "order",
    [
        (0, 1, 2),
        (1, 0, 2),
        (0, 2, 1),
        (2, 0, 1),
        (2, 1, 0),
    ],
)
@pytest.mark.django_db
def test_a_paid_then_refunded_session_ends_at_nothing_in_any_order(alice_org, order) -> None:
    purchase_record(alice_org, "cs_order", price_cents=1000, credits_cents=1000)
    delivered = events(alice_org.pk)
    client = Client()
    for index in order:
        for _ in range(2):  # and each one twice
            assert post_event(client, delivered[index]).status_code == 200
    balance = selectors.balance_cents(org=alice_org)
    purchases = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PURCHASE).count()
    refunds = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count()
    assert purchases <= 1
    assert refunds <= purchases
    assert balance == 0, (order, balance, purchases, refunds)
    call_command("audit_ledger")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "completed_first",
    # Stripe normally sends the refund after the payment; without the completion first,
    # whichever of the refund and the completion commits first, the other must see it.
    [True, False],
    ids=["completion-first", "refund-racing-completion"],
)
@pytest.mark.django_db(transaction=True)
def test_payment_and_refund_events_fired_at_once_and_repeated_end_at_nothing(
    postgres: None, alice_org, completed_first: bool
) -> None:
    purchase_record(alice_org, "cs_order", price_cents=1000, credits_cents=1000)
    completed, async_paid, refund = events(alice_org.pk)
    if completed_first:
        assert post_event(Client(), completed).status_code == 200
    statuses = _fire_concurrently([refund, completed, async_paid] * 5)
    assert statuses == [200] * 15
    assert selectors.balance_cents(org=alice_org) == 0
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PURCHASE).count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == 1
    call_command("audit_ledger")


@pytest.mark.django_db
def test_a_partial_refund_before_the_completion_takes_back_only_its_share(alice_org) -> None:
    purchase_record(alice_org, "cs_order", price_cents=1000, credits_cents=1000)
    completed, _, _ = events(alice_org.pk)
    client = Client()
    assert post_event(client, refund_event(400)).status_code == 200
    assert selectors.balance_cents(org=alice_org) == 0

    assert post_event(client, completed).status_code == 200
    assert selectors.balance_cents(org=alice_org) == 600
    assert post_event(client, refund_event(1000)).status_code == 200
    assert selectors.balance_cents(org=alice_org) == 0
    refunds = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).order_by("id")
    assert [entry.amount_cents for entry in refunds] == [-400, -600]
    call_command("audit_ledger")
