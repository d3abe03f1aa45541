"""Appending to the hash chain: serialised, and out of reach of the caller's rollback.

Serialising: an append reads the last hash and inserts inside one transaction that holds the
chain's lock: on SQLite the database write lock (transactions BEGIN IMMEDIATE, see
backoffice/env.py), on PostgreSQL `pg_advisory_xact_lock`, elsewhere a row lock on the
last entry.

Surviving a rollback (the caller may be inside `transaction.atomic`, e.g. the admin's views):
- no transaction of the caller's open (the usual case): the append commits at once;
- inside the caller's transaction: the entry is written there (visible at once, in chain
  order), which keeps the chain's lock until that transaction ends. A second connection
  could not do better: it would wait for that lock and could not see the rows the caller
  made (an entry's actor may be a user created in that same transaction). A guard thread
  takes the chain's lock in a transaction of its own, i.e. waits for the caller's to end,
  and appends the entry again if a rollback took it.
Transactions opened by Django's TestCase are not the caller's: tests see plain appends, with
no guard (the test's transaction never commits).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
import time

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

from backoffice.audit.canonical import canonical_json
from backoffice.audit.models import AuditEntry

log = logging.getLogger("backoffice.audit")

_ADVISORY_LOCK_KEY = 0x41554449  # "AUDI"
GUARD_ATTEMPTS = 30


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical_json(entry.hashed_values())).encode()).hexdigest()


def _lock_chain(alias: str) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    elif connection.vendor != "sqlite":
        list(AuditEntry.objects.using(alias).select_for_update().order_by("-id")[:1])


def _append_now(entry: AuditEntry, alias: str) -> AuditEntry:
    with transaction.atomic(using=alias):
        _lock_chain(alias)
        last = (
            AuditEntry.objects.using(alias).order_by("-id")
            .values_list("entry_hash", flat=True).first()
        )
        entry.prev_hash = last or ""
        entry.entry_hash = compute_hash(entry.prev_hash, entry)
        entry.save(using=alias, force_insert=True)
    return entry


def in_callers_transaction(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Inside an atomic block the application opened (TestCase's own blocks don't count)."""
    connection = connections[alias]
    return connection.in_atomic_block and any(
        not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def _in_test_transaction(alias: str = DEFAULT_DB_ALIAS) -> bool:
    return any(getattr(block, "_from_testcase", False)
               for block in connections[alias].atomic_blocks)


def _guard_against_rollback(entry: AuditEntry) -> None:
    """Once the caller's transaction ends, make sure the entry is in the table."""
    pk, entry_hash = entry.pk, entry.entry_hash

    def run() -> None:
        try:
            for _attempt in range(GUARD_ATTEMPTS):
                try:
                    with transaction.atomic():  # SQLite: BEGIN IMMEDIATE waits for the writer
                        _lock_chain(DEFAULT_DB_ALIAS)  # elsewhere: the caller holds this lock
                        if AuditEntry.objects.filter(pk=pk, entry_hash=entry_hash).exists():
                            return
                    log.warning("audit entry %s was rolled back with its transaction; "
                                "appending it again", pk)
                    again = copy.copy(entry)
                    again._state = copy.copy(entry._state)
                    again.pk = None
                    again._state.adding = True
                    _append_now(again, DEFAULT_DB_ALIAS)
                    return
                except OperationalError:  # still locked after the busy timeout
                    time.sleep(0.5)
            log.error("audit entry %s could not be checked after its transaction", pk)
        except Exception:
            log.exception("audit rollback guard failed for entry %s", pk)
        finally:
            connections.close_all()

    threading.Thread(target=run, name="audit-rollback-guard", daemon=True).start()


def append(entry: AuditEntry) -> AuditEntry:
    """Stores `entry` at the end of the chain (setting prev_hash and entry_hash)."""
    _append_now(entry, DEFAULT_DB_ALIAS)
    if in_callers_transaction() and not _in_test_transaction():
        _guard_against_rollback(entry)
    return entry
