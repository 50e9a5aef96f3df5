"""Who may call the organisation's endpoints."""

from __future__ import annotations

from typing import Any, cast

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request

from accounts.models import Organisation


class OrganisationMember(IsAuthenticated):
    """Signed in (token or session) and a member of an organisation.

    Someone removed from their organisation keeps their sign-in but reaches nothing: every
    tenant endpoint reads `request.organisation`, which is then None.
    """

    message = (
        "You are not a member of any organisation. Start one or accept an invitation in the app."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        return (
            super().has_permission(request, view)
            and getattr(request, "organisation", None) is not None
        )


def org_of(request: Request) -> Organisation:
    """The requester's organisation: the token's for a Bearer call, the member's for a session.

    For an API behind `OrganisationMember`, which lets no request without one through; a method
    can instead type its request as `AuthenticatedRequest` and read `request.organisation`."""
    # getattr, not the attribute: the schema generator's stand-in request has no organisation.
    return cast(Organisation, getattr(request, "organisation", None))
