"""One pooled `httpx.Client` per process, and one upstream HTTP exchange with its log line.

The client keeps connections alive, has explicit connect/read timeouts, names the app in
`User-Agent` and sends the browser request's id as `X-Request-ID` on every call, so the
audit entry, the app log and Aptic's log can be joined. The log line holds the operation id,
the route template (never a URL with values or query), status, outcome, duration, attempt,
request id and user id (as structured fields too): no personal data. Each exchange also
counts in the upstream metrics.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from importlib import metadata
from urllib.parse import urlencode

import httpx

from backoffice import request_context
from backoffice.gateway import fanout
from backoffice.gateway.errors import ConnectionFailed, UpstreamTimeout
from backoffice.gateway.routes import Route
from backoffice.observability import metrics
from backoffice.observability.logs import context_fields
from backoffice.observability.tracing import ROUTE_EXTENSION

log = logging.getLogger("backoffice.gateway")


def user_agent() -> str:
    try:
        version = metadata.version("collect-desk")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"CollectDesk/{version}"


def http_transport(limits: httpx.Limits | None = None) -> httpx.HTTPTransport:
    """Real HTTP with TCP_NODELAY: a request's headers and body go out at once instead of
    waiting on the peer's delayed ACK (40 ms a call on Linux)."""
    return httpx.HTTPTransport(
        limits=limits or httpx.Limits(),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )


def _on_the_wire(event: str, info: dict) -> None:
    """httpcore's trace hook: once the request's last byte is written, a fan-out caller
    waiting for it goes on (`fanout.on_its_way`). Not earlier: building and writing the
    request takes the part's thread most of a millisecond, which a caller that went on to
    draw its page would stretch out."""
    if event == "http11.send_request_body.complete":
        fanout.on_its_way()


class Transport:
    def __init__(
        self,
        *,
        base_url: str,
        connect_timeout: float,
        read_timeout: float,
        max_connections: int = 20,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
        self.limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._inject = transport
        self._client: httpx.Client | None = None
        self._pid = 0
        self._lock = threading.Lock()

    @property
    def client(self) -> httpx.Client:
        """The process's pooled client (rebuilt in a forked worker, never shared across)."""
        if self._client is None or self._pid != os.getpid():
            with self._lock:
                if self._client is None or self._pid != os.getpid():
                    self._client = httpx.Client(
                        base_url=self.base_url,
                        timeout=self.timeout,
                        limits=self.limits,
                        headers={"User-Agent": user_agent(), "Accept": "application/json"},
                        transport=self._inject or http_transport(self.limits),
                        trust_env=False,
                        follow_redirects=False,
                    )
                    self._pid = os.getpid()
        return self._client

    def url(self, path: str, params: dict[str, str] | None = None) -> httpx.URL:
        """The base URL, `path` and the query (encoded as httpx encodes `params`), parsed
        once: handed a path and params, httpx parses three URLs a request."""
        url = f"{self.base_url}{path}"
        return httpx.URL(f"{url}?{urlencode(params)}" if params else url)

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._pid == os.getpid():
                self._client.close()
            self._client = None

    def send(
        self,
        route: Route,
        path: str,
        *,
        token: str,
        params: dict[str, str] | None = None,
        body: bytes | None = None,
        attempt: int = 1,
        timeout: httpx.Timeout | None = None,
    ) -> httpx.Response:
        """One exchange; transport failures become `UpstreamTimeout`/`ConnectionFailed`."""
        request_id = request_context.current().request_id
        headers = {"Authorization": f"Bearer {token}", "X-Request-ID": request_id}
        if body is not None:
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        status: int | str = "-"
        try:
            response = self.client.request(
                route.method, self.url(path, params), content=body, headers=headers,
                timeout=timeout or self.timeout,
                # Read by the tracing hook, which names the span's URL by this template.
                extensions={ROUTE_EXTENSION: route.template, "trace": _on_the_wire},
            )
            status = response.status_code
            return response
        except httpx.TimeoutException as exc:
            status = "timeout"
            raise UpstreamTimeout(f"{route.op}: Aptic did not answer in time.",
                                  request_id=request_id, operation=route.op) from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            status = "connection-failed"
            raise ConnectionFailed(f"{route.op}: Aptic could not be reached.",
                                   request_id=request_id, operation=route.op) from exc
        finally:
            seconds = time.monotonic() - started
            outcome = metrics.upstream_outcome(status, route.success)
            metrics.upstream_call(operation=route.op, outcome=outcome, seconds=seconds)
            fields = {"op": route.op, "method": route.method, "route": route.template,
                      "status": status, "outcome": outcome,
                      "duration_ms": round(seconds * 1000), "attempt": attempt,
                      **context_fields(), "request_id": request_id}
            log.info(
                "aptic_call op=%(op)s method=%(method)s route=%(route)s status=%(status)s "
                "duration_ms=%(duration_ms)d request_id=%(request_id)s attempt=%(attempt)d",
                fields, extra=fields,
            )
