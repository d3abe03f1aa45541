"""Settings from the environment: defaults, URL parsing, and production mode's refusals.

The settings module is imported in a fresh interpreter per case, with a clean environment, so
the variables a CI run sets (DATABASE_URL, CACHE_URL, ...) do not leak into the cases.
"""

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backoffice.env import cache_from_url, database_from_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent
_PREFIXES = ("DJANGO_", "DATABASE_URL", "SANDBOX_", "CACHE_URL", "APTIC_", "AXES_", "SESSION_")

SHOW = """
import json
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG, "SECRET_KEY": s.SECRET_KEY, "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "APTIC_SANDBOX": s.APTIC_SANDBOX, "APTIC_BASE_URL": s.APTIC_BASE_URL,
    "APTIC_TOKEN_URL": s.APTIC_TOKEN_URL, "APTIC_CLIENT_ID": s.APTIC_CLIENT_ID,
    "DATABASES": {k: {"ENGINE": v["ENGINE"], "NAME": str(v["NAME"]), "HOST": v.get("HOST", "")}
                  for k, v in s.DATABASES.items()},
    "CACHE": s.CACHES["default"]["BACKEND"], "CACHE_LOCATION": s.CACHES["default"].get("LOCATION"),
    "apps": s.INSTALLED_APPS, "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE, "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT, "SESSION_COOKIE_AGE": s.SESSION_COOKIE_AGE,
    "csp": "ContentSecurityPolicyMiddleware" in " ".join(s.MIDDLEWARE),
}))
"""


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
    env["COLLECT_DESK_VAR_DIR"] = str(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "backoffice.settings"
    env.update(extra)
    return env


def _load(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup()\n" + SHOW
    return subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(tmp_path, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(tmp_path: Path, **extra: str) -> dict:
    result = _load(tmp_path, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _strong_key() -> str:
    return secrets.token_urlsafe(60)[:60]


def test_local_defaults(tmp_path):
    s = _settings(tmp_path)
    assert s["DEBUG"] is True
    assert s["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DATABASES"]["default"]["NAME"] == str(tmp_path / "backoffice.sqlite3")
    assert s["DATABASES"]["sandbox"]["NAME"] == str(tmp_path / "sandbox.sqlite3")
    assert s["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    # The sandbox is on locally and the gateway points at it by default.
    assert s["APTIC_SANDBOX"] is True
    assert "sandbox" in s["apps"]
    assert s["APTIC_BASE_URL"] == "http://127.0.0.1:8000/sandbox/api/v1"
    assert s["APTIC_TOKEN_URL"] == "http://127.0.0.1:8000/sandbox/oauth/token"
    assert s["APTIC_CLIENT_ID"] == "sandbox-client"
    assert s["SESSION_COOKIE_AGE"] == 30 * 60
    assert s["csp"] is True


def test_postgresql_and_redis_from_the_environment(tmp_path):
    s = _settings(
        tmp_path,
        DATABASE_URL="postgres://desk:secret@db.internal:5433/collect_desk",
        CACHE_URL="redis://cache.internal:6379/2",
        APTIC_SANDBOX="false",
        APTIC_BASE_URL="https://aptic.example.com/api/v1",
    )
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert s["DATABASES"]["default"]["NAME"] == "collect_desk"
    assert s["DATABASES"]["default"]["HOST"] == "db.internal"
    assert "sandbox" not in s["DATABASES"]
    assert "sandbox" not in s["apps"]
    assert s["CACHE"] == "backoffice.cache.RedisCache"
    assert s["CACHE_LOCATION"] == "redis://cache.internal:6379/2"
    assert s["APTIC_BASE_URL"] == "https://aptic.example.com/api/v1"
    assert s["APTIC_CLIENT_ID"] == ""


def test_production_with_a_real_key_is_hardened(tmp_path):
    s = _settings(
        tmp_path,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=_strong_key(),
        DJANGO_ALLOWED_HOSTS="desk.example.com, api.example.com",
    )
    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["desk.example.com", "api.example.com"]
    assert s["APTIC_SANDBOX"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short-and-weak"}, "at least 50 characters"),
        (
            {"DJANGO_SECRET_KEY": "local-development-key-never-used-in-production-5f1c9a0e7b"},
            "real secret",
        ),
        ({"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
    ],
    ids=["no-key", "weak-key", "development-key", "no-hosts"],
)
def test_production_refuses_to_start(tmp_path, env, message):
    extra = {"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "desk.example.com", **env}
    result = _load(tmp_path, **extra)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_check_deploy_prints_no_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=_clean_env(
            tmp_path,
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=_strong_key(),
            DJANGO_ALLOWED_HOSTS="desk.example.com",
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_database_url_postgresql():
    config = database_from_url("postgresql://desk:pw@127.0.0.1:5432/test")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("desk", "pw")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "test")
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_sqlite_gets_wal_and_immediate_transactions(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path / 'sub' / 'db.sqlite3'}")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["CONN_MAX_AGE"] == 60  # kept, as on PostgreSQL: no file open per request
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert (tmp_path / "sub").is_dir()


def test_database_url_unsupported():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("oracle-ish://nowhere")


def test_cache_urls():
    redis = cache_from_url("redis://127.0.0.1:6379/1?prefix=desk-a&socket_timeout=2")
    assert redis["BACKEND"] == "backoffice.cache.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert redis["KEY_PREFIX"] == "desk-a"
    # Short timeouts and the degraded mode's retry interval by default; the query may override.
    assert redis["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 2.0,
                                "retry_seconds": 5.0}
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("redis://127.0.0.1:6379/1?socket_timeout=soon")
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("dummy://")["BACKEND"].endswith("DummyCache")
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://127.0.0.1:11211")


def test_typed_getters(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    monkeypatch.setenv("X_BAD_FLAG", "perhaps")
    monkeypatch.setenv("X_NUMBER", "12")
    monkeypatch.setenv("X_BAD_NUMBER", "twelve")
    monkeypatch.setenv("X_LIST", " a, ,b ")
    assert env_bool("X_FLAG", False) is True
    assert env_bool("X_UNSET_FLAG", True) is True
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BAD_FLAG", False)
    assert env_int("X_NUMBER", 0) == 12
    with pytest.raises(ImproperlyConfigured):
        env_int("X_BAD_NUMBER", 0)
    assert env_list("X_LIST", []) == ["a", "b"]
