"""Every route of the Aptic Debtors API, in one place (a tenant whose routes differ edits here).

Operation ids follow ../shared/aptic-api.md. Paths are relative to settings.APTIC_BASE_URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})


@dataclass(frozen=True)
class Route:
    op: str
    method: str
    template: str
    success: tuple[int, ...]

    @property
    def idempotent(self) -> bool:
        """Safe to repeat: GET, PUT and DELETE. A POST is never retried blindly."""
        return self.method in IDEMPOTENT_METHODS

    def path(self, **params: str) -> str:
        """The path with every parameter percent-encoded (a name may hold `/` or `?`)."""
        return self.template.format(**{k: quote(str(v), safe="") for k, v in params.items()})


_D = "/debtors/{debtor_guid}"

DEBTOR_LIST = Route("D1", "GET", "/debtors", (200,))
DEBTOR_CREATE = Route("D2", "POST", "/debtors", (201, 200))
DEBTOR_GET = Route("D3", "GET", _D, (200,))
DEBTOR_UPDATE = Route("D4", "PUT", _D, (204, 200))
DEBTOR_DELETE = Route("D5", "DELETE", _D, (204, 200))
DEBTOR_SUMMARY = Route("D6", "GET", _D + "/summary", (200,))
CASE_LIST = Route("D7", "GET", _D + "/cases", (200,))
CASE_GET = Route("D8", "GET", _D + "/cases/{case_guid}", (200,))

ADDRESS_LIST = Route("A1", "GET", _D + "/addresses", (200,))
ADDRESS_CREATE = Route("A2", "POST", _D + "/addresses", (201, 200))
ADDRESS_GET = Route("A3", "GET", _D + "/addresses/{address_guid}", (200,))
ADDRESS_UPDATE = Route("A4", "PUT", _D + "/addresses/{address_guid}", (204, 200))
ADDRESS_DELETE = Route("A5", "DELETE", _D + "/addresses/{address_guid}", (204, 200))

PLAN_LIST = Route("P1", "GET", _D + "/paymentplans", (200,))
PLAN_CREATE = Route("P2", "POST", _D + "/paymentplans", (201, 200))
PLAN_GET = Route("P3", "GET", _D + "/paymentplans/{plan_guid}", (200,))
PLAN_UPDATE = Route("P4", "PUT", _D + "/paymentplans/{plan_guid}", (204, 200))
PLAN_DELETE = Route("P5", "DELETE", _D + "/paymentplans/{plan_guid}", (204, 200))
PLAN_CALCULATE = Route("P6", "POST", _D + "/paymentplans/calculate", (200,))
PLAN_ACTIVATE = Route("P7", "POST", _D + "/paymentplans/{plan_guid}/activate", (204, 200))

EXTRA_FIELD_LIST = Route("E1", "GET", _D + "/extrafields", (200,))
EXTRA_FIELD_CREATE = Route("E2", "POST", _D + "/extrafields", (201, 200))
EXTRA_FIELD_GET = Route("E3", "GET", _D + "/extrafields/{name}", (200,))
EXTRA_FIELD_UPDATE = Route("E4", "PUT", _D + "/extrafields/{name}", (204, 200))
EXTRA_FIELD_DELETE = Route("E5", "DELETE", _D + "/extrafields/{name}", (204, 200))

SERVICE_INVOKE = Route("S1", "POST", _D + "/services/{definition}", (200, 202))
SERVICE_INVOKE_GLOBAL = Route("S2", "POST", "/debtors/services/{definition}", (200, 202))

PING = Route("X1", "GET", "/ping", (200,))

ALL_ROUTES = tuple(v for v in dict(globals()).values() if isinstance(v, Route))
