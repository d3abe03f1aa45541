"""The options grid in headless Chromium: an agent opens it, is told off for a duration no plan
takes, uses an option in the calculator and proposes another."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plans.models import PlanProposal
from tests.plans.plan_pages import upstream_plan
from tests.plans.test_browser import ABORT_NOISE

pytestmark = pytest.mark.browser

ROWS = "#plan-schedule tbody tr"
HEADS = "[data-options-grid] thead th[data-option-head]"
# A 422 is the answer to input the grid refuses (shown at the field): Chromium logs it as a
# failed resource, but it is the page working.
REFUSED_INPUT = "the server responded with a status of 422"


def _console_errors(page) -> list[str]:
    """The page's console errors (CSP violations, htmx swap errors, script errors)."""
    errors: list[str] = []

    def collect(message) -> None:
        if (message.type == "error" and not message.text.startswith(ABORT_NOISE)
                and REFUSED_INPUT not in message.text):
            errors.append(message.text)

    page.on("console", collect)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_an_agent_opens_the_grid_and_proposes_an_option(page, login, app_url, agent_user,
                                                       debtor, sandbox_api, screenshot,
                                                       axe_check):
    login(page, agent_user)
    errors = _console_errors(page)
    page.goto(f"{app_url}/debtors/{debtor['debtorGuid']}/plans/new")
    expect(page.locator(ROWS)).to_have_count(12)
    page.evaluate("window.__samePage = true")

    # A duration no plan type takes is refused beside its field, and no grid appears.
    months = page.get_by_label("Numbers of payments to compare")
    months.fill("6, 12, 400")
    page.get_by_role("button", name="Show alternatives").click()
    expect(page.locator("#id_option_months_error")).to_contain_text("1 to 360 payments")
    expect(page.locator("[data-options-invalid]")).to_be_visible()

    months.fill("6, 12, 18, 24, 36, 48")
    page.get_by_role("button", name="Show alternatives").click()
    expect(page.locator(HEADS)).to_have_count(6)
    expect(page.locator("#id_option_months_error")).to_have_text("")
    expect(page.locator('[data-option-head="months-6"] [data-mark="shortest"]')).to_have_text(
        "Shortest")
    expect(page.locator("#plan-options-status")).to_contain_text("6 alternatives")
    assert page.evaluate("window.__samePage") is True  # swapped in, no page load
    axe_check(page, "options grid")
    screenshot(page, "plans-options-grid")

    # "Use in calculator" fills the calculator with the option and recalculates.
    page.locator('[data-option-actions="months-24"]').get_by_role(
        "button", name=re.compile("^Use in calculator")).click()
    expect(page.locator(ROWS)).to_have_count(24)
    expect(page.get_by_label("Number of payments", exact=True)).to_have_value("24")

    # Propose one option straight from the grid.
    page.get_by_role("button", name="Show alternatives").click()
    expect(page.locator(HEADS)).to_have_count(6)
    cell = page.locator('[data-option-actions="months-18"]')
    cell.locator("summary").click()
    cell.get_by_label("Note for the approver").fill("Agreed: 18 months")
    axe_check(page, "options grid, proposing")
    cell.get_by_role("button", name=re.compile("^Propose for approval")).click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    proposal = PlanProposal.objects.get()
    assert proposal.number_of_payments == 18
    assert proposal.note == "Agreed: 18 months"
    plan = upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)
    assert plan["numberOfPayments"] == 18
    axe_check(page, "proposal from the grid")
    screenshot(page, "plans-options-proposal")
    assert errors == [], errors
