"""Readers for the deployment files, so the tests can hold them against the code and the README.

Docker cannot run on these machines: the Dockerfile is read instruction by instruction, the
compose file and the Kubernetes manifests as YAML, the README's configuration tables as rows.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
DEPLOY = ROOT / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
NGINX_CONF = DEPLOY / "nginx.conf"
K8S = DEPLOY / "k8s"
README = ROOT / "README.md"

BIN = Path(sys.executable).parent
APP_IMAGE = "collect-desk"  # the image name in the manifests (kustomization `images` maps it)

# The interpreter's and pip's own variables: not settings of the app.
RUNTIME_VARIABLES = re.compile(r"^(PATH|PYTHON[A-Z_]*|PIP_[A-Z_]+)$")
# Names that hold a secret (APTIC_TOKEN_URL does not).
SECRET_NAME = re.compile(r"SECRET|PASSWORD|_TOKEN$|_KEY$")


# --- Dockerfile ------------------------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    value: str


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [i.value for i in self.instructions if i.keyword == keyword]

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for value in self.all("ENV"):
            for pair in shlex.split(value):
                key, _, item = pair.partition("=")
                values[key] = item
        return values


@dataclass
class Dockerfile:
    args: dict[str, str]
    stages: list[Stage]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def resolve(self, text: str) -> str:
        return re.sub(r"\$\{(\w+)\}", lambda m: self.args.get(m.group(1), m.group(0)), text)

    def json_form(self, keyword: str) -> list[str]:
        """The exec form (a JSON list) of the final stage's CMD, or of HEALTHCHECK's CMD."""
        value = self.final.all(keyword)[-1]
        if keyword == "HEALTHCHECK":
            value = value[value.index("CMD") + 3 :]
        return json.loads(value)

    def healthcheck_options(self) -> dict[str, str]:
        value = self.final.all("HEALTHCHECK")[-1]
        return dict(re.findall(r"--([a-z-]+)=(\S+)", value[: value.index("CMD")]))


def _logical_lines(text: str) -> Iterator[str]:
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        yield (pending + line).strip()
        pending = ""


def read_dockerfile(path: Path = DOCKERFILE) -> Dockerfile:
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(path.read_text()):
        keyword, _, value = line.partition(" ")
        keyword, value = keyword.upper(), value.strip()
        if keyword == "ARG" and not stages:
            name, _, default = value.partition("=")
            args[name] = default
        elif keyword == "FROM":
            parts = value.split()
            name = parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else ""
            stages.append(Stage(base=parts[0], name=name))
        elif stages:
            stages[-1].instructions.append(Instruction(keyword, value))
    return Dockerfile(args=args, stages=stages)


def dockerignore_patterns() -> list[str]:
    return [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


# --- YAML: compose and Kubernetes -------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def kustomization() -> dict[str, Any]:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def manifest_files() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def manifests() -> list[dict[str, Any]]:
    return [
        doc
        for path in manifest_files()
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def manifest(kind: str, name: str) -> dict[str, Any]:
    for doc in manifests():
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise LookupError(f"no {kind} {name} in deploy/k8s")


def pod_specs() -> dict[str, dict[str, Any]]:
    """Every pod template in the manifests, by `Kind/name`."""
    specs = {}
    for doc in manifests():
        spec = doc.get("spec", {})
        if doc["kind"] in {"Deployment", "Job"}:
            specs[f"{doc['kind']}/{doc['metadata']['name']}"] = spec["template"]["spec"]
        elif doc["kind"] == "CronJob":
            pod = spec["jobTemplate"]["spec"]["template"]["spec"]
            specs[f"CronJob/{doc['metadata']['name']}"] = pod
    return specs


# --- Environment files and the README ----------------------------------------------------------


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def readme_variables() -> set[str]:
    """The variables the README's tables list: rows that begin with a `NAME` cell."""
    return set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", README.read_text(), re.MULTILINE))


def split_shell(command: list[str]) -> list[list[str]]:
    """`sh -c "a && b"` as its commands [[a...], [b...]]; any other command as itself."""
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in command[2].split("&&")]
    return [command]


def app_image_services() -> dict[str, dict]:
    """The compose services that run the app's image (those that build it)."""
    return {name: s for name, s in compose()["services"].items() if "build" in s}


def app_container() -> dict:
    pod = manifest("Deployment", "collect-desk-app")["spec"]["template"]["spec"]
    return pod["containers"][0]


# --- Running the files' commands here -----------------------------------------------------------


def tool(name: str) -> str:
    """A command-line tool of the dev extra, in this interpreter's environment."""
    path = BIN / name
    assert path.exists(), f"{name} is missing: `make install` installs the dev extra"
    return str(path)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The image's ENV, with what a deployment adds, for running its commands here."""
    keep = {k: v for k, v in os.environ.items() if RUNTIME_VARIABLES.match(k)}
    image_env = read_dockerfile().final.env()
    image_env.pop("PATH")
    env = {
        **keep,
        **image_env,
        # The image's PATH starts with its virtual environment; here, with ours.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLLECT_DESK_VAR_DIR": str(tmp_path / "var"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "desk.example.com,localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
    }
    env.update(extra)
    return env
