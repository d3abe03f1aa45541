"""Routes of the payment plans (P1-P7), services (S1-S2) and the OpenAPI document.

Included by sandbox/urls.py under /sandbox/api/v1/, before the debtor routes, so that
`debtors/services/...` is not read as a debtor GUID.
"""

from django.urls import path

from sandbox import plan_services  # noqa: F401 - registers the active-plan check on D5
from sandbox.api import openapi, plans, services

DEBTOR = "debtors/<str:debtor_guid>"
PLANS = f"{DEBTOR}/paymentplans"

urlpatterns: list = [
    path("openapi.json", openapi.document, name="openapi"),
    path("debtors/services/<str:definition>", services.service, name="service"),
    path(f"{DEBTOR}/services/<str:definition>", services.debtor_service, name="debtor-service"),
    path(PLANS, plans.plans, name="paymentplans"),
    path(f"{PLANS}/calculate", plans.calculate, name="paymentplan-calculate"),
    path(f"{PLANS}/<str:plan_guid>", plans.plan, name="paymentplan"),
    path(f"{PLANS}/<str:plan_guid>/activate", plans.activate, name="paymentplan-activate"),
]
