"""Counters of what the sandbox was asked: tokens issued, API calls per operation, and the
last calls themselves (method, path with query, body).

Read and reset through GET/DELETE /sandbox/control/stats, so a benchmark can prove how many
upstream calls a page needs and that the back-office reuses its token, and replay exactly the
calls a page made to time them on their own.

They are kept in a small SQLite file of their own, not in process memory, so that every
process of a server (`sandbox_serve --processes N`) counts into the same figures. The file is
a temporary one per server: `stats_open()` creates it in the process that forks the others,
and it is removed when that process exits. Each call costs one short write transaction (WAL,
no fsync: some 15-30 microseconds, where a P6 call costs about 3 ms); it is not the sandbox's
own database, so its lock never stands in the way of the API's writes.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from django.http import HttpRequest

RECENT_CALLS = 100
MAX_RECORDED_BODY = 65_536
_TRIM_EVERY = 50  # calls between two trims of the recent calls down to RECENT_CALLS
_TOKENS = "token"  # the counter of tokens; operations are counted as "call:<operation>"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY, operation TEXT NOT NULL,
                                  method TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL);
"""

_path: Path | None = None
_path_lock = threading.Lock()
_local = threading.local()


def stats_open() -> Path:
    """The stats file of this server, created (with its tables) on first use.

    Call it before forking worker processes: they then share the parent's file."""
    global _path
    with _path_lock:
        if _path is None:
            handle, name = tempfile.mkstemp(prefix="sandbox-stats-", suffix=".sqlite3")
            os.close(handle)
            _path = Path(name)
            atexit.register(_remove, _path, os.getpid())
            with contextlib.closing(_connect(_path)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
        return _path


def _remove(path: Path, owner: int) -> None:
    if os.getpid() == owner:  # not from a forked child that happens to run atexit
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{path}{suffix}")


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA synchronous=OFF")  # counters of a test server: no fsync per call
    return db


def _db() -> sqlite3.Connection:
    """This thread's connection (a new one after a fork: never share one across processes)."""
    path = stats_open()
    held = getattr(_local, "held", None)
    if held is None or held[0] != (os.getpid(), path):
        held = ((os.getpid(), path), _connect(path))
        _local.held = held
    return held[1]


@contextlib.contextmanager
def _transaction(begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
    db = _db()
    db.execute(begin)
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _count(db: sqlite3.Connection, name: str) -> None:
    db.execute("INSERT INTO counts (name, n) VALUES (?, 1) "
               "ON CONFLICT (name) DO UPDATE SET n = n + 1", (name,))


def call_count(request: HttpRequest, view_name: str) -> None:
    """One API call, counted as e.g. "GET debtor" (method and view name) and remembered."""
    operation = f"{request.method} {view_name}"
    body = request.body if len(request.body) <= MAX_RECORDED_BODY else b""
    with _transaction() as db:
        _count(db, f"call:{operation}")
        row = db.execute(
            "INSERT INTO calls (operation, method, path, body) VALUES (?, ?, ?, ?)",
            (operation, request.method, request.get_full_path(),
             body.decode("utf-8", "replace"))).lastrowid
        if row % _TRIM_EVERY == 0:
            db.execute("DELETE FROM calls WHERE id <= ?", (row - RECENT_CALLS,))


def token_count() -> None:
    """One token issued by the token endpoint."""
    with _transaction() as db:
        _count(db, _TOKENS)


def stats_snapshot() -> dict:
    """Tokens, calls per operation and the last RECENT_CALLS calls (oldest first), summed
    over every process of the server."""
    with _transaction("BEGIN") as db:  # one consistent reading of both tables
        counts = dict(db.execute("SELECT name, n FROM counts"))
        recent = db.execute(
            "SELECT operation, method, path, body FROM calls ORDER BY id DESC LIMIT ?",
            (RECENT_CALLS,)).fetchall()
    calls = dict(sorted((name.removeprefix("call:"), n) for name, n in counts.items()
                        if name.startswith("call:")))
    return {"tokens": counts.get(_TOKENS, 0), "calls": sum(calls.values()),
            "byOperation": calls,
            "recent": [{"operation": op, "method": method, "path": path, "body": body}
                       for op, method, path, body in reversed(recent)]}


def stats_reset() -> None:
    with _transaction() as db:
        db.execute("DELETE FROM counts")
        db.execute("DELETE FROM calls")
