"""The role catalog (read) and the organisation's custom roles over the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import OrganisationMember, org_of
from api.idempotency import idempotent
from api.problems import Problem
from api.schema import (
    ANONYMOUS_OR_TOKEN,
    IDEMPOTENCY_KEY,
    create_problems,
    json_response,
    paginated,
    problems,
)
from roles import selectors, services
from roles.job_description import role_create_from_job_description
from roles.models import Role, RoleSkill
from roles.serializers import (
    CustomRoleCreateInSerializer,
    CustomRoleSerializer,
    CustomRoleUpdateInSerializer,
    RoleDetailSerializer,
    RoleListSerializer,
)


class RoleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text="Words that must each match a title, an alternate title or a skill.",
    )
    industry = django_filters.CharFilter(
        method="in_industry", max_length=140, help_text="An industry slug."
    )
    family = django_filters.CharFilter(
        field_name="family", lookup_expr="iexact", max_length=80, help_text="e.g. Technology."
    )

    class Meta:
        model = Role
        fields = ["q", "industry", "family"]

    def search(self, queryset: QuerySet[Role], name: str, value: str) -> QuerySet[Role]:
        return queryset.filter(pk__in=selectors.role_list_public(query=value).values("pk"))

    def in_industry(self, queryset: QuerySet[Role], name: str, value: str) -> QuerySet[Role]:
        return queryset.filter(pk__in=selectors.role_list_public(industry=value).values("pk"))


class RoleListApi(ListAPIView[Role]):
    """The public catalog: open to anyone, like the catalog pages."""

    permission_classes = [AllowAny]
    serializer_class = RoleListSerializer
    filterset_class = RoleFilter
    ordering_fields = ["title", "updated_at"]
    ordering = ["title"]

    def get_queryset(self) -> QuerySet[Role]:
        return selectors.role_list_public().prefetch_related("industries")

    @extend_schema(
        operation_id="roles_list",
        tags=["roles"],
        summary="Search the public role catalog",
        auth=ANONYMOUS_OR_TOKEN,
        responses={
            **json_response(paginated(RoleListSerializer, "PaginatedRoleList")),
            **problems(400, public=True),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RoleDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="roles_retrieve",
        tags=["roles"],
        summary="Read a catalog role with its skills and interview topics",
        auth=ANONYMOUS_OR_TOKEN,
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$")
        ],
        responses={**json_response(RoleDetailSerializer), **problems(404, public=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        try:
            role = selectors.role_get_published(slug=slug)
        except Role.DoesNotExist:
            raise Http404 from None
        return Response(RoleDetailSerializer(role).data)


def _custom_roles(request: Request) -> QuerySet[Role]:
    org = org_of(request)
    return selectors.custom_role_list(org=org).prefetch_related(
        "responsibilities",
        Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill")),
    )


def _custom_role(request: Request, pk: int) -> Role:
    role = _custom_roles(request).filter(pk=pk).first()
    if role is None:
        raise Http404
    return role


class CustomRoleListCreateApi(ListAPIView[Role]):
    permission_classes = [OrganisationMember]
    serializer_class = CustomRoleSerializer
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "updated_at", "title"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Role]:
        return _custom_roles(self.request)

    @extend_schema(
        operation_id="custom_roles_list",
        tags=["custom roles"],
        summary="List your organisation's custom roles",
        responses={
            **json_response(paginated(CustomRoleSerializer, "PaginatedCustomRoleList")),
            **problems(400),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="custom_roles_create",
        tags=["custom roles"],
        summary="Create a custom role from a job description",
        description=(
            "Reads the skills, their weights (1-5), must-haves and minimum years from the job "
            "description and stores a draft role private to your organisation. Review it, then "
            "adjust with PATCH before matching. Send `Idempotency-Key` to make retries safe."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=CustomRoleCreateInSerializer,
        responses={
            **json_response(CustomRoleSerializer, 201),
            **create_problems(400),
        },
        examples=[
            OpenApiExample(
                "Job description",
                value={
                    "title": "Backend Engineer",
                    "job_description": (
                        "Backend Engineer\nRequirements:\n- 5+ years of Python (required)\n"
                        "- PostgreSQL and Docker\nNice to have: Kubernetes"
                    ),
                },
                request_only=True,
            )
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = CustomRoleCreateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            role = role_create_from_job_description(
                org=org_of(request),
                user=request.user,
                text=data.validated_data["job_description"],
                title=data.validated_data.get("title", ""),
            )
        except ValueError as exc:
            raise Problem(
                "validation-error", str(exc), extra={"errors": {"job_description": [str(exc)]}}
            ) from exc
        return Response(
            CustomRoleSerializer(_custom_role(request, role.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class CustomRoleDetailApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="custom_roles_retrieve",
        tags=["custom roles"],
        summary="Read a custom role",
        responses={**json_response(CustomRoleSerializer), **problems(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(CustomRoleSerializer(_custom_role(request, pk)).data)

    @extend_schema(
        operation_id="custom_roles_update",
        tags=["custom roles"],
        summary=(
            "Change a custom role's title, skill weights, must-haves and minimum years, those "
            "of the skills its job description lists outside the taxonomy included"
        ),
        request=CustomRoleUpdateInSerializer,
        responses={**json_response(CustomRoleSerializer), **problems(400, 404)},
        examples=[
            OpenApiExample(
                "Re-weight two skills",
                value={
                    "skills": [
                        {"skill": 12, "weight": 5, "must_have": True, "min_years": 3},
                        {"skill": 40, "remove": True},
                    ]
                },
                request_only=True,
            )
        ],
    )
    def patch(self, request: Request, pk: int) -> Response:
        role = _custom_role(request, pk)
        data = CustomRoleUpdateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.custom_role_update(
                role=role,
                actor=request.user,
                title=data.validated_data.get("title"),
                skills=data.validated_data.get("skills"),
                listed={
                    entry["name"]: {k: v for k, v in entry.items() if k != "name"}
                    for entry in data.validated_data.get("listed_skills") or []
                },
            )
        except ValueError as exc:
            field = "listed_skills" if isinstance(exc, services.ListedSkillRefused) else "skills"
            raise Problem(
                "validation-error", str(exc), extra={"errors": {field: [str(exc)]}}
            ) from exc
        return Response(CustomRoleSerializer(_custom_role(request, pk)).data)

    @extend_schema(
        operation_id="custom_roles_destroy",
        tags=["custom roles"],
        summary="Delete a custom role",
        description="A role that matches were run against is kept with them: 409 `conflict`.",
        responses={204: None, **problems(404, 409)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        role = _custom_role(request, pk)
        try:
            services.custom_role_delete(role=role, actor=request.user)
        except services.RoleInUse as exc:
            raise Problem("conflict", str(exc), status_code=status.HTTP_409_CONFLICT) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
