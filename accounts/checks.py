"""Start-up checks: bad rate limits or a missing dashboard panel stop the start with a reason."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from accounts.ratelimits import parse_limit


@register()
def rate_limits_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for action, spec in getattr(settings, "RATE_LIMITS", {}).items():
        try:
            parse_limit(spec)
        except ValueError as error:
            errors.append(Error(f"RATE_LIMITS[{action!r}]: {error}", id="accounts.E001"))
    return errors


@register()
def dashboard_panels_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name in getattr(settings, "DASHBOARD_PANELS", []):
        try:
            get_template(name)
        except TemplateDoesNotExist:
            errors.append(
                Error(
                    f"DASHBOARD_PANELS lists {name!r}, but no such template exists.",
                    id="accounts.E002",
                )
            )
    return errors
