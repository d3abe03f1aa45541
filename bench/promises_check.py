"""Benchmark: `promises_check` over 100,000 open due promises, against a sandbox over HTTP.

    .venv/bin/python bench/promises_check.py [--promises 100000] [--debtors 10000]
                                             [--latency-ms 50] [--keep DIR]

Seeds a fresh sandbox database with `--debtors` debtors (`sandbox_seed`; their GUIDs are known
from the seed, so the bench names them without asking), serves it with `sandbox_serve` adding
`--latency-ms` to every API call, writes `--promises` open promises due a week ago spread over
those debtors and 20 agents (baselines from the sandbox database, so that all three outcomes
occur) straight into a fresh back-office SQLite database, then runs `promises_check()` in this
process through the real gateway. It prints the wall time, the summary calls the sandbox
counted (they must equal the distinct debtors), promises per second, and how much of the time
went to appending the audit chain (one entry per judged promise, and one for the follow-up a
missed promise sets its owner when they have none open on that debtor).
Target: under 10 minutes for 100,000 promises, one summary call per debtor.
"""

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MANAGE = [sys.executable, str(ROOT / "manage.py")]
TARGET_S = 600.0
SEED = 1
AGENTS = 20
BATCH = 5000

from bench.sandbox_list import free_port, serve, token  # noqa: E402


def environment(folder: Path, port: int) -> dict:
    root = f"http://127.0.0.1:{port}/sandbox"
    return {
        **os.environ,
        "APTIC_SANDBOX": "true",
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "true"),
        "DATABASE_URL": f"sqlite:///{folder / 'backoffice.sqlite3'}",
        "SANDBOX_DATABASE_URL": f"sqlite:///{folder / 'sandbox.sqlite3'}",
        "APTIC_BASE_URL": f"{root}/api/v1",
        "APTIC_TOKEN_URL": f"{root}/oauth/token",
        "APTIC_CLIENT_ID": os.environ.get("SANDBOX_CLIENT_ID", "sandbox-client"),
        "APTIC_CLIENT_SECRET": os.environ.get("SANDBOX_CLIENT_SECRET", "sandbox-secret"),
        "CACHE_URL": "locmem://",
        "LOG_LEVEL": "WARNING",
    }


