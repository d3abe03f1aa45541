"""OAuth2 client credentials: one token shared by every thread and worker through the cache.

- The token is fetched with requests-oauthlib (`OAuth2Session` + `BackendApplicationClient`,
  client authenticated with HTTP Basic), with a timeout; every failure becomes a gateway
  error (a refused client is `Unauthorized`, an endpoint that is down `Unavailable`).
- It is kept in Django's cache until shortly before it expires, so all workers share it.
- Fetching is single-flight: a process lock makes threads queue behind one fetch, and a
  cache lock (`cache.add`) makes other processes wait for that fetch instead of starting
  their own. A failed fetch is remembered for a moment so the queue does not hammer a token
  endpoint that is down.
- `OAUTHLIB_INSECURE_TRANSPORT` is set only for a token URL on loopback (the sandbox); a
  plain-http token URL anywhere else is refused before anything is sent.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.core.cache import cache
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error
from requests_oauthlib import OAuth2Session

from backoffice import request_context
from backoffice.gateway.errors import (
    ConnectionFailed,
    GatewayError,
    MalformedResponse,
    RateLimited,
    ServerError,
    Unauthorized,
    UpstreamTimeout,
    parse_retry_after,
)
from backoffice.observability import metrics
from backoffice.observability.logs import context_fields

log = logging.getLogger("backoffice.gateway")

OPERATION = "token"
WAIT_POLL_SECONDS = 0.05
FAILURE_MEMORY_SECONDS = 1.0
DEFAULT_EXPIRES_IN = 300


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(token_url: str) -> None:
    """Allow plain http only on loopback; there, tell oauthlib so."""
    scheme = urlsplit(token_url).scheme.lower()
    if scheme == "https":
        return
    if scheme == "http" and is_loopback_url(token_url):
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
        return
    raise Unauthorized(
        "The token URL must use https (plain http is allowed on loopback only).",
        operation=OPERATION,
    )


def cache_ttl(expires_in: int) -> int:
    """Seconds to keep a token: its lifetime less a margin (10 %, at most a minute)."""
    margin = min(60, max(1, expires_in // 10))
    return max(1, expires_in - margin)


@dataclass(frozen=True)
class FetchedToken:
    access_token: str
    expires_in: int


class TokenProvider:
    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str = "",
        timeout: float = 5.0,
    ):
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self.timeout = timeout
        ident = hashlib.sha256(f"{token_url}\n{client_id}".encode()).hexdigest()[:16]
        self.cache_key = f"aptic:token:{ident}"
        self.lock_key = f"aptic:token-lock:{ident}"
        self._lock = threading.Lock()
        self._last_failure: tuple[float, GatewayError] | None = None
        self.fetch_count = 0  # for diagnostics and tests

    # -- public -----------------------------------------------------------------------------

    def token(self, *, cached: str | None = None) -> str:
        """A valid access token, from the cache or fetched once for everyone waiting.
        `cached`: the value of `cache_key` the caller has just read (None: read it here)."""
        if cached is None:
            cached = cache.get(self.cache_key)
        if cached:
            return cached
        with self._lock:
            cached = cache.get(self.cache_key)
            if cached:
                return cached
            if self._last_failure and time.monotonic() - self._last_failure[0] < (
                FAILURE_MEMORY_SECONDS
            ):
                raise _copy(self._last_failure[1])
            try:
                return self._fetch_once_across_processes()
            except GatewayError as exc:
                self._last_failure = (time.monotonic(), exc)
                raise

    def invalidate(self, token: str) -> None:
        """Forget `token` after a 401, unless another thread already replaced it."""
        if cache.get(self.cache_key) == token:
            cache.delete(self.cache_key)

    def forget(self) -> None:
        cache.delete_many([self.cache_key, self.lock_key])
        self._last_failure = None

    # -- fetching ---------------------------------------------------------------------------

    def _fetch_once_across_processes(self) -> str:
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + self.timeout + 1.0
        while True:
            if cache.add(self.lock_key, owner, timeout=int(self.timeout) + 5):
                try:
                    cached = cache.get(self.cache_key)
                    if cached:
                        return cached
                    fetched = self.fetch_from_server()
                    cache.set(self.cache_key, fetched.access_token,
                              timeout=cache_ttl(fetched.expires_in))
                    return fetched.access_token
                finally:
                    if cache.get(self.lock_key) == owner:
                        cache.delete(self.lock_key)
            # Another process is fetching: wait for its token rather than fetch a second one.
            time.sleep(WAIT_POLL_SECONDS)
            cached = cache.get(self.cache_key)
            if cached:
                return cached
            if time.monotonic() > deadline:
                # The other fetcher died or hung; its lock expires on its own. Fetch anyway.
                cache.delete(self.lock_key)

    def fetch_from_server(self) -> FetchedToken:
        """One POST to the token endpoint; logged like every upstream call."""
        check_transport(self.token_url)
        self.fetch_count += 1
        started = time.monotonic()
        status: int | str = "-"
        fetched = False
        try:
            session = OAuth2Session(
                client=BackendApplicationClient(client_id=self.client_id),
                scope=self.scope or None,
            )
            session.trust_env = False
            seen: dict[str, int] = {}

            def check_answer(response: requests.Response) -> requests.Response:
                seen["status"] = response.status_code
                _raise_for_token_status(response)
                return response

            session.register_compliance_hook("access_token_response", check_answer)
            try:
                token = session.fetch_token(
                    token_url=self.token_url,
                    client_secret=self._client_secret,
                    timeout=self.timeout,
                )
            finally:
                session.close()
                status = seen.get("status", status)
            access_token = token.get("access_token")
            if not access_token:
                raise MalformedResponse("The token answer has no access_token.",
                                        operation=OPERATION)
            expires_in = _whole_seconds(token.get("expires_in"))
            fetched = True
            return FetchedToken(str(access_token), expires_in)
        except GatewayError as exc:
            status = exc.status or status
            raise
        except requests.Timeout as exc:
            raise UpstreamTimeout("The token endpoint did not answer in time.",
                                  operation=OPERATION) from exc
        except requests.ConnectionError as exc:
            raise ConnectionFailed("The token endpoint could not be reached.",
                                   operation=OPERATION) from exc
        except OAuth2Error as exc:
            code = getattr(exc, "status_code", None) or status
            if isinstance(code, int) and code >= 500:
                raise ServerError("The token endpoint failed.", status=code,
                                  operation=OPERATION) from exc
            raise Unauthorized(f"The token endpoint refused the client ({exc.error}).",
                               status=code if isinstance(code, int) else None,
                               problem={"error": exc.error, "detail": exc.description or ""},
                               operation=OPERATION) from exc
        except (requests.RequestException, ValueError) as exc:
            raise MalformedResponse("The token endpoint's answer could not be read.",
                                    operation=OPERATION) from exc
        finally:
            seconds = time.monotonic() - started
            outcome = "ok" if fetched else metrics.upstream_outcome(status, ())
            metrics.token_fetch(outcome=outcome)
            metrics.upstream_call(operation=OPERATION, outcome=outcome, seconds=seconds)
            fields = {"op": OPERATION, "method": "POST", "status": status, "outcome": outcome,
                      "duration_ms": round(seconds * 1000), "attempt": 1, **context_fields(),
                      "request_id": request_context.current().request_id}
            log.info(
                "aptic_call op=%(op)s method=%(method)s status=%(status)s "
                "duration_ms=%(duration_ms)d request_id=%(request_id)s attempt=%(attempt)d",
                fields, extra=fields,
            )


def _raise_for_token_status(response: requests.Response) -> None:
    """Errors oauthlib would misreport (it parses any body as a token answer)."""
    code = response.status_code
    if code >= 500:
        raise ServerError(f"The token endpoint answered {code}.", status=code,
                          operation=OPERATION)
    if code == 429:
        raise RateLimited(status=code, retry_after=parse_retry_after(
            response.headers.get("Retry-After")), operation=OPERATION)
    if code in (401, 403) or (400 <= code < 500 and not _looks_like_json(response)):
        raise Unauthorized(f"The token endpoint refused the client ({code}).", status=code,
                           operation=OPERATION)


def _looks_like_json(response: requests.Response) -> bool:
    return "json" in response.headers.get("Content-Type", "")


def _whole_seconds(value: object) -> int:
    try:
        seconds = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_EXPIRES_IN
    return seconds if seconds > 0 else DEFAULT_EXPIRES_IN


def _copy(exc: GatewayError) -> GatewayError:
    """A fresh instance of a remembered failure (an exception object is raised only once)."""
    fresh = type(exc).__new__(type(exc))
    fresh.__dict__.update(exc.__dict__)
    fresh.args = exc.args
    return fresh
