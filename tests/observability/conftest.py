"""Fixtures for the observability tests: the JSON log lines as an operator's collector sees
them, and a fresh interpreter with a chosen environment."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from backoffice.observability.logs import JsonFormatter, RequestContextFilter
from tests.conftest import ROOT

LOGGERS = ("backoffice.request", "backoffice.gateway")


class JsonLines:
    """The lines the app's console handler would write with LOG_FORMAT=json."""

    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.handler.addFilter(RequestContextFilter())

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self, logger: str | None = None) -> list[dict]:
        parsed = [json.loads(line) for line in self.text.splitlines() if line.strip()]
        return [line for line in parsed if logger is None or line["logger"] == logger]

    def requests(self) -> list[dict]:
        """The app's request lines (the sandbox mounted in the live server logs its own)."""
        return [line for line in self.lines("backoffice.request")
                if not line["route"].startswith("sandbox")]


@pytest.fixture
def json_lines():
    lines = JsonLines()
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.INFO)
        logger.addHandler(lines.handler)
    yield lines
    for logger, level in saved:
        logger.removeHandler(lines.handler)
        logger.setLevel(level)


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 64,
    "DJANGO_ALLOWED_HOSTS": "desk.example",
}
_PREFIXES = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "APTIC_", "LOG_", "METRICS_", "OTEL_",
             "PROMETHEUS_")


def clean_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
    env.update(COLLECT_DESK_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="backoffice.settings")
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str],
               timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter at the project root (and fails if it fails)."""
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done
