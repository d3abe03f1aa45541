"""seed_demo_users and run_desk: idempotent demo users, the run plan, and clean process stops."""

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from backoffice import roles
from backoffice.management.commands.run_desk import desk_plan, stop_process_group

ROOT = Path(__file__).resolve().parent.parent


# --- seed_demo_users ------------------------------------------------------------------------------


def _seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo_users", stdout=out, **kwargs)
    return out.getvalue()


def test_seed_demo_users_creates_the_three_roles(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo"
    output = _seed()
    assert output.count("created") == 4
    for username, role in (("agent", "agent"), ("agent2", "agent"), ("supervisor", "supervisor"),
                           ("admin", "admin")):
        user = User.objects.get(username=username)
        assert user.check_password("demo")
        assert roles.user_role(user) == role
        assert list(user.groups.values_list("name", flat=True)) == [role]
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert admin.has_perm("auth.change_user")
    assert not User.objects.get(username="agent").is_staff
    assert User.objects.get(username="agent2").get_full_name() == "Bo Berg"


def test_seed_demo_users_is_idempotent_and_repairs(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo"
    _seed()
    agent = User.objects.get(username="agent")
    agent.set_password("changed")
    agent.groups.set([])
    agent.is_active = False
    agent.save()

    settings.DEMO_PASSWORD = "another-demo"
    output = _seed()
    assert output.count("updated") == 4
    assert User.objects.filter(username__in=["agent", "agent2", "supervisor", "admin"]).count() == 4
    agent.refresh_from_db()
    assert agent.is_active
    assert agent.check_password("another-demo")
    assert roles.user_role(agent) == roles.AGENT


def test_seed_demo_users_lifts_lockouts(db, settings):
    from axes.models import AccessAttempt

    settings.DEBUG = True
    AccessAttempt.objects.create(
        username="agent", ip_address="127.0.0.1", user_agent="x", failures_since_start=9,
        get_data="", post_data="",
    )
    _seed()
    assert not AccessAttempt.objects.filter(username="agent").exists()


def test_seed_demo_users_is_refused_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused in production"):
        _seed()
    assert not User.objects.filter(username="agent").exists()


# --- run_desk -------------------------------------------------------------------------------------


def test_run_desk_plan_in_order(monkeypatch):
    monkeypatch.delenv("MFA_REQUIRED_ROLES", raising=False)
    plan = desk_plan(
        port=9100, sandbox_port=9101, debtors=12, seed=7, python="py", manage=Path("m")
    )
    assert plan.setup == [
        ["py", "m", "migrate", "--noinput"],
        ["py", "m", "migrate", "--database", "sandbox", "--noinput"],
        ["py", "m", "sandbox_seed", "--debtors", "12", "--seed", "7"],
        ["py", "m", "seed_demo_users"],
    ]
    sandbox, app, worker = plan.servers
    assert sandbox.argv == ["py", "m", "sandbox_serve", "--port", "9101"]
    assert sandbox.probe_port == 9101
    assert app.argv == ["py", "m", "runserver", "127.0.0.1:9100", "--noreload"]
    aptic = {
        "APTIC_BASE_URL": "http://127.0.0.1:9101/sandbox/api/v1",
        "APTIC_TOKEN_URL": "http://127.0.0.1:9101/sandbox/oauth/token",
    }
    # The demo's supervisor and admin sign in without an authenticator unless --mfa.
    assert app.env == {**aptic, "MFA_REQUIRED_ROLES": ""}
    # The jobs worker has no port: it is ready when it is still alive after a moment.
    assert worker.argv == ["py", "m", "db_worker", "--no-reload", "--interval", "1"]
    assert worker.probe_port is None and worker.alive_after > 0
    assert worker.env == aptic  # the promise check reads Aptic
    assert plan.app_url == "http://127.0.0.1:9100"
    # The demo day reads the sandbox, so it runs once the servers answer, pointed at it.
    assert plan.after_start == [(["py", "m", "seed_demo_day"], aptic)]
    with_mfa = desk_plan(port=9100, sandbox_port=9101, debtors=12, mfa=True)
    assert "MFA_REQUIRED_ROLES" not in with_mfa.servers[1].env


def test_run_desk_defaults_and_options():
    out = io.StringIO()
    call_command("run_desk", "--plan", stdout=out)
    text = out.getvalue()
    assert "sandbox_seed --debtors 300 --seed 42" in text
    assert "sandbox_serve --port 8001" in text
    assert "runserver 127.0.0.1:8000 --noreload" in text
    assert "db_worker --no-reload" in text
    assert text.index("runserver") < text.index("db_worker") < text.index("seed_demo_day")
    assert "then:  APTIC_BASE_URL=http://127.0.0.1:8001/sandbox/api/v1" in text
    assert text.index("runserver") < text.index("seed_demo_day")

    out = io.StringIO()
    call_command("run_desk", "--plan", "--port", "9200", "--sandbox-port", "9201",
                 "--debtors", "5", stdout=out)
    text = out.getvalue()
    assert "sandbox_seed --debtors 5" in text
    assert "APTIC_BASE_URL=http://127.0.0.1:9201/sandbox/api/v1" in text
    assert "runserver 127.0.0.1:9200" in text


def test_run_desk_refuses_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("run_desk", "--port", "9300", "--sandbox-port", "9301")


def test_run_desk_refuses_a_busy_port(settings):
    settings.DEBUG = True
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=f"Port {port} .* already in use"):
            call_command("run_desk", "--port", str(port), "--sandbox-port", str(port + 1))


def test_run_desk_refuses_equal_ports():
    with pytest.raises(CommandError, match="must differ"):
        call_command("run_desk", "--port", "9400", "--sandbox-port", "9400")


def test_a_server_without_a_port_is_ready_when_it_stays_alive():
    from backoffice.management.commands.run_desk import Server, start_server, wait_until_answers

    quitter = Server(name="worker", argv=["bash", "-c", "exit 3"], alive_after=5.0)
    proc = start_server(quitter.argv)
    with pytest.raises(CommandError, match="worker exited with status 3"):
        wait_until_answers(quitter, proc)

    stayer = Server(name="worker", argv=["sleep", "30"], alive_after=0.3)
    proc = start_server(stayer.argv)
    try:
        wait_until_answers(stayer, proc)
        assert proc.poll() is None
    finally:
        stop_process_group(proc, timeout=2.0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def test_stopping_a_server_stops_its_whole_process_group(tmp_path):
    """No orphans: a server's own children go down with it, even ones that ignore SIGTERM."""
    pids = tmp_path / "pids"
    script = (
        f"sleep 300 & echo $! >> {pids}; "
        f"(trap '' TERM; sleep 300) & echo $! >> {pids}; "
        "wait"
    )
    from backoffice.management.commands.run_desk import start_server

    proc = start_server(["bash", "-c", script])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (
        pids.exists() and len(pids.read_text().split()) >= 2
    ):
        time.sleep(0.05)
    children = [int(pid) for pid in pids.read_text().split()]
    assert len(children) == 2 and all(_alive(pid) for pid in children)

    stop_process_group(proc, timeout=1.0)

    assert proc.returncode is not None
    time.sleep(0.2)
    assert not any(_alive(pid) for pid in children)


def test_run_desk_stops_everything_on_sigterm(tmp_path):
    """The command's own loop: SIGTERM during a server start stops what it started."""
    fake = tmp_path / "fake_manage.py"
    started = tmp_path / "started"
    fake.write_text(
        "import os, sys, time\n"
        f"open({str(started)!r}, 'a').write(str(os.getpid()) + '\\n')\n"
        "if sys.argv[1] in ('sandbox_serve', 'runserver'):\n"
        "    time.sleep(300)\n"
    )
    code = (
        "import django, os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'backoffice.settings')\n"
        "django.setup()\n"
        "from pathlib import Path\n"
        "from backoffice.management.commands import run_desk\n"
        "plan = run_desk.desk_plan(port=1, sandbox_port=2, debtors=1, "
        f"manage=Path({str(fake)!r}))\n"
        "run_desk.Command()._run(plan)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    runner = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 30
    # Four setup commands, then the sandbox server, which never answers on port 2.
    while time.monotonic() < deadline:
        if started.exists() and len(started.read_text().split()) >= 5:
            break
        time.sleep(0.1)
    server_pid = int(started.read_text().split()[4])
    assert _alive(server_pid)

    runner.send_signal(signal.SIGTERM)
    output, _ = runner.communicate(timeout=30)
    assert "Stopping Collect Desk" in output
    assert "Stopped." in output
    time.sleep(0.2)
    assert not _alive(server_pid)


def test_app_code_never_imports_the_sandbox():
    """The back-office reaches the sandbox over HTTP only, like the real Aptic."""
    offenders = []
    for folder in ("backoffice", "debtors", "plans"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            if re.search(r"^\s*(from|import)\s+sandbox\b", text, re.M):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_run_desk_with_sso_starts_the_test_provider_and_points_the_app_at_it():
    plan = desk_plan(port=9100, sandbox_port=9101, debtors=12, sso_port=9102)
    names = [server.name for server in plan.servers]
    assert names == ["sandbox", "provider", "app", "worker"]
    provider, app = plan.servers[1], plan.servers[2]
    assert provider.argv[0] == "node" and provider.argv[1].endswith("oidc_provider/server.mjs")
    assert provider.probe_port == 9102
    assert provider.env["REDIRECT_URIS"] == "http://127.0.0.1:9100/accounts/sso/callback/"
    assert app.env["OIDC_ISSUER"] == "http://127.0.0.1:9102"
    assert app.env["OIDC_CLIENT_ID"] == provider.env["CLIENT_ID"]
    assert "team-leads" in app.env["OIDC_ROLE_GROUPS"]
