"""The session store reads a session as Django's database engine does, by one plain SELECT."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from backoffice.signin import session_store

pytestmark = pytest.mark.django_db

ENGINES = [db.SessionStore, session_store.SessionStore]


def _saved(data: dict) -> str:
    store = db.SessionStore()
    store.update(data)
    store.save()
    return store.session_key


@pytest.mark.parametrize("engine", ENGINES)
def test_a_live_session_loads_its_data(engine, django_assert_num_queries):
    key = _saved({"_auth_user_id": "7", "n": 3})
    store = engine(session_key=key)
    with django_assert_num_queries(1):
        assert store.load() == {"_auth_user_id": "7", "n": 3}
    assert store.session_key == key


@pytest.mark.parametrize("engine", ENGINES)
def test_an_expired_or_unknown_session_loads_nothing_and_drops_its_key(engine):
    expired = _saved({"_auth_user_id": "7"})
    Session.objects.filter(pk=expired).update(expire_date=timezone.now() - timedelta(seconds=1))
    for key in (expired, "k" * 32):
        store = engine(session_key=key)
        assert store.load() == {}
        assert store.session_key is None


@pytest.mark.parametrize("engine", ENGINES)
def test_a_tampered_session_loads_nothing(engine):
    key = _saved({"_auth_user_id": "7"})
    Session.objects.filter(pk=key).update(session_data="not-signed:x")
    assert engine(session_key=key).load() == {}


def test_the_app_uses_it(settings):
    assert session_store.__name__ == settings.SESSION_ENGINE
