"""OpenAPI pieces shared by every endpoint: the problem document, its responses, Bearer auth.

Every view documents its errors through `problems(...)`, so the schema says exactly which problem
statuses an endpoint can answer, each as `application/problem+json` with an example.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api.problems import PROBLEM_CONTENT_TYPE, PROBLEM_TYPES


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details. Branch on `type`; `title` and `detail` are for people."""

    type = serializers.URLField(help_text="Stable URI of the problem type; it documents itself.")
    title = serializers.CharField(help_text="Short summary of the problem type.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request, for a person.")
    instance = serializers.CharField(help_text="The path of the request that failed.")
    # A field, not the Serializer's `errors` property: the metaclass takes it off the class.
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False,
        child=serializers.JSONField(),
        help_text="Validation errors by field name (`validation-error` only).",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait (`throttled` only); also in `Retry-After`."
    )

    class Meta:
        ref_name = "Problem"


# status -> (problem slug, an example detail)
_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("validation-error", "One or more fields are invalid."),
    401: ("not-authenticated", "Authentication credentials were not provided."),
    402: (
        "insufficient-credit",
        "This needs $0.50 of credit and your balance is $0.10. Buy credits to continue.",
    ),
    403: ("permission-denied", "Only the organisation's owner can do that."),
    404: ("not-found", "Not found."),
    409: ("conflict", "This role is used by 2 matches and cannot be deleted."),
    413: ("validation-error", "The upload is too large."),
    422: ("idempotency-key-reused", "This Idempotency-Key was used for a different request"),
    429: ("throttled", "Request was throttled. Expected available in 12 seconds."),
    502: ("payment-provider-error", "We could not open the payment page. Please try again."),
    503: (
        "payments-not-configured",
        "Online payments are not configured on this RoleMatch installation yet.",
    ),
}


def _example(status: int, slug: str, detail: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        # Each server fills in its own scheme and host.
        "type": f"/api/problems/{slug}/",
        "title": PROBLEM_TYPES[slug][0],
        "status": status,
        "detail": detail,
        "instance": "/api/v1/...",
    }
    if slug == "validation-error":
        body["errors"] = {"field": ["This field is required."]}
    if slug == "throttled":
        body["retry_after"] = 12
    return body


def problem_response(status: int, slug: str | None = None, detail: str = "") -> OpenApiResponse:
    default_slug, default_detail = _DEFAULTS.get(status, ("validation-error", ""))
    slug = slug or default_slug
    detail = detail or default_detail or PROBLEM_TYPES[slug][0]
    return OpenApiResponse(
        response=ProblemSerializer,
        description=f"`{slug}`: {PROBLEM_TYPES[slug][0]}",
        examples=[
            OpenApiExample(
                slug,
                value=_example(status, slug, detail),
                response_only=True,
                status_codes=[str(status)],
                media_type=PROBLEM_CONTENT_TYPE,
            )
        ],
    )


# Every authenticated endpoint can answer these.
COMMON = (401, 403, 429)


def problems(*statuses: int, public: bool = False, **slugs: str) -> dict[Any, Any]:
    """`responses` entries for these statuses (plus 401/403/429 unless `public`), keyed by
    (status, "application/problem+json"). `slugs` overrides the problem type: `s409="conflict"`."""
    return _problems(statuses, public=public, slugs=slugs)


def _problems(statuses: tuple[int, ...], *, public: bool, slugs: dict[str, str]) -> dict[Any, Any]:
    wanted = set(statuses) | ({429} if public else set(COMMON))
    out: dict[Any, Any] = {}
    for status in sorted(wanted):
        out[(status, PROBLEM_CONTENT_TYPE)] = problem_response(status, slugs.get(f"s{status}"))
    return out


def json_response(serializer: Any, status: int = 200) -> dict[Any, Any]:
    return {(status, "application/json"): serializer}


def paginated(serializer: type[serializers.Serializer], name: str = "") -> Any:
    """A list view's items; drf-spectacular wraps them in the cursor page envelope
    (`next`, `previous`, `results`) because the view paginates."""
    return serializer(many=True)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rm_<43 characters>",
            "description": (
                "A personal API token: create one on /settings/api-tokens/ or with "
                "POST /api/v1/auth/token/. Send `Authorization: Bearer rm_...`."
            ),
        }


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID). A retry with the same key and body gets the first "
        "response back (`Idempotent-Replayed: true`) and creates nothing new."
    ),
)


def create_problems(*statuses: int, **slugs: str) -> dict[Any, Any]:
    """`problems(...)` for a POST that creates something: also 409 while a retry is in flight
    and 422 when its Idempotency-Key was used for another body."""
    slugs.setdefault("s409", "request-in-progress")
    return _problems((*statuses, 409, 422), public=False, slugs=slugs)


# For a public endpoint that also takes a token. `{}` (no requirement) is how OpenAPI says
# "anonymous too"; drf-spectacular's type hints only allow scheme names, hence Any.
ANONYMOUS_OR_TOKEN: Any = [{}, {"bearerAuth": []}]
