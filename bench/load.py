"""Load: 50 simulated agents searching, opening debtors and recalculating plans, driven by
Locust (headless) at a fixed request rate for a fixed time, against the stack of
bench/stack.py; stops by itself.

    .venv/bin/python bench/load.py [--agents 50] [--rate 20] [--seconds 60]
                                   [--workers 2 --threads 8] [--latency-ms 50]

The agents are signed in first (each its own session as the demo agent), then Locust runs
bench/locustfile.py: `--agents` users on one fixed schedule, agent k sending its j-th request
at start + (k + j * agents) / rate, so the swarm sends `rate` requests a second, evenly spread
(a late answer makes the next request late, never the schedule); the mix is 40 % search, 40 %
debtor 360, 20 % calculator recalculation (24 periods). Prints throughput against the rate
asked for, p50/p95/p99 per kind and overall (Locust's figures, which round times over 100 ms
to two significant digits), failures, and the sandbox's count of token requests and API calls.
Targets: 0 errors, p95 under 300 ms. Needs Locust: `make bench` installs it (the project's
`bench` extra).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PLAN_PERIODS, form_fields
from stack import ROOT, Session, StackOptions, pick_portfolio, running_stack

TARGET_P95_MS = 300.0
LOCUST = Path(sys.executable).parent / "locust"
KINDS = ("search", "360", "calculator")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="requests a second, in all")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--debtors", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fanout-workers", type=int, default=32)
    args = parser.parse_args()
    if not LOCUST.exists() and not shutil.which("locust"):
        raise SystemExit("Locust is not installed: run `make bench`, or "
                         "`.venv/bin/pip install -e '.[bench]'`.")
    options = StackOptions(debtors=args.debtors, latency_ms=args.latency_ms,
                           workers=args.workers, threads=args.threads,
                           fanout_workers=args.fanout_workers)
    with running_stack(options) as stack:
        plan = prepare(stack, args)
        stack.set_latency(args.latency_ms)
        before = stack.stats()
        started = time.monotonic()
        stats = run_locust(stack, plan, args)
        elapsed = time.monotonic() - started
        after = stack.stats()
        ok = report(args, options, stats, before, after, elapsed)
    sys.exit(0 if ok else 2)


def prepare(stack, args) -> Path:
    """Signs the agents in, opens the calculator forms, and writes the Locust work plan."""
    portfolio = pick_portfolio(stack)
    cookies, forms = [], {}
    for _ in range(args.agents):
        session = Session(stack.app_url)
        session.sign_in("agent")
        cookies.append(dict(session.cookies))
        if len(forms) < 10:
            guid = portfolio.people[len(forms)]["debtorGuid"]
            page = session.get(f"/debtors/{guid}/plans/new")
            fields = [(k, v) for k, v in form_fields(page.text, "plan-form")
                      if k not in ("number_of_payments", "amount", "payment_plan_type")]
            forms[guid] = [*fields, ("payment_plan_type", "1"),
                           ("number_of_payments", str(PLAN_PERIODS)), ("amount", "")]
        session.close()
    plan = stack.folder / "load-plan.json"
    plan.write_text(json.dumps({
        "cookies": cookies,
        "pacing": args.agents / args.rate,
        "rate": args.rate,
        "words": portfolio.name_words,
        "debtors": [person["debtorGuid"] for person in portfolio.people],
        "forms": forms,
    }))
    return plan


def run_locust(stack, plan: Path, args) -> dict[str, dict[str, str]]:
    """Locust headless for `args.seconds`; its final statistics by name ("Aggregated": all)."""
    prefix = stack.folder / "locust"
    command = [
        str(LOCUST) if LOCUST.exists() else "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--users", str(args.agents), "--spawn-rate", str(args.agents),
        "--run-time", f"{args.seconds}s", "--stop-timeout", "10", "--host", stack.app_url,
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]
    log = stack.folder / "locust.log"
    with open(log, "wb") as out:
        result = subprocess.run(command, env={**os.environ, "DESK_LOAD_PLAN": str(plan)},
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                timeout=args.seconds + 120, check=False)
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise SystemExit(f"Locust ended ({result.returncode}) without statistics:\n"
                         f"{log.read_text()[-3000:]}")
    with open(stats_file, newline="") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with open(failures_file, newline="") as handle:
            stats["_failures"] = {f"{row['Name']}: {row['Error']}": row["Occurrences"]
                                  for row in csv.DictReader(handle)}
    return stats


def report(args, options: StackOptions, stats: dict, before: dict, after: dict,
           elapsed: float) -> bool:
    print(f"\nLoad (Locust, headless, 1 process): {args.agents} agents, {args.rate:g} "
          f"requests/s in all for {args.seconds} s; sandbox latency {args.latency_ms} ms per "
          f"API call; gunicorn gthread {options.workers} workers x {options.threads} threads; "
          f"fan-out pool {options.fanout_workers} per worker; app, sandbox and Locust on the "
          f"same {os.cpu_count()} cores")
    print(f"  {'kind':<11} {'n':>6} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7}")
    for name in (*KINDS, "Aggregated"):
        row = stats.get(name)
        if row is None:
            continue
        label = "all" if name == "Aggregated" else name
        print(f"  {label:<11} {row['Request Count']:>6} {row['Failure Count']:>5} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} "
              f"{float(row['Max Response Time']):>7.0f}")
    total = stats.get("Aggregated", {})
    requests = int(total.get("Request Count") or 0)
    errors = int(total.get("Failure Count") or 0)
    p95_all = float(total.get("95%") or "inf")
    print(f"  throughput {float(total.get('Requests/s') or 0):.1f} requests/s "
          f"(asked for {args.rate:g}); errors {errors}")
    for error, count in list(stats.get("_failures", {}).items())[:5]:
        print(f"    {count} x {error}")
    calls = after["calls"] - before["calls"]
    tokens = after["tokens"]
    print(f"  upstream: {calls} API calls ({calls / max(1, requests):.1f} per request), "
          f"token requests over the whole run {tokens} (1 expected: the first); "
          f"{elapsed:.0f} s from start to stop")
    met = requests > 0 and errors == 0 and p95_all < TARGET_P95_MS
    print(f"\nTargets (0 errors, p95 < {TARGET_P95_MS:.0f} ms): {'met' if met else 'NOT met'}")
    return met


if __name__ == "__main__":
    main()
