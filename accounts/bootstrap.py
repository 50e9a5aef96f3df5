from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.sites.models import Site


def ensure_site() -> str:
    """Names the Site after SITE_URL, so emails and sitemaps carry the right host."""
    host = urlparse(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": host, "name": "RoleMatch"}
    )
    return f"site set to {host}"
