"""Django's Redis cache backend, with one Redis client per connection pool.

Django's `RedisCacheClient` builds a new `redis.Redis` for every cache operation, and building
one registers some 170 response callbacks: most of the CPU a cache read costs. The gateway
reads the cache twice for every upstream call (the shared token, the breaker's state), so the
debtor 360 (six calls side by side) spent about 20 ms of CPU per page on building clients
(bench/pages.py, against the local-memory cache). A `redis.Redis` is safe to share between
threads (each command takes a connection from the pool), so one per pool is kept. Django
documents `get_client()` as the place for such a custom client.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            with self._clients_lock:
                client = self._clients.get(id(pool))
                if client is None:
                    client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache` with `ReusingRedisCacheClient`."""

    def __init__(self, server: Any, params: dict[str, Any]):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
