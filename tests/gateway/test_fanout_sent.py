"""`submit_all(until_sent=True)`: back once every part's request has left (or the part ended),
never later than SEND_WAIT; the parts go on in the pool."""

import threading
import time

from backoffice.gateway import fanout
from backoffice.gateway.fanout import on_its_way, submit_all


def test_it_returns_once_each_request_has_left_while_the_answers_are_still_out():
    answered = threading.Event()

    def call(name):
        def run():
            on_its_way()  # what the transport says as the request leaves
            answered.wait(5)
            return name
        return run

    futures = submit_all({"a": call("a"), "b": call("b")}, until_sent=True)
    assert not any(future.done() for future in futures.values())
    answered.set()
    assert {name: f.result(5).value for name, f in futures.items()} == {"a": "a", "b": "b"}


def test_a_part_that_sends_nothing_counts_once_it_has_ended(monkeypatch):
    monkeypatch.setattr(fanout, "SEND_WAIT", 30)
    started = time.monotonic()
    futures = submit_all({"cached": lambda: "from the cache"}, until_sent=True)
    assert time.monotonic() - started < 10  # not SEND_WAIT's 30 s
    assert futures["cached"].result(5).value == "from the cache"


def test_it_waits_no_longer_than_send_wait(monkeypatch):
    monkeypatch.setattr(fanout, "SEND_WAIT", 0.05)
    release = threading.Event()
    futures = submit_all({"stuck": lambda: release.wait(5) and "late"}, until_sent=True)
    assert not futures["stuck"].done()  # back without it: it never said it left
    release.set()
    assert futures["stuck"].result(5).value == "late"


def test_without_until_sent_on_its_way_is_harmless_and_nothing_waits():
    on_its_way()  # outside any part
    release = threading.Event()
    futures = submit_all({"slow": lambda: release.wait(5) and "done"})
    assert not futures["slow"].done()
    release.set()
    assert futures["slow"].result(5).value == "done"
