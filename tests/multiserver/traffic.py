"""Traffic for the several-servers proof: signed-in writers and readers on threads, each request
remembered with the id the client gave it, and the run's database read afterwards.

Every write carries an `X-Request-ID` chosen here (the app takes a well-formed one), so the
audit entry of each acknowledged write is found by it, whichever instance answered.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import psycopg
from stack import Session

from backoffice.audit.models import AuditEntry
from debtors.models import SavedSearch
from work.models import ContactNote

ACKNOWLEDGED = range(200, 400)  # what a browser takes as "saved": the page or a redirect
FAILURE_PAUSE_SECONDS = 0.2


@dataclass
class Sent:
    """One request as the client saw it: status None when no answer came (connection lost)."""

    kind: str  # note | saved | address | read
    route: str  # nginx | a | b
    request_id: str
    started: float
    ended: float = 0.0
    status: int | None = None
    error: str = ""
    key: str = ""  # what identifies the change: note text, search name, street
    target: str = ""  # debtor GUID (notes), address GUID (addresses)
    sequence: int = 0

    @property
    def acknowledged(self) -> bool:
        return self.status in ACKNOWLEDGED

    @property
    def told_failure(self) -> bool:
        """The client knows it failed: a 5xx or no answer at all."""
        return self.status is None or self.status >= 500


def session_on(url: str, cookies: dict[str, str]) -> Session:
    """A client of another server with the same browser cookies (the same signed-in user)."""
    session = Session(url)
    session.cookies = dict(cookies)
    return session


def sign_in_many(urls: Iterable[str], usernames: Iterable[str], *,
                 threads: int = 6) -> list[Session]:
    """One signed-in session per (url, username), signed in side by side."""
    pairs = list(zip(urls, usernames, strict=True))

    def sign_in(pair: tuple[str, str]) -> Session:
        session = Session(pair[0])
        session.sign_in(pair[1])
        return session

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(sign_in, pairs))


@dataclass
class Traffic:
    """Threads sending requests until `stop` is set; what they sent, in `sent`."""

    sent: list[Sent] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def record(self, sent: Sent) -> None:
        with self._lock:
            self.sent.append(sent)

    def send(self, session: Session, sent: Sent, call: Callable[[dict], httpx.Response]) -> None:
        try:
            response = call({"X-Request-ID": sent.request_id})
            sent.status = response.status_code
        except httpx.HTTPError as exc:
            sent.error = type(exc).__name__
        sent.ended = time.monotonic()
        self.record(sent)
        if sent.told_failure:
            time.sleep(FAILURE_PAUSE_SECONDS)  # as a user would, not a tight reconnect loop

    def start(self, loop: Callable[[], None]) -> None:
        thread = threading.Thread(target=loop, daemon=True)
        self._threads.append(thread)
        thread.start()

    def finish(self, timeout: float = 60) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def of(self, kind: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind]


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def note_writer(traffic: Traffic, session: Session, route: str, debtors: list[str],
                number: int, *, saved_searches: bool = True, pause: float = 0.0
                ) -> Callable[[], None]:
    """Logs contact notes (and saves searches in between) until stopped."""

    def loop() -> None:
        for sequence in itertools.count():
            if traffic.stop.is_set():
                return
            if saved_searches and sequence % 2:
                name = f"w{number}-{sequence}"
                sent = Sent("saved", route, new_id("ms"), time.monotonic(), key=name,
                            sequence=sequence)
                traffic.send(session, sent, lambda headers, name=name: session.post(
                    "/debtors/saved/", data={"name": name, "q": "a"}, headers=headers))
            else:
                guid = debtors[(number + sequence) % len(debtors)]
                request_id = new_id("ms")
                text = f"Several servers: writer {number}, note {sequence}, {request_id}"
                sent = Sent("note", route, request_id, time.monotonic(), key=text,
                            target=guid, sequence=sequence)
                traffic.send(session, sent, lambda headers, guid=guid, text=text: session.post(
                    f"/debtors/{guid}/contacts", headers=headers, data={
                        "channel": "email", "direction": "outbound", "outcome": "reached",
                        "text": text}))
            if pause:
                time.sleep(pause)

    return loop


def address_writer(traffic: Traffic, session: Session, route: str, debtor_guid: str,
                   address: dict, number: int) -> Callable[[], None]:
    """Edits one address over and over (street "Kill street <number>-<sequence>")."""

    def loop() -> None:
        for sequence in itertools.count(1):
            if traffic.stop.is_set():
                return
            street = f"Kill street {number}-{sequence}"
            sent = Sent("address", route, new_id("ms"), time.monotonic(), key=street,
                        target=address["addressGuid"], sequence=sequence)
            traffic.send(session, sent, lambda headers, street=street: session.post(
                f"/debtors/{debtor_guid}/addresses/{address['addressGuid']}/edit/",
                headers=headers, data={
                    "address_type": address.get("addressType") or "POSTAL",
                    "street": street, "city": address.get("city") or "Stockholm",
                    "zip_code": address.get("zipCode") or "", "fingerprint": ""}))

    return loop


def reader(traffic: Traffic, session: Session, route: str, words: list[str]
           ) -> Callable[[], None]:
    """Searches by name, one request after another, until stopped."""

    def loop() -> None:
        for sequence in itertools.count():
            if traffic.stop.is_set():
                return
            word = words[sequence % len(words)]
            sent = Sent("read", route, new_id("ms"), time.monotonic(), sequence=sequence)
            traffic.send(session, sent, lambda headers, word=word: session.get(
                f"/debtors/?q={word}", headers=headers))

    return loop


# --- The run's database -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What the run's database holds for the requests sent."""

    audit: dict[str, list[tuple[str, str, dict | None]]]  # request id -> (action, outcome, after)
    notes: set[str]  # texts of contact notes
    saved: set[str]  # names of saved searches
    audit_ids: tuple[int, int, int]  # min, max, count


def recorded(database_url: str, request_ids: Iterable[str]) -> Recorded:
    ids = list(request_ids)
    audit: dict[str, list] = {}
    with psycopg.connect(database_url) as db:
        rows = db.execute(
            f"SELECT request_id, action, outcome, after FROM {AuditEntry._meta.db_table} "
            "WHERE request_id = ANY(%s)", [ids]).fetchall()
        for request_id, action, outcome, after in rows:
            audit.setdefault(request_id, []).append((action, outcome, after))
        notes = {row[0] for row in db.execute(
            f"SELECT text FROM {ContactNote._meta.db_table}")}
        saved = {row[0] for row in db.execute(
            f"SELECT name FROM {SavedSearch._meta.db_table}")}
        audit_ids = db.execute(
            f"SELECT min(id), max(id), count(*) FROM {AuditEntry._meta.db_table}"
        ).fetchone()
    return Recorded(audit=audit, notes=notes, saved=saved, audit_ids=tuple(audit_ids))


def has_entry(record: Recorded, sent: Sent, action: str) -> bool:
    return any(a == action and o == AuditEntry.Outcome.OK for a, o, _after
               in record.audit.get(sent.request_id, []))
