"""Everything under /api/v1/. Each app adds its routes in its own apis_urls module."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
