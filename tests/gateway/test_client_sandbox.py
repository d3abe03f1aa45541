"""Every client method against the sandbox over real HTTP, with its audit entries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from backoffice import request_context
from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import verify_chain
from backoffice.gateway import (
    AddressInput,
    Conflict,
    DebtorInput,
    ExtraField,
    F,
    JuridicalType,
    NotFound,
    PlanInput,
    PlanPayment,
    PlanState,
    PlanType,
    StaleRecord,
    ValidationFailed,
    fingerprint,
)


@pytest.fixture
def agent(agent_user):
    with request_context.acting_as(agent_user, request_id="req-gateway-test-1",
                                   client_ip="192.0.2.10", user_agent="pytest"):
        yield agent_user


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def new_person(gw, **fields):
    values = {"first_name": "Karin", "last_name": "Öberg", "city": "Uppsala",
              "country_code": "SE", "currency_code": "SEK", **fields}
    return gw.debtor_create(DebtorInput(**values))


def test_debtor_create_get_list_update_delete(gw, agent):
    created = new_person(gw, date_of_birth=date(1980, 5, 17), email="karin@example.com",
                         street="Storgatan 1", zip_code="75320")
    guid = created.debtor_guid
    assert created.full_name == "Karin Öberg"  # composed by Aptic
    assert created.date_of_birth == date(1980, 5, 17)
    assert created.debtor_reference

    read = gw.debtor_get(guid)
    assert fingerprint(read) == fingerprint(created)
    page = gw.debtor_list(filter=F.eq("debtor_guid", guid))
    assert (page.total, page.count, page.items[0].street, page.items[0].zip_code) == (
        1, 1, "Storgatan 1", "75320")

    gw.debtor_update(guid, {"email": "new@example.com"},
                     expected_fingerprint=fingerprint(read))
    updated = gw.debtor_get(guid)
    assert updated.email == "new@example.com"
    assert updated.date_of_birth == date(1980, 5, 17)  # the whole record went back
    assert gw.debtor_list(filter=F.eq("debtor_guid", guid)).items[0].street == "Storgatan 1"

    gw.debtor_delete(guid, expected_fingerprint=fingerprint(updated))
    with pytest.raises(NotFound):
        gw.debtor_get(guid)

    create, update, delete = (entries(a)[0] for a in
                              ("debtor.create", "debtor.update", "debtor.delete"))
    assert (create.outcome, create.debtor_guid, create.target_id) == ("ok", guid, guid)
    assert create.after["email"] == "karin@example.com" and create.before is None
    assert create.request_body["date_of_birth"] == "1980-05-17"
    assert (update.before["email"], update.after["email"]) == ("karin@example.com",
                                                               "new@example.com")
    assert update.request_body["email"] == "new@example.com"
    assert "street" not in update.request_body  # update sends no address: not recorded either
    assert (delete.outcome, delete.before["email"], delete.after) == ("ok", "new@example.com",
                                                                      None)
    for entry in (create, update, delete):
        assert (entry.actor_username, entry.role, entry.request_id, entry.client_ip) == (
            "agent1", "agent", "req-gateway-test-1", "192.0.2.10")
    assert verify_chain() is None


def test_company_and_validation_errors(gw, agent):
    company = gw.debtor_create(DebtorInput(juridical_type=JuridicalType.LEGAL_ENTITY,
                                           full_name="Berg & Söner AB", vat_number="SE5561234567"))
    assert company.is_company and company.vat_number == "SE5561234567"
    with pytest.raises(ValidationFailed) as caught:
        gw.debtor_create(DebtorInput(first_name="Only", email="not-an-address"))
    assert {"last_name", "email"} <= set(caught.value.field_errors)
    refused = entries("debtor.create")[-1]
    assert (refused.outcome, refused.upstream_status, refused.error_class) == (
        "refused", 400, "ValidationFailed")
    assert "email" in refused.problem["errors"]


def test_a_stale_update_is_refused_before_the_put(gw, agent, sandbox_api):
    debtor = new_person(gw, email="before@example.com")
    shown = fingerprint(debtor)
    # Someone else changes the debtor between our read and our save.
    body = {"juridicalType": 0, "firstname": "Karin", "lastname": "Öberg",
            "email": "theirs@example.com"}
    assert sandbox_api.http.put(f"/debtors/{debtor.debtor_guid}", json=body).status_code == 204
    with pytest.raises(StaleRecord) as caught:
        gw.debtor_update(debtor.debtor_guid, {"email": "mine@example.com"},
                         expected_fingerprint=shown)
    assert caught.value.current.email == "theirs@example.com"
    assert gw.debtor_get(debtor.debtor_guid).email == "theirs@example.com"  # no PUT was sent
    entry = entries("debtor.update")[-1]
    assert (entry.outcome, entry.reason, entry.before["email"]) == (
        "refused", "stale", "theirs@example.com")
    with pytest.raises(StaleRecord):
        gw.debtor_delete(debtor.debtor_guid, expected_fingerprint=shown)
    assert gw.debtor_get(debtor.debtor_guid).debtor_guid == debtor.debtor_guid


def test_summary_and_cases(gw, agent, sandbox_api):
    debtor = new_person(gw)
    guid = debtor.debtor_guid
    first = sandbox_api.add_case(guid, remainingPrincipal=1234.50, remainingInterest=10.25,
                                 remainingFee=60)
    sandbox_api.add_case(guid, remainingPrincipal=100, closed=True)
    summary = gw.debtor_summary(guid)
    assert summary.remaining_principal == Decimal("1234.50")
    assert summary.remaining_fee == Decimal("60.00")
    assert summary.remaining_sum == Decimal("1304.75")
    assert (summary.active_cases, summary.closed_cases) == (1, 1)
    cases = gw.case_list(guid, orderby="-remaining_principal")
    assert cases.total == 2
    assert cases.items[0].remaining_principal == Decimal("1234.50")
    detail = gw.case_get(guid, first["caseGuid"])
    assert detail.case_guid == first["caseGuid"]
    assert detail.remaining_interest == Decimal("10.25")
    assert gw.case_list(guid, filter=F.eq("status", "CLOSED")).total == 1
    with pytest.raises(NotFound):
        gw.debtor_delete(guid + "0")
    with pytest.raises(Conflict):
        gw.debtor_delete(guid)  # an active case
    assert entries("debtor.delete")[-1].upstream_status == 409


def test_addresses(gw, agent):
    guid = new_person(gw, street="Gamla vägen 2").debtor_guid
    legal = gw.address_list(guid).items[0]
    assert legal.address_type == "LEGAL" and legal.default_address
    work = gw.address_create(guid, AddressInput(address_type="WORK", street="Kungsgatan 5",
                                                city="Stockholm", valid_from=date(2026, 1, 1)))
    assert work.valid_from == date(2026, 1, 1)
    assert gw.address_get(guid, work.address_guid) == work
    assert gw.address_list(guid, filter=F.eq("address_type", "work")).total == 1

    gw.address_update(guid, work.address_guid, {"default_address": True},
                      expected_fingerprint=fingerprint(work))
    assert gw.address_get(guid, work.address_guid).default_address is True
    assert gw.address_get(guid, legal.address_guid).default_address is False
    assert gw.debtor_list(filter=F.eq("debtor_guid", guid)).items[0].street == "Kungsgatan 5"

    gw.address_update(guid, legal.address_guid,
                      {"default_address": False, "address_not_valid_date": date(2026, 3, 1)})
    assert gw.address_get(guid, legal.address_guid).address_not_valid_date == date(2026, 3, 1)
    with pytest.raises(ValidationFailed) as caught:
        gw.address_update(guid, legal.address_guid, {
            "default_address": False, "valid_from": date(2026, 5, 1),
            "valid_to": date(2026, 4, 1)})
    assert "valid_to" in caught.value.field_errors
    gw.address_delete(guid, legal.address_guid)
    with pytest.raises(NotFound):
        gw.address_get(guid, legal.address_guid)
    outcomes = [(e.action, e.outcome) for e in AuditEntry.objects.filter(
        action__startswith="address.").order_by("id")]
    assert outcomes == [("address.create", "ok"), ("address.update", "ok"),
                        ("address.update", "ok"), ("address.update", "refused"),
                        ("address.delete", "ok")]


def test_extra_fields(gw, agent):
    guid = new_person(gw).debtor_guid
    created = gw.extra_field_create(guid, ExtraField("contractNo", ("A-1", "B-2")))
    assert created == ExtraField("contractNo", ("A-1", "B-2"))
    with pytest.raises(Conflict):
        gw.extra_field_create(guid, ExtraField("contractNo", ("dup",)))
    assert gw.extra_field_get(guid, "contractNo").value == ("A-1", "B-2")
    assert [f.name for f in gw.extra_field_list(guid).items] == ["contractNo"]
    gw.extra_field_update(guid, "contractNo", ExtraField("contractNo", ("C-3",)),
                          expected_fingerprint=fingerprint(created))
    assert gw.extra_field_get(guid, "contractNo").value == ("C-3",)
    gw.extra_field_delete(guid, "contractNo")
    assert gw.extra_field_list(guid).total == 0
    actions = list(AuditEntry.objects.filter(action__startswith="extrafield.").order_by("id")
                   .values_list("action", "outcome", "upstream_status"))
    assert actions == [("extrafield.create", "ok", None), ("extrafield.create", "refused", 409),
                       ("extrafield.update", "ok", None), ("extrafield.delete", "ok", None)]
    update = entries("extrafield.update")[0]
    assert (update.before["value"], update.after["value"]) == (["A-1", "B-2"], ["C-3"])


def test_payment_plans(gw, agent, sandbox_api):
    guid = new_person(gw).debtor_guid
    case = sandbox_api.add_case(guid, remainingPrincipal=10000, interestRate=12)
    terms = PlanInput(payment_plan_type=PlanType.ANNUITY, number_of_payments=12,
                      registration_fee=Decimal("0.00"), invoice_fee=Decimal("0.00"))
    calculated = gw.plan_calculate(guid, terms)
    assert calculated.payment_plan_guid is None
    assert (calculated.total_interest, calculated.annual_percentage) == (
        Decimal("661.86"), Decimal("12.68"))
    assert calculated.periods[0].interest == Decimal("100.00")
    assert calculated.cases == (case["caseGuid"],)
    assert entries("plan.calculate") == [] and AuditEntry.objects.count() == 1  # the create

    plan = gw.plan_create(guid, terms)
    assert plan.state == PlanState.PROPOSAL and plan.plan_type == PlanType.ANNUITY
    assert [p.total_interest for p in gw.plan_list(guid)] == [Decimal("661.86")]
    assert gw.plan_get(guid, plan.payment_plan_guid) == plan

    second_due = plan.periods[1].due_date
    gw.plan_update(guid, plan.payment_plan_guid, [PlanPayment(second_due, Decimal("2000.00"))],
                   expected_fingerprint=fingerprint(plan))
    changed = gw.plan_get(guid, plan.payment_plan_guid)
    assert changed.payments == (PlanPayment(second_due, Decimal("2000.00")),)
    with pytest.raises(StaleRecord):
        gw.plan_activate(guid, plan.payment_plan_guid, expected_fingerprint=fingerprint(plan))
    gw.plan_activate(guid, plan.payment_plan_guid, expected_fingerprint=fingerprint(changed))
    assert gw.plan_get(guid, plan.payment_plan_guid).state == PlanState.ACTIVE
    with pytest.raises(Conflict):
        gw.plan_activate(guid, plan.payment_plan_guid)
    with pytest.raises(ValidationFailed) as caught:
        gw.plan_calculate(guid, PlanInput(payment_plan_type=PlanType.ANNUITY))
    assert caught.value.field_errors
    gw.plan_delete(guid, plan.payment_plan_guid)
    with pytest.raises(NotFound):
        gw.plan_get(guid, plan.payment_plan_guid)

    actions = list(AuditEntry.objects.filter(action__startswith="plan.").order_by("id")
                   .values_list("action", "outcome", "reason", "upstream_status"))
    assert actions == [
        ("plan.create", "ok", "", None), ("plan.update", "ok", "", None),
        ("plan.activate", "refused", "stale", None), ("plan.activate", "ok", "", None),
        ("plan.activate", "refused", "", 409), ("plan.delete", "ok", "", None),
    ]
    update = entries("plan.update")[0]
    assert update.request_body == {"payments": [{"due_date": second_due.isoformat(),
                                                 "amount": "2000.00"}]}
    assert update.before["payments"] == [] and update.after["payments"][0]["amount"] == "2000.00"
    activate = entries("plan.activate")[1]
    assert (activate.before["active"], activate.after["active"]) == (2, 1)


def test_services(gw, agent):
    debtor = new_person(gw, cellular_phone="+46701234567")
    result = gw.service_invoke(debtor.debtor_guid, "sendReminderSms", {"message": "Hej"})
    assert (result.status, result.accepted, result.data["status"], result.data["to"]) == (
        200, False, "queued", "+46701234567")
    accepted = gw.service_invoke(debtor.debtor_guid, "echo", {"x": 1}, run_async=True)
    assert (accepted.status, accepted.accepted, accepted.data) == (202, True, {})
    echoed = gw.service_invoke_global("echo", {"amount": Decimal("12.50"), "apiToken": "s3"})
    assert echoed.data["echo"] == {"amount": Decimal("12.50"), "apiToken": "s3"}
    with pytest.raises(NotFound):
        gw.service_invoke_global("noSuchAction", {})
    rows = list(AuditEntry.objects.filter(action="service.invoke").order_by("id"))
    assert [(e.target_id, e.outcome) for e in rows] == [
        ("sendReminderSms", "ok"), ("echo", "ok"), ("echo", "ok"), ("noSuchAction", "refused")]
    assert rows[0].debtor_guid == debtor.debtor_guid and rows[2].debtor_guid == ""
    assert rows[2].request_body == {"definition": "echo", "async": False,
                                    "body": {"amount": "12.50", "apiToken": "[redacted]"}}
    assert rows[0].after["data"]["status"] == "queued"


def test_ping_and_paging(gw, agent):
    gw.ping()
    city = f"Pagetown-{date.today().toordinal()}"
    guids = {new_person(gw, city=city).debtor_guid for _ in range(5)}
    first = gw.debtor_list(filter=F.eq("city", city), orderby="debtor_reference", top=2)
    assert (first.count, first.total, first.has_next, first.has_previous) == (2, 5, True, False)
    last = gw.debtor_list(filter=F.eq("city", city), orderby="debtor_reference", skip=4, top=2)
    assert (last.count, last.skip, last.has_next) == (1, 4, False)
    everything = list(gw.iter_pages(gw.debtor_list, filter=F.eq("city", city), page_size=2))
    assert {row.debtor_guid for row in everything} == guids
    older = date.today() - timedelta(days=1)
    assert gw.debtor_list(filter=F.eq("city", city) & F.gt("date_of_birth", older)).total == 0


HOSTILE = ["') or (1 eq 1", "' or fullName ne '", "x') or contains(fullName,'",
           "%", "_", "*", "') or true or ('"]


def test_hostile_searches_find_nothing_they_should_not(gw, agent):
    marker = f"Hostile{date.today().toordinal()}"
    obrien = new_person(gw, first_name="Seán", last_name="O'Brien", city=marker)
    new_person(gw, first_name="Anna", last_name="Andersson", city=marker)
    in_town = F.eq("city", marker)
    for text in HOSTILE:
        for expr in (F.contains("full_name", text), F.eq("full_name", text),
                     F.startswith("email", text)):
            assert gw.debtor_list(filter=F.all(in_town, expr)).total == 0, text
    found = gw.debtor_list(filter=F.all(in_town, F.contains("full_name", "o'brien")))
    assert [row.debtor_guid for row in found] == [obrien.debtor_guid]
    assert gw.debtor_list(filter=F.all(in_town, F.eq("full_name", "Seán O'Brien"))).total == 1
