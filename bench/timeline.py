"""Benchmark: a debtor's timeline with 1,000 local entries and 1,000 audit entries (SQLite).

    .venv/bin/python bench/timeline.py [--local 1000] [--audit 1000] [--noise 20000]
                                       [--db var/bench/timeline.sqlite3] [--runs 9]

Seeds a fresh throwaway SQLite database (never the development one): for the measured debtor
`--local` notes, promises, follow-ups and plan proposals (bulk_create; promises partly judged,
follow-ups partly completed, proposals partly decided, so every source has rows) and `--audit`
audit entries through `audit_record` one by one (the log is append-only and chained); for
other debtors `--noise` local rows and a tenth as many audit entries, so the indexes have to
do their work. Then it requests the timeline through Django's test Client as a signed-in
agent (middleware, guard, form, merge and template included): the htmx fragment and the
full page, first page and page 10, one filter. Prints the cold request and the median of the
following runs against the 100 ms target for the first page.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 100.0
GUID = "d0c5a1e2-7b3f-4c8d-9e6a-5f4b3c2d1e0f"


def _setup(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["APTIC_SANDBOX"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()


def _users():
    from django.contrib.auth.models import Group, User

    from backoffice.roles import sync_role_groups

    sync_role_groups()
    users = []
    for role, count in (("agent", 8), ("supervisor", 2)):
        group = Group.objects.get(name=role)
        for n in range(count):
            user = User.objects.create(username=f"{role}{n:02}")
            user.groups.add(group)
            users.append(user)
    return users


def _local_rows(guid: str, count: int, users, rng: random.Random, start):
    """`count` local rows for `guid`, spread over the four local kinds and a year of time."""
    from plans.models import PlanProposal
    from work.models import ContactNote, FollowUp, Promise

    notes, promises, followups, plans = [], [], [], []
    for n in range(count):
        when = start + timedelta(minutes=rng.randint(0, 525_600))
        user = rng.choice(users)
        kind = n % 10
        if kind < 5:
            notes.append(ContactNote(debtor_guid=guid, channel="phone_out", direction="outbound",
                                     outcome="reached", text=f"Call {n}", author=user,
                                     created_at=when))
        elif kind < 8:
            judged = rng.random() < 0.5
            promises.append(Promise(
                debtor_guid=guid, amount=Decimal("250.00"), currency="SEK",
                due_date=(when + timedelta(days=7)).date(), channel="phone_in", owner=user,
                remaining_at_creation=Decimal("9000.00"), created_at=when,
                status="broken" if judged else "open",
                paid_amount=Decimal("0.00") if judged else None,
                checked_at=when + timedelta(days=10) if judged else None))
        elif kind < 9:
            # Done, or open in the pool: one open follow-up per owner and debtor at most.
            done = rng.random() < 0.8
            followups.append(FollowUp(
                debtor_guid=guid, owner=user if done else None, due_at=when + timedelta(days=2),
                reason=f"Follow up {n}", created_by=user, created_at=when,
                status="done" if done else "open", outcome="contacted" if done else "",
                completed_by=user if done else None,
                completed_at=when + timedelta(days=2) if done else None))
        else:
            decided = rng.random() < 0.7
            plans.append(PlanProposal(
                debtor_guid=guid, plan_guid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                proposed_by=user, fingerprint="bench", plan_type=1, currency="SEK",
                total_amount=Decimal("9000.00"), status="approved" if decided else "pending",
                decided_by=users[-1] if decided else None,
                decided_at=when + timedelta(days=1) if decided else None))
    ContactNote.objects.bulk_create(notes, batch_size=2000)
    Promise.objects.bulk_create(promises, batch_size=2000)
    FollowUp.objects.bulk_create(followups, batch_size=2000)
    made = PlanProposal.objects.bulk_create(plans, batch_size=2000)
    # created_at is auto_now_add: set the proposals' times afterwards, in one statement each.
    for plan, when in zip(made, (start + timedelta(minutes=rng.randint(0, 525_600))
                                 for _ in made), strict=True):
        PlanProposal.objects.filter(pk=plan.pk).update(created_at=when)


def seed(local: int, audit: int, noise: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from backoffice.audit.services import audit_record

    rng = random.Random(15)
    users = _users()
    start = timezone.now() - timedelta(days=365)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    _local_rows(GUID, local, users, rng, start)
    others = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(200)]
    for n in range(0, noise, 1000):
        _local_rows(others[n // 1000 % len(others)], min(1000, noise - n), users, rng, start)
    actions = ["debtor.update", "address.update", "address.create", "plan.create",
               "pii.reveal", "extrafield.update"]
    for n in range(audit + noise // 10):
        guid = GUID if n < audit else rng.choice(others)
        audit_record(action=rng.choice(actions), outcome="ok", actor=rng.choice(users),
                     debtor_guid=guid, target_type="debtor", target_id=guid)
    print(f"Seeded {local:,} local and {audit:,} audit entries for the debtor, {noise:,} and "
          f"{noise // 10:,} for others, in {time.perf_counter() - started:.1f} s", flush=True)


def measure(runs: int) -> bool:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(User.objects.get(username="agent00"))
    path = reverse("work:timeline", args=[GUID])
    client.get(path)  # warm the templates and the connection once
    cases = [
        ("first page, htmx fragment", {}, True, True),
        ("first page, full page", {}, False, True),
        ("page 10, htmx fragment", {"page": "10"}, True, False),
        ("notes + changes, htmx", {"kind": ["notes", "changes"]}, True, False),
    ]
    ok = True
    print(f"\nThe timeline of one debtor (SQLite), target < {TARGET_MS:.0f} ms for the first page")
    print(f"{'request':<30}{'entries':>8}{'cold ms':>10}{'median ms':>11}{'CPU ms':>9}")
    for label, params, htmx, targeted in cases:
        headers = {"HX-Request": "true"} if htmx else {}
        times, cpu = [], []
        for _ in range(runs + 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path, params, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        entries = response.content.decode().count('class="timeline__entry ')
        median = statistics.median(times[1:])
        flag = "  <-- over target" if targeted and median >= TARGET_MS else ""
        ok &= not flag
        print(f"{label:<30}{entries:>8}{times[0]:>10.1f}{median:>11.1f}"
              f"{statistics.median(cpu[1:]):>9.1f}{flag}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--local", type=int, default=1000)
    parser.add_argument("--audit", type=int, default=1000)
    parser.add_argument("--noise", type=int, default=20000)
    parser.add_argument("--db", type=Path, default=ROOT / "var" / "bench" / "timeline.sqlite3")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    _setup(args.db)
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    seed(args.local, args.audit, args.noise)
    ok = measure(args.runs)
    print("\nWithin target." if ok else "\nOver target.")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
