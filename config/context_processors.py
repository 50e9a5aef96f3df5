from django.conf import settings
from django.http import HttpRequest

from api.links import site_url


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_URL": site_url(request),
        "FORM_MAX_BYTES": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "DEBUG": settings.DEBUG,
    }
