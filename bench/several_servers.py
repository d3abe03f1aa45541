"""Load through nginx in front of two app instances: 100 simulated agents at a fixed rate.

    .venv/bin/python bench/several_servers.py [--agents 100] [--rate 20] [--seconds 60]
                                              [--workers 2 --threads 8] [--latency-ms 50]

The stack of bench/stack_multi.py (nginx, two gunicorn instances of `--workers` x `--threads`
each, one db_worker, the sandbox adding `--latency-ms` to every API call, PostgreSQL and
Redis), then bench/load.py's agents (signed in first, then Locust headless on one fixed
schedule, bench/locustfile.py) with contact notes added to the mix: search 4, debtor 360 4,
calculator recalculation 2, contact note 1. Prints throughput, p50/p95/p99 per page (Locust's
figures, which round times over 100 ms to two significant digits), how nginx shared the
requests between the instances, and the CPU each part used while the agents ran: the app
instances, the worker, the sandbox, nginx and the load generator (psutil over each process
group; Locust's own from the resource usage of this script's finished children).
Targets: 0 errors, p95 under 300 ms. Needs Locust and psutil: `make bench` installs them.
PostgreSQL on 127.0.0.1:5432 (MULTISERVER_POSTGRES) and Redis (MULTISERVER_REDIS, database
15 by default, flushed) must answer.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psutil
from load import LOCUST, TARGET_P95_MS, prepare, run_locust
from stack_multi import MultiOptions, MultiStack, running_multi_stack

KINDS = ("search", "360", "calculator", "note")
NOTE_WEIGHT = 1
_UPSTREAM = re.compile(r'upstream="(?:[^"]*, )?([^",]+)"')  # the one that answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="requests a second, in all")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--debtors", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fanout-workers", type=int, default=32)
    args = parser.parse_args()
    if not LOCUST.exists():
        raise SystemExit("Locust is not installed: run `make bench`, or "
                         "`.venv/bin/pip install -e '.[bench]'`.")
    options = MultiOptions(debtors=args.debtors, latency_ms=args.latency_ms,
                           workers=args.workers, threads=args.threads,
                           fanout_workers=args.fanout_workers)
    with running_multi_stack(options) as stack:
        plan = prepare(stack, args)
        work = json.loads(plan.read_text())
        plan.write_text(json.dumps({**work, "notes": NOTE_WEIGHT}))
        stack.set_latency(args.latency_ms)
        before_stats, before_cpu = stack.stats(), cpu_seconds(stack)
        before_children = _children_cpu()
        started = time.monotonic()
        stats = run_locust(stack, plan, args)
        elapsed = time.monotonic() - started
        cpu = {role: seconds - before_cpu.get(role, 0.0)
               for role, seconds in cpu_seconds(stack).items()}
        cpu["load generator"] = _children_cpu() - before_children
        after_stats = stack.stats()
        shares = upstream_shares(stack)
        ok = report(args, stats, before_stats, after_stats, cpu, shares, elapsed)
    sys.exit(0 if ok else 2)


def _group_cpu(pid: int) -> float:
    """User + system seconds of a process and its descendants (0 for one gone)."""
    try:
        root = psutil.Process(pid)
        members = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for member in members:
        try:
            times = member.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def cpu_seconds(stack: MultiStack) -> dict[str, float]:
    """CPU seconds so far per role; "postgres" is the server's backends for the run's own
    database (kept open by the app), "machine" everything busy on the machine."""
    seconds = {role: sum(_group_cpu(pid) for pid in pids)
               for role, pids in stack.process_groups().items()}
    database = stack.database_url.rsplit("/", 1)[1]
    seconds["postgres"] = 0.0
    for proc in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            if proc.info["name"] == "postgres" and database in " ".join(proc.info["cmdline"]):
                times = proc.cpu_times()
                seconds["postgres"] += times.user + times.system
    machine = psutil.cpu_times()
    seconds["machine"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
    return seconds


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def upstream_shares(stack: MultiStack) -> Counter:
    """Requests per instance, from nginx's access log (flushed every second)."""
    time.sleep(1.5)
    names = {i.url.removeprefix("http://"): i.name for i in stack.instances}
    log = stack.folder / "access.log"
    text = log.read_text() if log.exists() else ""
    return Counter(names.get(match, match) for match in _UPSTREAM.findall(text))


def report(args, stats: dict, before: dict, after: dict, cpu: dict[str, float],
           shares: Counter, elapsed: float) -> bool:
    print(f"\nSeveral servers (nginx, 2 app instances of gunicorn gthread {args.workers} "
          f"workers x {args.threads} threads, 1 db_worker, PostgreSQL, Redis): {args.agents} "
          f"agents, {args.rate:g} requests/s in all for {args.seconds} s; sandbox latency "
          f"{args.latency_ms} ms per API call; everything on the same {os.cpu_count()} cores")
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
    print("  nginx sent " + ", ".join(f"{n} to instance {name}"
                                      for name, n in sorted(shares.items())))
    calls = after["calls"] - before["calls"]
    print(f"  upstream: {calls} API calls ({calls / max(1, requests):.1f} per request), "
          f"token requests over the whole run {after['tokens']} (1 expected)")
    roles = ("app", "worker", "sandbox", "nginx", "load generator", "postgres")
    spent = sum(cpu.get(role, 0.0) for role in roles)
    machine = cpu.get("machine", 0.0)
    print(f"  CPU while the agents ran ({elapsed:.0f} s): this run {spent:.0f} s "
          f"({spent / elapsed:.2f} of {os.cpu_count()} cores); the machine was busy "
          f"{machine:.0f} s ({machine / elapsed:.2f} cores: the rest is Redis and whatever "
          f"else runs)")
    for role in roles:
        seconds = cpu.get(role, 0.0)
        print(f"    {role:<15} {seconds:7.1f} s  {100 * seconds / max(spent, 1e-9):5.1f} %  "
              f"{1000 * seconds / max(requests, 1):6.1f} ms a request")
    met = requests > 0 and errors == 0 and p95_all < TARGET_P95_MS
    print(f"\nTargets (0 errors, p95 < {TARGET_P95_MS:.0f} ms): {'met' if met else 'NOT met'}")
    return met


if __name__ == "__main__":
    main()
