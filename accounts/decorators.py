from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from accounts.http import SignedInHttpRequest
from accounts.selectors import membership_for_user

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def organisation_required(view: View) -> View:
    """Signed in and a member of an organisation; `request.organisation` is then set.

    Someone without an organisation (removed from one, or whose organisation was deleted) is sent
    to the page where they can start a new one.
    """

    @login_required
    @wraps(view)
    def wrapper(request: SignedInHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.organisation is None:
            return redirect("organisation_start")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def owner_required(view: View) -> View:
    """Like `organisation_required`, and the user must own the organisation."""

    @organisation_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership = membership_for_user(user=request.user)
        if membership is None or not membership.is_owner:
            messages.error(request, "Only the organisation's owner can do that.")
            return redirect("members")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)
