"""Redis is a cache, not a dependency: a real `redis-server` started by the test, stopped
mid-run (SIGKILL) and started again on the same port, with the app's cache pointed at it.

Signed in as an admin (and an agent), the main pages are walked three times: with Redis up
(the token and grants are shared through it), with Redis killed (every page still 200, the
admin banner and one WARNING say the cache is degraded, a token is fetched into this
process's memory, grants come from the database, sign-in and its throttling work), and with
Redis back (sharing resumes: another process reads what this one wrote and the other way
round, the banner is gone, one INFO says so, and a role removed during the outage stays
removed instead of coming back from Redis's stale copy)."""

import json
import logging
import os
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.test import Client

from backoffice.cache import cache_status
from backoffice.gateway import get_gateway, reset_for_tests
from backoffice.grants import user_grants
from tests.conftest import ROOT
from tests.resilience.conftest import cache_entry
from tests.resilience.redis_server import RedisServer

BANNER = "data-cache-banner"


@pytest.fixture
def outage(aptic, redis_server, settings):
    """The app's cache on the test's own Redis, grants kept in it as in production."""
    settings.CACHES = {"default": cache_entry(redis_server.url, retry_seconds=0.5)}
    settings.GRANTS_CACHE_SECONDS = 300
    assert cache_status() == "shared"
    reset_for_tests()
    yield redis_server
    reset_for_tests()


@pytest.fixture
def debtor(sandbox_api) -> dict:
    created = sandbox_api.create_debtor(lastname="Outageson")
    sandbox_api.add_case(created["debtorGuid"], remainingPrincipal=5000)
    return created


def signed_in(user) -> Client:
    client = Client()
    answer = client.post("/accounts/login/",
                         {"username": user.username, "password": "pw-" + user.username})
    assert answer.status_code == 302, "sign-in failed"
    return client


def main_pages(debtor: dict) -> list[str]:
    guid = debtor["debtorGuid"]
    return ["/work/", "/debtors/?q=Outageson", f"/debtors/{guid}/",
            f"/debtors/{guid}/plans/new", "/approvals/", "/audit/"]


def walk(client: Client, pages: list[str]) -> dict[str, str]:
    """Each page's HTML; fails on any page that does not answer 200."""
    answers = {path: client.get(path) for path in pages}
    wrong = {path: a.status_code for path, a in answers.items() if a.status_code != 200}
    assert not wrong, f"pages that did not answer 200: {wrong}"
    return {path: a.content.decode() for path, a in answers.items()}


def token_key() -> str:
    return cache.make_key(get_gateway().pipeline.tokens.cache_key)


def other_process(redis_url: str, prefix: str, read: str, write: str) -> str | None:
    """Another Django process on the same CACHE_URL: reads `read`, writes `write` = "theirs"."""
    code = (f"from django.core.cache import cache; import json; "
            f"print(json.dumps(cache.get({read!r}))); cache.set({write!r}, 'theirs', 60)")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CACHE_", "DATABASE_URL", "SANDBOX_DATABASE_URL"))}
    env.update(CACHE_URL=f"{redis_url}?prefix={prefix}", DJANGO_DEBUG="true")
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
                          env=env, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_until_restored(client: Client, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while cache_status() != "shared":
        assert time.monotonic() < deadline, "the cache did not come back"
        client.get("/livez")
        cache.get("probe")  # any cache operation past the retry time tries Redis again
        time.sleep(0.1)


def test_every_page_answers_through_a_redis_outage(outage, debtor, admin_user, agent_user,
                                                  caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="backoffice.cache")
    redis = outage.client()
    pages = main_pages(debtor)
    admin = signed_in(admin_user)
    agent = signed_in(agent_user)
    tokens = get_gateway().pipeline.tokens

    # 1. Redis up: everything through it.
    html = walk(admin, pages)
    assert not any(BANNER in page for page in html.values())
    assert redis.exists(token_key()) == 1  # the token is shared
    assert agent.get("/debtors/").status_code == 200  # its grants came with its row
    user_grants(type(agent_user).objects.get(pk=agent_user.pk))  # a user loaded otherwise:
    assert redis.exists(cache.make_key(f"grants:{agent_user.pk}")) == 1  # kept in Redis
    fetched_before = tokens.fetch_count
    assert fetched_before >= 1

    # 2. Redis killed mid-run.
    port = outage.port
    outage.kill()
    walk(admin, pages)
    assert cache_status() == "degraded"  # noticed at the process's first cache operation
    html = walk(admin, pages)
    assert all(BANNER in page for page in html.values()), "the admin sees the banner"
    assert BANNER not in agent.get("/debtors/").content.decode()  # agents are not alarmed
    degraded = [r for r in caplog.records if "cache degraded" in r.getMessage()]
    assert len(degraded) == 1 and degraded[0].levelno == logging.WARNING
    # A token in this process's memory: fetched once more, then reused by every page.
    assert tokens.fetch_count == fetched_before + 1
    assert cache.get(tokens.cache_key)
    walk(admin, pages)
    assert tokens.fetch_count == fetched_before + 1
    # Grants from the database: a role taken away now is refused on the very next request.
    assert agent.get("/debtors/").status_code == 200
    assert agent.get("/audit/").status_code == 403
    # ...and not kept in this process's memory, where a change made through another process
    # (its signal drops its own memory's copy only) could go unseen.
    assert cache.get(f"grants:{agent_user.pk}") is None
    agent_user.groups.remove(Group.objects.get(name="agent"))
    assert agent.get("/debtors/").status_code == 403
    # Sessions and sign-in throttling live in the database.
    assert signed_in(admin_user).get("/work/").status_code == 200
    failed = Client().post("/accounts/login/", {"username": agent_user.username,
                                                "password": "wrong"})
    assert failed.status_code == 200
    assert AccessAttempt.objects.filter(username=agent_user.username).count() == 1
    # Health: ready (memory answers), the cache reported degraded.
    ready = admin.get("/readyz")
    assert ready.status_code == 200 and ready.json()["cache"] == "degraded"
    assert admin.get("/healthz").status_code == 200

    # 3. Redis back on the same port (empty: no persistence).
    back = RedisServer(tmp_path, port).start()
    try:
        # A stale copy of the agent's old grants, as a Redis that only lost its network would
        # still hold: dropped on restoring, because the grants changed during the outage.
        redis.set(cache.make_key(f"grants:{agent_user.pk}"), b"stale")
        wait_until_restored(admin)
        assert redis.exists(cache.make_key(f"grants:{agent_user.pk}")) == 0
        restored = [r for r in caplog.records if "cache restored" in r.getMessage()]
        assert len(restored) == 1 and restored[0].levelno == logging.INFO
        html = walk(admin, pages)
        assert not any(BANNER in page for page in html.values())
        assert agent.get("/debtors/").status_code == 403  # the removal held
        assert redis.exists(token_key()) == 1  # a token shared through Redis again
        # Another process sees what this one wrote, and this one what it wrote.
        cache.set("written-here", "ours", 60)
        prefix = caches["default"].key_prefix
        assert other_process(back.url, prefix, read="written-here", write="written-there") == (
            "ours")
        assert cache.get("written-there") == "theirs"
        ready = admin.get("/readyz")
        assert ready.status_code == 200 and ready.json()["cache"] == "ok"
    finally:
        back.kill()
