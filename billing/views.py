from __future__ import annotations

import csv
import logging
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import organisation_required
from accounts.http import AuthenticatedHttpRequest
from accounts.selectors import membership_for_user
from billing import selectors, services
from billing.exceptions import PaymentProviderError, PaymentsNotConfigured
from billing.forms import LedgerFilterForm
from billing.money import candidates_covered, format_cents

logger = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 100


def _pricing_context() -> dict[str, Any]:
    pricing = selectors.pricing_get()
    price = pricing.price_per_candidate_cents
    packs = [
        {"pack": pack, "candidates": candidates_covered(pack.credits_cents, price)}
        for pack in selectors.pack_list_active()
    ]
    return {
        "price_cents": price,
        "trial_cents": pricing.trial_credits_cents,
        "trial_candidates": candidates_covered(pricing.trial_credits_cents, price),
        "packs": packs,
        "payments_enabled": selectors.payments_enabled(),
    }


def _is_owner(request: HttpRequest) -> bool:
    membership = membership_for_user(user=request.user)
    return membership is not None and membership.is_owner


def pricing(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/pricing.html", _pricing_context())


@organisation_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = request.organisation
    context = _pricing_context()
    context.update(
        summary=selectors.balance_summary(org=org),
        recent_entries=selectors.ledger_list(org=org)[:10],
        purchases=selectors.purchase_list(org=org)[:10],
        membership_is_owner=_is_owner(request),
    )
    return render(request, "billing/overview.html", context)


@require_POST
@organisation_required
def buy(request: AuthenticatedHttpRequest, pack_id: int) -> HttpResponse:
    org = request.organisation
    pack = get_object_or_404(selectors.pack_list_active(), pk=pack_id)
    if not _is_owner(request):
        messages.error(request, "Only the owner of your organisation can buy credits.")
        return redirect("billing:overview")
    success_url = request.build_absolute_uri(reverse("billing:success"))
    try:
        purchase = services.purchase_start(
            org=org,
            pack=pack,
            user=request.user,
            # Stripe replaces the placeholder with the session id.
            success_url=success_url + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(reverse("billing:cancel")),
        )
    except (PaymentsNotConfigured, PaymentProviderError) as exc:
        messages.error(request, exc.message)
        return redirect("billing:overview")
    return redirect(purchase.checkout_url, permanent=False)


@organisation_required
def success(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = request.organisation
    session_id = request.GET.get("session_id", "")
    purchase = (
        selectors.purchase_for_session(org=org, session_id=session_id) if session_id else None
    )
    return render(
        request,
        "billing/success.html",
        {"purchase": purchase, "summary": selectors.balance_summary(org=org)},
    )


@organisation_required
def cancel(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "billing/cancel.html")


@organisation_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = request.organisation
    form = LedgerFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "kind": form.cleaned_data["kind"] or None,
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
        }
    entries = selectors.ledger_list(org=org, **filters)
    if request.GET.get("format") == "csv":
        return _history_csv(entries, org_slug=org.slug)
    total = entries.count()
    return render(
        request,
        "billing/history.html",
        {
            "form": form,
            "entries": entries[:HISTORY_PAGE_SIZE],
            "total": total,
            "truncated": total > HISTORY_PAGE_SIZE,
            "csv_query": _with_format(request, "csv"),
            "summary": selectors.balance_summary(org=org),
        },
    )


def _with_format(request: HttpRequest, fmt: str) -> str:
    query = request.GET.copy()
    query["format"] = fmt
    return query.urlencode()


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _history_csv(entries: Any, *, org_slug: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="rolematch-credits-{org_slug}-{stamp}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        ["date", "kind", "amount_cents", "amount", "balance_after_cents", "reference", "note", "by"]
    )
    for entry in entries.iterator():
        writer.writerow(
            [
                entry.created_at.isoformat(),
                entry.kind,
                entry.amount_cents,
                format_cents(entry.amount_cents),
                entry.balance_after_cents,
                _csv_safe(entry.reference),
                _csv_safe(entry.note),
                _csv_safe(entry.actor_email),
            ]
        )
    return response


@organisation_required
def receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    org = request.organisation
    purchase = get_object_or_404(selectors.receipt_list(org=org), pk=pk)
    return render(request, "billing/receipt.html", {"purchase": purchase, "organisation": org})
