"""The sessions panel in Chromium: two browsers signed in as one agent; "Sign out everywhere
else" in one signs the other out. The admin's users page passes axe."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_out_everywhere_else(browser, page, app_url, login, agent_user, screenshot,
                                  axe_check):
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    other_page = other.new_page()
    try:
        login(other_page, agent_user)
        login(page, agent_user)
        page.goto(f"{app_url}/accounts/profile/")
        rows = page.locator("table.table--sessions tbody tr")
        assert rows.count() == 2
        assert page.locator("tr.is-current").get_by_text("This browser").is_visible()
        axe_check(page, "profile with sessions")
        screenshot(page, "signin-sessions")
        page.get_by_role("button", name="Sign out everywhere else").click()
        assert page.get_by_text("1 other session was ended.").is_visible()
        assert rows.count() == 1
        other_page.goto(f"{app_url}/work/")
        assert "/accounts/login/" in other_page.url
    finally:
        other.close()


def test_the_users_page(page, app_url, login, admin_user, agent_user, axe_check, screenshot):
    login(page, agent_user)
    page.get_by_role("button", name="Sign out").first.click()
    login(page, admin_user)
    page.get_by_role("link", name="Users").click()
    row = page.locator("tr", has_text="agent1")
    assert row.is_visible()
    axe_check(page, "users and sign-in")
    screenshot(page, "signin-users")
