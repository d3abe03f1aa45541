"""Load: 50 simulated agents searching, opening debtors and recalculating plans, at a fixed
request rate for a fixed time, against the stack of bench/stack.py; stops by itself.

    .venv/bin/python bench/load.py [--agents 50] [--rate 20] [--seconds 60]
                                   [--workers 2 --threads 8] [--latency-ms 50]

Each agent is a thread with a session of its own (signed in as the demo agent). Requests are
sent on a fixed schedule: agent k sends its j-th request at start + (k + j * agents) / rate,
so the whole swarm sends `rate` requests a second. When an answer comes late the agent's next
request goes out late too, but its latency is counted from when it was due (no coordinated
omission). The mix: 40 % search, 40 % debtor 360, 20 % calculator recalculation (24
periods). Prints throughput, p50/p95/p99 per kind and overall, errors, and the sandbox's
count of token requests and API calls. Targets: 0 errors, p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PLAN_PERIODS, form_fields
from stack import Session, StackOptions, p50, p95, percentile, pick_portfolio, running_stack

TARGET_P95_MS = 300.0
MIX = (("search", 0.4), ("360", 0.4), ("calculator", 0.2))


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latency_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    late_starts: int = 0

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.latency_ms.setdefault(kind, []).append(ms)
            if error:
                self.errors[f"{kind}: {error}"] += 1


def agent_loop(index: int, session: Session, work: list, start: float, period: float,
               offset: float, stop_at: float, results: Results) -> None:
    j = 0
    while True:
        due = start + offset + j * period
        if due >= stop_at:
            return
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        elif pause < -0.05:
            with results.lock:
                results.late_starts += 1
        kind, send = work[(index + j) % len(work)]
        error = None
        try:
            response = send(session)
            if response.status_code != 200:
                error = f"HTTP {response.status_code}"
        except Exception as exc:
            error = type(exc).__name__
        results.add(kind, (time.monotonic() - due) * 1000, error)
        j += 1


def plan_work(portfolio, forms: dict[str, list], rng: random.Random, size: int = 200) -> list:
    """A shuffled list of (kind, request) following MIX."""
    people, words = portfolio.people, portfolio.name_words
    guids = list(forms)
    work = []
    for i in range(size):
        roll = rng.random()
        if roll < MIX[0][1]:
            word = words[i % len(words)]
            work.append(("search", lambda s, w=word: s.get(f"/debtors/?q={w}")))
        elif roll < MIX[0][1] + MIX[1][1]:
            guid = people[i % len(people)]["debtorGuid"]
            work.append(("360", lambda s, g=guid: s.get(f"/debtors/{g}/")))
        else:
            guid = guids[i % len(guids)]
            work.append(("calculator", lambda s, g=guid: s.post(
                f"/debtors/{g}/plans/new/calculate", data=forms[g], htmx=True)))
    rng.shuffle(work)
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="requests a second, in all")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--debtors", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fanout-workers", type=int, default=32)
    args = parser.parse_args()
    options = StackOptions(debtors=args.debtors, latency_ms=args.latency_ms,
                           workers=args.workers, threads=args.threads,
                           fanout_workers=args.fanout_workers)
    with running_stack(options) as stack:
        portfolio = pick_portfolio(stack)
        sessions = []
        for _ in range(args.agents):
            session = Session(stack.app_url)
            session.sign_in("agent")
            sessions.append(session)
        forms = {}
        for person in portfolio.people[:10]:
            guid = person["debtorGuid"]
            page = sessions[0].get(f"/debtors/{guid}/plans/new")
            fields = [(k, v) for k, v in form_fields(page.text, "plan-form")
                      if k not in ("number_of_payments", "amount", "payment_plan_type")]
            forms[guid] = [*fields, ("payment_plan_type", "1"),
                           ("number_of_payments", str(PLAN_PERIODS)), ("amount", "")]
        stack.set_latency(args.latency_ms)
        before = stack.stats()
        work = plan_work(portfolio, forms, random.Random(5))
        results = Results()
        period = args.agents / args.rate
        start = time.monotonic() + 1.0
        stop_at = start + args.seconds
        threads = [
            threading.Thread(target=agent_loop, daemon=True, args=(
                k, sessions[k], work, start, period, k / args.rate, stop_at, results))
            for k in range(args.agents)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - start
        after = stack.stats()
        for session in sessions:
            session.close()
        ok = report(args, options, results, elapsed, before, after)
    sys.exit(0 if ok else 2)


def report(args, options: StackOptions, results: Results, elapsed: float, before: dict,
           after: dict) -> bool:
    everything = [ms for values in results.latency_ms.values() for ms in values]
    errors = sum(results.errors.values())
    print(f"\nLoad: {args.agents} agents, {args.rate:g} requests/s scheduled for "
          f"{args.seconds:g} s; sandbox latency {args.latency_ms} ms per API call; gunicorn "
          f"gthread {options.workers} workers x {options.threads} threads; fan-out pool "
          f"{options.fanout_workers} per worker")
    print(f"  {'kind':<11} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in sorted(results.latency_ms.items()):
        print(f"  {kind:<11} {len(values):>6} {p50(values):>8.1f} {p95(values):>8.1f} "
              f"{percentile(values, 0.99):>8.1f} {max(values):>8.1f}")
    p95_all = p95(everything)
    print(f"  {'all':<11} {len(everything):>6} {p50(everything):>8.1f} {p95_all:>8.1f} "
          f"{percentile(everything, 0.99):>8.1f} {max(everything):>8.1f}")
    print(f"  throughput {len(everything) / elapsed:.1f} requests/s; errors {errors}; "
          f"requests sent late (>50 ms) {results.late_starts}")
    for error, count in results.errors.most_common(5):
        print(f"    {count} x {error}")
    calls = after["calls"] - before["calls"]
    tokens = after["tokens"]
    print(f"  upstream: {calls} API calls ({calls / max(1, len(everything)):.1f} per request), "
          f"token requests over the whole run {tokens} (1 expected: the first)")
    met = errors == 0 and p95_all < TARGET_P95_MS
    print(f"\nTargets (0 errors, p95 < {TARGET_P95_MS:.0f} ms): {'met' if met else 'NOT met'}")
    return met


if __name__ == "__main__":
    main()
