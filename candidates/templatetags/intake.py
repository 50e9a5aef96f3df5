"""Template helpers for intake: the dashboard panel reads the organisation's recent uploads."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Organisation
from candidates.selectors import batch_list_recent

register = template.Library()


@register.simple_tag
def recent_upload_batches(organisation: Organisation | None, limit: int = 5) -> list[Any]:
    if organisation is None:
        return []
    return batch_list_recent(org=organisation, limit=limit)


@register.inclusion_tag("candidates/_confidence.html")
def confidence(candidate: Any, field: str) -> dict[str, Any]:
    """A small badge: how sure the reader is of a field, or that the recruiter corrected it."""
    value = candidate.field_confidence(field)
    corrected = field in (candidate.corrections or {})
    level = ""
    if value is not None:
        level = "high" if value >= 0.8 else "medium" if value >= 0.5 else "low"
    return {
        "corrected": corrected,
        "percent": None if value is None else round(value * 100),
        "level": level,
    }
