"""The only code that speaks HTTP to Aptic. Import everything from here.

    from backoffice.gateway import get_gateway, F, fingerprint, NotFound
    gw = get_gateway()
    page = gw.debtor_list(filter=F.contains("full_name", text), orderby="-full_name")

See client.py for the 28 operations, types.py for what they return, errors.py for what they
raise, and audited.py for how every change lands in the audit log.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver

from backoffice.gateway.audited import Change, reads_for_change
from backoffice.gateway.auth import TokenProvider
from backoffice.gateway.breaker import Breaker
from backoffice.gateway.client import ApticClient
from backoffice.gateway.errors import (
    CircuitOpen,
    Conflict,
    ConnectionFailed,
    GatewayError,
    InvalidQuery,
    MalformedResponse,
    NotFound,
    RateLimited,
    Refused,
    ServerError,
    StaleRecord,
    Unauthorized,
    Unavailable,
    UpstreamTimeout,
    ValidationFailed,
)
from backoffice.gateway.fanout import Part, gather
from backoffice.gateway.fingerprint import fingerprint, snapshot
from backoffice.gateway.odata import FILTER_FIELDS, F, Filter
from backoffice.gateway.pipeline import Pipeline
from backoffice.gateway.retry import RetryPolicy
from backoffice.gateway.transport import Transport
from backoffice.gateway.types import (
    Address,
    AddressInput,
    Case,
    CaseSummary,
    Debtor,
    DebtorInput,
    DebtorRow,
    ExtraField,
    Gender,
    JuridicalType,
    Link,
    NotificationChannel,
    Page,
    PaymentPlan,
    PlanInput,
    PlanPayment,
    PlanPeriod,
    PlanState,
    PlanType,
    ServiceResult,
)

STATUS_CACHE_KEY = "aptic:status"
STATUS_CACHE_SECONDS = 5
STATUS_TIMEOUT_SECONDS = 2.0

_gateway: ApticClient | None = None
_lock = threading.Lock()


def build_gateway(*, transport=None) -> ApticClient:
    """A client from settings.APTIC_*; `transport` (an httpx transport) for tests."""
    s = settings
    return ApticClient(
        Pipeline(
            transport=Transport(
                base_url=s.APTIC_BASE_URL,
                connect_timeout=s.APTIC_CONNECT_TIMEOUT,
                read_timeout=s.APTIC_READ_TIMEOUT,
                max_connections=s.APTIC_MAX_CONNECTIONS,
                transport=transport,
            ),
            tokens=TokenProvider(
                token_url=s.APTIC_TOKEN_URL,
                client_id=s.APTIC_CLIENT_ID,
                client_secret=s.APTIC_CLIENT_SECRET,
                scope=s.APTIC_SCOPE,
                timeout=s.APTIC_TOKEN_TIMEOUT,
            ),
            breaker=Breaker(
                name=s.APTIC_BASE_URL,
                fail_max=s.APTIC_BREAKER_FAIL_MAX,
                reset_seconds=s.APTIC_BREAKER_RESET_SECONDS,
                probe_seconds=s.APTIC_CONNECT_TIMEOUT + s.APTIC_READ_TIMEOUT + 5,
            ),
            policy=RetryPolicy(
                budget=s.APTIC_RETRY_BUDGET,
                attempts=s.APTIC_RETRY_ATTEMPTS,
                wait_initial=s.APTIC_RETRY_WAIT_INITIAL,
                wait_max=s.APTIC_RETRY_WAIT_MAX,
                wait_jitter=s.APTIC_RETRY_WAIT_JITTER,
            ),
        )
    )


def get_gateway() -> ApticClient:
    """The process-wide client (rebuilt when an APTIC_* setting changes)."""
    global _gateway
    if _gateway is None:
        with _lock:
            if _gateway is None:
                _gateway = build_gateway()
    return _gateway


def swap_gateway(client: ApticClient | None) -> ApticClient | None:
    """Makes `client` the process-wide one and returns the one it replaces (None: built from
    settings on next use). The seam backoffice/gateway/testing.py plugs fakes in through."""
    global _gateway
    with _lock:
        previous, _gateway = _gateway, client
    return previous


def _drop_gateway() -> None:
    global _gateway
    with _lock:
        if _gateway is not None:
            _gateway.pipeline.transport.close()
        _gateway = None


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("APTIC_"):
        _drop_gateway()
        cache.delete(STATUS_CACHE_KEY)


def aptic_status() -> str:
    """"ok" or "down" for /healthz: a ping with a short timeout, remembered a few seconds."""
    cached = cache.get(STATUS_CACHE_KEY)
    if cached:
        return cached
    try:
        if not settings.APTIC_BASE_URL:
            raise Unavailable("APTIC_BASE_URL is not set")
        get_gateway().ping(timeout=STATUS_TIMEOUT_SECONDS, retry=False)
        status = "ok"
    except GatewayError:
        status = "down"
    cache.set(STATUS_CACHE_KEY, status, STATUS_CACHE_SECONDS)
    return status


def reset_for_tests() -> None:
    """Drops the pooled client, the cached token, the breaker state and the status cache."""
    gateway = _gateway
    if gateway is not None:
        gateway.pipeline.tokens.forget()
        gateway.pipeline.breaker.reset()
    _drop_gateway()
    fresh = build_gateway()
    fresh.pipeline.tokens.forget()
    fresh.pipeline.breaker.reset()
    cache.delete(STATUS_CACHE_KEY)


__all__ = [
    "FILTER_FIELDS",
    "STATUS_CACHE_KEY",
    "Address",
    "AddressInput",
    "ApticClient",
    "Case",
    "CaseSummary",
    "Change",
    "CircuitOpen",
    "Conflict",
    "ConnectionFailed",
    "Debtor",
    "DebtorInput",
    "DebtorRow",
    "ExtraField",
    "F",
    "Filter",
    "GatewayError",
    "Gender",
    "InvalidQuery",
    "JuridicalType",
    "Link",
    "MalformedResponse",
    "NotFound",
    "NotificationChannel",
    "Page",
    "Part",
    "PaymentPlan",
    "PlanInput",
    "PlanPayment",
    "PlanPeriod",
    "PlanState",
    "PlanType",
    "RateLimited",
    "Refused",
    "ServerError",
    "ServiceResult",
    "StaleRecord",
    "Unauthorized",
    "Unavailable",
    "UpstreamTimeout",
    "ValidationFailed",
    "aptic_status",
    "build_gateway",
    "fingerprint",
    "gather",
    "get_gateway",
    "reads_for_change",
    "reset_for_tests",
    "snapshot",
    "swap_gateway",
]
