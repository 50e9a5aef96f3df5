"""Errors as RFC 9457 problem details (`application/problem+json`), each with a stable `type`.

Clients branch on `type`, never on the human `title`/`detail`, so a slug below is a promise: add
new ones freely, never rename one.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.defaults import bad_request
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.links import absolute_url

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Errors that mean a service we depend on (the database, Redis) cannot be reached right now: the
# request may well succeed a little later, so they answer 503 with Retry-After, not 500.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
UNAVAILABLE_RETRY_AFTER_SECONDS = 30

# slug -> (title, what a client should do)
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    "validation-error": (
        "The request has invalid fields",
        "Correct the fields listed in `errors` and send the request again.",
    ),
    "malformed-request": ("The request body could not be read", "Send valid JSON or multipart."),
    "not-authenticated": (
        "Authentication is required",
        "Send `Authorization: Bearer <token>`; get one in the app or at /api/v1/auth/token/.",
    ),
    "authentication-failed": (
        "The credentials were not accepted",
        "Check the token or the email and password; revoked tokens stop working at once.",
    ),
    "permission-denied": (
        "You may not do this",
        "Ask an owner of your organisation; some actions are reserved to owners.",
    ),
    "not-found": ("Not found", "The object does not exist or belongs to another organisation."),
    "method-not-allowed": ("Method not allowed", "See the `Allow` header."),
    "not-acceptable": ("Not acceptable", "Ask for application/json."),
    "unsupported-media-type": ("Unsupported media type", "Send application/json or multipart."),
    "throttled": ("Too many requests", "Wait for the seconds in the `Retry-After` header."),
    "idempotency-key-reused": (
        "This Idempotency-Key was used for a different request",
        "Use a new key for a new request; reuse a key only to retry the very same request.",
    ),
    "request-in-progress": (
        "The same request is still being processed",
        "Retry after a moment with the same Idempotency-Key to get its result.",
    ),
    "insufficient-credit": (
        "Not enough credit",
        "Buy credits (POST /api/v1/credits/checkout/), then start the match again.",
    ),
    "conflict": ("The request conflicts with the current state", "Reload the object and retry."),
    "payments-not-configured": (
        "Online payments are not configured",
        "Ask the operator of this RoleMatch installation to add credits.",
    ),
    "payment-provider-error": (
        "The payment provider could not be reached",
        "Retry in a minute; nothing was charged.",
    ),
    "server-error": ("Something went wrong on our side", "Retry later; we have been notified."),
    "service-unavailable": (
        "The service cannot take this request right now",
        "Nothing was done. Retry after the seconds in the `Retry-After` header, with the same "
        "Idempotency-Key if you sent one.",
    ),
}

_STATUS_SLUGS = {
    400: "validation-error",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    415: "unsupported-media-type",
    429: "throttled",
}


class Problem(exceptions.APIException):
    """An API error with a stable problem type. `extra` members are added to the body."""

    # Seconds, when set: DRF's handler sends it as the Retry-After header.
    wait: float | None = None

    def __init__(
        self,
        slug: str,
        detail: str | None = None,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        extra: dict[str, Any] | None = None,
    ) -> None:
        if slug not in PROBLEM_TYPES:
            raise ValueError(f"unknown problem type {slug!r}")
        self.slug = slug
        self.status_code = status_code
        self.extra = extra or {}
        super().__init__(detail or PROBLEM_TYPES[slug][0])


def problem_type_uri(slug: str, request: HttpRequest | None = None) -> str:
    return absolute_url(request, f"/api/problems/{slug}/")


def problem_body(
    slug: str,
    status_code: int,
    detail: Any,
    instance: str,
    extra: dict[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type_uri(slug, request),
        "title": PROBLEM_TYPES[slug][0],
        "status": status_code,
        "detail": str(detail),
        "instance": instance,
    }
    body.update(extra or {})
    return body


def _slug_for(exc: Exception, status_code: int) -> str:
    if isinstance(exc, Problem):
        return exc.slug
    if isinstance(exc, exceptions.ParseError):
        return "malformed-request"
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "authentication-failed"
    if isinstance(exc, exceptions.ValidationError):
        return "validation-error"
    return _STATUS_SLUGS.get(
        status_code, "validation-error" if status_code < 500 else "server-error"
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped into problem details. Unhandled errors stay 500s (handler500)."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    slug = _slug_for(exc, response.status_code)
    extra: dict[str, Any] = dict(getattr(exc, "extra", {}) or {})
    if isinstance(exc, exceptions.ValidationError):
        detail = "One or more fields are invalid."
        extra["errors"] = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
    else:
        detail = PROBLEM_TYPES[slug][0]
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        extra["retry_after"] = int(wait)
    response.data = problem_body(
        slug, response.status_code, detail, instance, extra, request=request
    )
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        body = problem_body(
            "not-found",
            404,
            PROBLEM_TYPES["not-found"][0],
            request.get_full_path(),
            request=request,
        )
        return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
    return render(request, "404.html", status=404)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Requests Django refuses before a view runs (too many fields, a suspicious header)."""
    if _is_api(request):
        body = problem_body(
            "malformed-request",
            400,
            "The request could not be read: it is malformed or too large.",
            request.get_full_path(),
            request=request,
        )
        return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)

    return bad_request(request, exception or BadRequest())


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this handler inside its `except` block, wherever the error was raised (a view,
    # DRF, the session or organisation middleware), so the error in hand is the one to judge.
    if isinstance(sys.exc_info()[1], UNAVAILABLE_ERRORS):
        return _unavailable(request)
    if _is_api(request):
        body = problem_body(
            "server-error",
            500,
            PROBLEM_TYPES["server-error"][0],
            request.get_full_path(),
            request=request,
        )
        return JsonResponse(body, status=500, content_type=PROBLEM_CONTENT_TYPE)
    return render(request, "500.html", status=500)


def _unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if _is_api(request):
        body = problem_body(
            "service-unavailable",
            503,
            "A service RoleMatch depends on is unreachable. Nothing was done; retry shortly.",
            request.get_full_path(),
            {"retry_after": UNAVAILABLE_RETRY_AFTER_SECONDS},
            request=request,
        )
        response = JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    else:
        # Rendered without the request: its context processors would read the session and
        # user from the very database that is down.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def problem_type_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Each `type` URI resolves to a page saying what the problem means and what to do."""
    if slug not in PROBLEM_TYPES:
        raise Http404(slug)
    title, advice = PROBLEM_TYPES[slug]
    return render(
        request, "api/problem_type.html", {"slug": slug, "title": title, "advice": advice}
    )
