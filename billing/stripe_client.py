"""The only module that imports `stripe`: everything RoleMatch asks of Stripe goes through here.

`STRIPE_API_BASE` points the client at another server (localstripe in tests).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings

from billing.exceptions import PaymentProviderError, PaymentsNotConfigured, WebhookSignatureError

# Stripe signs `t.<body>`; an older timestamp is a replay, refused.
WEBHOOK_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    payment_intent: str | None


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise PaymentsNotConfigured()
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=2,
    )


def customer_create(*, email: str, name: str, organisation_id: int, idempotency_key: str) -> str:
    try:
        customer = _client().v1.customers.create(
            params={
                "email": email,
                "name": name,
                "metadata": {"organisation_id": str(organisation_id)},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise PaymentProviderError(
            "We could not reach the payment provider. Please try again in a minute."
        ) from exc
    return str(customer.id)


def checkout_session_create(
    *,
    customer_id: str,
    amount_cents: int,
    product_name: str,
    product_description: str,
    success_url: str,
    cancel_url: str,
    client_reference_id: str,
    metadata: dict[str, str],
) -> CheckoutSession:
    try:
        session = _client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "customer": customer_id,
                "client_reference_id": client_reference_id,
                "metadata": metadata,
                "payment_intent_data": {"metadata": metadata},
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": amount_cents,
                            "product_data": {
                                "name": product_name,
                                "description": product_description,
                            },
                        },
                    }
                ],
                "success_url": success_url,
                "cancel_url": cancel_url,
            }
        )
    except stripe.StripeError as exc:
        raise PaymentProviderError(
            "We could not open the payment page. Please try again in a minute."
        ) from exc
    # A Checkout session has no payment intent until the customer pays, on recent API versions.
    payment_intent = getattr(session, "payment_intent", None)
    return CheckoutSession(
        id=str(session.id),
        url=str(session.url),
        payment_intent=str(payment_intent) if payment_intent else None,
    )


def webhook_event_verify(payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """The event as a plain dict, once its Stripe-Signature has been checked against
    STRIPE_WEBHOOK_SECRET. Raises `WebhookSignatureError` for a missing, wrong or stale one."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookSignatureError("STRIPE_WEBHOOK_SECRET is not set; webhooks are refused.")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature_header, secret, WEBHOOK_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureError(str(exc)) from exc
    try:
        event = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WebhookSignatureError("The webhook body is not JSON.") from exc
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise WebhookSignatureError("The webhook body is not a Stripe event.")
    return event
