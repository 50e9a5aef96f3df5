"""Requests as the signed-in views and APIs see them, so that the type checker knows them too.

`OrganisationMiddleware` sets `organisation` (a bearer token sets its own for an API call);
django-htmx sets `htmx`. Type a view's request as:
- `AuthenticatedHttpRequest` behind `organisation_required` or `owner_required`: a signed-in
  user of an organisation;
- `SignedInHttpRequest` behind `login_required` alone: signed in, perhaps without one;
- `AuthenticatedRequest` for an API method behind `OrganisationMember`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from accounts.models import Organisation, User


class SignedInHttpRequest(HttpRequest):
    user: User
    organisation: Organisation | None
    htmx: HtmxDetails


class AuthenticatedHttpRequest(SignedInHttpRequest):
    organisation: Organisation


class AuthenticatedRequest(Request):
    user: User
    organisation: Organisation
