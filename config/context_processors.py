from django.conf import settings
from django.http import HttpRequest

from api.links import site_url


def site(request: HttpRequest) -> dict[str, object]:
    return {"SITE_URL": site_url(request), "DEBUG": settings.DEBUG}
