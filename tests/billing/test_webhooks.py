import itertools
import json
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from accounts.models import Organisation
from billing import selectors, services
from billing.models import CreditPack, LedgerEntry, Purchase, StripeDispute, StripeEvent
from tests.billing.stripe_support import (
    TEST_WEBHOOK_SECRET,
    checkout_session,
    post_event,
    purchase_record,
    signature_header,
    stripe_event,
)

Kind = LedgerEntry.Kind
pytestmark = pytest.mark.usefixtures("webhook_secret")


def completed(org: Organisation, session_id: str = "cs_test_1", **kwargs: Any) -> dict[str, Any]:
    """A completion for a session the app opened (its purchase recorded, as purchase_start does)."""
    pack_id = kwargs.get("pack_id")
    purchase_record(
        org,
        session_id,
        price_cents=kwargs.get("amount_total", 1000),
        credits_cents=kwargs.get("credits_cents", 1000),
        pack=CreditPack.objects.get(pk=pack_id) if pack_id else None,
    )
    return stripe_event(
        "checkout.session.completed",
        checkout_session(session_id=session_id, org_id=org.pk, **kwargs),
    )


def nothing_written() -> bool:
    return not (LedgerEntry.objects.exists() or StripeEvent.objects.exists())


def test_a_paid_checkout_session_credits_the_organisation_once(
    client: Client, alice_org: Organisation, packs: list[Any]
) -> None:
    event = completed(alice_org, pack_id=packs[0].pk, credits_cents=1000)

    response = post_event(client, event)

    assert response.status_code == 200
    assert selectors.balance_cents(org=alice_org) == 1000
    purchase = Purchase.objects.get(checkout_session_id="cs_test_1")
    assert purchase.status == Purchase.Status.PAID
    assert purchase.pack == packs[0]
    assert purchase.payment_intent_id == "pi_cs_test_1"
    entry = LedgerEntry.objects.get(organisation=alice_org)
    assert entry.kind == Kind.PURCHASE
    assert entry.idempotency_key == "purchase:cs_test_1"


def test_the_same_event_delivered_again_credits_nothing_more(
    client: Client, alice_org: Organisation
) -> None:
    event = completed(alice_org)
    for _ in range(3):
        assert post_event(client, event).status_code == 200

    assert selectors.balance_cents(org=alice_org) == 1000
    assert StripeEvent.objects.count() == 1


def test_two_events_for_one_session_credit_it_once(client: Client, alice_org: Organisation) -> None:
    purchase_record(alice_org, "cs_test_1")
    post_event(client, completed(alice_org))
    succeeded = stripe_event(
        "checkout.session.async_payment_succeeded",
        checkout_session(session_id="cs_test_1", org_id=alice_org.pk),
    )
    post_event(client, succeeded)

    assert selectors.balance_cents(org=alice_org) == 1000
    assert LedgerEntry.objects.filter(kind=Kind.PURCHASE).count() == 1


def test_an_unpaid_completion_waits_for_the_async_payment(
    client: Client, alice_org: Organisation
) -> None:
    purchase_record(alice_org, "cs_bank")
    session = checkout_session(session_id="cs_bank", org_id=alice_org.pk, payment_status="unpaid")
    post_event(client, stripe_event("checkout.session.completed", session))
    assert selectors.balance_cents(org=alice_org) == 0

    session["payment_status"] = "paid"
    post_event(client, stripe_event("checkout.session.async_payment_succeeded", session))

    assert selectors.balance_cents(org=alice_org) == 1000


def test_a_session_stripe_expired_unpaid_marks_its_purchase_not_completed(
    client: Client, alice_org: Organisation
) -> None:
    purchase_record(alice_org, "cs_left")
    session = checkout_session(session_id="cs_left", org_id=alice_org.pk, payment_status="unpaid")
    session["status"] = "expired"

    response = post_event(client, stripe_event("checkout.session.expired", session))

    assert response.status_code == 200
    assert Purchase.objects.get().status == Purchase.Status.EXPIRED
    assert Purchase.objects.get().get_status_display() == "Not completed"
    assert selectors.balance_cents(org=alice_org) == 0


