"""Several app servers on one machine: nginx in front of two gunicorn instances, as production
runs them, for tests/multiserver/ and bench/several_servers.py.

On loopback, free ports, all stopped (process groups) at the end:

- Debian's nginx (installed with apt when /usr/sbin/nginx is absent) as the load balancer: a
  non-daemon master with its own prefix, pid file, logs and temporary folders in the run's
  folder; idempotent requests go to the other instance when one does not answer;
- TWO gunicorn instances of the app (separate process groups, different ports; gthread,
  2 workers x 8 threads each by default), production mode, the same secret key;
- one `manage.py db_worker`;
- the sandbox (`manage.py sandbox_serve --port`), seeded, its counters from zero;
- PostgreSQL: a database of the run's own for the app, created here and dropped at the end;
- Redis: a database number of its own (15 by default), flushed first.

The set-up, the sandbox and the signed-in `Session` are bench/stack.py's; this module adds
the second instance, nginx, the worker and PostgreSQL. `MultiStack` is a `Stack` whose
`app_url` is nginx's, so bench/stack.py's and bench/load.py's helpers take it as it is.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from stack import (
    CLIENT_ID,
    CLIENT_SECRET,
    GUNICORN,
    HOST,
    MANAGE,
    ROOT,
    Stack,
    StackOptions,
    _environments,
    _flush_cache,
    _run,
    _start,
    _stop,
    _wait_for,
    free_port,
)

NGINX = Path("/usr/sbin/nginx")
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


class StackError(RuntimeError):
    """Something the run needs is missing or did not start (a test fails on it, never skips)."""


@dataclass(frozen=True)
class MultiOptions(StackOptions):
    debtors: int = 300
    latency_ms: int = 0
    instances: int = 2
    postgres: str = field(default_factory=lambda: os.environ.get(
        "MULTISERVER_POSTGRES", DEFAULT_POSTGRES))
    cache_url: str = field(default_factory=lambda: os.environ.get(
        "MULTISERVER_REDIS", DEFAULT_REDIS))
    breaker_reset_seconds: int = 30
    nginx_workers: int = 1


@dataclass
class Instance:
    """One gunicorn app server: its master's process group and its own port."""

    name: str
    url: str
    proc: subprocess.Popen = field(repr=False)
    log: Path

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the master's process group: the master and every worker, at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


@dataclass
class MultiStack(Stack):
    instances: list[Instance] = field(default_factory=list)
    database_url: str = ""
    app_env: dict[str, str] = field(default_factory=dict, repr=False)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict, repr=False)

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """`manage.py <args>` as the production processes run (same settings, same database)."""
        return subprocess.run([*MANAGE, *args], env=self.app_env, capture_output=True,
                              text=True, timeout=timeout, check=False)

    def set_faults(self, **faults) -> None:
        self.control.put("/faults", json=faults).raise_for_status()

    def clear_faults(self) -> None:
        self.control.delete("/faults").raise_for_status()

    def process_groups(self) -> dict[str, list[int]]:
        """Live master pids by role: app (each instance), worker, sandbox, nginx."""
        groups: dict[str, list[int]] = {"app": [i.proc.pid for i in self.instances if i.alive]}
        for role, proc in self.processes.items():
            if proc.poll() is None:
                groups.setdefault(role, []).append(proc.pid)
        return groups


# --- nginx ---------------------------------------------------------------------------------------


