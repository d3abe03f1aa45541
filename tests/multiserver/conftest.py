"""The several-servers proof runs only when asked for (`-m multiserver`, see pyproject's
addopts); CI's step 4 sets MULTISERVER=1, and then it must really run: selecting none of its
tests is a usage error, and a missing nginx, PostgreSQL or Redis fails the tests (the stack
raises `StackError`), never skips them."""

import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))  # the harness: bench/stack_multi.py (and bench/stack.py)

from stack_multi import MultiOptions, MultiStack, StackError, running_multi_stack  # noqa: E402

# The breaker of this run reopens for a probe after a few seconds, so the proof that it
# closes again everywhere does not wait the production default.
BREAKER_RESET_SECONDS = 3


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """After `-m` deselection: with MULTISERVER=1, no multiserver test left is an error."""
    if os.environ.get("MULTISERVER") != "1":
        return
    if not any(item.get_closest_marker("multiserver") for item in items):
        raise pytest.UsageError(
            "MULTISERVER=1 but no multiserver test is selected: run "
            "`pytest -m multiserver tests/multiserver`.")


@pytest.fixture(scope="module")
def multi() -> MultiStack:
    """nginx, two app instances, the worker, the sandbox, PostgreSQL and Redis, for the
    module; stopped (and the database dropped) after its last test."""
    options = MultiOptions(debtors=200, breaker_reset_seconds=BREAKER_RESET_SECONDS)
    try:
        with running_multi_stack(options) as stack:
            yield stack
    except StackError as exc:
        pytest.fail(f"The several-servers stack could not run: {exc}")
