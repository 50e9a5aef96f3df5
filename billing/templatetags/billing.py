from __future__ import annotations

from typing import Any

from django import template

from billing import selectors
from billing.money import format_cents

register = template.Library()


@register.filter
def dollars(cents: int | None) -> str:
    return format_cents(int(cents or 0))


@register.simple_tag(takes_context=True)
def billing_trial_refusal(context: Any) -> str:
    """Why the signed-in person's organisation got no free trial, or ""."""
    request = context.get("request")
    org = getattr(request, "organisation", None) if request is not None else None
    if org is None or not request.user.is_authenticated:
        return ""
    return selectors.trial_refusal(email=request.user.email, org=org)


@register.simple_tag(takes_context=True)
def billing_balance(context: Any) -> selectors.BalanceSummary | None:
    """The balance of the request's organisation, for panels rendered outside billing's views."""
    request = context.get("request")
    org = getattr(request, "organisation", None) if request is not None else None
    if org is None:
        return None
    return selectors.balance_summary(org=org)
