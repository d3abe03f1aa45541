"""A settlement offer in headless Chromium: an agent offers more than their limit allows, a
supervisor approves it in the queue."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from plans.models import PlanProposal
from tests.plans.plan_pages import upstream_plan
from tests.plans.test_browser import _console_errors

pytestmark = pytest.mark.browser

# Chromium logs every 4xx answer; the recalculation answers invalid input with 422 on purpose.
INVALID_NOTE = "Failed to load resource: the server responded with a status of 422"


def test_an_agent_offers_beyond_their_limit_and_a_supervisor_approves(
        page, login, app_url, agent_user, supervisor_user, debtor, sandbox_api, settings,
        screenshot, axe_check):
    settings.PLAN_SETTLEMENT = {"agent_max_discount": Decimal("10"), "agent_max_payments": 3,
                                "supervisor_max_discount": Decimal("30"),
                                "supervisor_max_payments": 12}
    owed = Decimal(str(debtor["cases"][0]["remainingSum"])).quantize(Decimal("0.01"))
    login(page, agent_user)
    errors = _console_errors(page)
    page.goto(f"{app_url}/debtors/{debtor['debtorGuid']}/plans/settle")
    expect(page.locator('[data-figure="total_owed"]')).to_have_text(f"SEK{owed:,.2f}")
    page.evaluate("window.__samePage = true")

    # 20 % off over two payments: beyond the agent's 10 %, within the supervisor's 30 %.
    page.get_by_label("Number of payments").fill("2")
    page.get_by_label("Discount (%)").fill("20")
    expect(page.locator('[data-figure="discount_percent"]')).to_have_text("20.00%")
    written_off = (owed * Decimal("0.20")).quantize(Decimal("0.01"))
    expect(page.locator('[data-figure="written_off"]')).to_have_text(f"SEK{written_off:,.2f}")
    expect(page.locator('[data-figure="instalment"]')).to_have_text(
        f"SEK{(owed - written_off) / 2:,.2f}")
    expect(page.locator("#settlement-schedule tbody tr")).to_have_count(2)
    expect(page.locator('[data-level="supervisor"]')).to_be_visible()
    assert page.evaluate("window.__samePage") is True  # recalculated in place

    # Both given: explained beside the field, no figures.
    page.get_by_label("Settlement amount").fill("9000")
    expect(page.locator("#id_settlement_amount_error")).to_contain_text("not both")
    expect(page.locator("#id_settlement_amount")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Settlement amount").fill("")
    expect(page.locator('[data-figure="discount_percent"]')).to_have_text("20.00%")

    axe_check(page, "settlement")
    screenshot(page, "plans-settlement")
    page.get_by_label("Note for the approver").fill("Lump sum not possible; two payments")
    page.get_by_role("button", name="Propose and activate").click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    expect(page.locator(".message--warning").first).to_contain_text("not activated")
    expect(page.locator("[data-status]")).to_have_text("Pending approval")
    expect(page.locator('[data-figure="discount_percent"]')).to_have_text("20.00%")
    axe_check(page, "settlement proposal")
    screenshot(page, "plans-settlement-proposal")
    proposal = PlanProposal.objects.get()
    assert proposal.is_settlement and proposal.written_off_amount == written_off
    assert [e for e in errors if not e.startswith(INVALID_NOTE)] == [], errors
    assert len(errors) >= 1  # the "not both" answer was a 422

    page.context.clear_cookies()
    login(page, supervisor_user)
    page.goto(f"{app_url}/approvals/")
    row = page.locator(f'tr[data-proposal="{proposal.pk}"]')
    expect(row.locator("[data-settlement-discount]")).to_have_text("Settlement, 20.00% off")
    expect(row).to_contain_text(f"SEK{written_off:,.2f} written off")
    axe_check(page, "approval queue with a settlement")
    screenshot(page, "plans-settlement-queue")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.locator(".message--success")).to_contain_text("approved and active")
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1
    proposal.refresh_from_db()
    assert proposal.status == PlanProposal.Status.APPROVED
    assert proposal.decided_by == supervisor_user
