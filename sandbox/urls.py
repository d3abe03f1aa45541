"""The sandbox's routes, mounted under /sandbox/ (see backoffice/urls.py and sandbox_serve).

API routes take GUIDs as plain strings and check them in the view, so a malformed or unknown
GUID is a problem+json 404 like any other; so is every unknown path under api/ and control/.
"""

from django.urls import include, path, re_path

from sandbox import control, oauth
from sandbox.api import (
    addresses,
    cases,
    debtors,
    extrafields,
    misc,
    openapi,
    plans,
    service_definitions,
)

app_name = "sandbox"

DEBTOR = "debtors/<str:debtor_guid>"
PLANS = f"{DEBTOR}/paymentplans"

api_urlpatterns = [
    path("openapi.json", openapi.document, name="openapi"),
    path("ping", misc.ping, name="ping"),
    # Before the debtor routes, so that "debtors/services/..." is not read as a debtor GUID.
    path("debtors/services/<str:definition>", service_definitions.service, name="service"),
    path("debtors", debtors.debtors, name="debtors"),
    path(DEBTOR, debtors.debtor, name="debtor"),
    path(f"{DEBTOR}/summary", cases.summary, name="summary"),
    path(f"{DEBTOR}/cases", cases.cases, name="cases"),
    path(f"{DEBTOR}/cases/<str:case_guid>", cases.case, name="case"),
    path(f"{DEBTOR}/addresses", addresses.addresses, name="addresses"),
    path(f"{DEBTOR}/addresses/<str:address_guid>", addresses.address, name="address"),
    path(f"{DEBTOR}/extrafields", extrafields.extra_fields, name="extrafields"),
    path(f"{DEBTOR}/extrafields/<str:name>", extrafields.extra_field, name="extrafield"),
    path(PLANS, plans.plans, name="paymentplans"),
    path(f"{PLANS}/calculate", plans.calculate, name="paymentplan-calculate"),
    path(f"{PLANS}/<str:plan_guid>", plans.plan, name="paymentplan"),
    path(f"{PLANS}/<str:plan_guid>/activate", plans.activate, name="paymentplan-activate"),
    path(f"{DEBTOR}/services/<str:definition>", service_definitions.debtor_service,
         name="debtor-service"),
]

urlpatterns = [
    path("oauth/token", oauth.token, name="oauth-token"),
    path("control/cases", control.cases, name="control-cases"),
    path("control/payments", control.payments, name="control-payments"),
    path("control/faults", control.faults, name="control-faults"),
    path("control/tokens", control.tokens, name="control-tokens"),
    path("control/stats", control.stats, name="control-stats"),
    re_path(r"^control/", control.unknown_path),
    path("api/v1/", include(api_urlpatterns)),
    re_path(r"^api/", misc.unknown_path),
]
