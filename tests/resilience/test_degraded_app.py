"""What the app keeps out of the cache: sessions and sign-in throttling (the database), and
grants whenever the cache is not shared or fails."""

from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import cache
from django.test import Client

from backoffice.cache import cache_status
from backoffice.grants import user_grants
from tests.network import free_port
from tests.resilience.conftest import cache_entry


@pytest.fixture
def raising_cache(settings):
    """Django's own Redis backend at a closed port: every operation raises."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    settings.GRANTS_CACHE_SECONDS = 300


@pytest.fixture
def degraded_cache(settings):
    settings.CACHES = {"default": cache_entry(f"redis://127.0.0.1:{free_port()}/0",
                                              retry_seconds=60)}
    settings.GRANTS_CACHE_SECONDS = 300
    cache.get("anything")  # refused: degraded from here on
    assert cache_status() == "degraded"


def test_sessions_and_throttling_are_kept_in_the_database():
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    assert issubclass(store, DatabaseSessionStore)
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_sign_in_and_its_throttling_work_with_a_cache_that_raises(raising_cache, agent_user,
                                                                  settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    signed_in = client.post("/accounts/login/", {"username": "agent1",
                                                 "password": "pw-agent1"})
    assert signed_in.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200  # grants from the database
    stranger = Client()
    answers = [stranger.post("/accounts/login/", {"username": "agent1", "password": "no"})
               for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    locked = stranger.post("/accounts/login/", {"username": "agent1", "password": "pw-agent1"})
    assert locked.status_code == 429  # even the right password, until the cool-off


def test_grants_come_from_the_database_when_the_cache_raises(raising_cache, agent_user):
    grants = user_grants(agent_user)
    assert "agent" in grants.groups
    assert "backoffice.view_debtors" in grants.permissions


def test_grants_are_not_kept_in_a_degraded_cache(degraded_cache, agent_user,
                                                 django_assert_num_queries):
    assert "agent" in user_grants(agent_user).groups
    assert cache.get(f"grants:{agent_user.pk}") is None
    next_request = User.objects.get(pk=agent_user.pk)  # a fresh user object
    with django_assert_num_queries(2):  # read again: permissions and groups
        assert "agent" in user_grants(next_request).groups


def test_grants_are_kept_while_the_cache_is_shared(redis_server, settings, agent_user,
                                                   django_assert_num_queries):
    settings.CACHES = {"default": cache_entry(redis_server.url)}
    settings.GRANTS_CACHE_SECONDS = 300
    user_grants(agent_user)
    assert cache.get(f"grants:{agent_user.pk}") is not None
    next_request = User.objects.get(pk=agent_user.pk)
    with django_assert_num_queries(0):
        assert "agent" in user_grants(next_request).groups
