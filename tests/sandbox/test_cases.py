"""D6-D8 and the control API's cases, over real HTTP; money read as Decimal."""

from decimal import Decimal

from tests.sandbox.assertions import decimal_json, field_errors, problem

# The vendor's case-detail sample, plus caseGuid.
CASE_KEYS = {
    "caseGuid", "caseNumber", "clientName", "clientReferenceNumber", "closureCode",
    "closureDate", "currencyCode", "description", "originalFee", "originalInterest",
    "originalPrincipal", "originalSum", "paidFee", "paidInterest", "paidPrincipal", "paidSum",
    "paidToThirdParty", "paymentReferenceNumber", "remainingFee", "remainingInterest",
    "remainingPrincipal", "remainingSum", "service", "status", "subStatus", "registrationDate",
    "links",
}
SUMMARY_KEYS = {
    "fullName", "idNumber", "debtorGuid", "paymentReference", "bankAccountNo",
    "remainingPrincipal", "remainingInterest", "remaininFee", "remainingSum", "activeCases",
    "closedCases", "cases",
}


def test_control_adds_a_case_with_exact_amounts(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    # Written by hand so the amounts travel as the exact JSON numbers a client would send.
    body = (
        '{"debtorGuid": "GUID", "clientName": "Telia Sverige AB", "currencyCode": "SEK", '
        '"remainingPrincipal": 1234.50, "remainingInterest": 10.05, "remainingFee": 60, '
        '"interestRate": 12.5, "description": "Invoice 42", "service": "Collection"}'
    ).replace("GUID", guid)
    answer = sandbox_api.control.post("/cases", content=body,
                                      headers={"Content-Type": "application/json"})
    assert answer.status_code == 201
    case = decimal_json(answer)
    assert set(case) == CASE_KEYS
    assert "interestRate" not in case  # internal only
    assert '"remainingPrincipal":1234.50' in answer.text  # a JSON number, not a string
    assert case["remainingPrincipal"] == Decimal("1234.50")
    assert case["remainingInterest"] == Decimal("10.05")
    assert case["remainingFee"] == Decimal("60")
    assert case["remainingSum"] == Decimal("1304.55")
    assert case["originalSum"] == Decimal("1304.55")
    assert case["paidSum"] == 0
    assert case["status"] == "ACTIVE"
    assert case["closureDate"] is None
    assert case["clientName"] == "Telia Sverige AB"
    assert case["paymentReferenceNumber"].startswith(case["caseNumber"])
    got = sandbox_api.http.get(f"/debtors/{guid}/cases/{case['caseGuid']}")
    assert got.status_code == 200
    assert decimal_json(got) == case


def test_summary_totals_active_cases(sandbox_api):
    debtor = sandbox_api.create_debtor(idNumber="19800517-1234")
    guid = debtor["debtorGuid"]
    sandbox_api.add_case(guid, remainingPrincipal=1000.10, remainingInterest=20.20,
                         remainingFee=60)
    sandbox_api.add_case(guid, clientName="Vattenfall AB", remainingPrincipal=500.05,
                         remainingInterest=0.01, remainingFee=180)
    sandbox_api.add_case(guid, remainingPrincipal=999, closed=True)
    answer = sandbox_api.http.get(f"/debtors/{guid}/summary")
    assert answer.status_code == 200
    summary = decimal_json(answer)
    assert set(summary) == SUMMARY_KEYS
    assert summary["remainingPrincipal"] == Decimal("1500.15")
    assert summary["remainingInterest"] == Decimal("20.21")
    assert summary["remaininFee"] == Decimal("240.00")
    assert summary["remainingSum"] == Decimal("1760.36")
    assert (summary["activeCases"], summary["closedCases"]) == (2, 1)
    assert len(summary["cases"]) == 3
    assert summary["fullName"] == debtor["fullName"]
    assert summary["idNumber"] == "19800517-1234"
    assert summary["debtorGuid"] == guid
    assert summary["paymentReference"].startswith(debtor["debtorReference"])
    assert summary["bankAccountNo"]


def test_summary_of_a_debtor_without_cases(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    summary = decimal_json(sandbox_api.http.get(f"/debtors/{guid}/summary"))
    assert (summary["remainingSum"], summary["activeCases"], summary["cases"]) == (0, 0, [])


def test_closed_case(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    case = sandbox_api.add_case(guid, closed=True)
    assert case["status"] == "CLOSED"
    assert case["closureCode"]
    assert case["closureDate"].endswith("Z")


def test_case_list_pages_filters_and_orders(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    for principal, client in ((100, "Örebro Energi AB"), (300, "Telia Sverige AB"),
                              (200, "örebro energi ab")):
        sandbox_api.add_case(guid, remainingPrincipal=principal, clientName=client)
    url = f"/debtors/{guid}/cases"
    page = sandbox_api.http.get(url, params={"$orderby": "remainingPrincipal desc",
                                             "$top": 2}).json()
    assert (page["count"], page["total"], page["skip"]) == (2, 3, 0)
    assert [row["remainingPrincipal"] for row in page["value"]] == [300, 200]
    assert set(page["value"][0]) == CASE_KEYS
    found = sandbox_api.http.get(url, params={
        "$filter": "startswith(clientName,'ÖREBRO') and remainingSum gt 150.5"}).json()
    assert [row["clientName"] for row in found["value"]] == ["örebro energi ab"]
    # Names that differ only in letter case tie; the second key decides.
    by_name = sandbox_api.http.get(url, params={"$orderby": "clientName, remainingSum desc"})
    assert [row["clientName"] for row in by_name.json()["value"]] == [
        "Telia Sverige AB", "örebro energi ab", "Örebro Energi AB"]
    field_errors(sandbox_api.http.get(url, params={"$filter": "fullName eq 'x'"}))
    field_errors(sandbox_api.http.get(url, params={"$filter": "remainingSum gt 1.005"}))


def test_cases_of_other_debtors_and_unknown_cases_are_404(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    other = sandbox_api.create_debtor()["debtorGuid"]
    foreign = sandbox_api.add_case(other)["caseGuid"]
    for case in (foreign, "00000000-0000-4000-8000-000000000000", "x"):
        problem(sandbox_api.http.get(f"/debtors/{guid}/cases/{case}"), 404)
    problem(sandbox_api.http.get("/debtors/x/cases"), 404)
    problem(sandbox_api.http.post(f"/debtors/{guid}/cases", json={}), 405)


def test_control_case_validation(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    bad = [
        ({"clientName": "A", "remainingPrincipal": 1}, "debtorGuid"),
        ({"debtorGuid": "x", "clientName": "A", "remainingPrincipal": 1}, "debtorGuid"),
        ({"debtorGuid": guid, "remainingPrincipal": 1}, "clientName"),
        ({"debtorGuid": guid, "clientName": "A"}, "remainingPrincipal"),
        ({"debtorGuid": guid, "clientName": "A", "remainingPrincipal": -1}, "remainingPrincipal"),
        ({"debtorGuid": guid, "clientName": "A", "remainingPrincipal": "10"},
         "remainingPrincipal"),
        ({"debtorGuid": guid, "clientName": "A", "remainingPrincipal": 1.001},
         "remainingPrincipal"),
        ({"debtorGuid": guid, "clientName": "A", "remainingPrincipal": 1,
          "currencyCode": "XXQ"}, "currencyCode"),
        ({"debtorGuid": guid, "clientName": "A", "remainingPrincipal": 1,
          "interestRate": 101}, "interestRate"),
    ]
    for body, field in bad:
        assert field in field_errors(sandbox_api.control.post("/cases", json=body)), body
    unknown = {"debtorGuid": "00000000-0000-4000-8000-000000000000", "clientName": "A",
               "remainingPrincipal": 1}
    problem(sandbox_api.control.post("/cases", json=unknown), 404)
