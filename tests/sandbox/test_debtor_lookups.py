"""The lists under a debtor (D7, A1, E1, P1) and P6 look the debtor up by its key only.

That lookup only proves the debtor exists (404 otherwise) and gives the rows their debtor's
GUID (the cases' links); its 29 columns are read by the calls that show them (D3, D6)."""

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sandbox.models import Case, CaseStatus, Debtor, ExtraField, PaymentPlan
from sandbox.seed import seed_portfolio
from sandbox.tokens import token_issue

pytestmark = pytest.mark.django_db(databases="__all__")

API = "/sandbox/api/v1/debtors"
LISTS = ("cases", "addresses", "extrafields", "paymentplans")


def _lookups(queries: list[dict]) -> list[str]:
    """The queries that read the debtor table by GUID: the lookups of the debtor itself."""
    return [q["sql"] for q in queries
            if q["sql"].split(" FROM ", 1)[-1].startswith('"sandbox_debtor" WHERE')
            and ('"sandbox_debtor"."guid" =' in q["sql"] or ' WHERE "guid" =' in q["sql"])]


@pytest.fixture
def bearer() -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(client_id='sandbox-client').access_token}"}


def test_lists_and_p6_read_only_the_debtors_key(bearer):
    seed_portfolio(debtors=60, seed=5)
    with_plans = PaymentPlan.objects.values("debtor")
    guid = str(Debtor.objects.filter(pk__in=ExtraField.objects.values("debtor"))
               .filter(pk__in=with_plans).values_list("guid", flat=True)[0])
    free = str(Debtor.objects.exclude(pk__in=with_plans)
               .filter(pk__in=Case.objects.filter(status=CaseStatus.ACTIVE).values("debtor"))
               .values_list("guid", flat=True)[0])
    client = Client()
    calls = [("GET", f"{API}/{guid}/{name}", None) for name in LISTS]
    calls.append(("POST", f"{API}/{free}/paymentplans/calculate",
                  '{"paymentPlanType": 1, "numberOfPayments": 6}'))
    for method, url, body in calls:
        with CaptureQueriesContext(connections["sandbox"]) as captured:
            if method == "GET":
                answer = client.get(url, **bearer)
            else:
                answer = client.post(url, body, content_type="application/json", **bearer)
        assert answer.status_code == 200, (url, answer.content[:300])
        lookups = _lookups(captured.captured_queries)
        assert len(lookups) == 1, (url, lookups)
        selected = lookups[0].split(" FROM ", 1)[0].replace('"sandbox_debtor".', "")
        assert selected == 'SELECT "id", "guid"', (url, selected)
        joined = [q["sql"] for q in captured.captured_queries
                  if 'JOIN "sandbox_debtor"' in q["sql"]]
        assert not joined, (url, joined)
    assert client.get(f"{API}/{guid}/cases", **bearer).json()["value"], "the debtor has cases"


def test_an_unknown_debtor_is_still_a_404(bearer):
    client = Client()
    for name in LISTS:
        answer = client.get(f"{API}/7d3f2a51-0000-4000-8000-000000000000/{name}", **bearer)
        assert answer.status_code == 404, name
        assert "debtor" in answer.json()["detail"]


def test_the_debtor_itself_is_read_whole(bearer):
    seed_portfolio(debtors=3, seed=5)
    guid = str(Debtor.objects.values_list("guid", flat=True)[0])
    with CaptureQueriesContext(connections["sandbox"]) as captured:
        answer = Client().get(f"{API}/{guid}", **bearer)
    assert answer.status_code == 200
    (lookup,) = _lookups(captured.captured_queries)
    assert '"full_name"' in lookup.split(" FROM ", 1)[0]
