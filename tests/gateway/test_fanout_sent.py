"""`submit_all(until_sent=True)`: back once every part's request has left (or the part ended),
never later than SEND_WAIT; the parts go on in the pool."""

import socket
import threading
import time

from backoffice.gateway import fanout
from backoffice.gateway.fanout import on_its_way, submit_all
from backoffice.gateway.routes import Route
from backoffice.gateway.transport import Transport


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


def test_the_transport_says_sent_once_the_request_is_written_not_before(monkeypatch):
    """Over a real socket: when the transport calls `on_its_way`, the request's bytes are
    already in the peer's receive buffer (a caller that goes on then no longer delays them)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)  # called before connecting, accept would wait for nothing
    seen: dict[str, bytes] = {}

    def on_its_way():
        peer, _ = server.accept()  # the handshake is done: accept does not wait
        try:
            seen["written"] = peer.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            seen["written"] = b""
        peer.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        seen["peer"] = peer

    monkeypatch.setattr(fanout, "on_its_way", on_its_way)
    port = server.getsockname()[1]
    transport = Transport(base_url=f"http://127.0.0.1:{port}", connect_timeout=2, read_timeout=2)
    route = Route(op="Ping", method="GET", template="/ping", success=(200,))
    try:
        response = transport.send(route, "/ping", token="t")
    finally:
        transport.close()
        server.close()
        if "peer" in seen:
            seen.pop("peer").close()
    assert response.status_code == 200
    assert seen["written"].startswith(b"GET /ping HTTP/1.1\r\n")
    assert seen["written"].endswith(b"\r\n\r\n")  # the whole request, not a part of it
