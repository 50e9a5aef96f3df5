"""Template helpers for the workspace: the dashboard panel reads the organisation's matches."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Organisation
from matcher.selectors.workspace import match_list_recent

register = template.Library()


@register.simple_tag
def recent_matches(organisation: Organisation | None, limit: int = 5) -> list[Any]:
    if organisation is None:
        return []
    return match_list_recent(org=organisation, limit=limit)
