"""Page timings against the slowest upstream call each page needs.

    .venv/bin/python bench/pages.py [--runs 40] [--latency-ms 50] [--workers 2 --threads 8]
                                    [--sandbox-processes 2]

Starts the stack of bench/stack.py (gunicorn gthread, sandbox_serve with a latency fault on
every API call, Redis cache, production mode, temporary data folder), signs in as the demo
agent and times, one request after another:

- the debtor search page (a name word typed in the box),
- the debtor 360 page of a person (and, for information, of a company),
- one recalculation of a 24-period annuity in the calculator (its htmx result partial).

For every page load the sandbox's control API (GET /sandbox/control/stats) tells which API
calls the load made; afterwards each of those calls is replayed directly against the sandbox
with a token of the same client, timed alone. A load's baseline is its slowest call; the page's
p50/p95 are printed as ratios to the baselines' p50/p95. For pages of several calls the same
calls are also sent side by side straight to the sandbox, which shows what the sandbox itself
(`--sandbox-processes` Python processes, 2 by default) adds when it answers six at once.
Targets: search <= 1.1x, 360 <= 1.3x, calculator <= 1.2x; one token request in the whole run
(the first); the calls per page (search: 1). Exit status 0 when every target is met, 2 when one
is missed.

Beside the ratios it prints the app's CPU per page load (p50/p95, ms): the app measures it
itself (SERVER_TIMING=true, backoffice/observability/cpu.py) as the thread CPU of the request
and of its fan-out parts, and sends it in `Server-Timing: app-cpu`. Unlike the ratios it does
not move with whatever else the machine is running.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

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

TARGETS = {"search": 1.1, "360 (person)": 1.3, "calculator": 1.2}
PLAN_PERIODS = 24
CSRF_FIELD = "csrfmiddlewaretoken"  # each session sends its own token in X-CSRFToken
APP_CPU = re.compile(r"(?:^|,)\s*app-cpu;dur=([0-9.]+)")
APP_WALL = re.compile(r"(?:^|,)\s*app;dur=([0-9.]+)")


@dataclass
class PageRun:
    """A page's timed loads, the API calls of each load, and the replayed baselines."""

    name: str
    page_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # the app's CPU per load (Server-Timing)
    app_ms: list[float] = field(default_factory=list)  # the load's wall time inside the app
    calls: list[list[dict]] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    side_by_side_ms: list[float] = field(default_factory=list)
    slowest_ops: Counter = field(default_factory=Counter)

    @property
    def calls_per_load(self) -> float:
        return sum(len(c) for c in self.calls) / len(self.calls)

    def operations(self) -> str:
        ops = Counter(call["operation"] for load in self.calls for call in load)
        return ", ".join(f"{op} x{n / len(self.calls):g}" for op, n in sorted(ops.items()))


