"""The calculator, the queue and the agreement in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plans.models import PlanProposal
from tests.conftest import ARTIFACTS
from tests.plans.plan_pages import propose, upstream_plan

pytestmark = pytest.mark.browser

ROWS = "#plan-schedule tbody tr"


# hx-sync="...:replace" aborting an older recalculation is logged by htmx as an error; that is
# the mechanism working, not a fault.
ABORT_NOISE = ("htmx:sendAbort", "htmx:afterRequest")


def _console_errors(page) -> list[str]:
    """The page's console errors: CSP violations and htmx swap errors show up there."""
    errors: list[str] = []

    def collect(message) -> None:
        if message.type == "error" and not message.text.startswith(ABORT_NOISE):
            errors.append(message.text)

    page.on("console", collect)
    return errors


def _open_calculator(page, login, app_url, user, debtor):
    login(page, user)
    page.goto(f"{app_url}/debtors/{debtor['debtorGuid']}/plans/new")
    expect(page.locator(ROWS)).to_have_count(12)


def test_an_agent_recalculates_compares_and_proposes(page, login, app_url, agent_user, debtor,
                                                    screenshot, axe_check):
    login(page, agent_user)
    errors = _console_errors(page)  # from here on: other pages' errors are theirs
    page.goto(f"{app_url}/debtors/{debtor['debtorGuid']}/plans/new")
    expect(page.locator(ROWS)).to_have_count(12)
    page.evaluate("window.__samePage = true")
    count = page.get_by_label("Number of payments")

    count.fill("24")
    expect(page.locator(ROWS)).to_have_count(24)
    expect(page.locator('[data-figure="number_of_payments"]')).to_have_text("24")
    assert page.evaluate("window.__samePage") is True  # swapped in, no page load

    page.get_by_role("button", name="Pin to compare").click()
    expect(page.locator("[data-compare]")).to_be_visible()
    count.fill("6")
    expect(page.locator(ROWS)).to_have_count(6)
    expect(page.locator('[data-pinned="number_of_payments"]')).to_have_text("24")
    expect(page.locator('[data-current="number_of_payments"]')).to_have_text("6")

    # Invalid input is explained beside the field, and the old schedule goes away.
    page.get_by_label("Amount per period").fill("500")
    expect(page.locator("#id_amount_error")).to_contain_text("not both")
    expect(page.locator("#id_amount")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-result-empty]")).to_be_visible()
    page.get_by_label("Amount per period").fill("")
    expect(page.locator(ROWS)).to_have_count(6)
    expect(page.locator("#id_amount")).not_to_have_attribute("aria-invalid", "true")

    # A deviating payment row is added, filled and removed again (no fees, so the period's
    # payment is exactly the deviating amount).
    page.get_by_label("Invoice fee").fill("0.00")
    expect(page.locator('[data-figure="total_fee"]')).to_have_text("SEK0.00")
    page.get_by_role("button", name="Add a deviating payment").click()
    second_due = page.locator(f"{ROWS} >> nth=1 >> td >> nth=0").inner_text()
    assert second_due
    page.locator("#id_payments-0-amount").fill("2000.00")
    page.locator("#id_payments-0-due_date").fill(_iso(page, 1))
    expect(page.locator(f"{ROWS} >> nth=1 >> td >> nth=1")).to_have_text("2,000.00")
    page.get_by_role("button", name="Remove this deviating payment").click()
    expect(page.locator(f"{ROWS} >> nth=1 >> td >> nth=1")).not_to_have_text("2,000.00")

    axe_check(page, "calculator")
    screenshot(page, "plans-calculator")
    assert page.evaluate("window.__samePage") is True
    assert errors == [], errors

    page.get_by_label("Note for the approver").fill("Agreed on the phone: 6 months")
    page.get_by_role("button", name="Propose for approval").click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    proposal = PlanProposal.objects.get()
    assert proposal.number_of_payments == 6
    assert proposal.note == "Agreed on the phone: 6 months"
    expect(page.locator("[data-status]")).to_have_text("Pending approval")
    axe_check(page, "proposal")
    screenshot(page, "plans-proposal")


def _iso(page, index: int) -> str:
    """The due date of schedule row `index` as ISO (read from the API-backed schedule)."""
    text = page.locator(f"{ROWS} >> nth={index} >> td >> nth=0").inner_text()
    day, month, year = text.split("/")
    return f"{year}-{month}-{day}"


def test_a_stale_answer_never_overwrites_a_newer_one(page, login, app_url, agent_user, debtor,
                                                     sandbox_api):
    aborted: list[str] = []
    page.on("requestfailed", lambda request: aborted.append(request.url))
    _open_calculator(page, login, app_url, agent_user, debtor)
    count = page.get_by_label("Number of payments")
    sandbox_api.set_faults(latencyMs=2500)
    with page.expect_request(re.compile(r"/plans/new$")):
        count.fill("6")  # this answer will be slow
    page.wait_for_timeout(600)  # until its calls to Aptic have started (and sleep)
    sandbox_api.clear_faults()
    count.fill("9")
    expect(page.locator(ROWS)).to_have_count(9)
    page.wait_for_timeout(3500)  # long after the slow answer would have come
    expect(page.locator(ROWS)).to_have_count(9)
    expect(page.locator('[data-figure="number_of_payments"]')).to_have_text("9")
    assert [url for url in aborted if url.endswith("/plans/new")]  # the slow one was dropped


def test_a_supervisor_approves_and_the_debtor_page_shows_the_plan_active(
        page, login, app_url, agent_client, supervisor_user, debtor, sandbox_api, screenshot,
        axe_check):
    proposal = propose(agent_client, debtor, note="Six months agreed")
    login(page, supervisor_user)
    errors = _console_errors(page)
    page.goto(f"{app_url}/approvals/")
    row = page.locator(f'tr[data-proposal="{proposal.pk}"]')
    expect(row).to_contain_text("agent1")
    expect(page.locator(".main-nav .badge")).to_have_text("1")
    axe_check(page, "approval queue")
    screenshot(page, "plans-approvals")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.locator(".message--success")).to_contain_text("approved and active")
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1
    assert errors == [], errors  # (the debtor page below belongs to the debtors app)

    page.goto(f"{app_url}/debtors/{debtor['debtorGuid']}/")
    plan = page.locator(f'[data-plan="{proposal.plan_guid}"]')
    expect(plan).to_have_attribute("data-state", "1")
    expect(plan.locator(".tag").first).to_have_text("Active")
    plan.locator("summary").click()
    expect(plan.locator("tbody tr")).to_have_count(12)


def test_the_agreement_prints(page, login, app_url, agent_user, agent_client, debtor,
                              screenshot, axe_check):
    proposal = propose(agent_client, debtor)
    login(page, agent_user)
    errors = _console_errors(page)
    page.goto(f"{app_url}/debtors/{debtor['debtorGuid']}/plans/{proposal.plan_guid}/agreement")
    expect(page.get_by_role("heading", name="Payment plan agreement")).to_be_visible()
    axe_check(page, "agreement")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".plan-agreement__tools")).to_be_hidden()
    expect(page.locator(".plan-agreement__signatures")).to_be_visible()
    screenshot(page, "plans-agreement-print")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "plans-agreement.pdf").write_bytes(pdf)
    assert errors == []
