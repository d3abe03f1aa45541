"""The worker in-process for the job tests: django_tasks_db's own Worker in batch mode (it
runs every queued task, then returns), without the signal handlers the command installs.

Inside a test's transaction the worker's `close_old_connections()` would close the test's
own connection (Django drops a connection left out of autocommit), so it is a no-op here;
tests/jobs/test_jobs_worker_process.py runs the real `db_worker` process without this.
"""

from unittest import mock

from django_tasks_db.management.commands import db_worker


def run_worker() -> None:
    worker = db_worker.Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="pytest", excluded_queue_names=[])
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
