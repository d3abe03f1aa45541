"""The agents of bench/load.py, for Locust: search, open debtors, recalculate plans.

Not run on its own: bench/load.py starts the stack, signs the agents in beforehand (sign-in
is deliberately slow password hashing, not what is measured) and hands this file a work plan
through DESK_LOAD_PLAN, a JSON file with:

    cookies        one {name: value} per agent (session and CSRF cookies)
    pacing         seconds between one agent's requests (agents / total rate)
    rate           requests a second, in all
    words          name words to search for
    debtors        debtor GUIDs to open
    forms          {debtor GUID: [[name, value], ...]} a 24-period calculator form each
    notes          optional: the weight of logging a contact note (htmx; 0 or absent: none),
                   beside search 4, 360 4, calculator 2 (bench/several_servers.py sets 1)

The agents keep one fixed schedule: agent k sends its j-th request (k + j * agents) / rate
seconds after the first agent started. Locust starts users in batches, and its constant_pacing
lets agents drift into step (bursts of most agents at once, then silence); an absolute
schedule keeps the requests evenly spread. Production mode marks the cookies Secure,
which requests' cookie jar would not send over plain http: each agent sends its cookies
itself. Every answer but a 200 counts as a failure (a redirect to the sign-in page included).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path

from locust import HttpUser, task

PLAN = json.loads(Path(os.environ["DESK_LOAD_PLAN"]).read_text())
_agent_numbers = itertools.count()
_first_start: list[float] = []  # when the first agent started (monotonic seconds)


class Agent(HttpUser):
    def on_start(self) -> None:
        number = next(_agent_numbers)
        self.cookies: dict[str, str] = PLAN["cookies"][number % len(PLAN["cookies"])]
        self.rng = random.Random(number)
        if not _first_start:
            _first_start.append(time.monotonic())
        self.start_at = _first_start[0] + number / PLAN["rate"]
        self.turn = 0
        time.sleep(max(0.0, self.start_at - time.monotonic()))

    def wait_time(self) -> float:
        """Until this agent's next turn on a fixed schedule (a late answer does not move it)."""
        self.turn += 1
        return max(0.0, self.start_at + self.turn * PLAN["pacing"] - time.monotonic())

    def _headers(self, *, htmx: bool = False, post: bool = False) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers["HX-Request"] = "true"
        if post:
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        return headers

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, headers=self._headers(), allow_redirects=False,
                             catch_response=True) as response:
            _expect_200(response)

    @task(4)
    def search(self) -> None:
        self._get(f"/debtors/?q={self.rng.choice(PLAN['words'])}", "search")

    @task(4)
    def open_debtor(self) -> None:
        self._get(f"/debtors/{self.rng.choice(PLAN['debtors'])}/", "360")

    @task(2)
    def recalculate(self) -> None:
        guid = self.rng.choice(list(PLAN["forms"]))
        with self.client.post(f"/debtors/{guid}/plans/new", name="calculator",
                              data=[tuple(pair) for pair in PLAN["forms"][guid]],
                              headers=self._headers(htmx=True, post=True),
                              allow_redirects=False, catch_response=True) as response:
            _expect_200(response)

    @task(PLAN.get("notes", 0))
    def log_contact(self) -> None:
        guid = self.rng.choice(PLAN["debtors"])
        with self.client.post(f"/debtors/{guid}/contacts", name="note", data={
                "channel": "email", "direction": "outbound", "outcome": "reached",
                "text": "Load test note"}, headers=self._headers(htmx=True, post=True),
                allow_redirects=False, catch_response=True) as response:
            _expect_200(response)


def _expect_200(response) -> None:
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}")
