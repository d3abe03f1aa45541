"""The calculator's setup is read for the page and reused by the recalculations after it, so a
recalculation costs one upstream call (P6), counted by the sandbox itself."""

from __future__ import annotations

from plans import selectors
from tests.plans.plan_pages import calc_data, case_guids, htmx


def _calls_during(sandbox_api, action) -> dict[str, int]:
    assert sandbox_api.control.delete("/stats").status_code == 204
    action()
    return sandbox_api.control.get("/stats").json()["byOperation"]


def test_a_recalculation_after_the_page_costs_one_call(agent_client, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    page = _calls_during(sandbox_api, lambda: agent_client.get(f"/debtors/{guid}/plans/new"))
    assert page["GET debtor"] == page["GET cases"] == page["GET plans"] == 1  # read afresh

    def recalculate():
        answer = htmx(agent_client, f"/debtors/{guid}/plans/new",
                      calc_data(case_guids(debtor), number_of_payments="24"))
        assert answer.status_code == 200
        assert answer.content.count(b'<th scope="row" class="num">') == 24

    assert _calls_during(sandbox_api, recalculate) == {"POST calculate": 1}


def test_a_case_the_page_did_not_know_makes_a_fresh_read(agent_client, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    agent_client.get(f"/debtors/{guid}/plans/new")
    new_case = sandbox_api.add_case(guid, remainingPrincipal=800.00, interestRate=0.0)

    def recalculate():
        answer = htmx(agent_client, f"/debtors/{guid}/plans/new",
                      calc_data([*case_guids(debtor), new_case["caseGuid"]]))
        assert answer.status_code == 200, answer.content.decode()[:500]

    calls = _calls_during(sandbox_api, recalculate)
    assert calls["GET cases"] == 1 and calls["POST calculate"] == 1


def test_without_a_recent_page_the_setup_is_read(agent_client, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    agent_client.get(f"/debtors/{guid}/plans/new")
    selectors.calculator_setup_forget_all()
    calls = _calls_during(sandbox_api, lambda: htmx(
        agent_client, f"/debtors/{guid}/plans/new", calc_data(case_guids(debtor))))
    assert calls["GET debtor"] == 1 and calls["POST calculate"] == 1


def test_a_setup_older_than_a_minute_is_read_again(agent_client, debtor, sandbox_api,
                                                  monkeypatch):
    guid = debtor["debtorGuid"]
    agent_client.get(f"/debtors/{guid}/plans/new")
    monkeypatch.setattr(selectors, "SETUP_REUSE_SECONDS", 0.0)
    calls = _calls_during(sandbox_api, lambda: htmx(
        agent_client, f"/debtors/{guid}/plans/new", calc_data(case_guids(debtor))))
    assert calls["GET cases"] == 1


def test_a_proposal_whose_setup_cannot_be_read_is_audited_as_failed(agent_client, debtor,
                                                                    sandbox_api):
    from backoffice.audit.models import AuditEntry

    guid = debtor["debtorGuid"]
    selectors.calculator_setup_forget_all()  # e.g. another worker showed the page
    sandbox_api.set_faults(status=503)
    answer = agent_client.post(f"/debtors/{guid}/plans/new/propose",
                               calc_data(case_guids(debtor), note="Agreed"))
    assert answer.status_code == 503
    (entry,) = AuditEntry.objects.filter(action="plan.create")
    assert (entry.outcome, entry.debtor_guid) == ("failed", guid)
    assert entry.error_class in {"ServerError", "CircuitOpen"}  # 503s open the breaker too
