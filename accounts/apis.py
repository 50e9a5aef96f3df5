"""Accounts over the API: trade an email and password for a token; list the organisation."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.emails import normalize_email
from accounts.exceptions import AccountsError
from accounts.models import Membership
from accounts.permissions import OrganisationMember, org_of
from accounts.ratelimits import client_ip, ratelimit_check, ratelimit_hit
from accounts.selectors import member_list, membership_for_user
from accounts.serializers import MemberSerializer, TokenCreatedSerializer, TokenObtainInSerializer
from accounts.services import api_token_create
from api.problems import Problem
from api.schema import json_response, paginated, problems


class AuthTokenCreateApi(APIView):
    """Email and password in, a new personal token out.

    Not idempotent on purpose: the secret is never stored, not even in the replay cache, so a
    retried request makes a second token (revoke the one you never received).
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Without it DRF would turn the 401 for wrong credentials into a 403.
        return 'Bearer realm="api"'

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary="Get a personal API token",
        description=(
            "Signs in with an email address and password and creates a new personal token for "
            "the person's organisation. The token is shown once, in this response. Attempts are "
            "limited per IP address and failed attempts per email address (429 with "
            "`Retry-After`)."
        ),
        auth=[],
        request=TokenObtainInSerializer,
        responses={
            **json_response(TokenCreatedSerializer, 201),
            **problems(400, 401, 403, public=True),
        },
        examples=[
            OpenApiExample(
                "Sign in",
                value={"email": "alice@example.com", "password": "correct-horse", "name": "ATS"},
                request_only=True,
            ),
            OpenApiExample(
                "Token",
                value={
                    "id": 7,
                    "name": "ATS",
                    "prefix": "rm_8fJ2kq1",
                    "token": "rm_8fJ2kq1XoP4vN0cR9sT2uW5yZ7aB3dE6fG8hJ1kL3m",
                    "organisation": {"id": 3, "name": "Alice Recruiting"},
                    "created_at": "2025-05-01T09:30:00Z",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        attempt = ratelimit_hit(action="api_token_obtain", key=client_ip(request._request))
        if not attempt.allowed:
            raise Throttled(
                wait=attempt.retry_after,
                detail="Too many sign-in attempts from this address. Wait before trying again.",
            )
        data = TokenObtainInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        # Per account and client address: failures from elsewhere cannot lock the owner out.
        failed_key = f"{normalize_email(email)}:{client_ip(request._request)}"
        locked = ratelimit_check(action="api_token_obtain_failed", key=failed_key)
        if not locked.allowed:
            raise Throttled(
                wait=locked.retry_after,
                detail="Too many failed sign-ins for this account. Wait before trying again.",
            )
        user = authenticate(request._request, email=email, password=data.validated_data["password"])
        if user is None or not user.is_active or not _email_verified(user):
            ratelimit_hit(action="api_token_obtain_failed", key=failed_key)
            raise AuthenticationFailed(
                "The email address or the password is not right, or the address is not "
                "verified yet."
            )
        membership = membership_for_user(user=user)
        if membership is None:
            raise Problem(
                "permission-denied",
                "You are not a member of any organisation. Start one or accept an invitation "
                "in the app first.",
                status_code=status.HTTP_403_FORBIDDEN,
            )

        name = data.validated_data.get("name") or f"API {timezone.now():%Y-%m-%d %H:%M}"
        try:
            token, secret = api_token_create(user=user, org=membership.organisation, name=name)
        except AccountsError as exc:
            raise Problem("permission-denied", str(exc), status_code=403) from exc
        created = TokenCreatedSerializer(token, context={"secret": secret})
        return Response(created.data, status=status.HTTP_201_CREATED)


def _email_verified(user: Any) -> bool:
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        return True
    return EmailAddress.objects.filter(user=user, verified=True).exists()


class MemberListApi(ListAPIView[Membership]):
    permission_classes = [OrganisationMember]
    serializer_class = MemberSerializer
    ordering_fields = ["created_at"]
    ordering = ["created_at"]
    filterset_fields = ["role"]

    def get_queryset(self) -> Any:
        return member_list(org=org_of(self.request))

    @extend_schema(
        operation_id="members_list",
        tags=["organisation"],
        summary="List the organisation's members",
        responses={
            **json_response(paginated(MemberSerializer, "PaginatedMemberList")),
            **problems(400),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
