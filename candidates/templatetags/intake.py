"""Template helpers for intake: the dashboard panel reads the organisation's recent uploads; long
file names wrap between their parts."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Organisation
from candidates.selectors import batch_list_recent

register = template.Library()

# Where a file name may wrap: after its separators, where letters and digits meet, and inside a
# camelCase word, so that "resume_2023" wraps as "resume_" and "2023", never as "resume_20".
_NAME_BREAKS = re.compile(
    r"(?<=[-_.+,;~/\\)\]])(?=[^-_.+,;~/\\)\]])"
    r"|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])|(?<=[a-z])(?=[A-Z])"
)
# A part longer than this still gets break points, or a table would widen to fit it.
LONGEST_UNBROKEN = 20


@register.simple_tag
def recent_upload_batches(organisation: Organisation | None, limit: int = 5) -> list[Any]:
    if organisation is None:
        return []
    return batch_list_recent(org=organisation, limit=limit)


@register.inclusion_tag("candidates/_confidence.html")
def confidence(candidate: Any, field: str) -> dict[str, Any]:
    """A small badge: how sure the reader is of a field, or that the recruiter corrected it."""
    value = candidate.field_confidence(field)
    if not value:
        # The reader scores a field it found nothing for 0: "— 0%" reads as a verdict on a blank.
        value = None
    corrected = field in (candidate.corrections or {})
    level = ""
    if value is not None:
        level = "high" if value >= 0.8 else "medium" if value >= 0.5 else "low"
    return {
        "corrected": corrected,
        "percent": None if value is None else round(value * 100),
        "level": level,
    }


@register.filter
def file_name_breaks(name: str) -> SafeString:
    """The file name, escaped, with `<wbr>` where a line may break between its parts."""
    parts = [
        part[start : start + LONGEST_UNBROKEN]
        for part in _NAME_BREAKS.split(str(name))
        for start in range(0, len(part), LONGEST_UNBROKEN)
    ]
    return mark_safe("<wbr>".join(escape(part) for part in parts))  # noqa: S308 - each escaped
