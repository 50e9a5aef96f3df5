"""Candidates and upload batches over the API.

Thin: each view validates its input, calls an intake service or selector, and serializes.
Every object is looked up through a selector scoped to the requester's organisation, so
another organisation's id is a 404.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.permissions import OrganisationMember, org_of
from api.idempotency import idempotent
from api.problems import Problem
from api.schema import IDEMPOTENCY_KEY, create_problems, json_response, paginated, problems
from candidates import selectors as intake_selectors
from candidates import services as intake
from candidates.models import Candidate, Document, UploadBatch
from candidates.serializers import (
    CandidateCorrectionInSerializer,
    CandidateDetailSerializer,
    CandidateSerializer,
    CandidateUploadInSerializer,
    UploadBatchDetailSerializer,
    UploadBatchSerializer,
)

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
    def post(self, request: AuthenticatedRequest) -> Response:
        files = request.FILES.getlist("files")
        if not files:
            raise Problem(
                "validation-error",
                "Attach at least one resume or a ZIP of resumes in the `files` field.",
                extra={"errors": {"files": ["No file was sent."]}},
            )
        batch = intake.batch_create(org=org_of(request), user=request.user, files=files)
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
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        candidate = _candidate(request, pk)
        data = CandidateCorrectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            intake.candidate_correct(
                candidate=candidate,
                user=request.user,
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
