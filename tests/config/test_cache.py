"""The Redis cache keeps one client per connection pool instead of building one a call, and
clearing it never touches the broker's keys in the same database."""

from __future__ import annotations

from uuid import uuid4

import pytest
import redis
from django.core.cache import cache, caches

pytestmark = pytest.mark.redis


def test_every_cache_call_reuses_one_redis_client(redis_url: str) -> None:
    backend = cache._cache  # Django's client for the configured servers

    first, second = backend.get_client(), backend.get_client(write=True)
    cache.set("cache-test-key", "value", 30)

    assert first is second
    assert cache.get("cache-test-key") == "value"
    assert backend.get_client() is first
    cache.delete("cache-test-key")


def test_clearing_the_cache_leaves_the_brokers_keys_in_the_same_database(
    redis_url: str, settings
) -> None:
    prefix = f"clear-test-{uuid4().hex[:8]}"
    settings.CACHES = {
        **settings.CACHES,
        "probe": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        },
    }
    probe = caches["probe"]
    server = redis.Redis.from_url(redis_url)
    queue = f"test-queue-{uuid4().hex[:8]}"  # a Celery queue, as the broker keeps it
    server.rpush(queue, b"a queued task")
    try:
        probe.set_many({f"k{i}": i for i in range(2500)}, 60)  # more than one batch
        probe.set("old", 1, 60, version=2)

        probe.clear()

        assert server.llen(queue) == 1
        assert probe.get("k7") is None
        assert probe.get("old", version=2) is None
        assert list(server.scan_iter(match=f"{prefix}:*")) == []
    finally:
        server.delete(queue)
