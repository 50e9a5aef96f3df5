from __future__ import annotations

from datetime import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from roles.models import Role
from roles.selectors import role_sitemap_items


class _SiteProtocol(Sitemap):
    def get_protocol(self, protocol: str | None = None) -> str:
        # Unset, the scheme of the request (as Django does without a protocol).
        return urlparse(settings.SITE_URL).scheme or protocol or "https"


class RoleSitemap(_SiteProtocol):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> QuerySet[Role]:
        return role_sitemap_items()

    def lastmod(self, item: Role) -> datetime:
        return item.updated_at


class StaticSitemap(_SiteProtocol):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> list[str]:
        return ["home", "roles:list"]

    def location(self, item: str) -> str:
        return reverse(item)


sitemaps = {"static": StaticSitemap, "roles": RoleSitemap}
