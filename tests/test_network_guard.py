"""The tests' loopback-only guard: anything else is refused before a packet leaves."""

import socket
import threading

import httpx
import pytest

from tests.network import OffLoopback, is_loopback

BLACKHOLE = ("10.255.255.1", 80)  # a private address that never answers
TEST_NET = ("192.0.2.1", 53)  # TEST-NET-1: documentation only


@pytest.fixture
def real_calls(socket_guard, monkeypatch):
    """The guard's real socket calls replaced by a spy: what would have gone out."""
    calls: list[tuple] = []
    for name in ("real_connect", "real_connect_ex", "real_sendto"):
        monkeypatch.setattr(socket_guard, name, lambda sock, *args: calls.append(args))
    yield calls
    socket_guard.refused.clear()  # refused on purpose: not this test's failure


def test_a_connection_off_loopback_is_refused_before_connect(real_calls, socket_guard):
    with socket.socket() as sock, pytest.raises(OffLoopback, match=r"connect 10\.255\.255\.1:80"):
        sock.connect(BLACKHOLE)
    with socket.socket() as sock, pytest.raises(OffLoopback):
        sock.connect_ex(TEST_NET)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(OffLoopback):
        sock.sendto(b"x", TEST_NET)
    assert real_calls == []  # nothing reached the operating system
    assert socket_guard.refused == ["connect 10.255.255.1:80", "connect 192.0.2.1:53",
                                    "send to 192.0.2.1:53"]


def test_http_clients_and_name_lookups_are_refused_too(real_calls, socket_guard):
    with pytest.raises(OffLoopback):
        httpx.get("http://192.0.2.1/", timeout=30)
    with pytest.raises(OffLoopback, match=r"look up 'example\.com'"):
        socket.getaddrinfo("example.com", 443)
    assert real_calls == []


def test_loopback_and_unix_sockets_pass(tmp_path, socket_guard):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(("localhost", server.getsockname()[1]), timeout=5):
            pass
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen()
        accepting = threading.Thread(target=lambda: server.accept()[0].close())
        accepting.start()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)
        accepting.join(timeout=5)
    assert socket_guard.refused == []


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
    ("localhost", True), ("LOCALHOST.", True), (None, True),
    ("10.255.255.1", False), ("192.0.2.1", False), ("::ffff:192.0.2.1", False),
    ("2001:db8::1", False), ("example.com", False), ("", False),
])
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback
