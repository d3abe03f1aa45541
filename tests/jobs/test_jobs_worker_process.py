"""The real worker: `manage.py db_worker` as its own process on the test database runs what
`manage.py jobs_enqueue --wait` enqueues, and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from backoffice.jobs.models import JobRun
from tests.audit.review_helpers import record
from tests.conftest import ROOT


def _database_url() -> str:
    """The test database, as DATABASE_URL for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}")


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_runs_an_enqueued_job(agent_user, capsys):
    for n in range(3):
        record(agent_user, after={"n": n})
    env = {**os.environ, "DATABASE_URL": _database_url(), "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",
         "--no-startup-delay", "--worker-id", "pytest-process"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        call_command("jobs_enqueue", "audit_verify", "--wait", "--timeout", "60",
                     "--poll", "0.2")
        out = capsys.readouterr().out
        job = JobRun.objects.get()
        assert f"Job {job.pk} done: Chain intact: 4 entries checked" in out
        assert job.status == JobRun.Status.DONE
        assert job.result["ok"] and job.result["checked"] == 4
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "backoffice.jobs.tasks.audit_verify state=SUCCESSFUL" in output
