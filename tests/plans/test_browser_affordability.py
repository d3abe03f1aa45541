"""The statement beside the calculator in headless Chromium: fill it, take the suggested
amount into the calculator, propose; the proposal page shows the statement."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from backoffice.gateway import PlanInput
from plans.models import PlanProposal
from tests.plans.plan_pages import case_guids, direct_calculate

pytestmark = pytest.mark.browser

ROWS = "#plan-schedule tbody tr"
# hx-sync aborting an older request is htmx working; the browser's own line for the 422 that
# answers a wrong amount (the designed status for bad input) is not an error of the page.
NOISE = ("htmx:sendAbort", "htmx:afterRequest",
         "Failed to load resource: the server responded with a status of 422")


def test_an_agent_fills_the_statement_takes_the_suggestion_and_proposes(
        page, login, app_url, agent_user, debtor, screenshot, axe_check):
    errors: list[str] = []
    login(page, agent_user)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not
            m.text.startswith(NOISE) else None)
    page.goto(f"{app_url}/debtors/{debtor['debtorGuid']}/plans/new")
    expect(page.locator(ROWS)).to_have_count(12)
    page.evaluate("window.__samePage = true")
    page.get_by_label("Invoice fee").fill("0.00")
    expect(page.locator('[data-figure="total_fee"]')).to_have_text("SEK0.00")

    # A wrong amount is explained at its field, and marked.
    page.get_by_label("Monthly net income").fill("-1")
    expect(page.locator("#id_statement-net_income_error")).to_contain_text("cannot be negative")
    expect(page.locator("#id_statement-net_income")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Monthly net income").fill("21000.00")
    page.get_by_label("Housing").fill("9000.00")
    page.get_by_label("Food and household").fill("4500.00")
    page.get_by_label("Other debts").fill("6499.99")
    expect(page.locator('[data-statement-figure="disposable_income"]')).to_have_text(
        "SEK1,000.01")
    expect(page.locator('[data-statement-figure="suggestion"]')).to_have_text("SEK700.00")
    expect(page.locator("#id_statement-net_income")).not_to_have_attribute("aria-invalid",
                                                                          "true")
    expect(page.locator(ROWS)).to_have_count(12)  # typing here does not recalculate the plan

    page.get_by_role("button", name="Use this amount").click()
    expect(page.get_by_label("Amount per period")).to_have_value("700.00")
    expect(page.get_by_label("Number of payments")).to_have_value("")
    expected = direct_calculate(debtor["debtorGuid"], PlanInput(
        payment_plan_type=1, amount=Decimal("700.00"), registration_fee=Decimal("0.00"),
        invoice_fee=Decimal("0.00"), reminder_fee=Decimal("60.00"),
        cases=tuple(case_guids(debtor))), agent_user)
    expect(page.locator(ROWS)).to_have_count(expected.number_of_payments)
    expect(page.locator('[data-figure="monthly_payment"]')).to_have_text("SEK700.00")
    assert page.evaluate("window.__samePage") is True
    axe_check(page, "calculator with statement")
    screenshot(page, "plans-calculator-statement")

    page.get_by_label("Note for the approver").fill("Budget gone through on the phone")
    page.get_by_role("button", name="Propose for approval").click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    proposal = PlanProposal.objects.get()
    assert proposal.number_of_payments == expected.number_of_payments
    assert proposal.statement.net_income == Decimal("21000.00")
    assert proposal.statement.disposable_income == Decimal("1000.01")
    section = page.locator("[data-statement]")
    expect(section.locator('[data-statement-figure="disposable_income"]')).to_have_text(
        "SEK1,000.01")
    expect(page.locator("[data-above-disposable]")).to_have_count(0)
    axe_check(page, "proposal with statement")
    screenshot(page, "plans-proposal-statement")
    assert errors == [], errors
