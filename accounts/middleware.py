from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from accounts.selectors import organisation_for_user


class OrganisationMiddleware:
    """Sets `request.organisation`: the signed-in user's tenant, or None."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: organisation_for_user(user=request.user)
        )
        return self.get_response(request)
