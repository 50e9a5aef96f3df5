"""A form too large for the server gets the product's answer, not Django's raw 400 page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


def too_big_message() -> str:
    return (
        f"That form held more than RoleMatch accepts at once: "
        f"{megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} of text (files are counted apart, up "
        f"to {megabytes(settings.UPLOAD_MAX_FILE_BYTES)} each). Nothing was saved. Go back to "
        "the form (your browser keeps what you typed), shorten the longest field, and send it "
        "again."
    )


class RequestTooBigMiddleware:
    """Reads a browser form's fields before CSRF does, so an oversized one can be answered.

    Django refuses the body while CsrfViewMiddleware reads it, and turns that into a bare 400
    (or the debug page). Reading first, here, changes nothing for other requests: CSRF reads the
    same fields right after. The API (exempt from CSRF) keeps its problem-details answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        if request.path.startswith("/api/"):
            return None
        try:
            request.POST  # noqa: B018  (parsing is the point)
        except (RequestDataTooBig, TooManyFieldsSent):
            messages.error(request, too_big_message())
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                back = request.path
            # 303: the browser fetches the form again with GET instead of re-sending the body.
            return HttpResponseRedirect(back, status=303)
        return None
