"""The sandbox's routes, mounted under /sandbox/ (see backoffice/urls.py and sandbox_serve).

API routes take GUIDs as plain strings and check them in the view, so a malformed or unknown
GUID is a problem+json 404 like any other; so is every unknown path under api/ and control/.
"""

from django.urls import include, path, re_path

from sandbox import control, oauth
from sandbox.api import addresses, cases, debtors, extrafields, misc

app_name = "sandbox"

DEBTOR = "debtors/<str:debtor_guid>"

api_urlpatterns = [
    # Payment plans, services and the OpenAPI document come first: "debtors/services/..."
    # must not be read as a debtor GUID.
    path("", include("sandbox.api.plan_urls")),
    path("ping", misc.ping, name="ping"),
    path("debtors", debtors.debtors, name="debtors"),
    path(DEBTOR, debtors.debtor, name="debtor"),
    path(f"{DEBTOR}/summary", cases.summary, name="summary"),
    path(f"{DEBTOR}/cases", cases.cases, name="cases"),
    path(f"{DEBTOR}/cases/<str:case_guid>", cases.case, name="case"),
    path(f"{DEBTOR}/addresses", addresses.addresses, name="addresses"),
    path(f"{DEBTOR}/addresses/<str:address_guid>", addresses.address, name="address"),
    path(f"{DEBTOR}/extrafields", extrafields.extra_fields, name="extrafields"),
    path(f"{DEBTOR}/extrafields/<str:name>", extrafields.extra_field, name="extrafield"),
]

urlpatterns = [
    path("oauth/token", oauth.token, name="oauth-token"),
    path("control/cases", control.cases, name="control-cases"),
    path("control/faults", control.faults, name="control-faults"),
    path("control/tokens", control.tokens, name="control-tokens"),
    path("control/stats", control.stats, name="control-stats"),
    re_path(r"^control/", control.unknown_path),
    path("api/v1/", include(api_urlpatterns)),
    re_path(r"^api/", misc.unknown_path),
]
