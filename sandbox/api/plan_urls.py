"""Routes of the payment plans (P1-P7), services (S1-S2) and the OpenAPI document.

Included by sandbox/urls.py under /sandbox/api/v1/, before the debtor routes.
"""

urlpatterns: list = []
