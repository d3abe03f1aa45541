"""The deployment files in step with the code and the README: every command they run exists
and its options parse, the health paths resolve, every variable they set is documented and
read, every variable the settings and the gunicorn config read is documented.

The other tests of the deployment files: test_dockerfile, test_gunicorn_config, test_compose,
test_kubernetes beside this file.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import get_commands, load_command_class
from django.urls import Resolver404, resolve

from tests.deploy import files
from tests.deploy.files import app_container, app_image_services

HEALTH_PATHS = {"/livez", "/readyz", "/healthz"}  # fixed up front for issue 16


def _commands() -> list[tuple[str, list[str]]]:
    """Every command line the deployment files run, with where it is from."""
    found = [("Dockerfile CMD", files.read_dockerfile().json_form("CMD"))]
    for name, service in files.compose()["services"].items():
        if "build" in service and "command" in service:
            found += [(f"compose {name}", c) for c in files.split_shell(service["command"])]
    for name, pod in files.pod_specs().items():
        for container in pod["containers"]:
            if "command" in container:
                found.append((name, container["command"]))
    return found


def test_every_command_the_files_run_exists_and_its_options_parse():
    commands = get_commands()
    seen = set()
    for where, argv in _commands():
        if argv[0] == "gunicorn":
            module = argv[1]
            assert (files.ROOT / (module.replace(".", "/") + ".py")).exists(), where
            assert (files.ROOT / argv[argv.index("--config") + 1]).exists(), where
            continue
        assert argv[:2] == ["python", "manage.py"], where
        name, args = argv[2], argv[3:]
        assert name in commands, f"{where}: manage.py {name} does not exist"
        parser = load_command_class(commands[name], name).create_parser("manage.py", name)
        parser.parse_args(args)  # exits (SystemExit) on an unknown option
        seen.add(name)
    assert {"db_worker", "migrate", "jobs_enqueue", "sandbox_serve"} <= seen


def test_the_health_paths_resolve():
    used = {app_container()[k]["httpGet"]["path"] for k in ("livenessProbe", "readinessProbe")}
    used |= set(re.findall(r"/[a-z]+z\b", files.read_dockerfile().final.all("HEALTHCHECK")[0]))
    assert used <= HEALTH_PATHS
    for path in HEALTH_PATHS:
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{path} does not resolve in backoffice.urls")


def _app_variables() -> dict[str, str]:
    """Every variable the files set for the app's processes, with where it is set."""
    found = {name: "Dockerfile ENV" for name in files.read_dockerfile().final.env()}
    for name, service in app_image_services().items():
        found |= {key: f"compose {name}" for key in service.get("environment", {})}
    config = files.manifest("ConfigMap", "collect-desk-config")["data"]
    secret = files.manifest("Secret", "collect-desk-secrets")["stringData"]
    found |= {key: "ConfigMap" for key in config} | {key: "Secret" for key in secret}
    for name, pod in files.pod_specs().items():
        for container in pod["containers"]:
            found |= {e["name"]: name for e in container.get("env", [])}
    return {k: v for k, v in found.items() if not files.RUNTIME_VARIABLES.match(k)}


def test_every_variable_the_files_set_is_in_the_readme():
    documented = files.readme_variables()
    missing = {k: v for k, v in _app_variables().items() if k not in documented}
    missing |= {k: ".env.example" for k in files.env_example() if k not in documented}
    assert not missing, f"not in the README's tables: {missing}"


# Read by a library rather than by our code.
LIBRARY_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR": "prometheus_client's multiprocess mode"}


def test_every_variable_the_files_set_is_read_by_the_code():
    sources = [files.GUNICORN_CONF, *files.ROOT.glob("backoffice/**/*.py")]
    text = "\n".join(p.read_text() for p in sources if "migrations" not in p.parts)
    unread = {
        name: where for name, where in _app_variables().items()
        if f'"{name}"' not in text and name not in LIBRARY_VARIABLES
    }
    assert not unread, f"set but read by nothing: {unread}"


def test_every_variable_the_settings_and_gunicorn_read_is_in_the_readme():
    pattern = re.compile(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"')
    read = set()
    for path in (files.ROOT / "backoffice" / "settings.py", files.GUNICORN_CONF):
        read |= set(pattern.findall(path.read_text()))
    assert {"GUNICORN_WORKERS", "GUNICORN_THREADS", "DJANGO_SECRET_KEY"} <= read
    assert not read - files.readme_variables()
