"""`manage.py sandbox_serve --processes N`: forked workers on one port, one set of counters."""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.network import free_port

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = 12


def _children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def _connections_held(pid: int) -> int:
    """The TCP sockets a worker has open, less the listening socket it shares."""
    fds = Path(f"/proc/{pid}/fd")
    sockets = 0
    for fd in fds.iterdir():
        try:
            sockets += os.readlink(fd).startswith("socket:")
        except OSError:
            continue
    return sockets - 1


@pytest.fixture
def forked_sandbox(tmp_path):
    env = {**os.environ, "APTIC_SANDBOX": "true", "DJANGO_DEBUG": "true",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'backoffice.sqlite3'}",
           "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.sqlite3'}"}
    port = free_port()
    log = open(tmp_path / "sandbox.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "sandbox_serve", "--port", str(port),
         "--processes", "2", "--migrate"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/sandbox"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/api/v1/ping", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((tmp_path / "sandbox.log").read_text()) from None
                time.sleep(0.2)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        log.close()


def test_every_worker_counts_into_the_same_stats(forked_sandbox):
    proc, url = forked_sandbox
    workers = _children(proc.pid)
    assert len(workers) == 2
    token = httpx.post(f"{url}/oauth/token", data={"grant_type": "client_credentials"},
                       auth=("sandbox-client", "sandbox-secret"), timeout=10)
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    clients = [httpx.Client(base_url=url, headers=bearer, timeout=10)
               for _ in range(CONNECTIONS)]
    try:
        clients[0].delete("/control/stats").raise_for_status()
        clients[0].put("/control/faults", json={"latencyMs": 50}).raise_for_status()
        with ThreadPoolExecutor(CONNECTIONS) as pool:  # each client keeps its connection
            answers = list(pool.map(lambda c: c.get("/api/v1/ping"), clients * 3))
        assert [a.status_code for a in answers] == [200] * CONNECTIONS * 3
        # The fault set through one worker delayed the calls of both.
        assert min(a.elapsed.total_seconds() for a in answers) >= 0.05
        held = [_connections_held(pid) for pid in workers]
        assert sum(held) >= CONNECTIONS
        assert all(held), f"one worker served every connection: {held}"
        clients[0].delete("/control/faults").raise_for_status()
        stats = clients[1].get("/control/stats").json()
    finally:
        for client in clients:
            client.close()
    assert stats["byOperation"] == {"GET ping": CONNECTIONS * 3}
    assert [c["path"] for c in stats["recent"]] == ["/sandbox/api/v1/ping"] * CONNECTIONS * 3


def test_sigterm_stops_every_worker(forked_sandbox):
    proc, _url = forked_sandbox
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def test_processes_must_be_positive():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="at least 1"):
        call_command("sandbox_serve", "--processes", "0")
