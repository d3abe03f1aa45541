"""gunicorn's configuration for Collect Desk: `gunicorn backoffice.wsgi -c deploy/gunicorn.conf.py`.

Everything an operator tunes comes from the environment (README "Deployment files"). There is
no access log: the app writes one line per request itself (logger `backoffice.request`, JSON
in production), with the request id and without the query string.
"""

import os
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


bind = [part.strip() for part in _env_str("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
workers = _env_int("GUNICORN_WORKERS", 2)
threads = _env_int("GUNICORN_THREADS", 8)
# Threads need the threaded worker class; with one thread the plain sync worker is the same.
worker_class = "gthread" if threads > 1 else "sync"
# A request longer than this is killed (the gateway's own timeouts and retry budget are far
# shorter); on SIGTERM, workers get `graceful_timeout` to finish what they are serving.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind nginx or a cloud load balancer that keeps connections to the app open.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Which proxies may set X-Forwarded-Proto/-For for gunicorn (comma list, `*` for any): the
# app's own client address comes from DJANGO_TRUSTED_PROXY_COUNT.
forwarded_allow_ips = _env_str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = None
errorlog = "-"
loglevel = _env_str("LOG_LEVEL", "info").lower()
# The workers' heartbeat files in memory: a read-only root file system has no writable /tmp
# of its own, and a disk-backed one can stall the heartbeat.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108
proc_name = "collect-desk"
# gunicorn 25+ opens a control socket under $HOME by default: the image's home is read-only,
# several instances on one host would share the path, and nothing here uses it.
control_socket_disable = True


# --- Server hooks: prometheus_client's multiprocess mode (backoffice.observability) ---------
# Imported inside the hooks, so this file loads (and gunicorn runs) without that module.


def on_starting(server) -> None:
    """In the master, before any worker: start the metrics directory afresh."""
    try:
        from backoffice.observability import gunicorn_hooks
    except ImportError:
        return
    hook = getattr(gunicorn_hooks, "on_starting", None)
    if hook is not None:
        hook(server)


def child_exit(server, worker) -> None:
    """A worker is gone: its live gauges leave the sums at /metrics."""
    try:
        from backoffice.observability import gunicorn_hooks
    except ImportError:
        return
    gunicorn_hooks.child_exit(server, worker)
