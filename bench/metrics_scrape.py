"""Benchmark: what watching costs. The /metrics scrape over a job table of N rows, and the
per-request cost of the request log line and metrics.

    .venv/bin/python bench/metrics_scrape.py [--jobs 100000] [--runs 10]
                                             [--database-url postgres://...]

Seeds a fresh database (its own SQLite file under var/bench/, or the given URL's database,
which it empties of job rows first) with N job results (95 % successful, 3 % failed, 2 %
ready), then scrapes /metrics through Django's test Client from loopback: the grouped count
of the job table, the breaker read from the cache and the exposition. It prints the cold and
the median scrape against a 250 ms target, and the median cost of one request's log line
(JSON) plus its metrics, against 0.2 ms.
"""

import argparse
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRAPE_TARGET_MS = 250.0
REQUEST_TARGET_MS = 0.2
BATCH = 5_000


def _setup(database_url: str | None) -> None:
    if database_url is None:
        path = ROOT / "var" / "bench" / "metrics.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["APTIC_SANDBOX"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(jobs: int) -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    now = timezone.now()
    tasks = ["backoffice.jobs.tasks.audit_verify", "backoffice.jobs.tasks.promises_check",
             "backoffice.jobs.tasks.audit_export", "backoffice.jobs.tasks.audit_archive"]
    rows = []
    for i in range(jobs):
        share = i % 100
        status = "SUCCESSFUL" if share < 95 else "FAILED" if share < 98 else "READY"
        rows.append(DBTaskResult(
            status=status, args_kwargs={"args": [], "kwargs": {}}, task_path=tasks[i % 4],
            backend_name="default", run_after=now, exception_class_path="", traceback="",
        ))
        if len(rows) == BATCH:
            DBTaskResult.objects.bulk_create(rows)
            rows = []
    DBTaskResult.objects.bulk_create(rows)


def _time_ms(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    _setup(args.database_url)
    started = time.perf_counter()
    _seed(args.jobs)
    print(f"seeded {args.jobs:,} job rows in {time.perf_counter() - started:.1f} s")

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def scrape() -> None:
        answer = client.get("/metrics")
        assert answer.status_code == 200 and b"collectdesk_jobs{" in answer.content

    cold = _time_ms(scrape)
    warm = statistics.median(_time_ms(scrape) for _ in range(args.runs))
    print(f"/metrics over {args.jobs:,} jobs on {connection.vendor}: cold {cold:.1f} ms, "
          f"median {warm:.1f} ms (target {SCRAPE_TARGET_MS:.0f} ms)")

    from backoffice.observability import metrics
    from backoffice.observability.logs import JsonFormatter

    log = logging.getLogger("backoffice.request.bench")
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    fields = {"method": "GET", "route": "debtors:search", "status": 200, "duration_ms": 42,
              "request_id": "0" * 32, "user_id": 7}

    def one_request() -> None:
        metrics.http_request(view="debtors:search", method="GET", status=200, seconds=0.042)
        log.info("request method=%(method)s route=%(route)s", fields, extra=fields)

    per_request = statistics.median(
        _time_ms(lambda: [one_request() for _ in range(1000)]) / 1000 for _ in range(5))
    print(f"log line + metrics per request: {per_request * 1000:.1f} µs "
          f"(target {REQUEST_TARGET_MS * 1000:.0f} µs)")
    return 0 if warm <= SCRAPE_TARGET_MS and per_request <= REQUEST_TARGET_MS else 2


if __name__ == "__main__":
    sys.exit(main())
