"""Rescheduling in headless Chromium: an agent proposes new terms for an active plan, a
supervisor approves, and the debtor page shows the new plan active."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plans.reschedule_models import Reschedule
from tests.plans.plan_pages import case_guids, upstream_plan

pytestmark = pytest.mark.browser


def test_a_supervisor_approves_a_reschedule_and_the_new_plan_is_active(
        browser, page, login, app_url, agent_user, supervisor_user, debtor, sandbox_api,
        screenshot, axe_check):
    guid = debtor["debtorGuid"]
    old = sandbox_api.http.post(f"/debtors/{guid}/paymentplans", json={
        "paymentPlanType": 1, "numberOfPayments": 12, "active": 1,
        "cases": case_guids(debtor)}).json()

    login(page, agent_user)
    page.goto(f"{app_url}/debtors/{guid}/")
    page.locator(f'[data-plan="{old["paymentPlanGuid"]}"]').get_by_role(
        "link", name="Reschedule").click()
    expect(page.locator("#old-schedule tbody tr")).to_have_count(12)
    screenshot(page, "reschedule-form")
    axe_check(page, "reschedule form")
    page.get_by_label("Number of payments").fill("24")
    page.get_by_label("Note for the approver").fill("Lost his job; agreed to 24 months")
    page.get_by_role("button", name="Propose the reschedule").click()
    expect(page.locator('[data-status="pending"]')).to_be_visible()
    record = Reschedule.objects.get()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    supervisor = context.new_page()
    try:
        login(supervisor, supervisor_user)
        supervisor.goto(f"{app_url}/approvals/")
        row = supervisor.locator(f'[data-reschedule="{record.pk}"]')
        expect(row).to_contain_text("Reschedule pending approval")
        screenshot(supervisor, "reschedule-queue")
        axe_check(supervisor, "approvals with a reschedule")
        row.get_by_role("link", name="Review").click()
        expect(supervisor.locator("[data-compare]")).to_contain_text("Number of payments")
        screenshot(supervisor, "reschedule-review")
        axe_check(supervisor, "reschedule review")
        supervisor.get_by_role("button", name="Approve and reschedule").click()
        expect(supervisor.locator('[data-status="completed"]')).to_be_visible()
        expect(supervisor.locator("#new-schedule tbody tr")).to_have_count(24)
        screenshot(supervisor, "reschedule-completed")
        axe_check(supervisor, "reschedule completed")

        record.refresh_from_db()
        supervisor.goto(f"{app_url}/debtors/{guid}/")
        new = supervisor.locator(f'[data-plan="{record.new_plan_guid}"]')
        expect(new).to_have_attribute("data-state", "1")
        expect(new).to_contain_text("24 payments")
        expect(supervisor.locator(f'[data-plan="{old["paymentPlanGuid"]}"]')).to_have_count(0)
        screenshot(supervisor, "reschedule-debtor-page")
        axe_check(supervisor, "debtor page after a reschedule")
    finally:
        context.close()
    assert upstream_plan(sandbox_api, guid, record.new_plan_guid)["active"] == 1
    assert upstream_plan(sandbox_api, guid, old["paymentPlanGuid"]) is None
