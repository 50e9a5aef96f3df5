"""The Redis cache keeps one client per connection pool instead of building one a call."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_every_cache_call_reuses_one_redis_client(redis_url: str) -> None:
    backend = cache._cache  # Django's client for the configured servers

    first, second = backend.get_client(), backend.get_client(write=True)
    cache.set("cache-test-key", "value", 30)

    assert first is second
    assert cache.get("cache-test-key") == "value"
    assert backend.get_client() is first
    cache.delete("cache-test-key")
