"""Faults end to end, in the browser: the app in the live server, the sandbox driven into each
fault (latency beyond the read timeout, 503, 429 with Retry-After, its server gone).

For every page (debtor search, the 360, the debtor edit form, the plan calculator, the
approval queue) the fault must show the banner, keep what the user typed, and go away when
the fault clears; every change attempted during the fault must be in the audit log as `failed`
(a 429 included, with its status: Aptic was too busy to judge the change).
Retries, timeouts and the breaker are shortened through settings so each case takes seconds.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from backoffice.audit.models import AuditEntry
from plans.models import PlanProposal
from tests.network import free_port
from tests.plans.plan_pages import propose

pytestmark = pytest.mark.browser

FAULTS = ["timeout", "503", "429", "stopped"]
BANNER = "#banner [data-upstream-banner]"
ID_NUMBER = "19811228-9874"  # a valid Swedish personnummer (test number)
READ_TIMEOUT = 1.0
SLOW_MS = 2000  # the "timeout" fault: every API call answers this late
# What an attempted change records, per fault: (outcome, error class).
EXPECTED_AUDIT = {
    "timeout": ("failed", "UpstreamTimeout"),
    "503": ("failed", "ServerError"),
    "429": ("failed", "RateLimited"),
    "stopped": ("failed", "ConnectionFailed"),
}


def exact(label: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(label)}:?\s*$")


@dataclass
class Fault:
    """Switches one kind of fault on and off: in the sandbox, or by pointing the gateway at a
    port where nothing listens (the sandbox's server stopped)."""

    kind: str
    sandbox_api: object
    settings: object

    def on(self) -> None:
        if self.kind == "timeout":
            self.sandbox_api.set_faults(latencyMs=SLOW_MS)
        elif self.kind == "503":
            self.sandbox_api.set_faults(status=503)
        elif self.kind == "429":
            self.sandbox_api.set_faults(status=429, retryAfter=7)
        else:
            self._urls = (self.settings.APTIC_BASE_URL, self.settings.APTIC_TOKEN_URL)
            gone = f"http://127.0.0.1:{free_port()}/sandbox"
            self.settings.APTIC_BASE_URL = f"{gone}/api/v1"
            self.settings.APTIC_TOKEN_URL = f"{gone}/oauth/token"

    def off(self) -> None:
        if self.kind == "stopped":
            self.settings.APTIC_BASE_URL, self.settings.APTIC_TOKEN_URL = self._urls
        else:
            self.sandbox_api.clear_faults()
        if self.kind == "timeout":
            # Calls the app gave up on still run in the sandbox when their latency is over:
            # let them finish now rather than in the next step or test.
            time.sleep(SLOW_MS / 1000 + 0.3)

    def check_banner(self, page) -> None:
        banner = page.locator(BANNER)
        expect(banner).to_be_visible()
        if self.kind == "429":
            expect(banner).to_have_class(re.compile(r"banner--warning"))
            expect(banner).to_contain_text("Wait 7 seconds")
        else:
            expect(banner).to_have_class(re.compile(r"banner--error"))

    def check_audit(self, action: str, *, since: int) -> None:
        """Every attempt of `action` since entry `since` recorded this fault's outcome."""
        entries = list(AuditEntry.objects.filter(action=action, pk__gt=since))
        assert entries, f"no {action} entry for the attempt during the {self.kind} fault"
        expected = EXPECTED_AUDIT[self.kind]
        assert {(e.outcome, e.error_class) for e in entries} == {expected}, [
            (e.outcome, e.error_class, e.upstream_status) for e in entries]
        if self.kind == "429":
            assert {e.upstream_status for e in entries} == {429}


@pytest.fixture(params=FAULTS)
def fault(request, settings, aptic, short_retries, sandbox_api) -> Fault:
    """Short retries and timeouts; a breaker that stays closed."""
    settings.APTIC_READ_TIMEOUT = READ_TIMEOUT
    settings.APTIC_CONNECT_TIMEOUT = 1.0
    settings.APTIC_TOKEN_TIMEOUT = 2.0
    switch = Fault(request.param, sandbox_api, settings)
    yield switch
    if request.param == "stopped" and hasattr(switch, "_urls"):
        switch.off()


def last_entry_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _person(sandbox_api, **fields) -> dict:
    surname = f"Faultsson{uuid.uuid4().hex[:6]}"
    debtor = sandbox_api.create_debtor(lastname=surname, idNumber=ID_NUMBER, **fields)
    debtor["surname"] = surname
    return debtor


# --- The pages -----------------------------------------------------------------------------------


def test_search(fault, page, login, app_url, agent_user, sandbox_api):
    debtor = _person(sandbox_api)
    login(page, agent_user)
    page.goto(f"{app_url}/debtors/")
    box = page.locator("#id_q")

    fault.on()
    box.fill(debtor["surname"])
    box.press("Enter")
    fault.check_banner(page)
    expect(page.locator("[data-results-state=unavailable]")).to_be_visible()
    expect(box).to_have_value(debtor["surname"])

    fault.off()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results")).to_contain_text(debtor["surname"])
    expect(page.locator(BANNER)).to_have_count(0)
    expect(box).to_have_value(debtor["surname"])


def test_debtor_360(fault, page, login, app_url, agent_user, sandbox_api):
    debtor = _person(sandbox_api)
    url = f"{app_url}/debtors/{debtor['debtorGuid']}/"
    login(page, agent_user)

    fault.on()
    page.goto(url)
    fault.check_banner(page)
    fault.off()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(debtor["surname"])
    expect(page.locator(BANNER)).to_have_count(0)

    # The reveal form: the reason typed during the fault stays, and works once it clears.
    page.get_by_text("Reveal ID number").click()
    reason = page.get_by_label("Reason for revealing the ID number")
    reason.fill("Identity check on the phone")
    fault.on()
    page.get_by_role("button", name="Reveal and log").click()
    fault.check_banner(page)
    expect(reason).to_have_value("Identity check on the phone")
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()  # nothing was shown
    fault.off()
    page.get_by_role("button", name="Reveal and log").click()
    expect(page.locator("#profile .id-number")).to_have_text(ID_NUMBER)
    expect(page.locator(BANNER)).to_have_count(0)
    assert AuditEntry.objects.filter(action="pii.reveal", outcome="ok").count() == 1


def test_debtor_edit_form(fault, page, login, app_url, agent_user, sandbox_api):
    debtor = _person(sandbox_api)
    guid = debtor["debtorGuid"]
    login(page, agent_user)
    page.goto(f"{app_url}/debtors/{guid}/edit/")
    first_name = page.get_by_label(exact("First name"))
    first_name.fill("Outage")
    since = last_entry_id()

    fault.on()
    page.get_by_role("button", name="Save changes").click()
    fault.check_banner(page)
    expect(page.get_by_label(exact("First name"))).to_have_value("Outage")
    fault.check_audit("debtor.update", since=since)

    fault.off()
    assert sandbox_api.http.get(f"/debtors/{guid}").json()["firstname"] == "Test"
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(rf"/debtors/{guid}/$"))
    expect(page.locator(BANNER)).to_have_count(0)
    assert sandbox_api.http.get(f"/debtors/{guid}").json()["firstname"] == "Outage"
    assert AuditEntry.objects.filter(action="debtor.update", outcome="ok").count() == 1


