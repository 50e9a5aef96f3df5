"""Stripe webhooks: verify the signature, record the event id, hand it to one handler per type.

Credits are granted here and nowhere else: a browser coming back to the success page proves
nothing, a signed `checkout.session.completed` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import services, stripe_client
from billing.exceptions import WebhookSignatureError
from billing.models import StripeEvent

logger = logging.getLogger(__name__)

Event = dict[str, Any]


def _checkout_session_completed(event: Event) -> None:
    session = event["data"]["object"]
    if session.get("mode") not in (None, "payment"):
        return
    # Bank debits and the like complete unpaid; their money arrives with
    # checkout.session.async_payment_succeeded.
    if session.get("payment_status") != "paid":
        return
    services.purchase_fulfil(session=session)


def _checkout_session_async_payment_succeeded(event: Event) -> None:
    services.purchase_fulfil(session=event["data"]["object"])


def _checkout_session_expired(event: Event) -> None:
    # The buyer cancelled or walked away; without this the purchase would await payment forever.
    services.purchase_expire(session_id=str(event["data"]["object"]["id"]))


def _charge_refunded(event: Event) -> None:
    charge = event["data"]["object"]
    services.purchase_refund(
        payment_intent_id=str(charge.get("payment_intent") or ""),
        charge_id=str(charge["id"]),
        amount_cents=int(charge.get("amount") or 0),
        amount_refunded_cents=int(charge.get("amount_refunded") or 0),
    )


def _dispute(event: Event, *, funds: str = "") -> None:
    dispute = event["data"]["object"]
    services.purchase_dispute(
        payment_intent_id=str(dispute.get("payment_intent") or ""),
        dispute_id=str(dispute["id"]),
        charge_id=str(dispute.get("charge") or ""),
        disputed_amount_cents=int(dispute.get("amount") or 0),
        status=str(dispute.get("status") or ""),
        funds=funds,
    )


def _charge_dispute(event: Event) -> None:
    # created, updated, closed: the status says whether the money has left (an inquiry's
    # "warning_..." has not) and whether it came back ("won").
    status = str(event["data"]["object"].get("status") or "")
    _dispute(event, funds=services.REINSTATED if status == "won" else "")


def _charge_dispute_funds_withdrawn(event: Event) -> None:
    _dispute(event, funds=services.WITHDRAWN)


def _charge_dispute_funds_reinstated(event: Event) -> None:
    _dispute(event, funds=services.REINSTATED)


HANDLERS: dict[str, Callable[[Event], None]] = {
    "checkout.session.completed": _checkout_session_completed,
    "checkout.session.async_payment_succeeded": _checkout_session_async_payment_succeeded,
    "checkout.session.expired": _checkout_session_expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _charge_dispute,
    "charge.dispute.updated": _charge_dispute,
    "charge.dispute.closed": _charge_dispute,
    "charge.dispute.funds_withdrawn": _charge_dispute_funds_withdrawn,
    "charge.dispute.funds_reinstated": _charge_dispute_funds_reinstated,
}


def event_handle(event: Event) -> str:
    """Runs the handler once per event id. Returns what happened, for the response and logs."""
    handler = HANDLERS.get(str(event["type"]))
    if handler is None:
        return "ignored"
    with transaction.atomic():
        # The insert and the handler commit together: a concurrent delivery of the same event
        # waits on the unique id, then finds it taken; a failed handler leaves no row, so
        # Stripe's retry runs it again.
        _, created = StripeEvent.objects.get_or_create(
            id=str(event["id"]),
            defaults={"type": str(event["type"]), "livemode": bool(event.get("livemode"))},
        )
        if not created:
            return "duplicate"
        handler(event)
    return "handled"


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = stripe_client.webhook_event_verify(
            request.body, request.headers.get("Stripe-Signature")
        )
    except WebhookSignatureError as exc:
        logger.warning("Stripe webhook refused: %s", exc.message)
        return HttpResponseBadRequest("Invalid signature.", content_type="text/plain")
    try:
        outcome = event_handle(event)
    except (KeyError, TypeError, ValueError):
        # A signed event we cannot read will not read better on retry. We need a 2xx response
        # otherwise Stripe will keep trying; the log says what to look at.
        logger.exception("Stripe event %s could not be handled", event.get("id"))
        outcome = "unreadable"
    return HttpResponse(outcome, content_type="text/plain")
