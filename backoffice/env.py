"""Reading settings from the environment: typed getters and URL parsers for databases and caches."""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_number[N: (int, float)](name: str, default: N, kind: type[N], what: str) -> N:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {what}, not {raw!r}") from exc


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, *, conn_max_age: int = 60) -> dict:
    """A Django DATABASES entry from a URL; SQLite gets WAL and immediate transactions.

    WAL and IMMEDIATE let the threaded dev and sandbox servers write side by side without
    "database is locked" errors. Connections are kept (`conn_max_age`) on SQLite too: a
    request thread then skips opening the file and running the PRAGMAs, about a millisecond
    of every page.
    """
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Unsupported database URL {url!r}: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
        name = config.get("NAME")
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
    return config


# Numeric options a cache URL's query may set (redis-py wants numbers, the query gives text).
_NUMERIC_CACHE_OPTIONS = {"socket_timeout", "socket_connect_timeout", "retry_seconds",
                          "health_check_interval", "max_connections"}


def cache_from_url(url: str, *, connect_timeout: float = 0.25, read_timeout: float = 0.5,
                   retry_seconds: float = 5.0) -> dict:
    """A Django CACHES entry from `locmem://[name]`, `redis://host:port/db` or `dummy://`.

    Redis gets short socket timeouts and the retry interval of its degraded mode (see
    backoffice/cache.py); the URL's query may override them (`?socket_timeout=2`).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc or "collect-desk",
        }
    if scheme in {"redis", "rediss"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        prefix = query.pop("prefix", "collect-desk")
        options: dict = {
            "socket_connect_timeout": connect_timeout,
            "socket_timeout": read_timeout,
            "retry_seconds": retry_seconds,
        }
        for key, value in query.items():
            options[key] = _cache_option(url, key, value)
        return {
            "BACKEND": "backoffice.cache.RedisCache",  # Django's, degrading, one client per pool
            "LOCATION": url.split("?", 1)[0],
            "KEY_PREFIX": prefix,
            "OPTIONS": options,
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"Unsupported cache URL {url!r}: use locmem://, redis:// or dummy://")


def _cache_option(url: str, key: str, value: str) -> str | float:
    if key not in _NUMERIC_CACHE_OPTIONS:
        return value
    try:
        return float(value) if key != "max_connections" else int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{key} in the cache URL {url!r} must be a number") from exc
