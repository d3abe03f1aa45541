"""deploy/gunicorn.conf.py: its values from the environment, gunicorn's own check, its hooks."""

from __future__ import annotations

import os
import subprocess
import sys
import types

from tests.deploy import files
from tests.deploy.files import production_env, tool


def _load_config(monkeypatch, **env: str) -> dict:
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import runpy

    return runpy.run_path(str(files.GUNICORN_CONF))


def test_gunicorn_config_from_the_environment(monkeypatch):
    config = _load_config(
        monkeypatch, GUNICORN_BIND="0.0.0.0:9000", GUNICORN_WORKERS="3", GUNICORN_THREADS="4",
        GUNICORN_GRACEFUL_TIMEOUT="12", GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.1",
    )
    assert config["bind"] == ["0.0.0.0:9000"]
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")
    assert config["graceful_timeout"] == 12
    assert config["forwarded_allow_ips"] == "10.0.0.1"
    assert config["accesslog"] is None  # the app logs each request itself
    assert config["control_socket_disable"] is True


def test_gunicorn_config_defaults(monkeypatch):
    config = _load_config(monkeypatch)
    assert config["bind"] == ["127.0.0.1:8000"]
    assert (config["workers"], config["threads"]) == (2, 8)
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_accepts_the_config_and_loads_the_app(tmp_path):
    result = subprocess.run(
        [tool("gunicorn"), "--check-config", "--config", str(files.GUNICORN_CONF),
         "backoffice.wsgi"],
        cwd=files.ROOT, env=production_env(tmp_path), capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_hooks_hand_over_to_observability(monkeypatch):
    config = _load_config(monkeypatch)
    calls = []
    fake = types.ModuleType("backoffice.observability.gunicorn_hooks")
    fake.child_exit = lambda server, worker: calls.append(("child_exit", server, worker))
    fake.on_starting = lambda server: calls.append(("on_starting", server))
    package = types.ModuleType("backoffice.observability")
    package.gunicorn_hooks = fake
    monkeypatch.setitem(sys.modules, "backoffice.observability", package)
    monkeypatch.setitem(sys.modules, "backoffice.observability.gunicorn_hooks", fake)
    config["on_starting"]("server")
    config["child_exit"]("server", "worker")
    assert calls == [("on_starting", "server"), ("child_exit", "server", "worker")]


def test_gunicorn_hooks_do_nothing_without_observability(monkeypatch):
    config = _load_config(monkeypatch)
    # None in sys.modules makes the import fail, as before that module exists.
    monkeypatch.setitem(sys.modules, "backoffice.observability.gunicorn_hooks", None)
    monkeypatch.setitem(sys.modules, "backoffice.observability", None)
    assert config["on_starting"]("server") is None
    assert config["child_exit"]("server", "worker") is None
