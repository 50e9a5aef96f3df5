"""Django's Redis cache, keeping one `redis.Redis` per connection pool.

Django builds a new client object for every cache call, and building one copies redis-py's
table of some 170 response callbacks: on a role page served whole from the cache that was a
tenth of the request. The client is thread-safe (it takes a connection from the pool per
command), so one per pool serves every thread.

And `clear()` deletes the cache's own keys only: Django's flushes the whole Redis database,
which the Celery broker shares (both read REDIS_URL), so clearing the cache took every queued
task and the workers' queue bindings with it.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # the same steps as Django's, through helpers its stubs leave out
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django._get_connection_pool(write)
            client = self._clients[index] = django._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    # Keys deleted a command; SCAN reads about as many a step.
    CLEAR_BATCH = 1000

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def clear(self) -> None:
        """Deletes every key of this cache (its KEY_PREFIX, any version) and nothing else."""
        client = self._cache.get_client(write=True)
        pattern = f"{self.key_prefix}:*"
        batch: list[Any] = []
        for key in client.scan_iter(match=pattern, count=self.CLEAR_BATCH):
            batch.append(key)
            if len(batch) >= self.CLEAR_BATCH:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
