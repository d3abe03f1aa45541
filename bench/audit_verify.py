"""Benchmark: the audit integrity check over 1,000,000 entries, in full and incremental.

    .venv/bin/python bench/audit_verify.py [--entries 1000000] [--new 1000]
                                           [--db var/bench/audit_verify.sqlite3] [--reuse]

Seeds a fresh SQLite database (its own file) with `entries - new` pre-chained entries, written
as SQL in batches by bench/audit_list.py's seed (hashes from the application's own
`compute_hash`; the model refuses bulk inserts, the app never does this). Then, as the jobs do:

1. the full check (`integrity_check(full=True)`), which walks every entry and leaves the
   checkpoint at the last one;
2. `new` more entries appended the application's way, through `audit_record`;
3. the incremental check (`integrity_check()`), which reads only the entries after the
   checkpoint. Target: under 5 s.

Prints both times; exit status 2 when the incremental check misses its target. `--reuse`
keeps an already seeded file and only repeats 2 and 3 (each run adds `new` entries).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 5.0


def _setup(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["APTIC_SANDBOX"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()


def append_new(count: int) -> float:
    """`count` entries through audit_record, as the gateway records changes."""
    from django.contrib.auth.models import User

    from backoffice.audit.services import audit_record
    from backoffice.request_context import acting_as

    user = User.objects.filter(username="agent00").first()
    started = time.perf_counter()
    with acting_as(user, client_ip="10.0.0.7", user_agent="bench"):
        for n in range(count):
            audit_record(action="debtor.update", outcome="ok", debtor_guid="bench",
                         before={"city": "Uppsala"}, after={"city": "Umeå", "n": n})
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--db", type=Path,
                        default=ROOT / "var" / "bench" / "audit_verify.sqlite3")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    fresh = not (args.reuse and args.db.exists())
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    _setup(args.db)
    from django.core.management import call_command

    from backoffice.audit.models import AuditEntry
    from backoffice.jobs.integrity import integrity_check
    from bench.audit_list import seed

    if fresh:
        call_command("migrate", run_syncdb=True, verbosity=0)
        seed(args.entries - args.new)

    started = time.perf_counter()
    full = integrity_check(full=True)
    full_seconds = time.perf_counter() - started
    assert full.ok, full
    print(f"\nFull check: {full.checked:,} entries in {full_seconds:.1f} s "
          f"({full.checked / full_seconds:,.0f} entries/s); checkpoint at #{full.through_id}")

    appended = append_new(args.new)
    print(f"Appended {args.new:,} entries through audit_record in {appended:.1f} s")

    started = time.perf_counter()
    incremental = integrity_check()
    incremental_seconds = time.perf_counter() - started
    assert incremental.ok and incremental.checked == args.new, incremental
    total = AuditEntry.objects.count()
    met = incremental_seconds < TARGET_SECONDS
    print(f"Incremental check: {incremental.checked:,} new of {total:,} entries in "
          f"{incremental_seconds:.2f} s (target < {TARGET_SECONDS:.0f} s)"
          f"{'' if met else '  <-- over target'}")
    return 0 if met else 2


if __name__ == "__main__":
    sys.exit(main())
