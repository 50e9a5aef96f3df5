"""Fixed-window rate limits on the shared cache, for what allauth's limiter does not cover.

allauth already limits sign-in (per IP and per account) and sign-up (per IP); see
`ACCOUNT_RATE_LIMITS`. This module adds limits keyed by anything (a normalised email, an IP), for
sign-up per person and for the API, and tells the caller how long the lockout lasts so that the
message (or a 429's Retry-After) can say so. Limits are `settings.RATE_LIMITS[action]`, written
"<amount>/<seconds>".
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int


@dataclass(frozen=True)
class RateLimitResult:
    allowed: bool
    # Seconds until the window ends and the lockout lifts; 0 when allowed.
    retry_after: int

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def parse_limit(spec: str) -> Limit:
    amount, _, seconds = spec.partition("/")
    try:
        limit = Limit(int(amount), int(seconds))
    except ValueError:
        raise ValueError(f"rate limit {spec!r} is not written <amount>/<seconds>") from None
    if limit.amount < 1 or limit.seconds < 1:
        raise ValueError(f"rate limit {spec!r} must have a positive amount and window")
    return limit


def limit_for(action: str) -> Limit:
    return parse_limit(settings.RATE_LIMITS[action])


def _keys(action: str, key: str) -> tuple[str, str]:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    base = f"rolematch:rl:{action}:{digest}"
    return base, f"{base}:start"


def _result(count: int, start: float | None, limit: Limit) -> RateLimitResult:
    if count < limit.amount:
        return RateLimitResult(allowed=True, retry_after=0)
    started = start if start is not None else time.time()
    remaining = math.ceil(started + limit.seconds - time.time())
    return RateLimitResult(allowed=False, retry_after=max(1, remaining))


def ratelimit_check(*, action: str, key: str) -> RateLimitResult:
    """Whether one more attempt would be allowed, without counting one."""
    limit = limit_for(action)
    count_key, start_key = _keys(action, key)
    values = cache.get_many([count_key, start_key])
    return _result(int(values.get(count_key, 0)), values.get(start_key), limit)


def ratelimit_hit(*, action: str, key: str) -> RateLimitResult:
    """Counts one attempt and says whether it was within the limit."""
    limit = limit_for(action)
    count_key, start_key = _keys(action, key)
    now = time.time()
    cache.add(start_key, now, timeout=limit.seconds)
    cache.add(count_key, 0, timeout=limit.seconds)
    try:
        count = cache.incr(count_key)
    except ValueError:
        # The window expired between add and incr: this attempt opens a new one.
        cache.set(start_key, now, timeout=limit.seconds)
        cache.set(count_key, 1, timeout=limit.seconds)
        count = 1
    return _result(count - 1, cache.get(start_key, now), limit)


def ratelimit_clear(*, action: str, key: str) -> None:
    cache.delete_many(list(_keys(action, key)))


def client_ip(request: HttpRequest) -> str:
    """The client's address as allauth sees it (honours its proxy settings)."""
    return str(get_adapter().get_client_ip(request))
