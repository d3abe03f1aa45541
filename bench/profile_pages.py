"""Where the app's CPU goes on the pages of bench/pages.py: cProfile, queries, cache commands.

    .venv/bin/python bench/profile_pages.py [--runs 30] [--top 25] [--sort tottime] [--dump DIR]

Starts the stack of bench/stack.py (its sandbox, seeded, with no latency added: only CPU is
of interest here), then serves the pages in this very process through Django's test client,
in the production settings the stack gives gunicorn: the debtor search, the 360 of a person,
one recalculation in the calculator and a six-option grid, each `--runs` times after a
warm-up. The fan-out's parts run inline on the profiled thread (cProfile sees one thread).
Per page it prints the CPU per load, the SQL queries and Redis commands per load, and the
top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections import Counter
from concurrent.futures import Future
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PLAN_PERIODS, form_fields
from stack import StackOptions, _environments, pick_portfolio, running_stack

ROOT = Path(__file__).resolve().parent.parent


class InlineExecutor:
    """The fan-out pool, but every part runs at once on the calling thread."""

    def submit(self, fn, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime)")
    parser.add_argument("--debtors", type=int, default=500)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--dump", type=Path,
                        help="also write each page's profile to DIR/<page>.prof")
    parser.add_argument("--only", help="profile only the pages whose name contains this")
    args = parser.parse_args()
    options = StackOptions(debtors=args.debtors, latency_ms=0, cache_url=args.cache_url)
    with running_stack(options) as stack:
        portfolio = pick_portfolio(stack, size=10)
        stack.set_latency(0)
        _, app_env, _ = _environments(stack.folder, stack.options, stack.sandbox_root)
        os.environ.update(app_env, DJANGO_SETTINGS_MODULE="backoffice.settings")
        sys.path.insert(0, str(ROOT))
        profile(portfolio, args)


def profile(portfolio, args) -> None:
    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from backoffice.gateway import fanout

    fanout._executor = InlineExecutor  # profiling only: the parts on this thread
    commands: Counter = Counter()
    execute = redis.Redis.execute_command

    def counting(self, *call, **options):
        commands[call[0]] += 1
        return execute(self, *call, **options)

    redis.Redis.execute_command = counting
    client = Client(HTTP_HOST="127.0.0.1", headers={"User-Agent": "profile"})
    client.force_login(get_user_model().objects.get(username="agent"))
    people = [p["debtorGuid"] for p in portfolio.people]
    words = portfolio.name_words

    def calculator_data(guid: str) -> dict:
        page = client.get(f"/debtors/{guid}/plans/new")
        data = {k: v for k, v in form_fields(page.content.decode(), "plan-form")
                if k not in ("number_of_payments", "amount", "payment_plan_type")}
        return {**data, "payment_plan_type": "1", "number_of_payments": str(PLAN_PERIODS),
                "amount": ""}

    forms = {guid: calculator_data(guid) for guid in people[:5]}
    pages = {
        "search": lambda i: client.get(f"/debtors/?q={words[i % len(words)]}"),
        "360 (person)": lambda i: client.get(f"/debtors/{people[i % len(people)]}/"),
        "calculator": lambda i: client.post(
            f"/debtors/{list(forms)[i % len(forms)]}/plans/new",
            data=forms[list(forms)[i % len(forms)]], headers={"HX-Request": "true"}),
        "options grid": lambda i: client.post(
            f"/debtors/{list(forms)[i % len(forms)]}/plans/new/options",
            data={**forms[list(forms)[i % len(forms)]], "option_by": "months",
                  "option_months": "6, 12, 18, 24, 36, 48"}, headers={"HX-Request": "true"}),
    }
    for name, load in pages.items():
        if args.only and args.only not in name:
            continue
        for i in range(5):
            assert load(i).status_code == 200, name
        commands.clear()
        profiler = cProfile.Profile(time.thread_time)  # CPU, not the waits
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            profiler.enable()
            for i in range(args.runs):
                load(i)
            profiler.disable()
            cpu = (time.process_time() - started) / args.runs
        print(f"\n=== {name}: {cpu * 1000:.1f} ms CPU per load (profiled), "
              f"{len(queries) / args.runs:g} queries, "
              f"{sum(commands.values()) / args.runs:g} Redis commands per load "
              f"({', '.join(f'{c} {n / args.runs:g}' for c, n in commands.most_common())})")
        for sql in dict.fromkeys(q["sql"][:110] for q in queries.captured_queries[:12]):
            print(f"    sql: {sql}")
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(args.dump / f"{name.split()[0]}.prof")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(
            args.top)
        print(out.getvalue().split("\n", 6)[-1])


if __name__ == "__main__":
    main()
