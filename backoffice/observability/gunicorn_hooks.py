"""gunicorn server hooks for prometheus_client's multiprocess mode.

deploy/gunicorn.conf.py takes them by name (gunicorn reads hooks from the config module):

    from backoffice.observability.gunicorn_hooks import child_exit, on_starting  # noqa: F401

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metric values to files there and
/metrics sums them. `on_starting` (in the master, before any worker) empties the directory,
so counters restart with the server instead of adding up stale files of an earlier run;
`child_exit` tells prometheus_client a worker is gone (its counters stay in the sums, its
live gauges go). Without the variable both hooks do nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _directory() -> Path | None:
    raw = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(raw) if raw else None


def on_starting(server: Any) -> None:
    directory = _directory()
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if _directory() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
