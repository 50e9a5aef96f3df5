"""Candidates, uploads, matches, results and decisions over the API.

Thin: each view validates its input, calls an intake or engine service or selector, and
serializes. Every object is looked up through a selector scoped to the requester's
organisation, so another organisation's id is a 404.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.selectors import balance_cents
from config.api.idempotency import idempotent
from config.api.permissions import OrganisationMember, org_of
from config.api.problems import Problem
from config.api.schema import (
    IDEMPOTENCY_KEY,
    create_problems,
    json_response,
    paginated,
    problems,
)
from matcher.models import Candidate, Decision, Document, Match, MatchResult, UploadBatch
from matcher.selectors import candidates as intake_selectors
from matcher.selectors import matches as match_selectors
from matcher.selectors import workspace as ws
from matcher.serializers import (
    CandidateCorrectionInSerializer,
    CandidateDetailSerializer,
    CandidateSerializer,
    CandidateUploadInSerializer,
    DecisionCreateInSerializer,
    DecisionSerializer,
    MatchCreateInSerializer,
    MatchResultSerializer,
    MatchSerializer,
    ResultQuerySerializer,
    ReweightInSerializer,
    ReweightResultSerializer,
    UploadBatchDetailSerializer,
    UploadBatchSerializer,
)
from matcher.services import intake, matching
from matcher.services.workspace import decision_make
from roles.selectors import role_list_for_org

# --- Candidates --------------------------------------------------------------------------------


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", max_length=200, help_text="Words matching a name, email, title or skill."
    )
    skill = django_filters.CharFilter(
        method="with_skill", max_length=200, help_text='A taxonomy skill name, e.g. "Python".'
    )
    status = django_filters.ChoiceFilter(
        field_name="source_document__status",
        choices=Document.Status.choices,
        help_text="The stage of the candidate's file (parsed, embedded = ready).",
    )

    class Meta:
        model = Candidate
        fields = ["q", "skill", "status"]

    def search(self, queryset: QuerySet[Candidate], name: str, value: str) -> Any:
        return queryset & intake_selectors.candidate_list(org=org_of(self.request), query=value)

    def with_skill(self, queryset: QuerySet[Candidate], name: str, value: str) -> Any:
        # Skills are stored as a JSON list of canonical names: match one whole, quoted entry.
        return queryset.filter(skills__icontains=f'"{value.strip()}"')


def _candidates(request: Request) -> QuerySet[Candidate]:
    return intake_selectors.candidate_list(org=org_of(request)).select_related("source_document")


def _candidate(request: Request, pk: int) -> Candidate:
    candidate = (
        _candidates(request)
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk")))
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404
    return candidate


def _batch_context() -> dict[str, Any]:
    return {"progress": lambda batch: intake_selectors.batch_progress(batch=batch)}


class CandidateListCreateApi(ListAPIView[Candidate]):
    permission_classes = [OrganisationMember]
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter
    ordering_fields = ["created_at", "name", "years_experience"]
    ordering = ["-created_at"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Candidate]:
        return _candidates(self.request)

    @extend_schema(
        operation_id="candidates_list",
        tags=["candidates"],
        summary="List your candidates",
        responses={
            **json_response(paginated(CandidateSerializer, "PaginatedCandidateList")),
            **problems(400),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="candidates_upload",
        tags=["candidates"],
        summary="Upload resumes (files or ZIPs) as multipart",
        description=(
            "Stores every file (ZIPs are opened) and answers at once with the upload batch; the "
            "files are read in the background. Poll `GET /api/v1/uploads/{id}/` until "
            "`progress.done`. A file that cannot be used (too large, encrypted, not a resume, "
            "a duplicate) fails alone with a reason; the rest go on. Reading is free."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request={"multipart/form-data": CandidateUploadInSerializer},
        responses={**json_response(UploadBatchDetailSerializer, 201), **create_problems(400, 415)},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        files = request.FILES.getlist("files")
        if not files:
            raise Problem(
                "validation-error",
                "Attach at least one resume or a ZIP of resumes in the `files` field.",
                extra={"errors": {"files": ["No file was sent."]}},
            )
        batch = intake.batch_create(org=org_of(request), user=request.user, files=files)  # type: ignore[arg-type]
        batch = intake_selectors.batch_list(org=org_of(request)).get(pk=batch.pk)
        data = UploadBatchDetailSerializer(batch, context=_batch_context()).data
        location = reverse("api:upload_detail", kwargs={"pk": batch.pk})
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class CandidateDetailApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="candidates_retrieve",
        tags=["candidates"],
        summary="Read a candidate's structured profile",
        responses={**json_response(CandidateDetailSerializer), **problems(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(CandidateDetailSerializer(_candidate(request, pk)).data)

    @extend_schema(
        operation_id="candidates_correct",
        tags=["candidates"],
        summary="Correct fields the parser got wrong",
        description="Corrected fields win over the parser, including if the file is read again.",
        request=CandidateCorrectionInSerializer,
        responses={**json_response(CandidateDetailSerializer), **problems(400, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        candidate = _candidate(request, pk)
        data = CandidateCorrectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            intake.candidate_correct(
                candidate=candidate,
                user=request.user,  # type: ignore[arg-type]
                data=dict(data.validated_data),
            )
        except intake.CorrectionError as exc:
            raise Problem(
                "validation-error",
                "One or more fields are invalid.",
                extra={"errors": {k: [v] for k, v in exc.errors.items()}},
            ) from exc
        return Response(CandidateDetailSerializer(_candidate(request, pk)).data)

    @extend_schema(
        operation_id="candidates_destroy",
        tags=["candidates"],
        summary="Delete a candidate with their files, text and results",
        responses={204: None, **problems(404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        intake.candidate_delete(candidate=_candidate(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PassthroughRenderer(BaseRenderer):
    """Lets a client that asks for the file's own type (Accept: application/pdf) get it."""

    media_type = "*/*"
    format = "file"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        # Only errors reach a renderer (the file itself streams past it): keep them JSON.
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


