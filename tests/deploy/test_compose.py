"""compose.yaml against the compose-spec schema, its process set, .env.example and nginx.conf
(`nginx -t` with Debian's nginx, which `make test` installs)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.deploy import files
from tests.deploy.files import app_image_services, tool


def test_compose_matches_the_compose_spec():
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
         str(files.COMPOSE)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_schema_check_catches_a_typo(tmp_path):
    bad = tmp_path / "compose.yaml"
    bad.write_text(files.COMPOSE.read_text().replace("stop_grace_period:", "stop_grace_perod:"))
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(bad)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode != 0 and "stop_grace_perod" in result.stdout


def test_compose_runs_the_whole_process_set():
    services = files.compose()["services"]
    app_like = app_image_services()
    # Two app instances on the image's default command (gunicorn), a worker, a migration.
    apps = sorted(name for name, s in app_like.items() if "command" not in s)
    assert apps == ["app1", "app2"]
    assert app_like["worker"]["command"] == ["python", "manage.py", "db_worker"]
    steps = files.split_shell(app_like["migrate"]["command"])
    assert ["python", "manage.py", "migrate", "--noinput"] in steps
    assert ["python", "manage.py", "migrate", "--database", "sandbox", "--noinput"] in steps
    assert app_like["migrate"]["environment"]["APTIC_SANDBOX"] == "true"
    assert app_like["sandbox"]["command"][:3] == ["python", "manage.py", "sandbox_serve"]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert any(v.startswith("./deploy/nginx.conf:") for v in services["nginx"]["volumes"])
    # Only nginx is published on the host.
    assert [name for name, s in services.items() if "ports" in s] == ["nginx"]


def test_compose_starts_things_in_order_and_knows_when_they_are_up():
    services = files.compose()["services"]
    for name in ("app1", "app2", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"] == {"condition": "service_completed_successfully"}
        for dependency in ("postgres", "redis", "sandbox"):
            assert needs[dependency] == {"condition": "service_healthy"}
    assert services["nginx"]["depends_on"] == {
        "app1": {"condition": "service_healthy"}, "app2": {"condition": "service_healthy"},
    }
    for name, service in services.items():
        check = service.get("healthcheck")
        if name in ("app1", "app2"):
            assert check is None  # the image's HEALTHCHECK on /livez
        elif name in ("worker", "migrate"):
            assert check == {"disable": True}
        else:
            assert check["test"][0] == "CMD", name
    # The app talks to the sandbox over the compose network, as to a real Aptic.
    app_env = services["app1"]["environment"]
    assert app_env["APTIC_SANDBOX"] == "false"
    assert app_env["APTIC_BASE_URL"] == "http://sandbox:8001/sandbox/api/v1"
    assert "--port" in services["sandbox"]["command"]
    assert services["sandbox"]["command"][-1] == "8001"


def test_env_example_and_compose_agree():
    text = files.COMPOSE.read_text()
    referenced = set(re.findall(r"\$\{(\w+)", text))
    required = set(re.findall(r"\$\{(\w+):\?", text))
    example = files.env_example()
    assert required <= set(example), "every variable compose requires has a placeholder"
    assert set(example) <= referenced, "every variable in .env.example is used"
    # Placeholders, never a real secret.
    for name, value in example.items():
        if files.SECRET_NAME.search(name):
            assert value == "replace-me", name


# --- nginx --------------------------------------------------------------------------------------


def _nginx() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: `make nginx` installs Debian's nginx-light"
    return nginx


def test_nginx_config_passes_nginx_t(tmp_path):
    """`nginx -t` resolves upstream names: the compose service names become loopback here."""
    text = files.NGINX_CONF.read_text()
    upstreams = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", text, re.MULTILINE)
    assert upstreams
    for host, port in upstreams:
        text = text.replace(f"server {host}:{port}", f"server 127.0.0.1:{port}")
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    result = subprocess.run(
        [_nginx(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_t_would_catch_a_broken_config(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(files.NGINX_CONF.read_text().replace("proxy_pass", "proxy_passs", 1))
    result = subprocess.run(
        [_nginx(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode != 0


def test_nginx_balances_the_compose_app_instances():
    text = files.NGINX_CONF.read_text()
    upstreams = set(re.findall(r"^\s*server\s+([\w.-]+:\d+)", text, re.MULTILINE))
    port = files.read_dockerfile().final.env()["GUNICORN_BIND"].rsplit(":", 1)[1]
    apps = [n for n, s in app_image_services().items() if "command" not in s]
    assert upstreams == {f"{name}:{port}" for name in apps}
    listen = re.search(r"^\s*listen\s+(\d+);", text, re.MULTILINE).group(1)
    assert files.compose()["services"]["nginx"]["ports"][0].endswith(f":{listen}")
    # No query strings in its log, and a POST is never sent twice.
    log_format = text[text.index("log_format"): text.index("access_log")]
    assert not re.search(r"\$(request|args|query_string|request_uri)\b", log_format)
    retries = re.findall(r"^\s*proxy_next_upstream\s+([^;]*);", text, re.MULTILINE)
    assert retries and all("non_idempotent" not in r for r in retries)
