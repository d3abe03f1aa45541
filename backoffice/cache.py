"""Django's Redis cache backend, made a cache rather than a dependency.

Degrading: Django's `RedisCache` raises on every operation while Redis is down, so every page
errors. This backend catches a connection error or a timeout (short socket timeouts, see
CACHE_CONNECT_TIMEOUT / CACHE_READ_TIMEOUT), marks Redis down for this process and serves
the operation from a process-local memory cache instead: the gateway's token and breaker state
then live per process, grants are read from the database (backoffice/grants.py asks
`cache_status()`), sessions and sign-in throttling never used the cache. While Redis is down
no request waits for it: operations go straight to memory until the retry time (every
CACHE_RETRY_SECONDS, with jitter so that processes do not reconnect in step), when one
operation of the process tries Redis again. The transition is logged once each way (WARNING
"cache degraded: ...", INFO "cache restored"). On restoring, the keys written or deleted
while degraded are deleted from Redis, so that nothing changed meanwhile (a role removed, a
token refused) is read back stale from before the outage; the local memory is emptied.

One client per pool: Django's `RedisCacheClient` builds a new `redis.Redis` for every cache
operation, and building one registers some 170 response callbacks: most of the CPU a cache
read costs. The gateway reads the cache twice for every upstream call (the shared token, the
breaker's state), so the debtor 360 (six calls side by side) spent about 20 ms of CPU per page
on building clients (bench/pages.py, against the local-memory cache). A `redis.Redis` is safe
to share between threads (each command takes a connection from the pool), so one per pool is
kept. Django documents `get_client()` as the place for such a custom client.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

log = logging.getLogger("backoffice.cache")

# What "Redis is not answering" looks like (a refused or dropped connection, a timeout).
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
DEFAULT_RETRY_SECONDS = 5.0
RETRY_JITTER = 0.2  # up to 20 % more, per process
MAX_PENDING_KEYS = 10_000  # keys remembered for deletion on restore
FALLBACK_MAX_ENTRIES = 5_000


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


# --- Whether Redis answers, per process --------------------------------------------------------

UP, PROBE = "up", "probe"


class CacheHealth:
    """Redis's state as this process sees it, shared by every thread's cache object (Django
    builds one per thread). A circuit breaker: up; down (memory only) until the retry time;
    then one operation probes, and its success restores sharing."""

    def __init__(self, name: str, retry_seconds: float):
        self.name = name
        self.retry_seconds = retry_seconds
        self.down_since: float | None = None  # time.time() of the transition
        self.reason = ""
        self._lock = threading.Lock()
        self._retry_at = 0.0  # time.monotonic()
        self._probing = False
        self._pending: set[str] = set()
        self._pending_overflow = False

    @property
    def degraded(self) -> bool:
        return self.down_since is not None

    def admit(self) -> str | None:
        """UP or PROBE: try Redis (PROBE: the one try after the retry time); None: use memory."""
        if self.down_since is None:
            return UP
        with self._lock:
            if self.down_since is None:
                return UP
            if self._probing or time.monotonic() < self._retry_at:
                return None
            self._probing = True
            return PROBE

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self.down_since is None
            if first:
                self.down_since = time.time()
                self.reason = f"{type(exc).__name__}: {exc}"
            jitter = 1 + random.random() * RETRY_JITTER  # spreads the processes
            self._retry_at = time.monotonic() + self.retry_seconds * jitter
            self._probing = False
        if first:
            log.warning("cache degraded: Redis %s did not answer (%s); each process uses its "
                        "own memory, retrying every %s s", self.name, self.reason,
                        self.retry_seconds)

    def remember(self, keys: list[str]) -> None:
        """Keys written or deleted while degraded: their Redis copies are dropped on restore."""
        with self._lock:
            if len(self._pending) + len(keys) > MAX_PENDING_KEYS:
                self._pending_overflow = True
            else:
                self._pending.update(keys)

    def pending(self) -> list[str]:
        with self._lock:
            return list(self._pending)

    def restored(self, replayed: list[str]) -> None:
        with self._lock:
            self._pending.difference_update(replayed)
            overflow, self._pending_overflow = self._pending_overflow, False
            seconds = time.time() - (self.down_since or time.time())
            self.down_since = None
            self.reason = ""
            self._probing = False
        log.info("cache restored: Redis %s answers again after %.1f s", self.name, seconds)
        if overflow:
            log.warning("cache restored with more than %s keys changed while degraded: some "
                        "may be stale in Redis until they expire", MAX_PENDING_KEYS)


_health: dict[tuple, CacheHealth] = {}
_health_lock = threading.Lock()


def _health_for(servers: list[str], prefix: str, retry_seconds: float) -> CacheHealth:
    key = (tuple(servers), prefix)
    with _health_lock:
        health = _health.get(key)
        if health is None:
            name = ",".join(_without_password(server) for server in servers)
            health = _health[key] = CacheHealth(name, retry_seconds)
        health.retry_seconds = retry_seconds
        return health


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rsplit('@', 1)[-1]}"


# --- The backend ---------------------------------------------------------------------------------


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with `ReusingRedisCacheClient`, falling back to process memory
    while Redis does not answer. OPTIONS["retry_seconds"]: how long to stay on memory before
    trying Redis again (the other OPTIONS go to redis-py's connection pool)."""

    def __init__(self, server: Any, params: dict[str, Any]):
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = float(options.pop("retry_seconds", DEFAULT_RETRY_SECONDS))
        params = {**params, "OPTIONS": options}
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self.health = _health_for(self._servers, self.key_prefix, retry_seconds)
        # Same prefix, version and key function as Redis; one store per process (LocMemCache
        # keeps its data per name at module level), shared by every thread.
        self._fallback = LocMemCache(
            f"degraded:{self.health.name}:{self.key_prefix}",
            {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}},
        )

    @property
    def degraded(self) -> bool:
        return self.health.degraded

    def _run(self, name: str, written: Callable[[], list[str]] | None,
             redis_call: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
        """`redis_call()` when Redis is admitted, else (or when it fails) the same operation
        on memory; `written()` names the keys an operation changes."""
        ticket = self.health.admit()
        if ticket is not None:
            try:
                replayed = self._replay() if ticket == PROBE else []
                result = redis_call()
            except REDIS_DOWN as exc:
                self.health.failed(exc)
            else:
                if ticket == PROBE:
                    self._fallback.clear()
                    self.health.restored(replayed)
                return result
        if written is not None:
            self.health.remember(written())
        return getattr(self._fallback, name)(*args, **kwargs)

    def _replay(self) -> list[str]:
        keys = self.health.pending()
        if keys:
            self._cache.delete_many(keys)
        else:
            self._cache.get_client(write=True).ping()
        return keys

    def _keys(self, *keys: Any, version: int | None = None) -> Callable[[], list[str]]:
        return lambda: [self.make_and_validate_key(key, version=version) for key in keys]

    # Django's RedisCache methods, each through _run (decr, get_or_set, the async methods and
    # the rest of BaseCache are built on these).

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> bool:
        return self._run("add", self._keys(key, version=version),
                         lambda: super(RedisCache, self).add(key, value, timeout, version),
                         key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._run("get", None,
                         lambda: super(RedisCache, self).get(key, default, version),
                         key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> None:
        return self._run("set", self._keys(key, version=version),
                         lambda: super(RedisCache, self).set(key, value, timeout, version),
                         key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT,
              version: int | None = None) -> bool:
        return self._run("touch", self._keys(key, version=version),
                         lambda: super(RedisCache, self).touch(key, timeout, version),
                         key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._run("delete", self._keys(key, version=version),
                         lambda: super(RedisCache, self).delete(key, version),
                         key, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        keys = list(keys)
        return self._run("get_many", None,
                         lambda: super(RedisCache, self).get_many(keys, version),
                         keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._run("has_key", None,
                         lambda: super(RedisCache, self).has_key(key, version),
                         key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._run("incr", self._keys(key, version=version),
                         lambda: super(RedisCache, self).incr(key, delta, version),
                         key, delta, version)

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT,
                 version: int | None = None) -> list:
        return self._run("set_many", self._keys(*data, version=version),
                         lambda: super(RedisCache, self).set_many(data, timeout, version),
                         data, timeout, version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        keys = list(keys)
        return self._run("delete_many", self._keys(*keys, version=version),
                         lambda: super(RedisCache, self).delete_many(keys, version),
                         keys, version)

    def clear(self) -> bool:
        # Memory is always emptied too: what it held belongs to an outage that may be over.
        self._fallback.clear()
        return self._run("clear", None, lambda: super(RedisCache, self).clear())


def cache_status(backend: BaseCache | None = None) -> str:
    """"shared" (Redis answers), "degraded" (Redis is down: this process's memory stands in)
    or "local" (no shared cache is configured)."""
    backend = caches["default"] if backend is None else backend
    if isinstance(backend, RedisCache):
        return "degraded" if backend.degraded else "shared"
    return "local"
