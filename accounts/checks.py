"""Start-up checks: bad rate limits or a missing dashboard panel stop the start with a reason;
`check --deploy` also refuses a release whose static files were not collected for production."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import CheckMessage, Error, Tags, register
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


@register(Tags.staticfiles, deploy=True)
def static_manifest_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every static file the code ships has an entry in the manifest production reads.

    Without one, every page that links the file answers 500 ("Missing staticfiles manifest
    entry"); a manifest from an older release misses the files added since.
    """
    storage = staticfiles_storage
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    hint = "Run `python manage.py collectstatic --noinput` with this release's code and settings."
    try:
        manifest = storage.read_manifest()
    except OSError:
        manifest = None
    if not manifest:
        return [
            Error(
                f"No static files manifest at {settings.STATIC_ROOT}/{storage.manifest_name}: "
                "every page would answer 500.",
                hint=hint,
                id="accounts.E003",
            )
        ]
    try:
        known, _ = storage.load_manifest()
    except ValueError as error:
        return [Error(str(error), hint=hint, id="accounts.E003")]
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    missing = sorted(
        {path for finder in get_finders() for path, _ in finder.list(ignore) if path not in known}
    )
    if missing:
        return [
            Error(
                f"The static files manifest lacks {len(missing)} file(s) this release ships, "
                f"e.g. {', '.join(missing[:3])}: pages linking them would answer 500.",
                hint=hint,
                id="accounts.E004",
            )
        ]
    return []
