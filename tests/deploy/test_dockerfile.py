"""The Dockerfile: hadolint, its shape, and its own commands run here as the image runs them
(the build's collectstatic step; gunicorn with its config, and the HEALTHCHECK and the
Kubernetes probes against it, in production mode). Docker cannot run on these machines."""

from __future__ import annotations

import fnmatch
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import types
import urllib.request

import pytest

from tests.deploy import files
from tests.deploy.files import BIN, app_container, production_env, tool
from tests.network import free_port


def test_dockerfile_passes_hadolint():
    result = subprocess.run(
        [tool("hadolint"), "--failure-threshold", "style", str(files.DOCKERFILE)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install curl\nCMD gunicorn app\n")
    result = subprocess.run(
        [tool("hadolint"), str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # the `latest` tag


def test_dockerfile_shape():
    dockerfile = files.read_dockerfile()
    final = dockerfile.final
    # A slim Python 3.12 base with an explicit tag, never `latest`; both stages the same.
    for stage in dockerfile.stages:
        base = dockerfile.resolve(stage.base)
        assert re.fullmatch(r"python:3\.12-slim-[a-z]+(@sha256:[0-9a-f]{64})?", base), base
    assert len(dockerfile.stages) == 2
    # The dependencies from pyproject, without the dev extra.
    installs = [run for stage in dockerfile.stages for run in stage.all("RUN") if "pip " in run]
    assert installs == ["pip install --no-cache-dir ."]
    # A non-root user, by number (Kubernetes' runAsNonRoot can only verify a number).
    user = final.all("USER")[-1].split(":")
    assert all(part.isdigit() and int(part) > 0 for part in user), user
    assert final.env()["DJANGO_DEBUG"] == "false"
    assert final.env()["APTIC_SANDBOX"] == "false"
    # gunicorn with the deploy config, on the exposed port, with a health check on /livez.
    assert dockerfile.json_form("CMD") == [
        "gunicorn", "backoffice.wsgi", "--config", "deploy/gunicorn.conf.py",
    ]
    port = final.env()["GUNICORN_BIND"].rsplit(":", 1)[1]
    assert final.all("EXPOSE") == [port]
    probe = dockerfile.json_form("HEALTHCHECK")
    assert probe[:2] == ["python", "-c"] and "/livez" in probe[2] and "curl" not in probe[2]
    assert set(dockerfile.healthcheck_options()) >= {"interval", "timeout", "start-period"}


def test_dockerfile_bakes_in_no_secret():
    dockerfile = files.read_dockerfile()
    names = set(dockerfile.args)
    for stage in dockerfile.stages:
        names |= set(stage.env())
        names |= {arg.partition("=")[0] for arg in stage.all("ARG")}
    assert not [name for name in names if files.SECRET_NAME.search(name)]
    # The build's throwaway key is made at build time, in the one RUN that needs it.
    build_key = [run for run in dockerfile.final.all("RUN") if "DJANGO_SECRET_KEY" in run]
    assert len(build_key) == 1 and "secrets.token_urlsafe" in build_key[0]


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes) or (
            pattern.startswith("**/") and fnmatch.fnmatch(parts[-1], pattern[3:])
        ):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_state_and_secrets_out_and_the_code_in():
    from django.conf import settings

    patterns = files.dockerignore_patterns()
    for path in [".env", ".venv/bin/python", "var/backoffice.sqlite3", ".git/config",
                 "tests/conftest.py", "deploy/k8s/secret.yaml", "debtors/__pycache__/x.pyc"]:
        assert _ignored(path, patterns), path
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    project = sorted(a for a in apps if (files.ROOT / a).is_dir())
    assert {"backoffice", "debtors", "plans", "work", "sandbox"} <= set(project)
    needed = [f"{app}/__init__.py" for app in project] + [
        "manage.py", "pyproject.toml", "README.md", "deploy/gunicorn.conf.py",
        "templates/base.html", "static/css/app.css", "locale/sv/LC_MESSAGES/django.mo",
    ]
    for path in needed:
        assert (files.ROOT / path).exists(), path
        assert not _ignored(path, patterns), path


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The Dockerfile's collectstatic step, run here as the build runs it."""
    tmp_path = tmp_path_factory.mktemp("image")
    run = next(r for r in files.read_dockerfile().final.all("RUN") if "collectstatic" in r)
    step = next(part for part in run.split("&&") if "collectstatic" in part)
    env = production_env(tmp_path)
    env.pop("DJANGO_SECRET_KEY")  # the step makes its own
    env.pop("DJANGO_ALLOWED_HOSTS")
    result = subprocess.run(
        ["sh", "-c", step], cwd=files.ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path


def test_build_collects_compressed_fingerprinted_static_files(collected):
    static = collected / "var" / "staticfiles"
    manifest = (static / "staticfiles.json").read_text()
    assert '"css/app.css"' in manifest
    assert list(static.glob("css/app.*.css.gz")), "WhiteNoise's compressed copies"


@pytest.fixture(scope="module")
def served(collected):
    """The image's default command on a loopback port, in production mode, until the end."""
    port = free_port()
    env = production_env(
        collected, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=files.ROOT,
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    argv = files.read_dockerfile().json_form("CMD")
    argv[0] = str(BIN / argv[0])
    log = collected / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # the Dockerfile's own command
            argv, cwd=files.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not _answers(port):
        time.sleep(0.3)
    if proc.poll() is not None or not _answers(port):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        pytest.fail(f"gunicorn did not come up:\n{log.read_text()}")
    yield types.SimpleNamespace(port=port, env=env, proc=proc)
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=40)


def _answers(port: int) -> bool:
    """Any HTTP answer at all (production mode answers 400 to an unknown host)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True


def _run_healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess:
    argv = files.read_dockerfile().json_form("HEALTHCHECK")
    argv[0] = sys.executable
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=False)


def test_the_image_healthcheck_passes_against_the_image_command(served):
    result = _run_healthcheck(served.env)
    assert result.returncode == 0, result.stderr


def test_the_image_healthcheck_fails_when_nothing_answers(served):
    result = _run_healthcheck({**served.env, "GUNICORN_BIND": f"127.0.0.1:{free_port()}"})
    assert result.returncode != 0


def test_the_kubernetes_probes_pass_against_the_image_command(served):
    container = app_container()
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe = container[kind]["httpGet"]
        headers = {h["name"]: h["value"] for h in probe.get("httpHeaders", [])}
        request = urllib.request.Request(
            f"http://127.0.0.1:{served.port}{probe['path']}", headers=headers
        )
        # Kubernetes counts 200-399 as healthy, so a redirect would hide a failing check:
        # do not follow one, and demand a 200.
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=5) as response:
            assert response.status == 200, (kind, probe["path"])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_gunicorn_runs_the_configured_workers(served):
    # The master and GUNICORN_WORKERS workers, all in the master's process group.
    workers = subprocess.run(
        ["pgrep", "-g", str(served.proc.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert len(workers) >= 1 + int(served.env["GUNICORN_WORKERS"])
