"""The tests' network: free loopback ports, and the guard that keeps every test on loopback.

The guard wraps the socket calls that reach another host (connect, connect_ex, sendto) and
name lookups (getaddrinfo): an address off loopback raises `OffLoopback` before the real call,
so no packet leaves, and is remembered so that the test fails even where the code under test
swallows the error. Loopback (127.0.0.0/8, ::1, localhost) and unix sockets pass.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class OffLoopback(RuntimeError):
    """A test tried to reach a host other than this machine."""


def free_port() -> int:
    """A loopback TCP port nothing listens on (closed again on return)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_loopback(host: str | bytes | None) -> bool:
    """True for a loopback address or name; None is the local host to getaddrinfo."""
    if host is None:
        return True
    name = (host.decode() if isinstance(host, bytes) else host).lower().rstrip(".")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _is_numeric(host: str | bytes) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host)
    except ValueError:
        return False
    return True


class LoopbackGuard:
    """Installed once per session (see tests/conftest.py); `refused` lists what it stopped."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.real_connect = socket.socket.connect
        self.real_connect_ex = socket.socket.connect_ex
        self.real_sendto = socket.socket.sendto
        self.real_getaddrinfo = socket.getaddrinfo

    def install(self, patch: pytest.MonkeyPatch) -> None:
        guard = self

        def connect(sock: socket.socket, address: Any) -> None:
            guard.check(sock.family, address, "connect")
            return guard.real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            guard.check(sock.family, address, "connect")
            return guard.real_connect_ex(sock, address)

        def sendto(sock: socket.socket, data: bytes, *rest: Any) -> int:
            guard.check(sock.family, rest[-1], "send to")
            return guard.real_sendto(sock, data, *rest)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list:
            if not (is_loopback(host) or _is_numeric(host)):  # a name would ask the DNS
                guard.refuse(f"look up {host!r}")
            return guard.real_getaddrinfo(host, port, *args, **kwargs)

        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        patch.setattr(socket.socket, "sendto", sendto)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)

    def check(self, family: int, address: Any, what: str) -> None:
        if family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            self.refuse(f"{what} {address[0]}:{address[1]}")

    def refuse(self, attempt: str) -> None:
        self.refused.append(attempt)
        raise OffLoopback(f"Tests stay on loopback; refused to {attempt}. Point the code at "
                          "the test sandbox or plug a fake transport in "
                          "(backoffice.gateway.testing.use_transport).")
