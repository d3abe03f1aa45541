"""My day with a full page of rows: its local part, and the time until the balances are in.

    .venv/bin/python bench/my_day.py [--runs 20] [--latency-ms 50] [--rows 25]

Starts the stack of bench/stack.py (gunicorn gthread, sandbox_serve with a latency fault on
every API call, Redis, production mode, temporary data folder), gives the demo agent `--rows`
follow-ups due today on as many seeded debtors, signs in and loads My day, one load after
another. For each load:

- the local part's server time: the `local` entry of the page's `Server-Timing` header (the
  rows from the database and the rendering, without the wait for Aptic);
- the time until complete: the page, plus the balances partial when the page left
  placeholders for it to fill (it does when a summary misses WORK_BALANCE_WAIT_SECONDS);
- the slowest upstream call the load needed: its case-summary calls (counted by the sandbox's
  /control/stats) replayed one at a time straight to the sandbox afterwards.

Targets: local part p50 < 50 ms; complete p50 <= 1.5x the slowest call's p50. For
information, the same calls sent side by side straight to the sandbox (what the sandbox, one
Python process, adds when it answers 25 at once). Exit status 0 when both are met, else 2.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PageRun, _send
from stack import (
    MANAGE,
    Session,
    Stack,
    StackOptions,
    _environments,
    p50,
    p95,
    pick_portfolio,
    running_stack,
)

LOCAL_TARGET_MS = 50.0
COMPLETE_TARGET = 1.5
_LOADER = re.compile(r'data-balances-loader hx-get="([^"]+)"')
_LOCAL = re.compile(r"local;dur=([\d.]+)")

SEED = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from work.models import FollowUp
from work.selectors import end_of_today
agent = get_user_model().objects.get(username="agent")
FollowUp.objects.filter(owner=agent).delete()
due = end_of_today() - timedelta(hours=2)
for n, (guid, name) in enumerate({rows!r}):
    FollowUp.objects.create(debtor_guid=guid, debtor_name=name, owner=agent,
                            due_at=due - timedelta(minutes=n), reason="Bench call")
"""


def seed_rows(stack: Stack, debtors: list[dict]) -> None:
    """The demo agent's follow-ups, written straight into the app's database."""
    _sandbox, _app, setup = _environments(stack.folder, stack.options, stack.sandbox_root)
    rows = [(d["debtorGuid"], d.get("fullName") or "") for d in debtors]
    result = subprocess.run([*MANAGE, "shell", "-c", SEED.format(rows=rows)], env=setup,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"seeding the follow-ups failed:\n{result.stderr[-2000:]}")


def replay(stack: Stack, run: PageRun) -> None:
    """Each load's calls again straight to the sandbox: one at a time (the slowest is the
    load's baseline), then all at once, each from its own connection."""
    width = max(len(load) for load in run.calls)
    clients = [httpx.Client(headers=stack.api.headers, timeout=30) for _ in range(width)]
    with ThreadPoolExecutor(max_workers=width) as pool:
        for load in run.calls:
            times = [_send(stack, call) for call in load]
            run.baseline_ms.append(max(times))
            started = time.perf_counter()
            list(pool.map(lambda pair: _send(stack, pair[0], pair[1]),
                          zip(load, clients, strict=False)))
            run.side_by_side_ms.append((time.perf_counter() - started) * 1000)
    for client in clients:
        client.close()


def measure(stack: Stack, runs: int, rows: int) -> tuple[PageRun, list[float], int]:
    """(the loads with their calls and baselines, the local server times, loads that needed
    the partial)."""
    agent = Session(stack.app_url)
    agent.sign_in("agent")
    for _ in range(4):  # warm-up: the token, each worker's connections and templates
        agent.get("/work/")
    run = PageRun("my day")
    local_ms: list[float] = []
    partials = 0
    for _ in range(runs):
        before = stack.stats()["calls"]
        started = time.perf_counter()
        page = agent.get("/work/")
        if page.status_code != 200:
            raise SystemExit(f"My day: {page.status_code} {page.text[:300]}")
        loader = _LOADER.search(page.text)
        if loader:
            partials += 1
            partial = agent.get(loader[1].replace("&amp;", "&"), htmx=True)
            if partial.status_code != 200:
                raise SystemExit(f"balances partial: {partial.status_code}")
        run.page_ms.append((time.perf_counter() - started) * 1000)
        after = stack.stats()
        made = after["calls"] - before
        calls = after["recent"][-made:] if made else []
        if sum(1 for c in calls if c["path"].endswith("/summary")) < rows:
            raise SystemExit(f"expected {rows} summary calls per load, the sandbox saw "
                             f"{[c['operation'] for c in calls]}")
        run.calls.append(calls)
        timing = _LOCAL.search(page.headers.get("Server-Timing", ""))
        local_ms.append(float(timing[1]) if timing else float("nan"))
    agent.close()
    replay(stack, run)
    return run, local_ms, partials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed loads (20)")
    parser.add_argument("--rows", type=int, default=25, help="follow-ups on the page (25)")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--debtors", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/5",
                        help="Redis database for the app's cache, flushed at the start")
    parser.add_argument("--keep", help="data folder (default: a new temporary one)")
    args = parser.parse_args()
    options = StackOptions(debtors=args.debtors, latency_ms=args.latency_ms,
                           workers=args.workers, threads=args.threads, keep=args.keep,
                           cache_url=args.cache_url,
                           max_connections=max(20, args.rows))  # a page's reads at once
    with running_stack(options) as stack:
        portfolio = pick_portfolio(stack, size=args.rows)
        seed_rows(stack, portfolio.people[: args.rows])
        stack.set_latency(args.latency_ms)
        run, local_ms, partials = measure(stack, args.runs, args.rows)

    complete, base = p50(run.page_ms), p50(run.baseline_ms)
    ratio = complete / base
    local_ok = p50(local_ms) < LOCAL_TARGET_MS
    complete_ok = ratio <= COMPLETE_TARGET
    print(f"\nMy day with {args.rows} rows, {args.runs} loads one after another; sandbox "
          f"latency {args.latency_ms} ms per API call; gunicorn gthread {options.workers} "
          f"workers x {options.threads} threads; fan-out pool {options.fanout_workers}, "
          f"{options.max_connections} connections")
    print(f"  local part, server time     p50 {p50(local_ms):7.1f} ms  p95 {p95(local_ms):7.1f}"
          f" ms  (target p50 < {LOCAL_TARGET_MS:g} ms): {'met' if local_ok else 'MISSED'}")
    print(f"  complete (balances filled)  p50 {complete:7.1f} ms  p95 {p95(run.page_ms):7.1f}"
          f" ms  ({partials} of {args.runs} loads needed the partial)")
    print(f"  slowest upstream call       p50 {base:7.1f} ms  p95 {p95(run.baseline_ms):7.1f}"
          f" ms  ({run.operations()} per load)")
    print(f"  complete / slowest call     {ratio:.2f}x p50 (target <= {COMPLETE_TARGET}x): "
          f"{'met' if complete_ok else 'MISSED'}")
    if run.side_by_side_ms:
        print(f"  the same calls side by side straight to the sandbox: p50 "
              f"{p50(run.side_by_side_ms):.1f} ms (page / this: "
              f"{complete / p50(run.side_by_side_ms):.2f}x)")
    sys.exit(0 if local_ok and complete_ok else 2)


if __name__ == "__main__":
    main()
