from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


def sliding_count(previous: int, current: int, elapsed: float) -> float:
    """Requests in the last window, estimated from two fixed windows' counts.

    `elapsed` is how far into the current window we are (0 to 1). The previous window's requests
    are taken as spread evenly over it, so the part of them still inside the last `duration`
    seconds is the share of it not yet behind us."""
    return previous * (1.0 - elapsed) + current


def seconds_until_allowed(
    *, previous: int, current: int, elapsed: float, limit: int, duration: float
) -> float:
    """How long until one more request fits under `limit`, if no other request comes."""
    room = limit - 1 - current
    if room >= 0:
        if previous <= room:
            return 0.0
        # Within this window: previous * (1 - t) + current + 1 <= limit.
        return max(0.0, (1.0 - room / previous - elapsed) * duration)
    # This window is full: wait for the next one, where this window's count is the previous.
    return (1.0 - elapsed + 1.0 - (limit - 1) / current) * duration


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per API token (or per signed-in session user, or per IP when anonymous).

    Counting per token rather than per user lets an integration with its own token be throttled
    without starving the person's other scripts, and nobody else's requests can spend a token's
    budget.

    The count is a sliding window kept in the shared cache (Redis in production) with atomic
    operations only: `add` (SET NX EX) opens a fixed window, `incr` (INCR) counts and `decr`
    gives back the count of a refused request, so concurrent requests in every web process each
    get their own number. DRF's own throttle reads a list of timestamps and writes it back, so
    requests racing between the two were not counted. A plain fixed window let a client spend
    its budget at the end of one minute and again at the start of the next, twice the rate in a
    second; weighing in the previous window's count (`sliding_count`) spreads the second budget
    over the minute instead.
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
        elapsed = now / duration - window
        window_key = f"{key}:{window}"
        # Three windows: the key outlives its own window (so `incr` never meets an expired key)
        # and the next one, which reads it as its previous.
        cache.add(window_key, 0, timeout=3 * duration)
        count = cache.incr(window_key)
        previous = int(cache.get(f"{key}:{window - 1}", 0))
        if sliding_count(previous, count, elapsed) <= num_requests:
            return True
        # A refused request spends nothing, so a client that retries too early is not kept out
        # longer than its own accepted requests warrant.
        cache.decr(window_key)
        self.wait_seconds = seconds_until_allowed(
            previous=previous,
            current=count - 1,
            elapsed=elapsed,
            limit=num_requests,
            duration=duration,
        )
        return False

    def wait(self) -> float | None:
        return max(1.0, getattr(self, "wait_seconds", 1.0))
