from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()

# Letters whose names start with a vowel sound: "an HR Business Partner", "an SEO Specialist".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
_A_BEFORE_VOWEL = ("uni", "use", "usu", "uti", "eu", "one")
_AN_BEFORE_H = ("hour", "honest", "honor", "honour", "heir")
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


@register.filter
def with_article(title: str) -> str:
    """ "an Accountant", "an HR Business Partner", "a UX Designer": the title with its article."""
    first = (title or "").split(" ", 1)[0]
    if not first:
        return title
    if len(first) > 1 and first[:2].isupper():
        # Read letter by letter.
        article = "an" if first[0] in _VOWEL_SOUND_LETTERS else "a"
    else:
        word = first.lower()
        vowel = word[0] in "aeiou" and not word.startswith(_A_BEFORE_VOWEL)
        article = "an" if vowel or word.startswith(_AN_BEFORE_H) else "a"
    return f"{article} {title}"


@register.filter
def plural_title(title: str) -> str:
    """ "Data Scientists", "Mobile Developers (iOS/Android)": a qualifier in brackets stays
    after the noun it qualifies."""
    title = (title or "").strip()
    head, bracket, tail = title.partition(" (")
    if not head:
        return title
    if head.endswith(("s", "x", "z", "ch", "sh")):
        head += "es"
    elif len(head) > 1 and head.endswith("y") and head[-2].lower() not in "aeiou":
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + bracket + tail
