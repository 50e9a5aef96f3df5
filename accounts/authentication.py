"""API authentication by personal token: `Authorization: Bearer rm_...`."""

from __future__ import annotations

from typing import Any, cast

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request

from accounts.http import SignedInHttpRequest
from accounts.ratelimits import client_ip, ratelimit_hit
from accounts.services import api_token_authenticate


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticates as the token's user and sets `request.organisation` to the token's org.

    Repeated bad tokens from one address are answered 429 with Retry-After for a while, which
    keeps a guesser from loading the database; valid tokens from that address still work.
    """

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`, with no spaces in the token."
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        # A valid token is never refused for what others sent from its address: the lockout
        # below only answers bad tokens. Guessing gains nothing from that order, since a token
        # holds 256 random bits.
        token = api_token_authenticate(secret=secret)
        if token is None:
            ip = client_ip(request._request)
            locked = ratelimit_hit(action="api_auth_failed", key=ip)
            if not locked.allowed:
                raise Throttled(
                    wait=locked.retry_after,
                    detail="Too many requests with an invalid API token. Wait before trying again.",
                )
            raise AuthenticationFailed("This API token is not valid or has been revoked.")
        # The middleware's value follows the session; an API call acts in the token's org.
        cast(SignedInHttpRequest, request._request).organisation = token.organisation
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
