"""Matches, results and decisions over the API.

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
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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
from candidates.models import Document
from matcher.models import Decision, Match, MatchResult
from matcher.selectors import matches as match_selectors
from matcher.selectors import workspace as ws
from matcher.serializers import (
    DecisionCreateInSerializer,
    DecisionSerializer,
    MatchCreateInSerializer,
    MatchResultSerializer,
    MatchSerializer,
    ResultQuerySerializer,
    ReweightInSerializer,
    ReweightResultSerializer,
)
from matcher.services import matching
from matcher.services.workspace import decision_make
from roles.selectors import role_list_for_org

# --- Matches -----------------------------------------------------------------------------------


def _match_context() -> dict[str, Any]:
    return {"progress": lambda match: match_selectors.match_progress(match=match)}


def _match(request: Request, pk: int) -> Match:
    match = ws.match_list(org=org_of(request)).filter(pk=pk).first()
    if match is None:
        raise Http404
    return match


class MatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Match.Status.choices)
    role = django_filters.NumberFilter(field_name="role_id", help_text="A role id.")

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
        return {**super().get_serializer_context(), **_match_context()}

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
    def post(self, request: Request) -> Response:
        org = org_of(request)
        data = MatchCreateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        role = role_list_for_org(org=org).filter(pk=values["role"]).first()
        if role is None:
            raise _invalid("role", "No role with this id in the catalog or your custom roles.")
        ids = set(values.get("candidates") or [])
        chosen = list(intake_selectors.candidate_list(org=org).filter(pk__in=ids))
        unknown = sorted(ids - {c.pk for c in chosen})
        if unknown:
            raise _invalid("candidates", f"No candidate with these ids in your pool: {unknown}.")
        batch_ids = set(values.get("uploads") or [])
        batches = intake_selectors.batch_list(org=org).filter(pk__in=batch_ids)
        unknown = sorted(batch_ids - set(batches.values_list("pk", flat=True)))
        if unknown:
            raise _invalid("uploads", f"No upload with these ids: {unknown}.")
        documents = [
            d
            for batch in batches
            for d in intake_selectors.batch_documents(batch=batch)
            if d.status != Document.Status.FAILED
        ]
        try:
            match = matching.match_create(
                org=org,
                user=request.user,  # type: ignore[arg-type]
                role=role,
                candidates=chosen,
                documents=documents,
                weights=values.get("weights"),
                blind=values.get("blind", False),
            )
        except matching.MatchError as exc:
            raise Problem(
                "validation-error", str(exc), extra={"errors": {"non_field_errors": [str(exc)]}}
            ) from exc
        match = _match(request, match.pk)
        return Response(
            MatchSerializer(match, context=_match_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:match_detail", kwargs={"pk": match.pk})},
        )


def _invalid(field: str, message: str) -> Problem:
    return Problem("validation-error", message, extra={"errors": {field: [message]}})


class MatchDetailApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="matches_retrieve",
        tags=["matches"],
        summary="A match's status and progress",
        responses={**json_response(MatchSerializer), **problems(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(MatchSerializer(_match(request, pk), context=_match_context()).data)


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
    def post(self, request: Request, pk: int) -> Response:
        match = _match(request, pk)
        try:
            match = matching.match_resume(match=match, user=request.user)  # type: ignore[arg-type]
        except matching.MatchError as exc:
            raise Problem("conflict", str(exc), status_code=status.HTTP_409_CONFLICT) from exc
        if match.status == Match.Status.WAITING_FOR_CREDIT:
            raise Problem(
                "insufficient-credit",
                match.status_message,
                status_code=status.HTTP_402_PAYMENT_REQUIRED,
                extra={
                    "needed_cents": match.cost_cents,
                    "balance_cents": balance_cents(org=org_of(request)),
                },
            )
        return Response(MatchSerializer(_match(request, pk), context=_match_context()).data)


class MatchResultListApi(ListAPIView[MatchResult]):
    """The ranking. Blind matches answer "Candidate A"-style names unless you unmasked one."""

    permission_classes = [OrganisationMember]
    serializer_class = MatchResultSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["score", "created_at"]
    ordering = ["-score"]

    def get_queryset(self) -> QuerySet[MatchResult]:
        match = _match(self.request, self.kwargs["pk"])
        query = ResultQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = ws.ResultFilters(
            min_score=params.get("min_score"),
            must_haves=params.get("must_haves_met") is True,
            skill_id=params.get("skill"),
            decision=params.get("decision", ""),
        )
        results = ws.result_list(match=match, filters=filters)
        if params.get("tier"):
            results = results.filter(tier=params["tier"])
        if params.get("must_haves_met") is False:
            results = results.filter(must_haves_met=False)
        self.match = match
        return results

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        results = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(results)
        rows = ws.result_rows(match=self.match, results=page or [], user=request.user)
        return self.get_paginated_response(MatchResultSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="matches_results_list",
        tags=["matches"],
        summary="The ranked results with scores, tiers and evidence",
        parameters=[ResultQuerySerializer],
        responses={
            **json_response(paginated(MatchResultSerializer, "PaginatedMatchResultList")),
            **problems(400, 404),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MatchReweightApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="matches_reweight",
        tags=["matches"],
        summary="Re-rank with other weights (free, instant)",
        description=(
            "Re-scores every result from its stored evidence: no embedding and no charge. "
            "Overrides apply to the role's own profile; send `{}` to go back to it."
        ),
        request=ReweightInSerializer,
        responses={**json_response(ReweightResultSerializer), **problems(400, 404)},
        examples=[
            OpenApiExample(
                "More weight on skills, Docker a must-have",
                value={"skills": 0.5, "skill_weights": {"7": {"weight": 5, "must_have": True}}},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        match = _match(request, pk)
        data = ReweightInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rescored = matching.match_reweight(match=match, weights=data.validated_data)
        except matching.MatchError as exc:
            raise _invalid("weights", str(exc)) from exc
        return Response({"rescored": rescored, "weights": match.weights})


class DecisionListCreateApi(ListAPIView[Decision]):
    permission_classes = [OrganisationMember]
    serializer_class = DecisionSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["decided_at"]
    ordering = ["-decided_at"]

    def get_queryset(self) -> QuerySet[Decision]:
        match = _match(self.request, self.kwargs["pk"])
        return Decision.objects.filter(
            match=match, organisation_id=match.organisation_id
        ).select_related("decided_by")

    @extend_schema(
        operation_id="matches_decisions_list",
        tags=["matches"],
        summary="Your shortlist, hold and reject decisions in this match",
        responses={
            **json_response(paginated(DecisionSerializer, "PaginatedDecisionList")),
            **problems(400, 404),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="matches_decisions_create",
        tags=["matches"],
        summary="Shortlist, hold or reject a candidate",
        description="One decision per candidate and match: a new one replaces it, and every "
        "change is kept in the audit history.",
        parameters=[IDEMPOTENCY_KEY],
        request=DecisionCreateInSerializer,
        responses={**json_response(DecisionSerializer, 201), **create_problems(400, 404)},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        match = _match(request, pk)
        data = DecisionCreateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        candidate = (
            intake_selectors.candidate_list(org=org_of(request))
            .filter(pk=data.validated_data["candidate"])
            .first()
        )
        if candidate is None:
            raise _invalid("candidate", "No candidate with this id in your pool.")
        try:
            decision = decision_make(
                match=match,
                candidate=candidate,
                user=request.user,  # type: ignore[arg-type]
                decision=data.validated_data["decision"],
                note=data.validated_data.get("note", ""),
            )
        except matching.MatchError as exc:
            raise _invalid("candidate", str(exc)) from exc
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
