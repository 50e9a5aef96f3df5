"""Results and decisions over the API: the ranking, re-weighting it, and the recruiter's calls.

Thin: each view validates its input, calls an engine service or selector, and serializes. The
match is looked up through `matches.match_get`, scoped to the requester's organisation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.permissions import OrganisationMember
from api.idempotency import idempotent
from api.schema import IDEMPOTENCY_KEY, create_problems, json_response, paginated, problems
from candidates import selectors as intake_selectors
from matcher.apis.matches import invalid, match_get
from matcher.models import Decision, MatchResult
from matcher.selectors import workspace as ws
from matcher.serializers import (
    DecisionCreateInSerializer,
    DecisionSerializer,
    MatchResultSerializer,
    ResultQuerySerializer,
    ReweightInSerializer,
    ReweightResultSerializer,
)
from matcher.services.matches import MatchError, match_reweight
from matcher.services.workspace import decision_make


class ResultOrdering(OrderingFilter):
    """`ordering=-score` (the default) sorts as the results page does (`ws.BEST_FIRST`): two
    candidates showing the same whole score, the one meeting every must-have first."""

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> list[str]:
        terms = super().get_ordering(request, queryset, view) or []
        out: list[str] = []
        for term in terms:
            if term == "-score":
                out.extend(ws.BEST_FIRST)
            elif term == "score":
                out.extend(ws.WORST_FIRST)
            else:
                out.extend((term, "pk") if term.lstrip("-") == "created_at" else (term,))
        return out


class MatchResultListApi(ListAPIView[MatchResult]):
    """The ranking. Blind matches answer "Candidate A"-style names unless you unmasked one."""

    permission_classes = [OrganisationMember]
    serializer_class = MatchResultSerializer
    filter_backends = [ResultOrdering]
    ordering_fields = ["score", "created_at"]
    ordering = ["-score"]

    def get_queryset(self) -> QuerySet[MatchResult]:
        match = match_get(self.request, self.kwargs["pk"])
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
        titles = ws.result_titles_read(match=self.match, rows=rows)
        data = MatchResultSerializer(rows, many=True, context={"titles_read": titles}).data
        return self.get_paginated_response(data)

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
        match = match_get(request, pk)
        data = ReweightInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rescored = match_reweight(match=match, weights=data.validated_data)
        except MatchError as exc:
            raise invalid("weights", str(exc)) from exc
        return Response({"rescored": rescored, "weights": match.weights})


class DecisionListCreateApi(ListAPIView[Decision]):
    permission_classes = [OrganisationMember]
    serializer_class = DecisionSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["decided_at"]
    ordering = ["-decided_at"]

    def get_queryset(self) -> QuerySet[Decision]:
        match = match_get(self.request, self.kwargs["pk"])
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
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        match = match_get(request, pk)
        data = DecisionCreateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        candidate = (
            intake_selectors.candidate_list(org=request.organisation)
            .filter(pk=data.validated_data["candidate"])
            .first()
        )
        if candidate is None:
            raise invalid("candidate", "No candidate with this id in your pool.")
        try:
            decision = decision_make(
                match=match,
                candidate=candidate,
                user=request.user,
                decision=data.validated_data["decision"],
                note=data.validated_data.get("note", ""),
            )
        except MatchError as exc:
            raise invalid("candidate", str(exc)) from exc
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
