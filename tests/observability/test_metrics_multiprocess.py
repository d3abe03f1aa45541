"""Multiprocess metrics: the values of several processes sharing PROMETHEUS_MULTIPROC_DIR are
summed by the scrape, whichever process answers it; with real gunicorn workers too."""

import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.network import free_port
from tests.observability.conftest import clean_env, run_python
from tests.observability.metrics_text import Scrape

REQUESTS = (
    "import django; django.setup()\n"
    "from django.test import Client\n"
    "client = Client(HTTP_HOST='127.0.0.1')\n"
    "for _ in range({n}):\n"
    "    assert client.get('/metrics').status_code == 200\n"
)
SCRAPE = (
    "import django, sys; django.setup()\n"
    "from django.test import Client\n"
    "sys.stdout.write(Client(HTTP_HOST='127.0.0.1').get('/metrics').content.decode())\n"
)


def multiprocess_env(tmp_path: Path) -> dict[str, str]:
    directory = tmp_path / "prometheus"
    directory.mkdir(exist_ok=True)
    return clean_env(
        tmp_path,
        PROMETHEUS_MULTIPROC_DIR=str(directory),
        APTIC_BASE_URL="http://127.0.0.1:9/sandbox/api/v1",  # nothing listens there
        APTIC_TOKEN_URL="http://127.0.0.1:9/sandbox/oauth/token",
        PYTHONPATH=str(ROOT),
    )


def test_two_processes_writing_to_one_directory_are_summed_by_a_third(tmp_path):
    env = multiprocess_env(tmp_path)
    run_python(REQUESTS.format(n=3), env)
    run_python(REQUESTS.format(n=2), env)
    files = sorted(p.name for p in Path(env["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"))
    assert len([f for f in files if f.startswith("counter_")]) == 2, files
    scraped = Scrape(run_python(SCRAPE, env).stdout)
    assert scraped.value("collectdesk_http_requests_total", view="metrics", status="2xx") == 5
    assert scraped.value("collectdesk_http_request_duration_seconds_count", view="metrics") == 5


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with 2 workers that each exit after 4 requests (so that many processes serve
    a short run), with the hooks deploy/gunicorn.conf.py imports."""
    import subprocess

    env = multiprocess_env(tmp_path)
    stale = Path(env["PROMETHEUS_MULTIPROC_DIR"]) / "counter_999999.db"
    stale.write_bytes(b"left over from an earlier run")
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(
        "from backoffice.observability.gunicorn_hooks import child_exit, on_starting  # noqa\n"
    )
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "backoffice.wsgi", "-c", str(config),
         "-b", f"127.0.0.1:{port}", "-w", "2", "--max-requests", "4",
         "--max-requests-jitter", "0", "--graceful-timeout", "5"],
        env=env, cwd=ROOT, stdout=log, stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/ready-probe", timeout=15)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        yield url, Path(env["PROMETHEUS_MULTIPROC_DIR"]), stale
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_gunicorn_workers_are_summed_and_dead_workers_still_count(gunicorn):
    url, directory, stale = gunicorn
    assert not stale.exists()  # on_starting emptied the directory
    with httpx.Client(base_url=url, timeout=10) as client:
        for _ in range(20):
            assert client.get("/metrics", headers={"Connection": "close"}).status_code == 200
        scraped = Scrape(client.get("/metrics").text)
    pids = {p.stem.rpartition("_")[2] for p in directory.glob("counter_*.db")}
    # 4 requests per worker: at least 5 processes served the 20 (and the probe before).
    assert len(pids) >= 5, pids
    assert scraped.value("collectdesk_http_requests_total", view="metrics", status="2xx") == 20
    assert scraped.value("collectdesk_http_requests_total", view="unmatched") >= 1  # the probe
