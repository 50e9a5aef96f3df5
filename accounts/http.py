"""Requests as the signed-in views and APIs see them, so that the type checker knows them too.

`OrganisationMiddleware` (or a bearer token) sets `organisation`; django-htmx sets `htmx`.
A view behind `organisation_required`, or an API behind `OrganisationMember`, can rely on a
signed-in `user` and a non-null `organisation`: type its request as one of these.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from accounts.models import Organisation, User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    organisation: Organisation
    htmx: HtmxDetails


class AuthenticatedRequest(Request):
    user: User
    organisation: Organisation
