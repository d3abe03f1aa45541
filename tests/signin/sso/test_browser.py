"""Single sign-on in Chromium: the login page's provider link, the provider's sign-in, the
desk; a user without a mapped group sees the refusal page; sign-out goes through the provider."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_sso_in_the_browser(page, app_url, sso, screenshot, axe_check):
    sso.add("alice", groups=["collectors"])
    page.goto(f"{app_url}/accounts/login/")
    axe_check(page, "sign-in with single sign-on")
    screenshot(page, "signin-sso")
    page.get_by_role("link", name="Continue with Test IdP").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("anything")
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url(f"{app_url}/work/")
    assert page.get_by_role("heading", name="My day").is_visible()
    page.goto(f"{app_url}/accounts/profile/")
    assert "single sign-on" in page.locator("tr.is-current").inner_text()
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(f"{app_url}/accounts/login/")
    assert page.get_by_text("You have signed out.").is_visible()


def test_a_user_without_a_mapped_group_sees_why(page, app_url, sso, screenshot, axe_check):
    sso.add("carol", groups=["marketing"])
    page.goto(f"{app_url}/accounts/login/")
    page.get_by_role("link", name="Continue with Test IdP").click()
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("anything")
    page.get_by_role("button", name="Sign in at the provider").click()
    heading = page.get_by_role("heading", name="No access to Collect Desk")
    heading.wait_for()
    axe_check(page, "single sign-on refusal")
    screenshot(page, "signin-sso-refused")
