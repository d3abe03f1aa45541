"""backoffice.cache.RedisCache degrades to process memory while Redis does not answer, skips
Redis until the retry time (one probe per process then), and shares again once it answers."""

import logging
import threading
import time

import pytest

from backoffice.cache import RedisCache, ReusingRedisCacheClient, cache_status
from tests.resilience.conftest import backend, cache_entry


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true"
        time.sleep(0.02)


def _records(caplog, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "backoffice.cache" and text in r.getMessage()]


def test_a_refusing_redis_serves_from_memory_and_logs_once(closed_port_entry, caplog):
    caplog.set_level(logging.INFO, logger="backoffice.cache")
    cache = backend(closed_port_entry)
    assert cache.get("token") is None  # refused: no exception
    assert cache.degraded and cache_status(cache) == "degraded"
    cache.set("token", "abc", 60)
    assert cache.get("token") == "abc"
    assert cache.add("lock", 1) is True and cache.add("lock", 1) is False
    cache.set("failures", 0)
    assert cache.incr("failures") == 1
    assert cache.get_many(["token", "failures"]) == {"token": "abc", "failures": 1}
    cache.delete_many(["token"])
    assert cache.get("token", "gone") == "gone"
    with pytest.raises(ValueError):
        cache.incr("missing")  # the same semantics as Redis's
    warnings = _records(caplog, "cache degraded")
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "ConnectionError" in warnings[0].getMessage()


def test_threads_share_the_degraded_state_and_the_memory(closed_port_entry):
    first, second = backend(closed_port_entry), backend(closed_port_entry)  # two threads' objects
    first.set("breaker", "open", 60)
    assert second.degraded
    assert second.get("breaker") == "open"


def test_a_hanging_redis_times_out_once_then_is_skipped(silent_listener, caplog):
    caplog.set_level(logging.INFO, logger="backoffice.cache")
    cache = backend(cache_entry(f"redis://127.0.0.1:{silent_listener.port}/0",
                                retry_seconds=60))
    assert cache.get("token") is None  # waited for the read timeout, once
    assert cache.degraded
    _wait_until(lambda: silent_listener.connections == 1)
    for _ in range(200):
        cache.set("token", "abc")
        assert cache.get("token") == "abc"
    time.sleep(0.2)
    assert silent_listener.connections == 1  # no reconnect before the retry time
    assert len(_records(caplog, "cache degraded")) == 1


def test_after_the_retry_time_one_probe_per_process(silent_listener):
    entry = cache_entry(f"redis://127.0.0.1:{silent_listener.port}/0", retry_seconds=0.3)
    caches = [backend(entry) for _ in range(20)]
    caches[0].get("x")
    _wait_until(lambda: silent_listener.connections == 1)
    time.sleep(0.4)  # past the retry time (0.3 s plus up to 20 %)
    answers = []
    threads = [threading.Thread(target=lambda c=c: answers.append(c.get("x", "memory")))
               for c in caches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["memory"] * 20
    time.sleep(0.2)
    assert silent_listener.connections == 2  # one probe, not twenty reconnects


def test_sharing_resumes_when_redis_comes_back(redis_server, caplog):
    caplog.set_level(logging.INFO, logger="backoffice.cache")
    entry = cache_entry(redis_server.url, retry_seconds=0.3)
    this_process, other_process = backend(entry), backend(entry)
    this_process.set("grants:7", "agent", 300)
    this_process.set("untouched", "kept", 300)
    assert other_process.get("untouched") == "kept"
    assert other_process.get("grants:7") == "agent"
    port = redis_server.port
    redis_server.kill()

    assert this_process.get("grants:7") is None  # memory is empty: read from the database
    this_process.delete("grants:7")  # the role changed during the outage...
    this_process.set("aptic:token", "local", 300)
    assert this_process.get("aptic:token") == "local"

    # Back on the same port, with its data (as a Redis that only lost the connection).
    restarted = type(redis_server)(redis_server.workdir, port).start()
    try:
        restarted.client().set(this_process.make_key("grants:7"), b"stale")
        time.sleep(0.4)
        assert this_process.get("untouched") is None  # the probe: Redis (restarted empty)
        assert not this_process.degraded and cache_status(this_process) == "shared"
        # ...so its stale copy was dropped from Redis on restoring.
        assert restarted.client().exists(this_process.make_key("grants:7")) == 0
        assert this_process.get("aptic:token") is None  # memory emptied, Redis has none
        this_process.set("aptic:token", "shared", 300)
        assert other_process.get("aptic:token") == "shared"
        restored = _records(caplog, "cache restored")
        assert len(restored) == 1 and restored[0].levelno == logging.INFO
        assert len(_records(caplog, "cache degraded")) == 1
    finally:
        restarted.kill()


def test_a_redis_that_answers_is_used_and_clients_are_still_reused(redis_server):
    cache = backend(cache_entry(redis_server.url))
    assert isinstance(cache, RedisCache)
    assert isinstance(cache._cache, ReusingRedisCacheClient)
    cache.set("k", "v")
    assert redis_server.client().exists(cache.make_key("k")) == 1
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    assert cache_status(cache) == "shared"


def test_a_local_memory_cache_is_reported_local():
    from django.core.cache import caches

    assert cache_status(caches["default"]) in {"local", "shared"}  # shared on CI's Redis
    from django.core.cache.backends.locmem import LocMemCache

    assert cache_status(LocMemCache("x", {})) == "local"
