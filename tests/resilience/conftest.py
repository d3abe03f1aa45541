"""Redis for the resilience tests: a real server per test, a closed port, a silent listener."""

import uuid

import pytest

from backoffice.cache import RedisCache
from backoffice.env import cache_from_url
from tests.network import free_port
from tests.resilience.redis_server import RedisServer, SilentListener


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def silent_listener():
    listener = SilentListener()
    yield listener
    listener.close()


def cache_entry(url: str, *, retry_seconds: float = 0.3) -> dict:
    """The settings' CACHES entry for `url`, with short timeouts and a key prefix of its own
    (so that each test's degraded state and memory are its own)."""
    return cache_from_url(f"{url}?prefix=t-{uuid.uuid4().hex[:8]}", connect_timeout=0.2,
                          read_timeout=0.2, retry_seconds=retry_seconds)


def backend(entry: dict) -> RedisCache:
    """A cache object built as Django builds one per thread."""
    params = {key: value for key, value in entry.items() if key not in ("BACKEND", "LOCATION")}
    return RedisCache(entry["LOCATION"], params)


@pytest.fixture
def closed_port_entry() -> dict:
    return cache_entry(f"redis://127.0.0.1:{free_port()}/0")
