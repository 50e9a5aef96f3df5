from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}


@register.filter
def paragraphs(text: str) -> list[str]:
    """Splits prose on blank lines, so curators write plain paragraphs."""
    return [
        " ".join(p.split()) for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()
    ]


@register.filter
def money(amount: int | None, currency: str = "USD") -> str:
    if amount is None:
        return ""
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{intcomma(amount)}" if symbol else f"{intcomma(amount)} {currency}"


@register.filter
def weight_label(weight: int) -> str:
    return {
        1: "Nice to have",
        2: "Helpful",
        3: "Important",
        4: "Very important",
        5: "Critical",
    }.get(weight, "")
