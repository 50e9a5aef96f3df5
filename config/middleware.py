"""Project-wide HTTP middleware: who the client is, and what may keep a copy of the answer."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(
    remote_addr: str,
    forwarded_for: str | None,
    *,
    proxy_count: int = 0,
    proxies: Sequence[Network] = (),
) -> str:
    """The client's address, read from X-Forwarded-For only as far as trusted proxies wrote it.

    Each proxy appends the address it received the request from, so the chain is the header's
    entries followed by the peer. With `proxies`, the chain is walked back from the peer while
    the hop is a trusted proxy; with `proxy_count`, the client is the hop that many proxies
    before the peer. Anything the client itself wrote to the header lies further left and is
    never read. A request that did not pass through the proxies keeps its peer address.
    """
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    chain = [*hops, remote_addr]
    if proxies:
        index = len(chain) - 1
        while index > 0:
            hop = _address(chain[index])
            if hop is None or not any(hop in network for network in proxies):
                break
            index -= 1
        candidate = chain[index]
    elif proxy_count > 0 and len(hops) >= proxy_count:
        candidate = chain[-(proxy_count + 1)]
    else:
        candidate = remote_addr
    found = _address(candidate)
    return str(found) if found is not None else remote_addr


class ClientAddressMiddleware:
    """Sets REMOTE_ADDR to the client's address behind the trusted proxies
    (`TRUSTED_PROXY_COUNT` or `TRUSTED_PROXIES`), so that every rate limit (allauth's, the API's,
    RoleMatch's own) keys on the client rather than on the load balancer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxy_count: int = settings.TRUSTED_PROXY_COUNT
        self.proxies = [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.proxy_count or self.proxies:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR"),
                proxy_count=self.proxy_count,
                proxies=self.proxies,
            )
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in person (a browser
    session or an API token): no shared cache keeps a tenant's page, and the browser does not
    show it from its cache after sign-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # DRF sets `request.user` for a token too, once the view has authenticated it.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


class NulCharacter(SuspiciousOperation):
    """A NUL character in a request's parameters: no text we store or search holds one, and
    PostgreSQL refuses it in any string."""


class RefuseNulCharactersMiddleware:
    """Answers a 400 page to a NUL character in the path, the query string or a form field,
    before any view passes it to the database as a 500 waiting to happen. Multipart bodies are
    left to the views: files hold NULs by nature, and their text fields go through Django forms,
    which refuse NULs themselves. The API is left out: its parameters all go through serializers
    and filter forms that refuse NULs with a documented problem, and it ignores unknown ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if "\x00" in request.path or _holds_nul(request.GET):
            raise NulCharacter("NUL character in the URL")
        if request.content_type == "application/x-www-form-urlencoded" and _holds_nul(request.POST):
            raise NulCharacter("NUL character in a form field")
        return self.get_response(request)


def _holds_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())
