"""GET /api/v1/: what a client (or a curious person with curl) can reach from here."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.links import absolute_url

# name in the index -> (URL name, what it holds)
_RESOURCES: list[tuple[str, str, str]] = [
    ("auth_token", "api:auth_token", "Trade an email and password for a bearer token."),
    ("members", "api:member_list", "The people in your organisation."),
    ("roles", "api:role_list", "The public role catalog."),
    ("custom_roles", "api:custom_role_list", "Your organisation's own roles."),
    ("candidates", "api:candidate_list", "Your candidate pool; POST resumes here."),
    ("uploads", "api:upload_list", "Upload batches and how far each file got."),
    ("matches", "api:match_list", "Matches: start one, follow it, read its ranking."),
    ("credits", "api:credit_balance", "Your credit balance."),
    ("credit_ledger", "api:credit_ledger", "Every credit movement, newest first."),
    ("credit_packs", "api:credit_packs", "The credit packs on sale."),
    (
        "credit_checkout",
        "api:credit_checkout",
        "POST a pack's id to buy it through Stripe Checkout.",
    ),
]


class ApiIndexApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return absolute_url(request, reverse(name))

        return Response(
            {
                "name": "RoleMatch API",
                "version": "v1",
                "authentication": "Send `Authorization: Bearer <token>` (see auth_token).",
                "schema": link("api-schema"),
                "docs": link("api-docs"),
                "resources": {
                    key: {"url": link(url_name), "description": text}
                    for key, url_name, text in _RESOURCES
                },
            }
        )
