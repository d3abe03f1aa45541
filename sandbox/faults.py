"""Faults for practice and tests: latency, failures, rate limiting and hanging.

They are set through /sandbox/control/faults and kept in the FaultConfig row, so every thread
and worker process sees them; `apply_faults()` runs before every /sandbox/api/ call (the
`api_view` decorator calls it), never for /sandbox/control/ or the token endpoint.

A fault may be scoped to some operations (`methods`, `paths`; see FaultConfig.applies_to), so
that a test can fail one step of a workflow (e.g. P7 only) while the others succeed.
"""

import random
import time

from sandbox.api.errors import ApiError
from sandbox.models import FaultConfig

# A hanging call waits this long at most (longer than any client's timeout), checking every
# HANG_POLL_SECONDS whether the faults were cleared so that tests can end.
HANG_MAX_SECONDS = 60.0
HANG_POLL_SECONDS = 0.2

_TITLES = {429: "Too many requests", 500: "Internal server error", 503: "Service unavailable"}


def _hang(started: float) -> None:
    while time.monotonic() - started < HANG_MAX_SECONDS:
        time.sleep(HANG_POLL_SECONDS)
        if not FaultConfig.current().hang:
            return
    raise ApiError("The sandbox hung for the configured fault and gave up.", status=504,
                   title="Gateway timeout", slug="fault")


API_ROOT = "/sandbox/api/v1"


def apply_faults(method: str = "GET", path: str = "/") -> None:
    """Sleeps, hangs or raises the configured failure for a call of `method` to `path` (the
    request path, with or without the API root); returns when the call may proceed."""
    faults = FaultConfig.current()
    if faults.is_clear:
        return
    if path.startswith(API_ROOT):
        path = path[len(API_ROOT):] or "/"
    if not faults.applies_to(method, path):
        return
    if faults.hang:
        _hang(time.monotonic())
        faults = FaultConfig.current()
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    if faults.failure_rate and random.random() < faults.failure_rate:
        status = faults.status or 500
        headers = {}
        if faults.retry_after is not None or status == 429:
            headers["Retry-After"] = str(faults.retry_after if faults.retry_after is not None
                                         else 1)
        raise ApiError(
            "A fault configured through /sandbox/control/faults.",
            status=status, title=_TITLES.get(status, "Error"), slug="fault", headers=headers,
        )
