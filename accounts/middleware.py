from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse

from accounts.http import SignedInHttpRequest
from accounts.selectors import organisation_for_user


class OrganisationMiddleware:
    """Sets `request.organisation`: the signed-in user's tenant, or None.

    Resolved eagerly (one indexed query for a signed-in user) rather than wrapped in a lazy
    object, because a lazy wrapper around None is not `None` and `is None` checks would pass it.
    API requests authenticated by token get the token's organisation from
    `accounts.authentication.BearerTokenAuthentication` instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Here a request becomes what accounts.http describes.
        cast(SignedInHttpRequest, request).organisation = organisation_for_user(user=request.user)
        return self.get_response(request)
