"""Credits over the API: balance, ledger, packs and a Stripe Checkout session to buy one."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.permissions import OrganisationMember, org_of
from accounts.selectors import membership_for_user
from api.idempotency import idempotent
from api.problems import Problem
from api.schema import (
    IDEMPOTENCY_KEY,
    create_problems,
    json_response,
    paginated,
    problems,
)
from billing import selectors, services
from billing.exceptions import PaymentProviderError, PaymentsNotConfigured
from billing.models import CreditPack, LedgerEntry
from billing.serializers import (
    BalanceSerializer,
    CheckoutInSerializer,
    CheckoutSessionSerializer,
    CreditPackSerializer,
    LedgerEntrySerializer,
)


class CreditBalanceApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="credits_balance",
        tags=["credits"],
        summary="Your organisation's credit balance",
        responses={**json_response(BalanceSerializer), **problems()},
        examples=[
            OpenApiExample(
                "Balance",
                value={
                    "balance_cents": 300,
                    "price_per_candidate_cents": 5,
                    "candidates": 60,
                    "blocked": False,
                    "payments_enabled": True,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        summary = selectors.balance_summary(org=org_of(request))
        return Response(
            BalanceSerializer(
                {
                    "balance_cents": summary.balance_cents,
                    "price_per_candidate_cents": summary.price_per_candidate_cents,
                    "candidates": summary.candidates,
                    "blocked": summary.blocked,
                    "payments_enabled": selectors.payments_enabled(),
                }
            ).data
        )


class LedgerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=LedgerEntry.Kind.choices)
    date_from = django_filters.DateFilter(method="since", help_text="First day, inclusive.")
    date_to = django_filters.DateFilter(method="until", help_text="Last day, inclusive.")

    class Meta:
        model = LedgerEntry
        fields = ["kind", "date_from", "date_to"]

    def since(self, queryset: QuerySet[LedgerEntry], name: str, value: Any) -> Any:
        return queryset & selectors.ledger_list(org=org_of(self.request), date_from=value)

    def until(self, queryset: QuerySet[LedgerEntry], name: str, value: Any) -> Any:
        return queryset & selectors.ledger_list(org=org_of(self.request), date_to=value)


class LedgerEntryListApi(ListAPIView[LedgerEntry]):
    permission_classes = [OrganisationMember]
    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[LedgerEntry]:
        return selectors.ledger_list(org=org_of(self.request))

    @extend_schema(
        operation_id="credits_ledger_list",
        tags=["credits"],
        summary="Every movement of credit, newest first",
        responses={
            **json_response(paginated(LedgerEntrySerializer, "PaginatedLedgerEntryList")),
            **problems(400),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CreditPackListApi(ListAPIView[CreditPack]):
    permission_classes = [OrganisationMember]
    serializer_class = CreditPackSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[CreditPack]:
        return selectors.pack_list_active()

    @extend_schema(
        operation_id="credits_packs_list",
        tags=["credits"],
        summary="The credit packs on sale",
        responses={**json_response(CreditPackSerializer(many=True)), **problems()},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CheckoutSessionCreateApi(APIView):
    permission_classes = [OrganisationMember]

    @extend_schema(
        operation_id="credits_checkout_create",
        tags=["credits"],
        summary="Start buying a credit pack (Stripe Checkout)",
        description=(
            "Owners only. Opens a Stripe Checkout session and returns its URL; send the buyer "
            "there. Credits are added when Stripe confirms the payment (signed webhook), never "
            "by this call. Without Stripe configured the answer is 503 `payments-not-configured`."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=CheckoutInSerializer,
        responses={
            **json_response(CheckoutSessionSerializer, 201),
            **create_problems(400, 502, 503, s502="payment-provider-error"),
        },
    )
    @idempotent
    def post(self, request: AuthenticatedRequest) -> Response:
        membership = membership_for_user(user=request.user)
        if membership is None or not membership.is_owner:
            raise Problem(
                "permission-denied",
                "Only the owner of your organisation can buy credits.",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        data = CheckoutInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        success_url = request.build_absolute_uri(reverse("billing:success"))
        try:
            purchase = services.purchase_start(
                org=org_of(request),
                pack=data.validated_data["pack"],
                user=request.user,
                # Stripe replaces the placeholder with the session id.
                success_url=success_url + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=request.build_absolute_uri(reverse("billing:cancel")),
            )
        except PaymentsNotConfigured as exc:
            raise Problem("payments-not-configured", exc.message, status_code=503) from exc
        except PaymentProviderError as exc:
            raise Problem("payment-provider-error", exc.message, status_code=502) from exc
        return Response(CheckoutSessionSerializer(purchase).data, status=status.HTTP_201_CREATED)
