from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from billing import services
from billing.exceptions import InsufficientCredit
from billing.forms import AdjustmentForm
from billing.models import (
    CreditAccount,
    CreditPack,
    LedgerEntry,
    Pricing,
    Purchase,
    Reservation,
    StripeDispute,
    StripeEvent,
    StripePayment,
    TrialClaim,
)
from billing.money import format_cents


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records are written by the services only; admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pricing)
class PricingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "trial_credits_cents", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Pricing.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditPack)
class CreditPackAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "credits", "active", "order")
    list_editable = ("active", "order")

    @admin.display(description="price", ordering="price_cents")
    def price(self, obj: CreditPack) -> str:
        return format_cents(obj.price_cents)

    @admin.display(description="credit", ordering="credits_cents")
    def credits(self, obj: CreditPack) -> str:
        return format_cents(obj.credits_cents)


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "balance", "blocked", "stripe_customer_id", "adjust_link")
    search_fields = ("organisation__name", "organisation__slug", "stripe_customer_id")
    list_select_related = ("organisation",)
    readonly_fields = ("organisation", "balance_cents", "stripe_customer_id", "updated_at")

    @admin.display(description="balance", ordering="balance_cents")
    def balance(self, obj: CreditAccount) -> str:
        return format_cents(obj.balance_cents)

    @admin.display(boolean=True, description="blocked")
    def blocked(self, obj: CreditAccount) -> bool:
        return obj.blocked

    @admin.display(description="")
    def adjust_link(self, obj: CreditAccount) -> str:
        url = reverse("admin:billing_creditaccount_adjust", args=[obj.pk])
        return format_html('<a href="{}">Adjust…</a>', url)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="billing_creditaccount_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_staff or not request.user.has_perm("billing.add_ledgerentry"):
            raise PermissionDenied
        account = get_object_or_404(CreditAccount.objects.select_related("organisation"), pk=pk)
        form = AdjustmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                entry = services.credit_adjust(
                    org=account.organisation,
                    cents=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except InsufficientCredit as exc:
                form.add_error("amount", exc.message)
            else:
                self.message_user(
                    request,
                    f"{format_cents(entry.amount_cents)} posted to {account.organisation}; "
                    f"balance now {format_cents(entry.balance_after_cents)}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:billing_creditaccount_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Adjust the credit of {account.organisation}",
            "account": account,
            "form": form,
        }
        return TemplateResponse(request, "billing/admin/adjust.html", context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "organisation", "kind", "amount", "balance_after", "reference")
    list_filter = ("kind", "created_at")
    search_fields = ("organisation__name", "reference", "idempotency_key", "actor_email")
    list_select_related = ("organisation",)
    date_hierarchy = "created_at"

    @admin.display(description="amount", ordering="amount_cents")
    def amount(self, obj: LedgerEntry) -> str:
        return format_cents(obj.amount_cents)

    @admin.display(description="balance after")
    def balance_after(self, obj: LedgerEntry) -> str:
        return format_cents(obj.balance_after_cents)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # No bulk delete, even for superusers.
        return {}


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "organisation",
        "reference",
        "reserved_cents",
        "charged_cents",
        "released_cents",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("organisation__name", "reference", "idempotency_key")


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "organisation",
        "pack_name",
        "price",
        "status",
        "payment_intent_id",
    )
    list_filter = ("status",)
    search_fields = (
        "organisation__name",
        "checkout_session_id",
        "payment_intent_id",
        "customer_id",
    )

    @admin.display(description="price", ordering="price_cents")
    def price(self, obj: Purchase) -> str:
        return format_cents(obj.price_cents)


@admin.register(StripePayment)
class StripePaymentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "payment_intent_id", "charge_id", "refunded")
    search_fields = ("payment_intent_id", "charge_id")

    @admin.display(description="refunded", ordering="amount_refunded_cents")
    def refunded(self, obj: StripePayment) -> str:
        return format_cents(obj.amount_refunded_cents)


@admin.register(StripeDispute)
class StripeDisputeAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "dispute_id",
        "payment_intent_id",
        "charge_id",
        "disputed",
        "status",
        "funds_withdrawn",
        "funds_reinstated",
    )
    list_filter = ("status", "funds_withdrawn", "funds_reinstated")
    search_fields = ("dispute_id", "payment_intent_id", "charge_id")

    @admin.display(description="disputed", ordering="amount_cents")
    def disputed(self, obj: StripeDispute) -> str:
        return format_cents(obj.amount_cents)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "type", "id", "livemode")
    list_filter = ("type",)
    search_fields = ("id",)


@admin.register(TrialClaim)
class TrialClaimAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "email_normalised", "organisation", "cents")
    search_fields = ("email_normalised",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrialClaim]:
        return super().get_queryset(request).select_related("organisation")