class _FormFields(HTMLParser):
    """The submittable fields of one form (inputs only: the calculator has no selects)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif tag == "input" and self.inside and a.get("name") not in (None, "", CSRF_FIELD):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


def timed_load(stack: Stack, run: PageRun, load) -> None:
    """One page load, timed, with the API calls it made (from the sandbox's counters)."""
    before = stack.stats()["calls"]
    started = time.perf_counter()
    response = load()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{run.name}: {response.status_code} {response.text[:300]}")
    after = stack.stats()
    made = after["calls"] - before
    cpu = APP_CPU.search(response.headers.get("Server-Timing", ""))
    if cpu is None:
        raise SystemExit(f"{run.name}: no app-cpu in Server-Timing (SERVER_TIMING not on?)")
    run.page_ms.append(elapsed)
    run.cpu_ms.append(float(cpu.group(1)))
    wall = APP_WALL.search(response.headers.get("Server-Timing", ""))
    run.app_ms.append(float(wall.group(1)) if wall else float("nan"))
    run.calls.append(after["recent"][-made:] if made else [])


def _send(stack: Stack, call: dict, client: httpx.Client | None = None) -> float:
    root = stack.sandbox_root.rsplit("/sandbox", 1)[0]
    started = time.perf_counter()
    answer = (client or stack.api).request(
        call["method"], root + call["path"], content=call["body"].encode() or None,
        headers={"Content-Type": "application/json"} if call["body"] else None)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code >= 400:
        raise SystemExit(f"replaying {call['operation']}: {answer.status_code}")
    return elapsed


def replay(stack: Stack, run: PageRun) -> None:
    """Each load's calls again straight to the sandbox: one at a time (the slowest is the
    load's baseline), then all at once from as many threads (the sandbox's own cost of
    answering them side by side: one Python process shares one interpreter lock)."""
    clients = [httpx.Client(headers=stack.api.headers, timeout=30) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        for load in run.calls:
            times = [_send(stack, call) for call in load]
            slowest = max(range(len(load)), key=times.__getitem__, default=None)
            run.baseline_ms.append(times[slowest] if slowest is not None else 0.0)
            run.slowest_ops[load[slowest]["operation"] if slowest is not None else "-"] += 1
            if len(load) > 1:
                started = time.perf_counter()
                list(pool.map(lambda pair: _send(stack, pair[0], pair[1]),
                              zip(load, clients, strict=False)))
                run.side_by_side_ms.append((time.perf_counter() - started) * 1000)
    for client in clients:
        client.close()


def measure(stack: Stack, portfolio: Portfolio, runs: int) -> list[PageRun]:
    agent = Session(stack.app_url)
    agent.sign_in("agent")
    people, companies = portfolio.people, portfolio.companies
    words = portfolio.name_words

    def calculator_data(guid: str) -> list[tuple[str, str]]:
        page = agent.get(f"/debtors/{guid}/plans/new")
        if page.status_code != 200:
            raise SystemExit(f"calculator page: {page.status_code}")
        data = [(k, v) for k, v in form_fields(page.text, "plan-form")
                if k not in ("number_of_payments", "amount", "payment_plan_type")]
        return [*data, ("payment_plan_type", "1"), ("number_of_payments", str(PLAN_PERIODS)),
                ("amount", "")]

    # Warm-up: the first request of each worker takes the token (once, through Redis).
    for i in range(6):
        agent.get(f"/debtors/?q={words[i % len(words)]}")
        agent.get(f"/debtors/{people[i % len(people)]['debtorGuid']}/")
    forms: dict[str, list] = {}  # the calculator pages, opened just before recalculating

    pages = {
        "search": lambda i: agent.get(f"/debtors/?q={words[i % len(words)]}"),
        "360 (person)": lambda i: agent.get(f"/debtors/{people[i % len(people)]['debtorGuid']}/"),
        "360 (company)": lambda i: agent.get(
            f"/debtors/{companies[i % len(companies)]['debtorGuid']}/"),
        "calculator": lambda i: agent.post(
            f"/debtors/{list(forms)[i % len(forms)]}/plans/new",
            data=forms[list(forms)[i % len(forms)]], htmx=True),
    }
    results = []
    for name, load in pages.items():
        if name == "calculator":
            forms.update({p["debtorGuid"]: calculator_data(p["debtorGuid"]) for p in people[:10]})
        run = PageRun(name)
        for i in range(runs):
            timed_load(stack, run, lambda load=load, i=i: load(i))
        replay(stack, run)
        results.append(run)
    agent.close()
    return results


def report(stack: Stack, results: list[PageRun], tokens: int) -> bool:
    o = stack.options
    print(f"\nPages, {len(results[0].page_ms)} loads each, one after another; sandbox latency "
          f"{o.latency_ms} ms per API call, {o.sandbox_processes} sandbox processes; gunicorn "
          f"gthread {o.workers} workers x {o.threads} threads; fan-out pool "
          f"{o.fanout_workers}; cache {o.cache_url}")
    head = (f"  {'page':<15} {'p50 ms':>7} {'p95 ms':>7} {'base p50':>9} {'base p95':>9} "
            f"{'x p50':>6} {'x p95':>6} {'target':>7} {'calls':>6} {'cpu p50':>8} {'cpu p95':>8} "
            f"{'app p50':>8}")
    print(head)
    ok = True
    for run in results:
        r50 = p50(run.page_ms) / p50(run.baseline_ms)
        r95 = p95(run.page_ms) / p95(run.baseline_ms)
        target = TARGETS.get(run.name)
        verdict = "" if target is None else ("met" if r50 <= target else "MISSED")
        if target is not None and r50 > target:
            ok = False
        print(f"  {run.name:<15} {p50(run.page_ms):>7.1f} {p95(run.page_ms):>7.1f} "
              f"{p50(run.baseline_ms):>9.1f} {p95(run.baseline_ms):>9.1f} {r50:>6.2f} "
              f"{r95:>6.2f} {target or '-':>7} {run.calls_per_load:>6g} "
              f"{p50(run.cpu_ms):>8.1f} {p95(run.cpu_ms):>8.1f} {p50(run.app_ms):>8.1f}  {verdict}")
    print("  cpu: the app's CPU per load in ms (its request thread and its fan-out parts, "
          "measured in the app: Server-Timing app-cpu), whatever else the machine runs;\n"
          "  app: the load's wall time from the app's first middleware in to its response out "
          "(Server-Timing app), the rest of p50 is gunicorn, loopback and the client")
    print("\n  the same calls sent side by side straight to the sandbox (no app), p50/p95 ms:")
    for run in results:
        if run.side_by_side_ms:
            print(f"    {run.name:<15} {p50(run.side_by_side_ms):7.1f} "
                  f"{p95(run.side_by_side_ms):7.1f}  (page / this: "
                  f"{p50(run.page_ms) / p50(run.side_by_side_ms):.2f}x p50)")
    print("\n  upstream calls per load (counted by the sandbox):")
    for run in results:
        slowest = ", ".join(f"{op} x{n}" for op, n in run.slowest_ops.most_common(3))
        print(f"    {run.name:<15} {run.operations()}\n    {'':<15} slowest: {slowest}")
    search = next(r for r in results if r.name == "search")
    if search.calls_per_load != 1:
        ok = False
        print(f"  search needs {search.calls_per_load:g} calls per load (target 1): MISSED")
    print(f"\n  token requests by the app over the whole run: {tokens} "
          f"(target 1, the first): {'met' if tokens == 1 else 'MISSED'}")
    return ok and tokens == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="timed loads per page (40)")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--debtors", type=int, default=2000)
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
        results = measure(stack, portfolio, args.runs)
        tokens = stack.stats()["tokens"]
        ok = report(stack, results, tokens)
    sys.exit(0 if ok else 2)


if __name__ == "__main__":
    main()