def test_plan_calculator(fault, page, login, app_url, agent_user, sandbox_api):
    debtor = _person(sandbox_api)
    guid = debtor["debtorGuid"]
    sandbox_api.add_case(guid, remainingPrincipal=10000.00, interestRate=12.0)
    rows = page.locator("#plan-schedule tbody tr")
    login(page, agent_user)
    page.goto(f"{app_url}/debtors/{guid}/plans/new")
    expect(rows).to_have_count(12)
    count = page.get_by_label("Number of payments")
    note = page.get_by_label("Note for the approver")

    fault.on()
    count.fill("18")  # recalculates as the user types
    fault.check_banner(page)
    expect(count).to_have_value("18")
    note.fill("Agreed during the outage")
    since = last_entry_id()
    page.get_by_role("button", name="Propose for approval").click()
    fault.check_banner(page)
    expect(page.get_by_label("Number of payments")).to_have_value("18")
    expect(page.get_by_label("Note for the approver")).to_have_value("Agreed during the outage")
    fault.check_audit("plan.create", since=since)
    assert not PlanProposal.objects.exists()

    fault.off()
    page.get_by_label("Number of payments").fill("20")
    expect(rows).to_have_count(20)
    expect(page.locator(BANNER)).to_have_count(0)
    page.get_by_role("button", name="Propose for approval").click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    assert PlanProposal.objects.get().number_of_payments == 20
    assert AuditEntry.objects.filter(action="plan.create", outcome="ok").count() == 1


def test_approval_queue(fault, page, login, app_url, agent_client, supervisor_user,
                        sandbox_api):
    debtor = _person(sandbox_api)
    sandbox_api.add_case(debtor["debtorGuid"], remainingPrincipal=10000.00, interestRate=12.0)
    debtor["cases"] = [c for c in sandbox_api.http.get(
        f"/debtors/{debtor['debtorGuid']}/cases").json()["value"]]
    proposal = propose(agent_client, debtor, note="Six months agreed")
    login(page, supervisor_user)
    page.goto(f"{app_url}/approvals/")
    row = page.locator(f'tr[data-proposal="{proposal.pk}"]')
    since = last_entry_id()

    fault.on()
    row.get_by_role("button", name=re.compile("^Approve")).click()
    fault.check_banner(page)
    fault.check_audit("plan.activate", since=since)
    reason = page.get_by_label("Reason for rejecting")
    reason.fill("Amounts to be checked again")
    since = last_entry_id()
    page.get_by_role("button", name=re.compile("^Reject")).click()
    fault.check_banner(page)
    expect(page.get_by_label("Reason for rejecting")).to_have_value("Amounts to be checked again")
    fault.check_audit("plan.delete", since=since)
    proposal.refresh_from_db()
    assert proposal.is_open

    fault.off()
    page.goto(f"{app_url}/approvals/")
    expect(page.locator(BANNER)).to_have_count(0)
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.locator(".message--success")).to_contain_text("approved and active")
    assert AuditEntry.objects.filter(action="plan.activate", outcome="ok").count() == 1
