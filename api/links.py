"""Absolute links for pages, emails and API bodies.

A link is built from the request that is being answered, so that `PORT=8123 make run` or a
deployment behind another host name points at itself. SITE_URL wins only when an operator set it,
for a public address that differs from what the server sees (a proxy that rewrites the host).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

_DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url(request: HttpRequest | None = None) -> str:
    """The scheme and host of this site, without a trailing slash."""
    if settings.SITE_URL:
        return str(settings.SITE_URL)
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    # Outside a request (a worker's email, a management command) only a set SITE_URL can know.
    return _DEFAULT_SITE_URL


def absolute_url(request: HttpRequest | None, path: str) -> str:
    return site_url(request) + path
