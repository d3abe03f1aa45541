"""The audit pages in a real browser: filter with htmx, open an entry, no serious axe issue."""

import re

import pytest

from tests.audit.review_helpers import record
from tests.jobs.helpers import run_worker

pytestmark = pytest.mark.browser

DEBTOR = "3d7f4c1a-5b6e-4f70-8a91-b2c3d4e5f607"


def test_admin_filters_the_trail_and_opens_an_entry(
    page, login, admin_user, agent_user, app_url, axe_check, screenshot
):
    for n in range(3):
        record(agent_user, action="debtor.update", debtor_guid=DEBTOR,
               before={"email": f"old{n}@example.com"}, after={"email": f"new{n}@example.com"})
    plan = record(
        agent_user, action="plan.update", outcome="refused", debtor_guid=DEBTOR,
        upstream_status=409,
        before={"payments": [{"due_date": "2026-01-28", "amount": "500.00"}]},
        after={"payments": [{"due_date": "2026-01-28", "amount": "650.00"}]},
    )
    record(agent_user, action="pii.reveal", debtor_guid=DEBTOR, reason="caller verified")

    login(page, admin_user)
    page.goto(f"{app_url}/audit/")
    table = page.locator("#audit-table")
    # The five recorded here and the admin's own sign-in (auth.signin).
    assert table.locator("tbody tr").count() == 6
    axe_check(page, "audit list")

    # Choosing an outcome swaps only the results (htmx) and puts the filter in the URL.
    with page.expect_response(re.compile(r"/audit/\?.*outcome=refused")) as answer:
        page.get_by_label("Outcome").select_option("refused")
    assert answer.value.request.headers.get("hx-request") == "true"
    page.wait_for_url(re.compile(r"/audit/\?outcome=refused$"))
    assert page.locator("#audit-table tbody tr").count() == 1
    assert page.locator("#audit-status").inner_text().startswith("Results updated")

    # Typing a request id prefix filters as you type (after a short pause).
    page.get_by_label("Outcome").select_option("")
    page.get_by_label("Request ID match").select_option("prefix")
    page.locator("#audit-filter-request_id").press_sequentially(plan.request_id[:10], delay=30)
    page.wait_for_url(re.compile(rf"request_id={plan.request_id[:10]}"))
    assert table.locator("tbody tr").count() == 1
    # Only the filters that are set go to the address bar.
    assert page.url.endswith(f"/audit/?request_id={plan.request_id[:10]}&request_match=prefix")
    screenshot(page, "audit-list-filtered")

    page.locator("#audit-table tbody tr a").first.click()
    page.wait_for_url(f"**/audit/{plan.pk}/")
    assert page.get_by_role("heading", name=f"Audit entry {plan.pk}").is_visible()
    diff = page.locator("table.audit-diff")
    assert "650.00" in diff.inner_text() and "500.00" in diff.inner_text()
    axe_check(page, "audit entry")
    screenshot(page, "audit-entry")

    # Back in the browser's history the list comes back with its filters.
    page.go_back()
    page.wait_for_url(re.compile(r"request_id="))
    assert page.locator("#audit-filter-request_id").input_value() == plan.request_id[:10]


def test_integrity_page_in_the_browser(page, login, admin_user, agent_user, app_url, axe_check):
    record(agent_user, action="debtor.update")
    login(page, admin_user)
    page.goto(f"{app_url}/audit/integrity/")
    page.get_by_role("button", name="Check the new entries").click()
    page.wait_for_load_state("networkidle")
    assert "Running now" in page.locator("main").inner_text()
    run_worker()  # the background job; the page's status polls itself until it is done
    page.locator(".job-status .tag--ok").wait_for(timeout=10_000)
    page.reload()
    assert "The chain verifies" in page.locator("main").inner_text()
    axe_check(page, "audit integrity")
