"""Thirty writers at once against the live (threaded) server for 30 seconds: sign-ins, saved
searches, contact notes and audited address edits through the gateway. Every answer is a
success or a redirect (the "busy, try again" page counts as an error too), and the audit
chain verifies afterwards.

On SQLite the live server runs on a file database (the test settings name one per test
process, see backoffice/settings.py), so each server thread has a connection of its own, as
in production; with DATABASE_URL set (CI's PostgreSQL step) the same test runs there.
"""

from __future__ import annotations

import html.parser
import re
import threading
import time
from collections import Counter

import httpx
import pytest
from django.db import connection
from django.urls import reverse

from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import verify_chain
from tests.conftest import _make_user

WRITERS = 30
SECONDS = 30.0
HTMX = {"HX-Request": "true"}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Forms(html.parser.HTMLParser):
    """The named inputs of a fragment, as a browser would post them (first option of a
    select when nothing is selected, checked boxes only)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if attrs.get("type") in {"submit", "button"}:
                return
            self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.data[name] = ""
        elif tag == "select" and name:
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._first is None:
                self._first = value
                self.data.setdefault(self._select, value)
            if "selected" in attrs:
                self.data[self._select] = value

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _inputs(text: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(text)
    return parser.data


class _Writer(threading.Thread):
    """One agent: signs in, saves a search, logs a contact, edits an address, signs out;
    again until the time is up. Every answer's status is counted."""

    def __init__(self, index: int, base: str, user, debtor: dict, deadline: float):
        super().__init__(name=f"writer-{index}", daemon=True)
        self.index, self.base, self.user, self.debtor = index, base, user, debtor
        self.deadline = deadline
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.done: Counter = Counter()

    def _check(self, what: str, answer: httpx.Response, ok=(200, 302)) -> bool:
        self.statuses[answer.status_code] += 1
        if answer.status_code not in ok or "X-Database-Busy" in answer.headers:
            self.errors.append(f"{what}: {answer.status_code} {answer.text[:300]!r}")
            return False
        self.done[what] += 1
        return True

    def run(self) -> None:
        round_ = 0
        with httpx.Client(base_url=self.base, timeout=60) as http:
            while time.monotonic() < self.deadline:
                round_ += 1
                try:
                    self._round(http, round_)
                except httpx.HTTPError as exc:
                    self.errors.append(f"transport: {exc!r}")

    def _round(self, http: httpx.Client, round_: int) -> None:
        page = http.get("/accounts/login/")
        if not self._check("login page", page, ok=(200,)):
            return
        token = _CSRF.search(page.text).group(1)
        signed_in = http.post("/accounts/login/", data={
            "csrfmiddlewaretoken": token, "username": self.user.username,
            "password": "pw-" + self.user.username})
        if not self._check("sign-in", signed_in, ok=(302,)):
            return
        csrf = {"X-CSRFToken": http.cookies["csrftoken"]}
        saved = http.post(reverse("debtors:saved-create"), data={
            "name": f"Search {round_}", "q": f"Lind {self.index}"}, headers={**HTMX, **csrf})
        self._check("saved search", saved, ok=(200,))
        guid = self.debtor["guid"]
        note = http.post(reverse("work:contacts", args=[guid]), data={
            "channel": "phone_out", "direction": "", "outcome": "reached",
            "text": f"Call {round_} of writer {self.index}."}, headers={**HTMX, **csrf})
        self._check("contact note", note, ok=(200,))
        edit_url = reverse("debtors:address-edit", args=[guid, self.debtor["postal"]])
        opened = http.get(edit_url, headers=HTMX)
        if self._check("address form", opened, ok=(200,)):
            data = _inputs(opened.text)
            data["city"] = f"Sala {round_}"
            edited = http.post(edit_url, data=data, headers={**HTMX, **csrf})
            self._check("address edit", edited, ok=(200,))
        self._check("sign-out", http.post("/accounts/logout/", headers=csrf), ok=(302,))


@pytest.fixture
def debtors(sandbox_api):
    """One debtor per writer, with a POSTAL address to edit."""
    made = []
    for _ in range(WRITERS):
        guid = sandbox_api.create_debtor(street="Storgatan", houseNo="1")["debtorGuid"]
        answer = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
            "addressType": "POSTAL", "street": "Box 12", "city": "Enköping",
            "countryCode": "SE"})
        assert answer.status_code == 201, answer.text
        made.append({"guid": guid, "postal": answer.json()["addressGuid"]})
    return made


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_thirty_writers_for_thirty_seconds_without_an_error(app_url, short_retries, debtors):
    users = [_make_user(f"writer{i}", "agent") for i in range(WRITERS)]
    deadline = time.monotonic() + SECONDS
    writers = [_Writer(i, app_url, users[i], debtors[i], deadline) for i in range(WRITERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(SECONDS + 60)

    statuses = sum((w.statuses for w in writers), Counter())
    done = sum((w.done for w in writers), Counter())
    errors = [error for w in writers for error in w.errors]
    print(f"\n{connection.vendor}: {sum(statuses.values())} answers {dict(statuses)}; "
          f"done {dict(done)}; {len(errors)} errors")
    assert not any(w.is_alive() for w in writers)
    assert errors == [], errors[:5]
    for what in ("sign-in", "saved search", "contact note", "address edit", "sign-out"):
        assert done[what] >= WRITERS, (what, dict(done))
    assert AuditEntry.objects.filter(action="address.update", outcome="ok").count() == (
        done["address edit"])
    assert AuditEntry.objects.filter(action="note.create").count() == done["contact note"]
    assert verify_chain() is None
