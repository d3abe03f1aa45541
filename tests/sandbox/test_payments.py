"""The control API's payments, over real HTTP: fee, interest, then principal; oldest case first."""

from decimal import Decimal

import httpx

from tests.sandbox.assertions import decimal_json, field_errors, problem

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _get_case(sandbox_api, debtor_guid: str, case_guid: str) -> dict:
    answer = sandbox_api.http.get(f"/debtors/{debtor_guid}/cases/{case_guid}")
    assert answer.status_code == 200
    return decimal_json(answer)


def test_a_payment_settles_fee_then_interest_then_principal(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    case = sandbox_api.add_case(guid, remainingPrincipal=1000, remainingInterest=50,
                                remainingFee=60)
    answer = sandbox_api.control.post("/payments", json={
        "debtorGuid": guid, "caseGuid": case["caseGuid"], "amount": "100.50"})
    assert answer.status_code == 201, answer.text
    body = decimal_json(answer)
    assert body["debtorGuid"] == guid
    assert body["amount"] == Decimal("100.50")
    (paid,) = body["cases"]
    assert paid["caseGuid"] == case["caseGuid"]
    assert paid["remainingFee"] == 0
    assert paid["paidFee"] == Decimal("60.00")
    assert paid["remainingInterest"] == Decimal("9.50")
    assert paid["paidInterest"] == Decimal("40.50")
    assert paid["remainingPrincipal"] == Decimal("1000.00")
    assert paid["paidPrincipal"] == 0
    assert paid["remainingSum"] == Decimal("1009.50")
    assert paid["paidSum"] == Decimal("100.50")
    assert _get_case(sandbox_api, guid, case["caseGuid"]) == paid
    # A JSON number works as well as a decimal string, and the principal comes last.
    answer = sandbox_api.control.post("/payments", json={
        "debtorGuid": guid, "caseGuid": case["caseGuid"], "amount": 509.5})
    assert answer.status_code == 201, answer.text
    paid = decimal_json(answer)["cases"][0]
    assert paid["remainingInterest"] == 0
    assert paid["remainingPrincipal"] == Decimal("500.00")
    assert paid["paidPrincipal"] == Decimal("500.00")


def test_without_a_case_the_oldest_active_cases_are_paid_first(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    old = sandbox_api.add_case(guid, remainingPrincipal=100,
                               registrationDate="2024-01-10T00:00:00Z")
    new = sandbox_api.add_case(guid, remainingPrincipal=300,
                               registrationDate="2025-03-01T00:00:00Z")
    closed = sandbox_api.add_case(guid, remainingPrincipal=999, closed=True,
                                  registrationDate="2020-01-01T00:00:00Z")
    before = decimal_json(sandbox_api.http.get(f"/debtors/{guid}/summary"))["remainingSum"]
    body = sandbox_api.pay(guid, "150.00")
    assert [c["caseGuid"] for c in body["cases"]] == [old["caseGuid"], new["caseGuid"]]
    assert _get_case(sandbox_api, guid, old["caseGuid"])["remainingSum"] == 0
    assert _get_case(sandbox_api, guid, new["caseGuid"])["remainingSum"] == Decimal("250.00")
    assert _get_case(sandbox_api, guid, closed["caseGuid"])["remainingSum"] == Decimal("999.00")
    after = decimal_json(sandbox_api.http.get(f"/debtors/{guid}/summary"))["remainingSum"]
    assert before - after == Decimal("150.00")
    # The rest, exactly: nothing remains on the active cases.
    sandbox_api.pay(guid, "250.00")
    assert decimal_json(sandbox_api.http.get(f"/debtors/{guid}/summary"))["remainingSum"] == 0


def test_payment_refusals(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    case = sandbox_api.add_case(guid, remainingPrincipal=100)
    other = sandbox_api.create_debtor()["debtorGuid"]
    foreign = sandbox_api.add_case(other, remainingPrincipal=100)["caseGuid"]
    closed = sandbox_api.add_case(guid, remainingPrincipal=10, closed=True)["caseGuid"]
    post = sandbox_api.control.post
    for amount in (0, -5, "abc", "1.001", None, True, "100.01"):
        body = {"debtorGuid": guid, "amount": amount}
        errors = problem(post("/payments", json=body), 422)["errors"]
        assert "amount" in errors, (amount, errors)
    errors = problem(post("/payments", json={"debtorGuid": guid, "caseGuid": case["caseGuid"],
                                             "amount": 100.01}), 422)["errors"]
    assert "100.00" in errors["amount"][0]
    assert "debtorGuid" in field_errors(post("/payments", json={"amount": 1}))
    assert "caseGuid" in field_errors(post("/payments", json={"debtorGuid": guid,
                                                              "caseGuid": "x", "amount": 1}))
    problem(post("/payments", json={"debtorGuid": UNKNOWN, "amount": 1}), 404)
    problem(post("/payments", json={"debtorGuid": guid, "caseGuid": UNKNOWN, "amount": 1}), 404)
    problem(post("/payments", json={"debtorGuid": guid, "caseGuid": foreign, "amount": 1}), 404)
    problem(post("/payments", json={"debtorGuid": guid, "caseGuid": closed, "amount": 1}), 409)
    # Nothing was paid by any of them.
    assert _get_case(sandbox_api, guid, case["caseGuid"])["remainingSum"] == Decimal("100.00")


def test_payments_need_the_token_and_ignore_faults(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.add_case(guid, remainingPrincipal=100)

    anonymous = httpx.post(f"{sandbox_api.root}/control/payments",
                           json={"debtorGuid": guid, "amount": 1}, timeout=10)
    assert anonymous.status_code == 401
    sandbox_api.set_faults(status=503)
    assert sandbox_api.pay(guid, 10)["cases"][0]["remainingSum"] == 90
