import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Organisation, User
from billing import services
from billing.bootstrap import ensure_default_pricing
from billing.models import Purchase
from tests.billing.stripe_support import (
    TEST_WEBHOOK_SECRET,
    localstripe,
    localstripe_get,
    signature_header,
    stripe_event,
    stripe_on,
)
from tests.conftest import PASSWORD

__all__ = ["localstripe", "stripe_on"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def deliver_webhook(base_url: str, event: dict[str, object]) -> int:
    """Posts the event over HTTP, signed, the way Stripe delivers it."""
    payload = json.dumps(event).encode()
    request = urllib.request.Request(
        base_url + "/billing/stripe/webhook/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(payload, TEST_WEBHOOK_SECRET),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


def test_a_recruiter_buys_a_pack_and_sees_the_balance_grow_after_the_webhook(
    live_server,
    page: Page,
    stripe_on: str,
    alice: User,
    alice_org: Organisation,
    artifacts_dir: Path,
) -> None:
    ensure_default_pricing()
    services.trial_grant(user=alice, org=alice_org)

    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', alice.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form [type="submit"]').last.click()
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_test_id("balance")).to_have_text("$3.00")

    page.goto(live_server.url + "/billing/")
    expect(page.get_by_test_id("balance")).to_have_text("$3.00")
    page.get_by_role("button", name="Buy Starter").click()

    # Stripe's hosted page (served by localstripe in the test): pay.
    page.wait_for_url(stripe_on + "/pay/**")
    page.get_by_role("button", name="Pay 10.00").click()
    page.wait_for_url("**/billing/checkout/success/**")
    expect(page.get_by_text("being confirmed by Stripe")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("$3.00")

    purchase = Purchase.objects.get()
    session = localstripe_get(stripe_on, f"/v1/checkout/sessions/{purchase.checkout_session_id}")
    assert session["payment_status"] == "paid"
    assert (
        deliver_webhook(live_server.url, stripe_event("checkout.session.completed", session)) == 200
    )

    page.reload()
    expect(page.get_by_test_id("balance")).to_have_text("$13.00")
    expect(
        page.get_by_text("$10.00 of credit from the Starter pack is on your balance.")
    ).to_be_visible()
    page.get_by_role("link", name="Receipt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Starter")

    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_test_id("balance")).to_have_text("$13.00")
    expect(page.get_by_text("scores 260 candidates")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "billing-after-purchase.png"), full_page=True)


def test_without_stripe_keys_the_buy_page_explains_and_nothing_breaks(
    live_server,
    page: Page,
    alice: User,
) -> None:
    ensure_default_pricing()
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', alice.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form [type="submit"]').last.click()
    page.wait_for_url("**/dashboard/")

    page.goto(live_server.url + "/billing/")

    expect(page.get_by_test_id("payments-off")).to_contain_text(
        "Online payments are not configured"
    )
    expect(page.get_by_role("button", name="Buy").first).to_be_disabled()
