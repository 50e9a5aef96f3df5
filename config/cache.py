"""Django's Redis cache, keeping one `redis.Redis` per connection pool.

Django builds a new client object for every cache call, and building one copies redis-py's
table of some 170 response callbacks: on a role page served whole from the cache that was a
tenth of the request. The client is thread-safe (it takes a connection from the pool per
command), so one per pool serves every thread.
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
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
