"""The calculator's options grid: six P6 calls side by side cost about one.

    .venv/bin/python bench/options_grid.py [--runs 30] [--latency-ms 50] [--debtors 300]
                                           [--sandbox-processes 2]

Starts the stack of bench/stack.py (gunicorn gthread, sandbox_serve in two processes with a
latency fault on every API call, Redis cache, production mode, temporary data folder: one
sandbox process answers six calls sent at once one after the other, two answer them on both
cores, as a real host does), signs in as the demo agent, opens the calculator of a seeded
person (which reads the setup the grid then reuses) and times one htmx request of a six-option
grid (by number of payments: 6, 12, 18, 24, 36, 48) after another. For each request the
sandbox's control API tells which API calls it made; afterwards each of those calls is replayed
alone straight to the sandbox, and the slowest is that request's baseline. Printed: the grid's
wall time, the slowest of its six P6 calls, their ratio (target p50 <= 1.5x) and the calls per
request (target: six P6, nothing else). Exit status 0 when both targets are met, 2 when one is
missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PageRun, form_fields, replay, timed_load
from stack import (
    DEFAULT_CACHE_URL,
    Portfolio,
    Session,
    Stack,
    StackOptions,
    p50,
    p95,
    pick_portfolio,
    running_stack,
)

TARGET = 1.5
MONTHS = "6, 12, 18, 24, 36, 48"
OPTIONS = 6


def measure(stack: Stack, portfolio: Portfolio, runs: int) -> PageRun:
    agent = Session(stack.app_url)
    agent.sign_in("agent")
    people = portfolio.people[:10]
    forms: dict[str, list[tuple[str, str]]] = {}
    for person in people:
        guid = person["debtorGuid"]
        page = agent.get(f"/debtors/{guid}/plans/new")
        if page.status_code != 200:
            raise SystemExit(f"calculator page: {page.status_code}")
        fields = form_fields(page.text, "plan-form")
        if not any(name == "cases" for name, _value in fields):
            continue  # no case a new plan could cover
        forms[guid] = [*fields, ("option_by", "months"), ("option_months", MONTHS)]
    if not forms:
        raise SystemExit("No seeded person has a case a new plan could cover.")
    guids = list(forms)
    warm = guids[0]
    agent.post(f"/debtors/{warm}/plans/new/options", data=forms[warm], htmx=True)

    run = PageRun("options grid")
    for i in range(runs):
        guid = guids[i % len(guids)]

        def load(guid: str = guid):
            answer = agent.post(f"/debtors/{guid}/plans/new/options", data=forms[guid],
                                htmx=True)
            shown = answer.text.count("data-option-head=")
            if answer.status_code == 200 and shown != OPTIONS:
                raise SystemExit(f"the grid showed {shown} options, not {OPTIONS}")
            return answer

        timed_load(stack, run, load)
    replay(stack, run)
    agent.close()
    return run


def report(stack: Stack, run: PageRun) -> bool:
    o = stack.options
    ratio50 = p50(run.page_ms) / p50(run.baseline_ms)
    ratio95 = p95(run.page_ms) / p95(run.baseline_ms)
    p6_only = all(len(load) == OPTIONS and all(c["path"].split("?")[0].endswith(
        "/paymentplans/calculate") for c in load) for load in run.calls)
    print(f"\nOptions grid ({OPTIONS} options), {len(run.page_ms)} requests one after another; "
          f"sandbox latency {o.latency_ms} ms per API call, {o.sandbox_processes} sandbox "
          f"processes; gunicorn gthread {o.workers} workers x {o.threads} threads; fan-out "
          f"pool {o.fanout_workers}")
    print(f"  grid wall time        p50 {p50(run.page_ms):7.1f} ms   "
          f"p95 {p95(run.page_ms):7.1f} ms")
    print(f"  slowest of its P6s    p50 {p50(run.baseline_ms):7.1f} ms   "
          f"p95 {p95(run.baseline_ms):7.1f} ms  (each call replayed alone)")
    if run.side_by_side_ms:
        print(f"  the same six at once  p50 {p50(run.side_by_side_ms):7.1f} ms   "
              f"p95 {p95(run.side_by_side_ms):7.1f} ms  (straight to the sandbox, no app)")
    print(f"  ratio grid / slowest  p50 {ratio50:7.2f} x    p95 {ratio95:7.2f} x   "
          f"target p50 <= {TARGET}x: {'met' if ratio50 <= TARGET else 'MISSED'}")
    print(f"  app CPU per request   p50 {p50(run.cpu_ms):7.1f} ms   p95 {p95(run.cpu_ms):7.1f} ms")
    print(f"  calls per request     {run.calls_per_load:g} ({run.operations()}); six P6 and "
          f"nothing else: {'met' if p6_only else 'MISSED'}")
    return ratio50 <= TARGET and p6_only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed grid requests (30)")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--debtors", type=int, default=300)
    parser.add_argument("--sandbox-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", help="data folder (default: a new temporary one)")
    parser.add_argument("--cache-url", default=DEFAULT_CACHE_URL,
                        help=f"the app's Redis, flushed at the start ({DEFAULT_CACHE_URL})")
    args = parser.parse_args()
    options = StackOptions(debtors=args.debtors, latency_ms=args.latency_ms,
                           sandbox_processes=args.sandbox_processes, workers=args.workers,
                           threads=args.threads, keep=args.keep, cache_url=args.cache_url)
    with running_stack(options) as stack:
        portfolio = pick_portfolio(stack)
        stack.set_latency(args.latency_ms)
        ok = report(stack, measure(stack, portfolio, args.runs))
    sys.exit(0 if ok else 2)


if __name__ == "__main__":
    main()
