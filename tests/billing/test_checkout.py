from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from billing import selectors, services
from billing.exceptions import PaymentsNotConfigured
from billing.models import CreditAccount, CreditPack, Purchase
from tests.billing.stripe_support import localstripe_get


def start(org: Organisation, pack: CreditPack, user: User) -> Purchase:
    return services.purchase_start(
        org=org,
        pack=pack,
        user=user,
        success_url="http://testserver/billing/checkout/success/?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://testserver/billing/checkout/cancel/",
    )


def test_buying_a_pack_opens_a_checkout_session_on_localstripe(
    stripe_on: str, alice: User, alice_org: Organisation, packs: list[CreditPack]
) -> None:
    team = packs[1]

    purchase = start(alice_org, team, alice)

    assert purchase.status == Purchase.Status.PENDING
    assert purchase.credits_cents == 2500
    assert purchase.checkout_url.startswith(stripe_on + "/pay/cs_test_")
    session = localstripe_get(stripe_on, f"/v1/checkout/sessions/{purchase.checkout_session_id}")
    assert session["mode"] == "payment"
    assert session["amount_total"] == 2500
    assert session["currency"] == "usd"
    assert session["client_reference_id"] == str(alice_org.pk)
    assert session["metadata"] == {
        "organisation_id": str(alice_org.pk),
        "pack_id": str(team.pk),
        "credits_cents": "2500",
    }
    assert session["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    # No credit before Stripe confirms the payment by webhook.
    assert selectors.balance_cents(org=alice_org) == 0


def test_the_stripe_customer_is_created_on_the_first_purchase_and_reused(
    stripe_on: str, alice: User, alice_org: Organisation, packs: list[CreditPack]
) -> None:
    first = start(alice_org, packs[0], alice)
    second = start(alice_org, packs[2], alice)

    account = CreditAccount.objects.get(organisation=alice_org)
    assert account.stripe_customer_id.startswith("cus_")
    assert first.customer_id == second.customer_id == account.stripe_customer_id
    customer = localstripe_get(stripe_on, f"/v1/customers/{account.stripe_customer_id}")
    assert customer["email"] == "alice@example.com"
    assert customer["name"] == "Alice Recruiting"
    assert customer["metadata"] == {"organisation_id": str(alice_org.pk)}
    session = localstripe_get(stripe_on, f"/v1/checkout/sessions/{second.checkout_session_id}")
    assert session["customer"] == account.stripe_customer_id


def test_the_buy_button_redirects_the_owner_to_checkout(
    stripe_on: str, client: Client, alice: User, packs: list[CreditPack]
) -> None:
    client.force_login(alice)

    response = client.post(reverse("billing:buy", args=[packs[0].pk]))

    assert response.status_code == 302
    purchase = Purchase.objects.get()
    assert response["Location"] == purchase.checkout_url
    session = localstripe_get(stripe_on, f"/v1/checkout/sessions/{purchase.checkout_session_id}")
    assert session["success_url"] == (
        "http://testserver/billing/checkout/success/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert session["cancel_url"] == "http://testserver/billing/checkout/cancel/"


def test_a_recruiter_who_is_not_the_owner_cannot_buy(
    stripe_on: str, client: Client, bob: User, packs: list[CreditPack]
) -> None:
    client.force_login(bob)

    response = client.post(reverse("billing:buy", args=[packs[0].pk]), follow=True)

    assert b"Only the owner of your organisation can buy credits." in response.content
    assert not Purchase.objects.exists()


def test_an_inactive_pack_cannot_be_bought(
    stripe_on: str, client: Client, alice: User, packs: list[CreditPack]
) -> None:
    packs[0].active = False
    packs[0].save()
    client.force_login(alice)

    assert client.post(reverse("billing:buy", args=[packs[0].pk])).status_code == 404


def test_without_stripe_keys_the_buy_button_explains_payments_are_not_configured(
    client: Client, alice: User, alice_org: Organisation, packs: list[CreditPack]
) -> None:
    client.force_login(alice)

    page = client.get(reverse("billing:overview"))
    assert page.status_code == 200
    assert b"Online payments are not configured" in page.content

    response = client.post(reverse("billing:buy", args=[packs[0].pk]), follow=True)
    assert response.status_code == 200
    assert b"Online payments are not configured on this RoleMatch installation" in (
        response.content
    )
    assert not Purchase.objects.exists()
    with pytest.raises(PaymentsNotConfigured):
        start(alice_org, packs[0], alice)


def test_the_payment_provider_being_down_gives_a_clear_message(
    settings: Any, client: Client, alice: User, packs: list[CreditPack]
) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    settings.USE_STRIPE = True
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing answers
    client.force_login(alice)

    response = client.post(reverse("billing:buy", args=[packs[0].pk]), follow=True)

    assert b"We could not reach the payment provider" in response.content
    assert not Purchase.objects.exists()


def test_the_success_page_shows_the_purchase_only_to_its_organisation(
    stripe_on: str, client: Client, alice: User, charlie: User, packs: list[CreditPack]
) -> None:
    purchase = start(alice.membership.organisation, packs[0], alice)
    url = reverse("billing:success") + f"?session_id={purchase.checkout_session_id}"

    client.force_login(alice)
    assert b"being confirmed by Stripe" in client.get(url).content
    client.force_login(charlie)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Starter" not in page.content


def test_an_anonymous_buyer_is_sent_to_sign_in(client: Client, packs: list[Any]) -> None:
    response = client.post(reverse("billing:buy", args=[packs[0].pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Purchase.objects.exists()
