from django.conf import settings
from django.http import HttpRequest

from api.links import site_url

# Pages under the main navigation's "Settings" (the tabs of accounts/settings_base.html and the
# forms they post to).
SETTINGS_PAGES = frozenset(
    {
        "members",
        "organisation_rename",
        "invitation_create",
        "api_tokens",
        "account_email",
        "account_change_password",
        "privacy",
        "privacy_export",
        "privacy_account_delete",
        "privacy_organisation_delete",
    }
)


def nav_section(app_name: str | None, url_name: str | None) -> str:
    """The main navigation's entry a page belongs to ("" for none), so exactly one is marked
    as the current page."""
    if app_name == "roles":
        return "roles"
    if url_name == "pricing":
        return "pricing"
    if url_name == "dashboard":
        return "dashboard"
    # A candidate's roles page is served by the matcher but is part of the candidate's record.
    if app_name == "candidates" or (app_name == "matcher" and url_name == "candidate_roles"):
        return "candidates"
    if app_name == "matcher":
        return "matches"
    if url_name in SETTINGS_PAGES:
        return "settings"
    return ""


def site(request: HttpRequest) -> dict[str, object]:
    match = request.resolver_match
    return {
        "SITE_URL": site_url(request),
        "FORM_MAX_BYTES": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "DEBUG": settings.DEBUG,
        "NAV_SECTION": nav_section(
            match.app_name if match else None, match.url_name if match else None
        ),
    }
