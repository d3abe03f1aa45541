"""Answers shaped like the vendor's samples rather than the sandbox's, over MockTransport."""

import httpx
import pytest

from backoffice import request_context
from backoffice.audit.models import AuditEntry
from backoffice.gateway import DebtorInput, JuridicalType, fingerprint
from tests.gateway.offline import make_client

COMPANY = {"debtorGuid": "c-1", "debtorReference": "1000009", "juridicalType": 1,
           "currencyCode": "SEK", "regDate": "2026-01-02T08:00:00Z", "links": []}
ROW = {"debtorGuid": "c-1", "debtorReference": "1000009", "juridicalType": 1,
       "fullName": "Berg & Söner AB", "city": "Malmö"}


def vendor(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/debtors"):
        assert request.url.params["$filter"] == "debtorGuid eq 'c-1'"
        return httpx.Response(200, json={"count": 1, "skip": 0, "total": 1, "value": [ROW]})
    return httpx.Response(200, json=COMPANY)


def test_a_company_without_full_name_gets_it_from_its_list_row():
    debtor = make_client(httpx.MockTransport(vendor)).debtor_get("c-1")
    assert debtor.juridical_type == JuridicalType.LEGAL_ENTITY
    assert debtor.full_name == "Berg & Söner AB"
    assert debtor.vat_number is None and "vat_number" in debtor.absent_fields
    assert debtor.display_name == "Berg & Söner AB"


def test_a_person_without_full_name_is_composed_without_another_call():
    calls = []

    def person(request):
        calls.append(request)
        return httpx.Response(200, json={"debtorGuid": "p-1", "juridicalType": 0,
                                         "firstname": "Per", "middlename": "Erik",
                                         "lastname": "Lund"})

    debtor = make_client(httpx.MockTransport(person)).debtor_get("p-1")
    assert debtor.full_name is None and debtor.display_name == "Per Erik Lund"
    assert len(calls) == 1


def test_fingerprints_ignore_links_but_not_data():
    client = make_client(httpx.MockTransport(vendor))
    debtor = client.debtor_get("c-1")
    from dataclasses import replace

    from backoffice.gateway import Link

    assert fingerprint(replace(debtor, links=(Link("self", "https://elsewhere/x"),))) == (
        fingerprint(debtor))
    assert fingerprint(replace(debtor, currency_code="EUR")) != fingerprint(debtor)


@pytest.mark.django_db
def test_an_unexpected_error_is_still_audited_as_failed(agent_user):
    def broken(request):
        raise RuntimeError("bug in a transport")

    with request_context.acting_as(agent_user), pytest.raises(RuntimeError):
        make_client(httpx.MockTransport(broken)).debtor_create(DebtorInput(last_name="X"))
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.outcome, entry.error_class, entry.reason) == (
        "debtor.create", "failed", "RuntimeError", "unexpected error")
