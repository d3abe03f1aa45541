"""backoffice.cache.RedisCache: Django's Redis backend with one client per connection pool.

Building a client opens no connection, so these run without a Redis server; the whole suite
on Redis (.ci/run, step 3) exercises the backend for real (the gateway's token and breaker).
"""

import threading

import redis

from backoffice.cache import RedisCache, ReusingRedisCacheClient


def _backend(location: str = "redis://127.0.0.1:1/0") -> RedisCache:
    return RedisCache(location, {"OPTIONS": {"socket_timeout": 1}})


def test_one_client_is_built_per_pool_and_reused():
    cache = _backend()
    assert isinstance(cache._cache, ReusingRedisCacheClient)
    first = cache._cache.get_client("a")
    assert isinstance(first, redis.Redis)
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: one pool
    assert first.connection_pool is cache._cache._get_connection_pool(False)


def test_threads_share_the_client():
    client = _backend()._cache  # (Django builds it once per cache object, per thread)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(client.get_client()))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1


def test_replicas_get_a_client_each():
    cache = _backend("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0")
    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client()  # reads go to the replica
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["port"] == 1
    assert reader.connection_pool.connection_kwargs["port"] == 2
    assert cache._cache.get_client() is reader
