import csv
import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from billing import services
from billing.models import CreditPack, LedgerEntry, Pricing, Purchase, StripeDispute
from tests.billing.stripe_support import (
    checkout_session,
    post_event,
    purchase_record,
    stripe_event,
)

Kind = LedgerEntry.Kind


def grant(org: Organisation, cents: int, key: str, kind: str = Kind.ADJUSTMENT) -> None:
    services.credit_grant(org=org, cents=cents, kind=kind, idempotency_key=key, reference=key)


def test_the_public_pricing_page_shows_the_staff_edited_figures(
    client: Client, packs: list[CreditPack]
) -> None:
    page = client.get(reverse("billing:pricing")).content.decode()

    assert "$0.05" in page
    assert "$3.00 scores 60 candidates" in page
    assert "$10.00 of credit: scores 200 candidates" in page
    assert "$100.00" in page

    Pricing.objects.update(price_per_candidate_cents=10)
    page = client.get(reverse("billing:pricing")).content.decode()
    assert "$3.00 scores 30 candidates" in page
    assert "$10.00 of credit: scores 100 candidates" in page


def test_the_in_app_balance_uses_the_same_price(
    client: Client, alice: User, alice_org: Organisation, packs: list[CreditPack]
) -> None:
    grant(alice_org, 300, "trial", Kind.TRIAL_GRANT)
    client.force_login(alice)

    overview = client.get(reverse("billing:overview")).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()

    assert "$3.00 scores 60 candidates at $0.05 each" in overview
    assert "$3.00" in dashboard
    assert "scores 60 candidates at $0.05 each" in dashboard


def test_the_dashboard_warns_when_a_claw_back_blocked_the_organisation(
    client: Client, alice: User, alice_org: Organisation
) -> None:
    services.credit_clawback(
        org=alice_org, cents=200, kind=Kind.DISPUTE, idempotency_key="d", reference="d"
    )
    client.force_login(alice)

    dashboard = client.get(reverse("dashboard")).content.decode()

    assert "-$2.00" in dashboard
    assert "New matches are paused until you" in dashboard


def test_the_history_lists_only_the_organisations_own_entries(
    client: Client, alice: User, alice_org: Organisation, charlie_org: Organisation
) -> None:
    grant(alice_org, 300, "alice-trial", Kind.TRIAL_GRANT)
    grant(charlie_org, 777, "charlie-secret-grant")
    client.force_login(alice)

    page = client.get(reverse("billing:history")).content.decode()

    assert "alice-trial" in page
    assert "charlie-secret-grant" not in page
    assert "$7.77" not in page


def test_the_history_filters_by_kind_and_date(
    client: Client, alice: User, alice_org: Organisation
) -> None:
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        grant(alice_org, 300, "old-trial", Kind.TRIAL_GRANT)
    grant(alice_org, 500, "recent-adjustment")
    services.credit_reserve(org=alice_org, cents=100, reference="recent-match", idempotency_key="m")
    client.force_login(alice)
    url = reverse("billing:history")

    by_kind = client.get(url, {"kind": "match_charge"}).content.decode()
    assert "recent-match" in by_kind
    assert "recent-adjustment" not in by_kind

    since = (now - timedelta(days=2)).date().isoformat()
    recent = client.get(url, {"date_from": since}).content.decode()
    assert "recent-adjustment" in recent
    assert "old-trial" not in recent

    until = (now - timedelta(days=5)).date().isoformat()
    old = client.get(url, {"date_to": until}).content.decode()
    assert "old-trial" in old
    assert "recent-adjustment" not in old


def test_a_reversed_date_range_gets_a_clear_message(
    client: Client, alice: User, alice_org: Organisation
) -> None:
    client.force_login(alice)

    page = client.get(
        reverse("billing:history"), {"date_from": "2025-02-01", "date_to": "2025-01-01"}
    ).content.decode()

    assert "The start date is after the end date." in page


