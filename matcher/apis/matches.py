"""Matches over the API: start one, list them, follow one, resume it after a top-up.

Thin: each view validates its input, calls an engine service or selector, and
serializes. Every object is looked up through a selector scoped to the requester's
organisation, so another organisation's id is a 404.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.permissions import OrganisationMember, org_of
from api.idempotency import idempotent
from api.problems import Problem
from api.schema import (
    IDEMPOTENCY_KEY,
    create_problems,
    json_response,
    paginated,
    problems,
)
from billing.selectors import balance_cents
from candidates import selectors as intake_selectors
from matcher.models import Match
from matcher.selectors import matches as match_selectors
from matcher.selectors import workspace as ws
from matcher.serializers import (
    MatchCreateInSerializer,
    MatchDetailSerializer,
    MatchSerializer,
)
from matcher.services.matches import MatchError, MatchInputError, match_resume, match_start
from roles.selectors import role_list_for_org


def match_context() -> dict[str, Any]:
    return {
        "progress": lambda match: match_selectors.match_progress(match=match),
        "not_scored": lambda match: ws.match_not_scored(match=match),
    }


def match_get(request: Request, pk: int) -> Match:
    match = ws.match_list(org=org_of(request)).filter(pk=pk).first()
    if match is None:
        raise Http404
    return match


class MatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Match.Status.choices)
    # Bounded to what the database can hold: a larger number is a 400, not a crash.
    role = django_filters.NumberFilter(
        field_name="role_id", help_text="A role id.", min_value=-(2**63), max_value=2**63 - 1
    )

    class Meta:
        model = Match
        fields = ["status", "role"]


class MatchListCreateApi(ListAPIView[Match]):
    permission_classes = [OrganisationMember]
    serializer_class = MatchSerializer
    filterset_class = MatchFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Match]:
        return ws.match_list(org=org_of(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **match_context()}

    @extend_schema(
        operation_id="matches_list",
        tags=["matches"],
        summary="List your matches",
        responses={
            **json_response(paginated(MatchSerializer, "PaginatedMatchList")),
            **problems(400),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="matches_create",
        tags=["matches"],
        summary="Score candidates against a role",
        description=(
            "Reserves the whole cost (price per candidate x candidates) and queues the scoring; "
            "poll `GET /api/v1/matches/{id}/` until `progress.finished`. Only candidates "
            "actually scored are charged; the rest of the reservation comes back.\n\n"
            "**Not enough credit:** the match is still created (201), with status "
            "`waiting_for_credit` and the reason in `status_message`, so that nothing you chose "
            "is lost. Buy credits, then `POST /api/v1/matches/{id}/resume/` (402 "
            "`insufficient-credit` while the balance is still short)."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=MatchCreateInSerializer,
        responses={**json_response(MatchSerializer, 201), **create_problems(400)},
        examples=[
            OpenApiExample(
                "Three candidates against a catalog role",
                value={"role": 12, "candidates": [41, 42, 43]},
                request_only=True,
            ),
            OpenApiExample(
                "A whole upload, Python as a must-have",
                value={
                    "role": 12,
                    "uploads": [9],
                    "weights": {"skill_weights": {"5": {"weight": 5, "must_have": True}}},
                },
                request_only=True,
            ),
        ],
    )
    @idempotent
    def post(self, request: AuthenticatedRequest) -> Response:
        org = request.organisation
        data = MatchCreateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        role = role_list_for_org(org=org).filter(pk=values["role"]).first()
        if role is None:
            raise invalid("role", "No role with this id in the catalog or your custom roles.")
        batch_ids = set(values.get("uploads") or [])
        batches = list(intake_selectors.batch_list(org=org).filter(pk__in=batch_ids))
        unknown = sorted(batch_ids - {b.pk for b in batches})
        if unknown:
            raise invalid("uploads", f"No upload with these ids: {unknown}.")
        try:
            match = match_start(
                org=org,
                user=request.user,
                role=role,
                candidate_ids=values.get("candidates") or [],
                batches=batches,
                weights=values.get("weights"),
                blind=values.get("blind", False),
            )
        except MatchInputError as exc:
            raise invalid(exc.field, str(exc)) from exc
        except MatchError as exc:
            raise Problem(
                "validation-error", str(exc), extra={"errors": {"non_field_errors": [str(exc)]}}
            ) from exc
        match = match_get(request, match.pk)
        return Response(
            MatchSerializer(match, context=match_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:match_detail", kwargs={"pk": match.pk})},
        )


def invalid(field: str, message: str) -> Problem:
    return Problem("validation-error", message, extra={"errors": {field: [message]}})


class MatchDetailApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="matches_retrieve",
        tags=["matches"],
        summary="A match's status and progress, and the files it did not score with why",
        responses={**json_response(MatchDetailSerializer), **problems(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        match = match_get(request, pk)
        return Response(MatchDetailSerializer(match, context=match_context()).data)


class MatchResumeApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="matches_resume",
        tags=["matches"],
        summary="Start a match that waited for credit",
        description="402 `insufficient-credit` while the balance still does not cover it.",
        request=None,
        responses={**json_response(MatchSerializer), **problems(402, 404, 409)},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        match = match_get(request, pk)
        try:
            match = match_resume(match=match, user=request.user)
        except MatchError as exc:
            raise Problem("conflict", str(exc), status_code=status.HTTP_409_CONFLICT) from exc
        if match.status == Match.Status.WAITING_FOR_CREDIT:
            raise Problem(
                "insufficient-credit",
                match.status_message,
                status_code=status.HTTP_402_PAYMENT_REQUIRED,
                extra={
                    "needed_cents": match.cost_cents,
                    "balance_cents": balance_cents(org=request.organisation),
                },
            )
        return Response(MatchSerializer(match_get(request, pk), context=match_context()).data)
