from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per API token (or per signed-in session user, or per IP when anonymous).

    Counting per token rather than per user lets an integration with its own token be throttled
    without starving the person's other scripts, and nobody else's requests can spend a token's
    budget.

    The count is a fixed window kept in the shared cache (Redis in production) with atomic
    operations only: `add` (SET NX EX) opens the window and `incr` (INCR) counts, so concurrent
    requests in every web process each get their own number. DRF's own throttle reads a list of
    timestamps and writes it back, so requests racing between the two were not counted.
    """

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = getattr(request, "auth", None)
        token_id = getattr(token, "pk", None)
        if token_id is not None:
            ident = f"token-{token_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        num_requests, duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if key is None or num_requests is None or duration is None:
            return True
        now = time.time()
        window = int(now // duration)
        window_key = f"{key}:{window}"
        # Twice the window: the key outlives its window, so `incr` never meets an expired key.
        cache.add(window_key, 0, timeout=2 * duration)
        count = cache.incr(window_key)
        self.wait_seconds = (window + 1) * duration - now
        return bool(count <= num_requests)

    def wait(self) -> float | None:
        return max(1.0, getattr(self, "wait_seconds", 1.0))
