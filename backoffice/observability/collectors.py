"""Metrics read at scrape time from what every process shares: the breaker state in the cache
and the jobs in django_tasks_db's table. A process-local gauge would be wrong with several
workers; these are the same whichever worker answers the scrape.

A collector that cannot read its source (the cache or the database down) reports nothing
rather than fail the scrape: /readyz says which dependency is down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import DatabaseError
from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from backoffice.observability.metrics import PREFIX, UPSTREAM

log = logging.getLogger("backoffice.observability")

BREAKER_STATES = {"closed": 0, "half-open": 1, "open": 2}


class BreakerCollector:
    """`collectdesk_breaker_state{upstream}`: 0 closed, 1 half-open, 2 open."""

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        from backoffice.gateway import get_gateway

        try:
            state = get_gateway().pipeline.breaker.state
        except Exception:  # the cache may be down; the scrape must still answer
            log.warning("breaker state unreadable for the metrics scrape", exc_info=True)
            return
        family = GaugeMetricFamily(
            f"{PREFIX}_breaker_state",
            "Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.",
            labels=["upstream"],
        )
        family.add_metric([UPSTREAM], BREAKER_STATES.get(state, 2))
        yield family


class JobsCollector:
    """Background jobs by status, from one grouped count of django_tasks_db's table.

    `collectdesk_jobs{status,task,queue}`: rows per status (ready = queued, running,
    successful, failed), which is also the outcome count of the jobs kept in the table
    (`prune_db_task_results` removes old ones); `collectdesk_job_queue_depth{queue}`: ready.
    """

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        from django_tasks_db.models import DBTaskResult

        try:
            rows = list(
                DBTaskResult.objects.order_by()
                .values("status", "task_path", "queue_name")
                .annotate(n=Count("pk"))
            )
        except DatabaseError:
            log.warning("job counts unreadable for the metrics scrape", exc_info=True)
            return
        jobs = GaugeMetricFamily(
            f"{PREFIX}_jobs", "Background jobs in the queue table, per status, task and queue.",
            labels=["status", "task", "queue"],
        )
        depth = GaugeMetricFamily(
            f"{PREFIX}_job_queue_depth", "Background jobs waiting for a worker, per queue.",
            labels=["queue"],
        )
        ready: dict[str, int] = {"default": 0}
        for row in rows:
            status = str(row["status"]).lower()
            jobs.add_metric([status, row["task_path"], row["queue_name"]], row["n"])
            if status == "ready":
                ready[row["queue_name"]] = ready.get(row["queue_name"], 0) + row["n"]
        for queue, count in sorted(ready.items()):
            depth.add_metric([queue], count)
        yield jobs
        yield depth


def scrape_collectors() -> list[object]:
    return [BreakerCollector(), JobsCollector()]
