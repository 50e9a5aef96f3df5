"""Stripe test helpers: a localstripe server and webhook events signed as Stripe signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from billing.models import Purchase

TEST_SECRET_KEY = "sk_test_rolematch_suite"
TEST_WEBHOOK_SECRET = "whsec_test_rolematch_suite"
LAUNCHER = Path(__file__).with_name("localstripe_checkout.py")


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<body>")."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def stripe_event(
    event_type: str, obj: dict[str, Any], event_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


def checkout_session(
    *,
    session_id: str,
    org_id: int,
    pack_id: int | str = "",
    credits_cents: int = 1000,
    amount_total: int = 1000,
    payment_status: str = "paid",
    payment_intent: str | None = None,
) -> dict[str, Any]:
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "amount_total": amount_total,
        "currency": "usd",
        "customer": "cus_test",
        "client_reference_id": str(org_id),
        "payment_status": payment_status,
        "status": "complete",
        "payment_intent": payment_intent or f"pi_{session_id}",
        "metadata": {
            "organisation_id": str(org_id),
            "pack_id": str(pack_id),
            "credits_cents": str(credits_cents),
        },
    }


def purchase_record(
    org: Any,
    session_id: str,
    *,
    price_cents: int = 1000,
    credits_cents: int = 1000,
    pack: Any = None,
) -> Any:
    """The pending purchase `billing.services.purchase_start` stores for a session it opened."""
    purchase, _ = Purchase.objects.get_or_create(
        checkout_session_id=session_id,
        defaults={
            "organisation": org,
            "pack": pack,
            "pack_name": pack.name if pack else "Starter",
            "price_cents": price_cents,
            "credits_cents": credits_cents,
        },
    )
    return purchase


def post_event(
    client: Any,
    event: dict[str, Any],
    *,
    secret: str = TEST_WEBHOOK_SECRET,
    timestamp: int | None = None,
    header: str | None = None,
) -> Any:
    payload = json.dumps(event).encode()
    headers = {}
    if header is not None or secret:
        headers["HTTP_STRIPE_SIGNATURE"] = header or signature_header(payload, secret, timestamp)
    return client.post(
        "/billing/stripe/webhook/", data=payload, content_type="application/json", **headers
    )


def _wait_until_serving(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError(
            f"localstripe did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    url = line.removeprefix("listening on ")
    deadline = time.monotonic() + 30
    request = urllib.request.Request(
        url + "/v1/customers", headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"}
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return url
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """A real localstripe server (with Checkout sessions) on a free port, for the whole run."""
    proc = subprocess.Popen(
        [sys.executable, str(LAUNCHER), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield _wait_until_serving(proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def stripe_on(settings, localstripe: str) -> str:
    """Payments switched on, against localstripe."""
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe
    settings.USE_STRIPE = True
    return localstripe


@pytest.fixture
def webhook_secret(settings) -> str:
    """Webhooks accepted, signed with the test secret; no API server needed."""
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    return TEST_WEBHOOK_SECRET


def localstripe_get(base: str, path: str) -> dict[str, Any]:
    request = urllib.request.Request(
        base + path, headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
