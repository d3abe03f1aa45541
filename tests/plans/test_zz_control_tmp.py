import re
from playwright.sync_api import expect
from tests.plans.test_browser import ROWS, _open_calculator
import pytest
pytestmark = pytest.mark.browser

def test_control_without_sync(page, login, app_url, agent_user, debtor, sandbox_api):
    _open_calculator(page, login, app_url, agent_user, debtor)
    page.evaluate("document.getElementById('plan-form').removeAttribute('hx-sync')")
    count = page.get_by_label("Number of payments")
    sandbox_api.set_faults(latencyMs=2500)
    with page.expect_request(re.compile(r"/plans/new/calculate$")):
        count.fill("6")
    sandbox_api.clear_faults()
    count.fill("9")
    expect(page.locator(ROWS)).to_have_count(9)
    page.wait_for_timeout(3500)
    expect(page.locator(ROWS)).to_have_count(9)