def nginx_binary() -> Path:
    """Debian's nginx, installed with apt-get (nginx-light) when it is absent."""
    if NGINX.exists():
        return NGINX
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise StackError(f"{NGINX} is absent; install it with `apt-get install -y nginx-light`.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "nginx-light"]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
        result = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise StackError(f"apt-get install nginx-light failed:\n{result.stderr[-2000:]}")
    if not NGINX.exists():
        raise StackError(f"{NGINX} is still absent after installing nginx-light.")
    return NGINX


def nginx_config(folder: Path, *, port: int, upstreams: list[str], workers: int = 1) -> str:
    """A load balancer of its own: everything under `folder`, nothing of /etc/nginx used.

    `proxy_next_upstream error timeout`: a request that could not be sent to one instance
    (refused, reset, timed out before an answer) goes to the other; nginx never passes a
    POST on once it was sent (no `non_idempotent`), so a write in flight at a crash fails
    visibly (502) instead of being sent twice. No retry on the app's own 503 (Aptic down):
    the other instance would say the same.
    """
    servers = "\n".join(f"        server {u} max_fails=1 fail_timeout=5s;" for u in upstreams)
    # As root, the master hands the workers to `user`; keep them on the owner of the folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""# Written by bench/stack_multi.py for one run.
{user}
daemon off;
worker_processes {workers};
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 2048; }}
http {{
    log_format upstream '$remote_addr "$request" $status $request_time '
                        'upstream="$upstream_addr" upstream_status="$upstream_status"';
    access_log {folder / 'access.log'} upstream buffer=64k flush=1s;
{temp}
    upstream desk {{
{servers}
        keepalive 64;
    }}
    server {{
        listen {HOST}:{port};
        client_max_body_size 10m;
        location / {{
            proxy_pass http://desk;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
        }}
    }}
}}
"""


# --- PostgreSQL ----------------------------------------------------------------------------------


def _postgres(server: str, statement: str) -> None:
    import psycopg

    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as db:
            db.execute(statement)
    except psycopg.Error as exc:
        raise StackError(f"PostgreSQL at {server}: {exc}") from exc


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise StackError(f"Redis at {url}: {exc}") from exc


# --- The stack -----------------------------------------------------------------------------------


def _gunicorn(port: int, options: MultiOptions) -> list[str]:
    return [
        GUNICORN, "backoffice.wsgi:application", "--chdir", str(ROOT),
        "--worker-class", "gthread", "--workers", str(options.workers),
        "--threads", str(options.threads), "--bind", f"{HOST}:{port}",
        "--keep-alive", "30", "--log-level", "warning",
    ]


def _wait(url: str, proc: subprocess.Popen, log: Path) -> None:
    try:
        _wait_for(url, proc, log)
    except SystemExit as exc:  # bench/stack.py's way out, a test's failure here
        raise StackError(str(exc)) from None


def _setup(argv: list[str], env: dict[str, str], what: str) -> None:
    try:
        _run(argv, env, what)
    except SystemExit as exc:
        raise StackError(str(exc)) from None


@contextlib.contextmanager
def running_multi_stack(options: MultiOptions | None = None) -> Iterator[MultiStack]:
    options = options or MultiOptions()
    nginx = nginx_binary()
    _check_redis(options.cache_url)
    folder = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="desk-multi-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = f"desk_multi_{os.getpid()}_{secrets.token_hex(3)}"
    database_url = f"{options.postgres}/{database}"
    sandbox_port, nginx_port = free_port(), free_port()
    ports = [free_port() for _ in range(options.instances)]
    sandbox_root = f"http://{HOST}:{sandbox_port}/sandbox"
    sandbox_env, app_env, setup_env = _environments(folder, options, sandbox_root)
    shared = {"DATABASE_URL": database_url, "DJANGO_TRUSTED_PROXY_COUNT": "1",
              "APTIC_BREAKER_RESET_SECONDS": str(options.breaker_reset_seconds)}
    app_env.update(shared)
    setup_env.update(shared)

    _postgres(options.postgres, f'CREATE DATABASE "{database}"')
    procs: list[subprocess.Popen] = []
    api = control = None
    try:
        print(f"Set-up in {folder} (database {database}): migrating, seeding "
              f"{options.debtors} debtors, static files...", flush=True)
        _setup([*MANAGE, "migrate", "--database", "sandbox", "--noinput"], sandbox_env,
               "sandbox migrate")
        _setup([*MANAGE, "sandbox_seed", "--debtors", str(options.debtors), "--seed",
                str(options.seed)], sandbox_env, "sandbox_seed")
        _setup([*MANAGE, "migrate", "--noinput"], app_env, "migrate")
        _setup([*MANAGE, "collectstatic", "--noinput", "-v", "0"], app_env, "collectstatic")
        _setup([*MANAGE, "seed_demo_users"], setup_env, "seed_demo_users")
        _flush_cache(options.cache_url)

        sandbox_log = folder / "sandbox.log"
        procs.append(_start([*MANAGE, "sandbox_serve", "--port", str(sandbox_port)],
                            sandbox_env, sandbox_log))
        sandbox = procs[-1]
        _wait(f"{sandbox_root}/api/v1/ping", sandbox, sandbox_log)
        # The harness's own token, then the counters from zero: every token counted from here
        # on was asked for by the app instances.
        token = httpx.post(f"{sandbox_root}/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET),
                           data={"grant_type": "client_credentials"}, timeout=10)
        token.raise_for_status()
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        api = httpx.Client(base_url=f"{sandbox_root}/api/v1", headers=bearer, timeout=30)
        control = httpx.Client(base_url=f"{sandbox_root}/control", headers=bearer, timeout=30)
        control.delete("/stats").raise_for_status()
        control.delete("/faults").raise_for_status()

        instances = []
        for number, port in enumerate(ports):
            name = "ab"[number] if number < 2 else str(number)
            log = folder / f"gunicorn-{name}.log"
            procs.append(_start(_gunicorn(port, options), app_env, log))
            instances.append(Instance(name=name, url=f"http://{HOST}:{port}", proc=procs[-1],
                                      log=log))
        worker_log = folder / "worker.log"
        procs.append(_start([*MANAGE, "db_worker", "--no-reload"], app_env, worker_log))
        worker = procs[-1]
        conf = folder / "nginx.conf"
        conf.write_text(nginx_config(folder, port=nginx_port, workers=options.nginx_workers,
                                     upstreams=[i.url.removeprefix("http://")
                                                for i in instances]))
        nginx_log = folder / "nginx.out"
        procs.append(_start([str(nginx), "-p", str(folder), "-e", str(folder / "error.log"),
                             "-c", str(conf)], dict(os.environ), nginx_log))
        balancer = procs[-1]
        for instance in instances:
            _wait(f"{instance.url}/healthz", instance.proc, instance.log)
        app_url = f"http://{HOST}:{nginx_port}"
        _wait(f"{app_url}/healthz", balancer, folder / "error.log")
        if worker.poll() is not None:
            raise StackError(f"db_worker exited ({worker.returncode}); see {worker_log}")
        yield MultiStack(folder=folder, app_url=app_url, sandbox_root=sandbox_root,
                         options=options, api=api, control=control, instances=instances,
                         database_url=database_url, app_env=app_env,
                         processes={"worker": worker, "sandbox": sandbox, "nginx": balancer})
    finally:
        for client in (api, control):
            if client is not None:
                client.close()
        for proc in reversed(procs):
            _stop(proc)
        with contextlib.suppress(StackError):
            _postgres(options.postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)

