"""Runs localstripe with Checkout sessions added, for the billing tests.

localstripe (1.15) serves customers, payment intents, charges and more, but not Checkout
sessions. This launcher registers a `checkout.session` resource on its aiohttp app (create and
retrieve, checked the way Stripe checks them for mode=payment), plus a stand-in for Stripe's
hosted payment page at /pay/<id> that marks the session paid and sends the browser to the
session's success_url, as Stripe does. The payment's confirmation still reaches RoleMatch only
as a signed webhook, posted by the test.

Run: python tests/billing/localstripe_checkout.py [--port 8420]; it prints the address it serves.
"""

from __future__ import annotations

import argparse
import html
import secrets
import socket
from typing import Any

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError
from localstripe.resources import Customer, StripeObject, try_convert_to_int

# localstripe pickles its store to one fixed file in /tmp; two test runs on one machine would
# overwrite each other's objects. Keep the store in memory only.
resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None

BASE_URL = ""


class CheckoutSession(StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode: str | None = None,
        line_items: Any = None,
        success_url: str | None = None,
        cancel_url: str | None = None,
        customer: str | None = None,
        client_reference_id: str | None = None,
        metadata: dict[str, str] | None = None,
        payment_intent_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        if mode != "payment":
            raise UserError(400, "Only mode=payment is supported")
        if not success_url or not cancel_url:
            raise UserError(400, "success_url and cancel_url are required")
        if not isinstance(line_items, list) or not line_items:
            raise UserError(400, "line_items is required")
        amount_total, currency = 0, None
        for item in line_items:
            price_data = item.get("price_data") or {}
            unit_amount = try_convert_to_int(price_data.get("unit_amount"))
            quantity = try_convert_to_int(item.get("quantity", 1))
            if not isinstance(unit_amount, int) or unit_amount <= 0:
                raise UserError(400, "price_data.unit_amount must be a positive integer")
            if not isinstance(quantity, int) or quantity <= 0:
                raise UserError(400, "quantity must be a positive integer")
            if not (price_data.get("product_data") or {}).get("name"):
                raise UserError(400, "price_data.product_data.name is required")
            if currency not in (None, price_data.get("currency")):
                raise UserError(400, "All line items must share one currency")
            currency = price_data.get("currency")
            amount_total += unit_amount * quantity
        if customer is not None:
            Customer._api_retrieve(customer)  # 404 for an unknown customer, as Stripe answers

        super().__init__()
        self.mode = mode
        self.customer = customer
        self.client_reference_id = client_reference_id
        self.metadata = metadata or {}
        self.amount_total = amount_total
        self.amount_subtotal = amount_total
        self.currency = currency
        self.status = "open"
        self.payment_status = "unpaid"
        self.payment_intent = None
        self.success_url = success_url
        self.cancel_url = cancel_url
        self.url = f"{BASE_URL}/pay/{self.id}"
        self._line_items = line_items
        self._payment_intent_metadata = (payment_intent_data or {}).get("metadata") or {}


async def session_create(request: web.Request) -> web.Response:
    data = await server.get_post_data(request) or {}
    data.pop("expand", None)
    return server.json_response(CheckoutSession._api_create(**data)._export())


async def session_retrieve(request: web.Request) -> web.Response:
    return server.json_response(CheckoutSession._api_retrieve(request.match_info["id"])._export())


async def hosted_page(request: web.Request) -> web.Response:
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    amount = f"{session.amount_total / 100:.2f}"
    body = (
        "<!doctype html><title>Checkout (localstripe)</title>"
        f"<h1>Pay {amount} {html.escape(str(session.currency).upper())}</h1>"
        f'<form method="post"><button type="submit">Pay {amount}</button></form>'
        f'<a href="{html.escape(session.cancel_url)}">Cancel</a>'
    )
    return web.Response(text=body, content_type="text/html")


async def hosted_pay(request: web.Request) -> web.Response:
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    if session.status == "open":
        session.status = "complete"
        session.payment_status = "paid"
        session.payment_intent = "pi_" + secrets.token_hex(12)
    location = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
    raise web.HTTPSeeOther(location)


@web.middleware
async def hosted_pages_then_auth(request: web.Request, handler: Any) -> web.StreamResponse:
    # The hosted payment page is visited by a browser, which has no API key.
    if request.path.startswith("/pay/"):
        return await handler(request)
    return await server.auth_middleware(request, handler)


def main() -> None:
    global BASE_URL
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    app = server.app
    position = list(app.middlewares).index(server.auth_middleware)
    app.middlewares[position] = hosted_pages_then_auth
    app.router.add_post("/v1/checkout/sessions", session_create)
    app.router.add_get("/v1/checkout/sessions/{id}", session_retrieve)
    app.router.add_get("/pay/{id}", hosted_page)
    app.router.add_post("/pay/{id}", hosted_pay)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]
    BASE_URL = f"http://{args.host}:{port}"
    # The test fixture reads this line to learn the port.
    print(f"listening on {BASE_URL}", flush=True)
    web.run_app(app, sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
