"""Several app servers, proven: nginx in front of two gunicorn instances sharing PostgreSQL and
Redis, with one worker and the sandbox (bench/stack_multi.py starts them all once for this
module; the tests run in this order and the last one kills an instance).

Shown: a session signed in on one instance carries on on the other; the breaker opened by
failures seen on one instance fails fast on the other; 30 writers across both instances
leave an audit chain that verifies with no gap; killing one instance mid-load loses no
acknowledged change and nginx keeps serving; one token request for the whole run.

    MULTISERVER=1 .venv/bin/pytest -m multiserver tests/multiserver
"""

from __future__ import annotations

import itertools
import time
from collections import Counter

import pytest
from stack_multi import MultiStack

from tests.multiserver.conftest import BREAKER_RESET_SECONDS
from tests.multiserver.traffic import (
    Traffic,
    address_writer,
    has_entry,
    note_writer,
    reader,
    recorded,
    session_on,
    sign_in_many,
)

pytestmark = pytest.mark.multiserver

WRITERS = 30
WRITE_SECONDS = 30
DOWN_MESSAGE = "The collection system is not answering right now."


@pytest.fixture(scope="module")
def debtors(multi: MultiStack) -> list[dict]:
    """Seeded natural persons, with their addresses (asked of the sandbox directly)."""
    rows = multi.api.get("/debtors", params={"$filter": "juridicalType eq 0", "$top": 60,
                                              "$orderby": "debtorReference"}).json()["value"]
    for row in rows:
        row["addresses"] = multi.api.get(f"/debtors/{row['debtorGuid']}/addresses").json()[
            "value"]
    assert len(rows) >= 30
    return rows


def _word(debtor: dict) -> str:
    return debtor["fullName"].split()[-1]


def _audit_verified(multi: MultiStack) -> str:
    result = multi.manage("audit_verify")
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def test_a_user_signed_in_on_one_instance_carries_on_on_the_other(multi, debtors):
    a, b = multi.instances
    on_a = session_on(a.url, {})
    on_a.sign_in("agent")
    word = _word(debtors[0])

    on_b = session_on(b.url, on_a.cookies)
    page = on_b.get(f"/debtors/?q={word}")
    assert page.status_code == 200
    assert debtors[0]["fullName"] in page.text
    through_nginx = session_on(multi.app_url, on_a.cookies)
    assert through_nginx.get(f"/debtors/?q={word}").status_code == 200

    # A write on B with the session and CSRF token issued by A, read back on A.
    saved = on_b.post("/debtors/saved/", data={"name": "Signed in on A", "q": word})
    assert saved.status_code == 302, saved.text[:500]
    assert "Signed in on A" in on_a.get("/debtors/").text

    # Signing out on B ends the session on A too.
    assert on_b.post("/accounts/logout/", data={}).status_code == 302
    after = on_a.get("/debtors/")
    assert after.status_code == 302
    assert "/accounts/login/" in after.headers["location"]


def test_the_breaker_opened_on_one_instance_fails_fast_on_the_other(multi, debtors):
    a, b = multi.instances
    on_a = session_on(a.url, {})
    on_a.sign_in("agent")
    on_b = session_on(b.url, on_a.cookies)
    multi.set_faults(status=503)
    try:
        answers = []
        for _ in range(10):  # each failing search is retried; five failures open it
            answer = on_a.get(f"/debtors/?q={_word(debtors[1])}", htmx=True)
            answers.append(answer.headers.get("X-Upstream-Status"))
            if answers[-1] == "CircuitOpen":
                break
        assert answers[-1] == "CircuitOpen", answers
        assert answers[0] == "ServerError"

        before = multi.stats()["calls"]
        search = on_b.get(f"/debtors/?q={_word(debtors[2])}", htmx=True)
        page = on_b.get(f"/debtors/{debtors[3]['debtorGuid']}/")
        assert multi.stats()["calls"] == before  # B did not call the sandbox at all
        assert search.headers.get("X-Upstream-Status") == "CircuitOpen"
        assert DOWN_MESSAGE in search.text
        assert DOWN_MESSAGE in page.text
    finally:
        multi.clear_faults()

    # After the reset time one probe (from either instance) closes it for both.
    time.sleep(BREAKER_RESET_SECONDS + 0.5)
    back = on_b.get(f"/debtors/?q={_word(debtors[2])}", htmx=True)
    assert back.status_code == 200
    assert "X-Upstream-Status" not in back.headers
    assert debtors[2]["fullName"] in back.text
    again = on_a.get(f"/debtors/?q={_word(debtors[1])}", htmx=True)
    assert "X-Upstream-Status" not in again.headers