def test_an_expiry_delivered_after_the_payment_leaves_the_purchase_paid(
    client: Client, alice_org: Organisation
) -> None:
    post_event(client, completed(alice_org, "cs_paid"))
    session = checkout_session(session_id="cs_paid", org_id=alice_org.pk)

    post_event(client, stripe_event("checkout.session.expired", session))

    assert Purchase.objects.get().status == Purchase.Status.PAID
    assert selectors.balance_cents(org=alice_org) == 1000


def test_it_answers_200_to_event_types_it_does_not_handle(
    client: Client, alice_org: Organisation
) -> None:
    response = post_event(client, stripe_event("customer.created", {"id": "cus_1"}))

    assert response.status_code == 200
    assert nothing_written()


def test_a_signed_completion_for_a_session_the_app_never_opened_grants_nothing(
    client: Client, alice_org: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    forged = stripe_event(
        "checkout.session.completed",
        checkout_session(
            session_id="cs_not_ours", org_id=alice_org.pk, amount_total=100, credits_cents=1000000
        ),
    )

    response = post_event(client, forged)

    assert response.status_code == 200
    assert selectors.balance_cents(org=alice_org) == 0
    assert not LedgerEntry.objects.exists()
    assert not Purchase.objects.exists()
    assert "cs_not_ours was not opened by RoleMatch" in caplog.text


def test_it_credits_the_recorded_pack_whatever_the_metadata_says(
    client: Client, alice_org: Organisation, packs: list[Any]
) -> None:
    pack = packs[0]
    purchase_record(
        alice_org, "cs_ours", price_cents=pack.price_cents, credits_cents=pack.credits_cents
    )
    session = checkout_session(
        session_id="cs_ours",
        org_id=alice_org.pk,
        amount_total=pack.price_cents,
        credits_cents=1000000,
    )

    post_event(client, stripe_event("checkout.session.completed", session))

    assert selectors.balance_cents(org=alice_org) == pack.credits_cents
    assert Purchase.objects.get().amount_paid_cents == pack.price_cents


@pytest.mark.parametrize(
    ("amount_total", "currency"), [(100, "usd"), (None, "usd"), (1000, "eur"), (1001, "usd")]
)
def test_a_recorded_session_paid_another_amount_is_logged_and_not_credited(
    client: Client,
    alice_org: Organisation,
    amount_total: int | None,
    currency: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    purchase_record(alice_org, "cs_short", price_cents=1000, credits_cents=1000)
    session = checkout_session(session_id="cs_short", org_id=alice_org.pk)
    session["amount_total"] = amount_total
    session["currency"] = currency

    response = post_event(client, stripe_event("checkout.session.completed", session))

    assert response.status_code == 200
    assert selectors.balance_cents(org=alice_org) == 0
    assert Purchase.objects.get().status == Purchase.Status.PENDING
    assert "not credited" in caplog.text


def test_a_session_credits_the_organisation_that_opened_it_not_the_one_in_its_metadata(
    client: Client, alice_org: Organisation, charlie_org: Organisation
) -> None:
    purchase_record(alice_org, "cs_alice")
    session = checkout_session(session_id="cs_alice", org_id=charlie_org.pk)

    post_event(client, stripe_event("checkout.session.completed", session))

    assert selectors.balance_cents(org=alice_org) == 1000
    assert selectors.balance_cents(org=charlie_org) == 0


def test_it_refuses_a_webhook_without_a_signature(client: Client, alice_org: Organisation) -> None:
    response = post_event(client, completed(alice_org), secret="")

    assert response.status_code == 400
    assert nothing_written()


def test_it_refuses_a_tampered_body(client: Client, alice_org: Organisation) -> None:
    event = completed(alice_org)
    header = signature_header(json.dumps(event).encode(), TEST_WEBHOOK_SECRET)
    event["data"]["object"]["metadata"]["credits_cents"] = "1000000"

    response = post_event(client, event, header=header)

    assert response.status_code == 400
    assert nothing_written()


def test_it_refuses_a_body_signed_with_another_secret(
    client: Client, alice_org: Organisation
) -> None:
    response = post_event(client, completed(alice_org), secret="whsec_someone_else")

    assert response.status_code == 400
    assert nothing_written()


def test_it_refuses_a_signature_older_than_five_minutes(
    client: Client, alice_org: Organisation
) -> None:
    response = post_event(client, completed(alice_org), timestamp=int(time.time()) - 301)

    assert response.status_code == 400
    assert nothing_written()


def test_it_refuses_every_webhook_when_no_secret_is_configured(
    client: Client, alice_org: Organisation, settings: Any
) -> None:
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_event(client, completed(alice_org), secret="whsec_guess")

    assert response.status_code == 400
    assert nothing_written()


def test_it_only_accepts_post(client: Client) -> None:
    assert client.get("/billing/stripe/webhook/").status_code == 405


def pay(client: Client, org: Organisation, *, amount: int = 1000, credits: int = 1000) -> None:
    post_event(
        client,
        completed(org, payment_intent="pi_1", amount_total=amount, credits_cents=credits),
    )


def refund_event(amount_refunded: int, *, amount: int = 1000) -> dict[str, Any]:
    return stripe_event(
        "charge.refunded",
        {
            "id": "ch_1",
            "object": "charge",
            "payment_intent": "pi_1",
            "amount": amount,
            "amount_refunded": amount_refunded,
        },
    )


def test_a_partial_refund_claws_back_its_share_and_a_later_full_refund_the_rest(
    client: Client, alice_org: Organisation
) -> None:
    pay(client, alice_org)

    post_event(client, refund_event(400))
    assert selectors.balance_cents(org=alice_org) == 600
    post_event(client, refund_event(400))  # a new event id, same cumulative amount
    assert selectors.balance_cents(org=alice_org) == 600

    post_event(client, refund_event(1000))
    assert selectors.balance_cents(org=alice_org) == 0
    purchase = Purchase.objects.get()
    assert purchase.status == Purchase.Status.REFUNDED
    assert purchase.refunded_credits_cents == 1000
    refunds = LedgerEntry.objects.filter(kind=Kind.REFUND).order_by("id")
    assert [e.amount_cents for e in refunds] == [-400, -600]


def test_a_refund_after_the_credit_was_spent_blocks_new_matches(
    client: Client, alice_org: Organisation
) -> None:
    pay(client, alice_org)
    services.credit_reserve(org=alice_org, cents=900, reference="match", idempotency_key="m")

    post_event(client, refund_event(1000))

    assert selectors.balance_cents(org=alice_org) == -900
    assert selectors.balance_summary(org=alice_org).blocked
    call_command("audit_ledger")


def test_a_dispute_claws_back_the_credit_once(client: Client, alice_org: Organisation) -> None:
    pay(client, alice_org, amount=2500, credits=2500)
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": "pi_1", "amount": 2500}

    post_event(client, stripe_event("charge.dispute.created", dispute))
    post_event(client, stripe_event("charge.dispute.created", dispute))

    assert selectors.balance_cents(org=alice_org) == 0
    assert LedgerEntry.objects.filter(kind=Kind.DISPUTE).count() == 1
    assert Purchase.objects.get().status == Purchase.Status.DISPUTED


def test_a_dispute_after_a_partial_refund_claws_back_only_what_is_left(
    client: Client, alice_org: Organisation
) -> None:
    pay(client, alice_org)
    post_event(client, refund_event(300))
    dispute = {"id": "dp_2", "object": "dispute", "payment_intent": "pi_1", "amount": 1000}

    post_event(client, stripe_event("charge.dispute.created", dispute))

    assert selectors.balance_cents(org=alice_org) == 0
    assert LedgerEntry.objects.get(kind=Kind.DISPUTE).amount_cents == -700


def dispute_event(
    dispute_id: str = "dp_1",
    amount: int = 1000,
    *,
    kind: str = "created",
    status: str = "needs_response",
) -> dict[str, Any]:
    """A new event (its own id) each call, as Stripe sends for a dispute on pi_1's charge:
    `charge.dispute.<kind>` with the dispute as it then stands."""
    return stripe_event(
        f"charge.dispute.{kind}",
        {
            "id": dispute_id,
            "object": "dispute",
            "charge": "ch_1",
            "payment_intent": "pi_1",
            "amount": amount,
            "currency": "usd",
            "status": status,
        },
    )


def ledger() -> list[tuple[str, int, str]]:
    return [
        (entry.kind, entry.amount_cents, entry.idempotency_key)
        for entry in LedgerEntry.objects.order_by("id")
    ]


def test_a_dispute_before_the_completion_is_kept_and_clawed_back_when_the_purchase_is_paid(
    client: Client, alice_org: Organisation
) -> None:
    completion = completed(alice_org, payment_intent="pi_1", amount_total=2500, credits_cents=2500)

    assert post_event(client, dispute_event(amount=2500)).status_code == 200
    assert not LedgerEntry.objects.exists()
    assert Purchase.objects.get().status == Purchase.Status.PENDING
    assert StripeDispute.objects.get().dispute_id == "dp_1"

    assert post_event(client, completion).status_code == 200

    assert ledger() == [
        (Kind.PURCHASE, 2500, "purchase:cs_test_1"),
        (Kind.DISPUTE, -2500, "dispute:dp_1"),
    ]
    assert selectors.balance_cents(org=alice_org) == 0
    dispute = LedgerEntry.objects.get(kind=Kind.DISPUTE)
    assert dispute.reference == "Dispute on Starter (dp_1)"
    assert dispute.note == "$25.00 disputed"
    purchase = Purchase.objects.get()
    assert purchase.status == Purchase.Status.DISPUTED
    assert purchase.disputed_credits_cents == 2500
    call_command("audit_ledger")


@pytest.mark.parametrize("dispute_first", [True, False], ids=["dispute-first", "completion-first"])
def test_a_partial_dispute_posts_the_same_entry_before_or_after_the_completion(
    client: Client, alice_org: Organisation, dispute_first: bool
) -> None:
    completion = completed(alice_org, payment_intent="pi_1")
    events = [dispute_event(amount=400), completion]

    for event in events if dispute_first else events[::-1]:
        post_event(client, event)

    assert ledger() == [
        (Kind.PURCHASE, 1000, "purchase:cs_test_1"),
        (Kind.DISPUTE, -400, "dispute:dp_1"),
    ]
    assert selectors.balance_cents(org=alice_org) == 600
    assert Purchase.objects.get().disputed_credits_cents == 400


def test_a_dispute_delivered_again_before_and_after_the_completion_claws_back_once(
    client: Client, alice_org: Organisation
) -> None:
    completion = completed(alice_org, payment_intent="pi_1")
    first = dispute_event()
    post_event(client, first)
    post_event(client, first)  # the same event, redelivered
    post_event(client, dispute_event())  # another event for the same dispute

    post_event(client, completion)
    post_event(client, completion)
    post_event(client, dispute_event())

    assert ledger() == [
        (Kind.PURCHASE, 1000, "purchase:cs_test_1"),
        (Kind.DISPUTE, -1000, "dispute:dp_1"),
    ]
    assert selectors.balance_cents(org=alice_org) == 0
    assert StripeDispute.objects.count() == 1
    assert Purchase.objects.get().disputed_credits_cents == 1000


@pytest.mark.parametrize(
    ("before", "after", "clawed_back"),
    [
        # Two disputes that together stay within the payment: each takes its share.
        (["dp_1", "dp_2"], [], [-300, -500]),
        (["dp_1"], ["dp_2"], [-300, -500]),
        ([], ["dp_1", "dp_2"], [-300, -500]),
    ],
    ids=["both-before", "one-each-side", "both-after"],
)
def test_two_disputes_on_one_payment_each_take_their_share_in_any_order(
    client: Client,
    alice_org: Organisation,
    before: list[str],
    after: list[str],
    clawed_back: list[int],
) -> None:
    amounts = {"dp_1": 300, "dp_2": 500}
    completion = completed(alice_org, payment_intent="pi_1")

    for dispute_id in before:
        post_event(client, dispute_event(dispute_id, amounts[dispute_id]))
    post_event(client, completion)
    for dispute_id in after:
        post_event(client, dispute_event(dispute_id, amounts[dispute_id]))

    disputes = LedgerEntry.objects.filter(kind=Kind.DISPUTE).order_by("id")
    assert [(e.amount_cents, e.idempotency_key) for e in disputes] == [
        (clawed_back[0], "dispute:dp_1"),
        (clawed_back[1], "dispute:dp_2"),
    ]
    assert selectors.balance_cents(org=alice_org) == 200


@pytest.mark.parametrize("dp_2_before_the_completion", [True, False])
def test_two_disputes_for_more_than_was_paid_take_back_no_more_than_the_pack(
    client: Client, alice_org: Organisation, dp_2_before_the_completion: bool
) -> None:
    completion = completed(alice_org, payment_intent="pi_1")
    post_event(client, dispute_event("dp_1", 700))
    if dp_2_before_the_completion:
        post_event(client, dispute_event("dp_2", 700))
    post_event(client, completion)
    post_event(client, dispute_event("dp_2", 700))

    assert [amount for kind, amount, _ in ledger() if kind == Kind.DISPUTE] == [-700, -300]
    assert selectors.balance_cents(org=alice_org) == 0
    assert Purchase.objects.get().disputed_credits_cents == 1000
    call_command("audit_ledger")


COMPLETION, DISPUTE, REFUND = "completion", "dispute", "refund"
ORDERS = list(itertools.permutations([COMPLETION, DISPUTE, REFUND]))


@pytest.mark.parametrize("order", ORDERS, ids="-".join)
def test_a_dispute_and_a_partial_refund_post_the_same_entries_in_any_order(
    client: Client, alice_org: Organisation, order: tuple[str, ...]
) -> None:
    # What Stripe allows: $4 refunded, and the $6 left disputed.
    events = {
        COMPLETION: completed(alice_org, payment_intent="pi_1"),
        DISPUTE: dispute_event(amount=600),
        REFUND: refund_event(400),
    }
    for name in order:
        post_event(client, events[name])
        post_event(client, events[name])
        if name != COMPLETION:  # and once more as a new event for the same refund or dispute
            post_event(client, dispute_event(amount=600) if name == DISPUTE else refund_event(400))

    assert sorted(ledger()) == sorted(
        [
            (Kind.PURCHASE, 1000, "purchase:cs_test_1"),
            (Kind.REFUND, -400, "refund:ch_1:400"),
            (Kind.DISPUTE, -600, "dispute:dp_1"),
        ]
    )
    assert selectors.balance_cents(org=alice_org) == 0
    purchase = Purchase.objects.get()
    assert (purchase.refunded_credits_cents, purchase.disputed_credits_cents) == (400, 600)
    call_command("audit_ledger")


@pytest.mark.parametrize("order", ORDERS, ids="-".join)
def test_a_whole_dispute_and_a_partial_refund_never_take_back_more_than_the_pack(
    client: Client, alice_org: Organisation, order: tuple[str, ...]
) -> None:
    events = {
        COMPLETION: completed(alice_org, payment_intent="pi_1"),
        DISPUTE: dispute_event(amount=1000),
        REFUND: refund_event(400),
    }
    for name in order:
        post_event(client, events[name])

    # Which of the two takes the overlap depends on the order; the total never does.
    clawed_back = {kind: amount for kind, amount, _ in ledger() if kind != Kind.PURCHASE}
    assert len(ledger()) == 1 + len(clawed_back)
    assert sum(clawed_back.values()) == -1000
    assert selectors.balance_cents(org=alice_org) == 0
    assert Purchase.objects.get().clawed_back_cents == 1000
    call_command("audit_ledger")


def test_a_dispute_for_a_payment_that_never_completes_is_kept_and_moves_no_credit(
    client: Client, alice_org: Organisation
) -> None:
    purchase_record(alice_org, "cs_test_1")

    response = post_event(client, dispute_event())

    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()
    assert StripeDispute.objects.get().payment_intent_id == "pi_1"
    assert Purchase.objects.get().status == Purchase.Status.PENDING


def test_a_dispute_that_names_no_payment_is_acknowledged_and_ignored(
    client: Client, alice_org: Organisation
) -> None:
    event = dispute_event()
    del event["data"]["object"]["payment_intent"]

    response = post_event(client, event)

    assert response.status_code == 200
    assert not StripeDispute.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_a_refund_for_a_payment_that_is_not_ours_is_acknowledged_and_ignored(
    client: Client, alice_org: Organisation
) -> None:
    response = post_event(client, refund_event(1000))

    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()


def _fire_concurrently(events: list[dict[str, Any]]) -> list[int]:
    barrier = threading.Barrier(len(events))
    statuses: list[int] = []
    lock = threading.Lock()

    def deliver(event: dict[str, Any]) -> None:
        try:
            barrier.wait()
            status = post_event(Client(), event).status_code
        except Exception:  # recorded as a failure the assertion shows
            status = -1
        finally:
            connection.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=deliver, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_event_fired_twenty_times_at_once_credits_once(
    postgres: None, alice_org: Organisation
) -> None:
    event = completed(alice_org, session_id="cs_race")

    statuses = _fire_concurrently([event] * 20)

    assert statuses == [200] * 20
    assert selectors.balance_cents(org=alice_org) == 1000
    assert LedgerEntry.objects.filter(kind=Kind.PURCHASE).count() == 1
    assert StripeEvent.objects.count() == 1
    call_command("audit_ledger")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_different_events_for_one_session_fired_at_once_credit_once(
    postgres: None, alice_org: Organisation
) -> None:
    purchase_record(alice_org, "cs_race2")
    session = checkout_session(session_id="cs_race2", org_id=alice_org.pk)
    events = [
        stripe_event(
            "checkout.session.completed" if n % 2 else "checkout.session.async_payment_succeeded",
            session,
        )
        for n in range(12)
    ]

    statuses = _fire_concurrently(events)

    assert statuses == [200] * 12
    assert selectors.balance_cents(org=alice_org) == 1000
    assert StripeEvent.objects.count() == 12
    assert Purchase.objects.get().status == Purchase.Status.PAID
    call_command("audit_ledger")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refund_delivered_many_times_at_once_claws_back_once(
    postgres: None, alice_org: Organisation
) -> None:
    pay(Client(), alice_org)
    refund = refund_event(1000)

    _fire_concurrently([refund] * 10 + [refund_event(1000) for _ in range(5)])

    assert selectors.balance_cents(org=alice_org) == 0
    assert LedgerEntry.objects.filter(kind=Kind.REFUND).count() == 1
    call_command("audit_ledger")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "completed_first", [True, False], ids=["completion-first", "dispute-racing-completion"]
)
@pytest.mark.django_db(transaction=True)
def test_a_dispute_fired_many_times_with_its_completion_claws_back_once(
    postgres: None, alice_org: Organisation, completed_first: bool
) -> None:
    completion = completed(alice_org, payment_intent="pi_1")
    if completed_first:
        assert post_event(Client(), completion).status_code == 200
    dispute = dispute_event()

    statuses = _fire_concurrently(
        [dispute] * 4 + [dispute_event() for _ in range(4)] + [completion] * 4
    )

    assert statuses == [200] * 12
    assert selectors.balance_cents(org=alice_org) == 0
    assert LedgerEntry.objects.filter(kind=Kind.PURCHASE).count() == 1
    assert LedgerEntry.objects.get(kind=Kind.DISPUTE).amount_cents == -1000
    assert StripeDispute.objects.count() == 1
    call_command("audit_ledger")


# --- Inquiries and disputes won ----------------------------------------------------------------


def test_an_inquiry_takes_nothing_until_it_escalates_then_takes_the_share_once(
    client: Client, alice_org: Organisation
) -> None:
    pay(client, alice_org)
    inquiry = dispute_event(amount=1000, status="warning_needs_response")
    post_event(client, inquiry)
    post_event(client, dispute_event(kind="updated", status="warning_under_review"))

    assert selectors.balance_cents(org=alice_org) == 1000
    assert Purchase.objects.get().status == Purchase.Status.PAID
    assert not StripeDispute.objects.get().funds_withdrawn

    post_event(client, dispute_event(kind="funds_withdrawn", status="needs_response"))
    post_event(client, dispute_event(kind="updated", status="under_review"))
    # A late redelivery of the inquiry's own event changes nothing back.
    post_event(client, dispute_event(status="warning_needs_response"))

    assert ledger() == [
        (Kind.PURCHASE, 1000, "purchase:cs_test_1"),
        (Kind.DISPUTE, -1000, "dispute:dp_1"),
    ]
    assert Purchase.objects.get().status == Purchase.Status.DISPUTED
    assert StripeDispute.objects.get().funds_withdrawn
    call_command("audit_ledger")


def test_an_inquiry_closed_in_the_organisations_favour_moves_no_credit(
    client: Client, alice_org: Organisation
) -> None:
    pay(client, alice_org)
    post_event(client, dispute_event(status="warning_needs_response"))
    post_event(client, dispute_event(kind="closed", status="warning_closed"))

    assert ledger() == [(Kind.PURCHASE, 1000, "purchase:cs_test_1")]
    assert Purchase.objects.get().status == Purchase.Status.PAID


def test_an_escalated_inquiry_lost_without_its_withdrawal_event_still_takes_the_share(
    client: Client, alice_org: Organisation
) -> None:
    # An endpoint that is sent `closed` but not `funds_withdrawn`: "lost" says the money left.
    pay(client, alice_org)
    post_event(client, dispute_event(status="warning_needs_response"))
    post_event(client, dispute_event(kind="closed", status="lost"))

    assert selectors.balance_cents(org=alice_org) == 0
    assert LedgerEntry.objects.get(kind=Kind.DISPUTE).amount_cents == -1000


@pytest.mark.parametrize(
    "won_by",
    [
        ["closed"],
        ["funds_reinstated"],
        ["closed", "funds_reinstated"],
        ["funds_reinstated", "closed"],
    ],
)
def test_a_dispute_won_gives_back_exactly_what_it_took_once(
    client: Client, alice_org: Organisation, won_by: list[str]
) -> None:
    pay(client, alice_org)
    services.credit_reserve(org=alice_org, cents=900, reference="match", idempotency_key="m")
    post_event(client, dispute_event(amount=1000))
    assert selectors.balance_cents(org=alice_org) == -900
    assert selectors.balance_summary(org=alice_org).blocked

    for kind in won_by:
        post_event(client, dispute_event(kind=kind, status="won"))
        post_event(client, dispute_event(kind=kind, status="won"))

    assert ledger() == [
        (Kind.PURCHASE, 1000, "purchase:cs_test_1"),
        (Kind.MATCH_CHARGE, -900, "m"),
        (Kind.DISPUTE, -1000, "dispute:dp_1"),
        (Kind.DISPUTE_WON, 1000, "dispute-won:dp_1"),
    ]
    assert selectors.balance_cents(org=alice_org) == 100
    assert not selectors.balance_summary(org=alice_org).blocked
    restored = LedgerEntry.objects.get(kind=Kind.DISPUTE_WON)
    assert restored.reference == "Dispute won on Starter (dp_1)"
    purchase = Purchase.objects.get()
    assert (purchase.status, purchase.disputed_credits_cents) == (Purchase.Status.PAID, 0)
    call_command("audit_ledger")


def test_a_dispute_won_after_a_partial_refund_restores_its_own_share_and_frees_the_rest(
    client: Client, alice_org: Organisation
) -> None:
    pay(client, alice_org)
    post_event(client, refund_event(300))
    post_event(client, dispute_event(amount=1000))  # capped at the 700 the refund left
    post_event(client, dispute_event(kind="closed", status="won"))
    # With the dispute won, a later full refund may take back the rest of the pack.
    post_event(client, refund_event(1000))

    assert ledger() == [
        (Kind.PURCHASE, 1000, "purchase:cs_test_1"),
        (Kind.REFUND, -300, "refund:ch_1:300"),
        (Kind.DISPUTE, -700, "dispute:dp_1"),
        (Kind.DISPUTE_WON, 700, "dispute-won:dp_1"),
        (Kind.REFUND, -700, "refund:ch_1:1000"),
    ]
    assert selectors.balance_cents(org=alice_org) == 0
    assert Purchase.objects.get().status == Purchase.Status.REFUNDED
    call_command("audit_ledger")


def test_one_dispute_won_leaves_the_other_open_dispute_taken(
    client: Client, alice_org: Organisation
) -> None:
    pay(client, alice_org)
    post_event(client, dispute_event("dp_1", amount=300))
    post_event(client, dispute_event("dp_2", amount=500))
    post_event(client, dispute_event("dp_1", amount=300, kind="closed", status="won"))

    assert selectors.balance_cents(org=alice_org) == 500
    purchase = Purchase.objects.get()
    assert (purchase.status, purchase.disputed_credits_cents) == (Purchase.Status.DISPUTED, 500)


@pytest.mark.parametrize(
    "order",
    [
        ["won", "created", "completion"],
        ["created", "won", "completion"],
        ["won", "completion", "created"],
        ["completion", "won", "created"],
    ],
)
def test_a_dispute_won_before_its_claw_back_was_posted_never_takes_any(
    client: Client, alice_org: Organisation, order: list[str]
) -> None:
    # Stripe promises no order: the money came back before the claw-back could be posted.
    events = {
        "completion": completed(alice_org, payment_intent="pi_1"),
        "created": dispute_event(),
        "won": dispute_event(kind="funds_reinstated", status="won"),
    }
    for name in order:
        post_event(client, events[name])

    assert ledger() == [(Kind.PURCHASE, 1000, "purchase:cs_test_1")]
    assert Purchase.objects.get().status == Purchase.Status.PAID
    dispute = StripeDispute.objects.get()
    assert dispute.funds_withdrawn
    assert dispute.funds_reinstated


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dispute_and_its_win_fired_at_once_with_the_completion_leave_the_pack_whole(
    postgres: None, alice_org: Organisation
) -> None:
    completion = completed(alice_org, payment_intent="pi_1")
    won = [dispute_event(kind="closed", status="won") for _ in range(3)]
    won += [dispute_event(kind="funds_reinstated", status="won") for _ in range(3)]

    statuses = _fire_concurrently([dispute_event() for _ in range(3)] + won + [completion] * 3)

    assert statuses == [200] * 12
    assert selectors.balance_cents(org=alice_org) == 1000
    taken = LedgerEntry.objects.filter(kind=Kind.DISPUTE).count()
    assert LedgerEntry.objects.filter(kind=Kind.DISPUTE_WON).count() == taken <= 1
    assert Purchase.objects.get().status == Purchase.Status.PAID
    call_command("audit_ledger")