def seed_sandbox(env: dict, debtors: int) -> float:
    started = time.monotonic()
    subprocess.run([*MANAGE, "migrate", "--database", "sandbox", "-v", "0"], env=env, check=True)
    subprocess.run([*MANAGE, "sandbox_seed", "--debtors", str(debtors), "--seed", str(SEED)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def _totals() -> dict[str, Decimal]:
    """Each seeded debtor's total remaining, from the sandbox database (a bench may read it)."""
    from sandbox.models import Case

    totals: dict[str, Decimal] = {}
    rows = Case.objects.using("sandbox").filter(status="ACTIVE").values_list(
        "debtor__guid", "remaining_sum")
    for guid, remaining in rows.iterator(chunk_size=BATCH):
        totals[str(guid)] = totals.get(str(guid), Decimal("0")) + remaining
    return totals


def seed_promises(promises: int, debtors: int, rng: random.Random) -> float:
    """Open promises due a week ago, round-robin over the debtors (so each has some) and the
    agents. Baselines are today's total plus nothing (broken), half the amount (partly kept)
    or all of it (kept), so the check meets all three outcomes."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    from backoffice.roles import sync_role_groups
    from sandbox.seed.debtors import debtor_guid
    from work.models import Promise

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    sync_role_groups()
    agents = []
    for n in range(AGENTS):
        user = User.objects.create(username=f"bench-agent{n:02}")
        user.groups.add(Group.objects.get(name="agent"))
        agents.append(user)
    totals = _totals()
    guids = [str(debtor_guid(SEED, index)) for index in range(debtors)]
    due = timezone.localdate() - dt.timedelta(days=7)
    made = timezone.now() - dt.timedelta(days=20)
    shares = [Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0.5"), Decimal("1")]
    rows = []
    for index in range(promises):
        guid = guids[index % debtors]
        amount = Decimal(rng.randint(100, 2000))
        paid = (amount * rng.choice(shares)).quantize(Decimal("0.01"))
        rows.append(Promise(
            debtor_guid=guid, debtor_name=f"Debtor {index % debtors}", amount=amount,
            currency="SEK", due_date=due, channel="phone_out", owner=agents[index % AGENTS],
            remaining_at_creation=totals.get(guid, Decimal("0")) + paid, created_at=made,
        ))
        if len(rows) == BATCH:
            Promise.objects.bulk_create(rows)
            rows = []
    Promise.objects.bulk_create(rows)
    return time.monotonic() - started


def timed_audit_append():
    """Wraps the audit chain's append to measure it (every entry is still appended)."""
    from backoffice.audit import chain

    spent = {"seconds": 0.0, "entries": 0}
    original = chain.append

    def append(entry):
        started = time.perf_counter()
        try:
            return original(entry)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["entries"] += 1

    chain.append = append
    return spent


def run(args: argparse.Namespace) -> int:
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="promises-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = environment(folder, port)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    print(f"Database folder: {folder}")
    print(f"Load average before: {os.getloadavg()[0]:.2f} (2 cores; other work slows this)")
    print(f"Seeding {args.debtors} sandbox debtors: {seed_sandbox(env, args.debtors):.1f} s")

    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log kept for 100,000 promises

    rng = random.Random(7)
    print(f"Writing {args.promises} open promises over {args.debtors} debtors and {AGENTS} "
          f"agents: {seed_promises(args.promises, args.debtors, rng):.1f} s")
    server = serve(env, port, folder / "serve.log")
    root = f"http://127.0.0.1:{port}/sandbox"
    try:
        control = httpx.Client(base_url=f"{root}/control", timeout=30,
                               headers={"Authorization": f"Bearer {token(root)}"})
        control.put("/faults", json={"latencyMs": args.latency_ms}).raise_for_status()
        control.delete("/stats").raise_for_status()
        spent = timed_audit_append()
        from work.promise_check import promises_check

        print(f"Running promises_check (sandbox latency {args.latency_ms} ms a call, "
              f"{settings.APTIC_FANOUT_WORKERS} fan-out workers)...")
        report = promises_check()
        stats = control.get("/stats").json()["byOperation"]
        summary_calls = sum(n for op, n in stats.items() if op.endswith("summary"))
        control.delete("/faults")
        rate = report.judged / report.seconds if report.seconds else float("nan")
        audit_share = spent["seconds"] / report.seconds if report.seconds else float("nan")
        print(f"\n  wall time              {report.seconds:8.1f} s  (target < {TARGET_S:.0f} s)")
        print(f"  promises judged        {report.judged:8d}  ({report.kept} kept, "
              f"{report.partly_kept} partly kept, {report.broken} broken)")
        print(f"  promises per second    {rate:8.0f}")
        print(f"  summary calls          {summary_calls:8d}  (distinct debtors {args.debtors}; "
              f"report says {report.summary_calls}, unreadable {len(report.unreadable)})")
        print(f"  audit chain appends    {spent['entries']:8d}  taking {spent['seconds']:.1f} s "
              f"({audit_share:.0%} of the run, "
              f"{1000 * spent['seconds'] / max(spent['entries'], 1):.2f} ms each)")
        print(f"  load average after: {os.getloadavg()[0]:.2f}")
        met = (report.seconds < TARGET_S and summary_calls == args.debtors
               and report.judged == args.promises and report.ok)
        print(f"\nTargets (< {TARGET_S:.0f} s, one summary call per debtor, every promise "
              f"judged): {'met' if met else 'NOT met'}")
        return 0 if met else 2
    finally:
        server.terminate()
        server.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--promises", type=int, default=100_000)
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--keep", help="Folder for the databases (default: a new temporary one).")
    args = parser.parse_args()
    if args.debtors > args.promises:
        parser.error("--debtors cannot be more than --promises (every debtor has a promise)")
    sys.exit(run(args))


if __name__ == "__main__":
    main()