def test_thirty_writers_on_both_instances_leave_an_unbroken_audit_chain(multi, debtors):
    a, b = multi.instances
    routes = {"nginx": multi.app_url, "a": a.url, "b": b.url}
    names = list(itertools.islice(itertools.cycle(routes), WRITERS))
    sessions = sign_in_many([routes[name] for name in names],
                            ["agent" if n % 2 else "agent2" for n in range(WRITERS)])
    guids = [d["debtorGuid"] for d in debtors]
    traffic = Traffic()
    for number, (route, session) in enumerate(zip(names, sessions, strict=True)):
        traffic.start(note_writer(traffic, session, route, guids, number))
    time.sleep(WRITE_SECONDS)
    traffic.finish()

    sent = traffic.sent
    by_route = Counter(s.route for s in sent)
    print(f"\n{len(sent)} writes in {WRITE_SECONDS} s by {WRITERS} writers: {dict(by_route)}")
    assert all(by_route[name] >= 20 for name in routes), by_route
    failed = [(s.route, s.kind, s.status, s.error) for s in sent if not s.acknowledged]
    assert failed == []

    print(_audit_verified(multi).strip())
    record = recorded(multi.database_url, [s.request_id for s in sent])
    first, last, count = record.audit_ids
    assert last - first + 1 == count  # no gap in the chain's ids either
    notes = traffic.of("note")
    assert notes and all(has_entry(record, s, "note.create") for s in notes)
    assert all(s.key in record.notes for s in notes)
    # Saved searches are the user's own settings, kept without an audit entry.
    assert all(s.key in record.saved for s in traffic.of("saved"))


def test_killing_an_instance_mid_load_loses_no_acknowledged_change(multi, debtors):
    a, b = multi.instances
    routes = {"nginx": multi.app_url, "a": a.url, "b": b.url}
    with_address = [d for d in debtors if d["addresses"]][:6]
    assert len(with_address) == 6
    plan = [(route, kind) for route in routes for kind in ("note", "note", "address", "address")]
    plan += [("nginx", "read")] * 3
    sessions = sign_in_many([routes[route] for route, _kind in plan],
                            ["agent"] * len(plan))
    guids = [d["debtorGuid"] for d in debtors]
    traffic = Traffic()
    owners = iter(with_address)
    for number, ((route, kind), session) in enumerate(zip(plan, sessions, strict=True)):
        if kind == "note":
            loop = note_writer(traffic, session, route, guids, 100 + number,
                               saved_searches=False)
        elif kind == "address":
            owner = next(owners)
            loop = address_writer(traffic, session, route, owner["debtorGuid"],
                                  owner["addresses"][0], number)
        else:
            loop = reader(traffic, session, route, [_word(d) for d in debtors[:10]])
        traffic.start(loop)
    time.sleep(4)
    killed_at = time.monotonic()
    a.kill()
    time.sleep(8)
    traffic.finish()

    assert not a.alive
    assert b.alive
    sent = traffic.sent
    after_kill = [s for s in sent if s.started > killed_at + 1.0]
    print(f"\n{len(sent)} requests, {len(after_kill)} started a second after the kill; "
          f"statuses {dict(Counter(s.status or s.error for s in sent))}")
    # nginx keeps serving: its reads all succeed (in flight at the kill too: it retries them
    # on B), and so do its writes once the kill is behind it.
    reads = traffic.of("read")
    assert reads and all(s.status == 200 for s in reads), Counter(s.status for s in reads)
    assert any(s.started > killed_at + 1.0 for s in reads)
    late_writes = [s for s in after_kill if s.kind != "read" and s.route in ("nginx", "b")]
    assert late_writes and all(s.acknowledged for s in late_writes), Counter(
        (s.route, s.status or s.error) for s in late_writes)
    # A write that failed was told so (5xx or no answer), never refused or lost silently.
    writes = [s for s in sent if s.kind != "read"]
    assert all(s.acknowledged or s.told_failure for s in writes)
    assert any(s.route == "a" and s.told_failure for s in writes)  # A's writers saw it die

    record = recorded(multi.database_url, [s.request_id for s in writes])
    acknowledged = [s for s in writes if s.acknowledged]
    notes = [s for s in acknowledged if s.kind == "note"]
    assert notes and all(s.key in record.notes and has_entry(record, s, "note.create")
                         for s in notes)
    addresses = [s for s in acknowledged if s.kind == "address"]
    assert addresses and all(has_entry(record, s, "address.update") for s in addresses)
    for s in addresses:  # the audit's `after` is Aptic's answer re-read after the PUT
        afters = [after for action, _o, after in record.audit[s.request_id]
                  if action == "address.update"]
        assert afters[0]["street"] == s.key
    # In Aptic: each address shows its writer's last acknowledged edit or a later attempt.
    for owner in with_address:
        address_guid = owner["addresses"][0]["addressGuid"]
        mine = [s for s in addresses if s.target == address_guid]
        current = multi.api.get(f"/debtors/{owner['debtorGuid']}/addresses/{address_guid}"
                                ).json()["street"]
        if mine:
            last = max(mine, key=lambda s: s.sequence)
            assert current.startswith(last.key.rsplit("-", 1)[0] + "-")
            assert int(current.rsplit("-", 1)[1]) >= last.sequence
    print(_audit_verified(multi).strip())


def test_one_token_request_for_the_whole_run(multi):
    stats = multi.stats()
    assert stats["calls"] > 1000  # both instances, all their workers, called the sandbox
    assert stats["tokens"] == 1
