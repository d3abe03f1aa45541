"""Token handling details: loopback rule, lifetime in the cache, reuse, invalidation."""

import pytest
from django.core.cache import cache

from backoffice.gateway import Unauthorized, get_gateway
from backoffice.gateway.auth import cache_ttl, check_transport, is_loopback_url


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://127.0.0.1:8000/sandbox/oauth/token", True),
    ("http://localhost/oauth/token", True),
    ("http://[::1]:9000/t", True),
    ("http://127.8.0.1/t", True),
    ("http://10.0.0.5/t", False),
    ("http://aptic.example.com/t", False),
    ("http://localhost.example.com/t", False),
])
def test_loopback_detection(url, loopback):
    assert is_loopback_url(url) is loopback


def test_plain_http_is_allowed_on_loopback_only():
    check_transport("https://aptic.example.com/oauth/token")
    check_transport("http://127.0.0.1:8000/oauth/token")
    with pytest.raises(Unauthorized):
        check_transport("http://aptic.example.com/oauth/token")


def test_tokens_are_kept_until_shortly_before_they_expire():
    assert cache_ttl(3600) == 3540
    assert cache_ttl(300) == 270
    assert cache_ttl(5) == 4
    assert cache_ttl(1) == 1


def test_the_token_is_fetched_once_and_shared_through_the_cache(aptic, short_retries):
    gateway = get_gateway()
    tokens = gateway.pipeline.tokens
    gateway.ping()
    first = cache.get(tokens.cache_key)
    assert first
    gateway.ping()
    gateway.ping()
    assert tokens.fetch_count == 1
    tokens.invalidate("some other token")  # a stale 401 from another thread: keep ours
    assert cache.get(tokens.cache_key) == first
    tokens.invalidate(first)
    assert cache.get(tokens.cache_key) is None
    gateway.ping()
    assert tokens.fetch_count == 2 and cache.get(tokens.cache_key) != first