class CandidateFileApi(APIView):
    permission_classes = [OrganisationMember]
    renderer_classes = [JSONRenderer, PassthroughRenderer]

    @extend_schema(
        operation_id="candidates_file",
        tags=["candidates"],
        summary="Download the original resume file",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file as uploaded, with its own type."
            ),
            **problems(404),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        candidate = _candidate(request, pk)
        document = intake_selectors.candidate_source_document(candidate=candidate)
        if document is None or not document.file:
            raise Problem("not-found", "The original file was not kept.", status_code=404)
        try:
            handle = document.file.open("rb")
        except OSError:
            raise Problem(
                "not-found", "The original file is no longer stored.", status_code=404
            ) from None
        response = FileResponse(handle, as_attachment=True, filename=document.file_name)
        response["Cache-Control"] = "private, no-store"
        return response


# --- Upload batches ----------------------------------------------------------------------------


class UploadBatchListApi(ListAPIView[UploadBatch]):
    permission_classes = [OrganisationMember]
    serializer_class = UploadBatchSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[UploadBatch]:
        return intake_selectors.batch_list(org=org_of(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **_batch_context()}

    @extend_schema(
        operation_id="uploads_list",
        tags=["uploads"],
        summary="List your upload batches with their progress",
        responses={
            **json_response(paginated(UploadBatchSerializer, "PaginatedUploadBatchList")),
            **problems(400),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class UploadBatchDetailApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="uploads_retrieve",
        tags=["uploads"],
        summary="An upload's progress, with each file's stage and any failure reason",
        responses={**json_response(UploadBatchDetailSerializer), **problems(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        batch = (
            intake_selectors.batch_list(org=org_of(request))
            .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk")))
            .filter(pk=pk)
            .first()
        )
        if batch is None:
            raise Http404
        return Response(UploadBatchDetailSerializer(batch, context=_batch_context()).data)


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