def test_the_history_exports_the_filtered_entries_as_csv(
    client: Client, alice: User, alice_org: Organisation
) -> None:
    grant(alice_org, 300, "trial", Kind.TRIAL_GRANT)
    services.credit_reserve(
        org=alice_org, cents=100, reference="=HYPERLINK(evil)", idempotency_key="m"
    )
    client.force_login(alice)

    response = client.get(reverse("billing:history"), {"format": "csv", "kind": "match_charge"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["kind"] == "match_charge"
    assert rows[0]["amount_cents"] == "-100"
    assert rows[0]["amount"] == "-$1.00"
    assert rows[0]["balance_after_cents"] == "200"
    # A spreadsheet must not run a reference as a formula.
    assert rows[0]["reference"] == "'=HYPERLINK(evil)"


@pytest.mark.usefixtures("webhook_secret")
def test_a_receipt_is_shown_to_its_organisation_and_is_404_for_another(
    client: Client, alice: User, alice_org: Organisation, charlie: User, packs: list[Any]
) -> None:
    purchase_record(alice_org, "cs_receipt", price_cents=2500, credits_cents=2500, pack=packs[1])
    session = checkout_session(
        session_id="cs_receipt", org_id=alice_org.pk, pack_id=packs[1].pk, credits_cents=2500
    )
    session["amount_total"] = 2500
    post_event(client, stripe_event("checkout.session.completed", session))
    purchase = Purchase.objects.get()
    url = reverse("billing:receipt", args=[purchase.pk])

    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Team" in page
    assert "$25.00" in page
    assert "Alice Recruiting" in page

    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_a_checkout_never_paid_shows_no_amount_paid_and_has_no_receipt(
    client: Client, alice: User, alice_org: Organisation, packs: list[Any]
) -> None:
    waiting = purchase_record(alice_org, "cs_waiting", pack=packs[0])
    left = purchase_record(alice_org, "cs_left", price_cents=2500, credits_cents=2500)
    Purchase.objects.filter(pk=left.pk).update(status=Purchase.Status.EXPIRED)
    client.force_login(alice)

    overview = client.get(reverse("billing:overview")).content.decode()
    purchases = overview[overview.index("<h2>Purchases</h2>") :]

    assert "Awaiting payment" in purchases
    assert "Not completed" in purchases
    assert "$10.00" not in purchases
    assert "$25.00" not in purchases
    assert purchases.count("Not paid") == 2
    assert "Receipt" not in purchases
    for purchase in (waiting, left):
        assert client.get(reverse("billing:receipt", args=[purchase.pk])).status_code == 404


@pytest.mark.django_db
def test_billing_pages_need_a_signed_in_member(client: Client) -> None:
    for name in ("billing:overview", "billing:history"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert client.get(reverse("billing:pricing")).status_code == 200


def test_staff_post_a_manual_adjustment_with_a_reason_in_admin(
    client: Client, staff: User, alice_org: Organisation
) -> None:
    grant(alice_org, 300, "trial", Kind.TRIAL_GRANT)
    account = alice_org.credit_account
    client.force_login(staff)
    url = reverse("admin:billing_creditaccount_adjust", args=[account.pk])

    refused = client.post(url, {"amount": "5.00", "reason": ""})
    assert refused.status_code == 200
    assert b"This field is required." in refused.content

    too_much = client.post(url, {"amount": "-4.00", "reason": "Correct a double grant"})
    assert b"your balance is $3.00" in too_much.content

    done = client.post(url, {"amount": "12.50", "reason": "Goodwill after the outage"})
    assert done.status_code == 302
    entry = LedgerEntry.objects.get(kind=Kind.ADJUSTMENT)
    assert entry.amount_cents == 1250
    assert entry.note == "Goodwill after the outage"
    assert entry.actor == staff
    account.refresh_from_db()
    assert account.balance_cents == 1550


def test_the_admin_ledger_is_read_only(
    client: Client, staff: User, alice_org: Organisation
) -> None:
    grant(alice_org, 300, "trial", Kind.TRIAL_GRANT)
    entry = LedgerEntry.objects.get()
    client.force_login(staff)

    assert client.get(reverse("admin:billing_ledgerentry_changelist")).status_code == 200
    assert client.get(reverse("admin:billing_ledgerentry_add")).status_code == 403
    assert (
        client.get(reverse("admin:billing_ledgerentry_delete", args=[entry.pk])).status_code == 403
    )
    change = client.post(
        reverse("admin:billing_ledgerentry_change", args=[entry.pk]), {"amount_cents": 9}
    )
    assert change.status_code == 403
    assert LedgerEntry.objects.get().amount_cents == 300
    balances = client.get(reverse("admin:billing_creditaccount_changelist")).content.decode()
    assert "Alice Recruiting" in balances
    assert "$3.00" in balances


@pytest.mark.usefixtures("webhook_secret")
def test_staff_see_a_dispute_kept_for_its_completion_read_only_in_admin(
    client: Client, staff: User, alice_org: Organisation
) -> None:
    purchase_record(alice_org, "cs_1")
    dispute = {"id": "dp_9", "object": "dispute", "payment_intent": "pi_9", "amount": 1000}
    post_event(client, stripe_event("charge.dispute.created", dispute))
    kept = StripeDispute.objects.get()
    client.force_login(staff)

    listing = client.get(reverse("admin:billing_stripedispute_changelist")).content.decode()
    assert "dp_9" in listing
    assert "$10.00" in listing
    assert client.get(reverse("admin:billing_stripedispute_add")).status_code == 403
    deletion = reverse("admin:billing_stripedispute_delete", args=[kept.pk])
    assert client.post(deletion, {"post": "yes"}).status_code == 403
    assert StripeDispute.objects.exists()


def test_staff_edit_pricing_in_admin(client: Client, staff: User, packs: list[Any]) -> None:
    client.force_login(staff)
    pricing = Pricing.objects.get()

    response = client.post(
        reverse("admin:billing_pricing_change", args=[pricing.pk]),
        {"price_per_candidate_cents": "4", "trial_credits_cents": "300"},
    )

    assert response.status_code == 302
    assert client.get(reverse("billing:pricing")).content.decode().count("$0.04") >= 1
