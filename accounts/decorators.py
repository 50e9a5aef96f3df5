from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.selectors import membership_for_user


def organisation_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and a member of an organisation; `request.organisation` is then set.

    Someone without an organisation (removed from one, or whose organisation was deleted) is sent
    to the page where they can start a new one.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.organisation is None:  # type: ignore[attr-defined]
            return redirect("organisation_start")
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like `organisation_required`, and the user must own the organisation."""

    @organisation_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_for_user(user=request.user)
        if membership is None or not membership.is_owner:
            messages.error(request, "Only the organisation's owner can do that.")
            return redirect("members")
        return view(request, *args, **kwargs)

    return wrapper
