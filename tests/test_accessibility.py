"""axe-core on the sign-in pages and the signed-in layout, plus keyboard, CSP and no-JS checks.

Each page is a row of PAGES (a path and the role that may open it).
"""

import pytest

pytestmark = pytest.mark.browser

# path, role fixture, screenshot name
PAGES = [
    ("/accounts/profile/", "agent_user", "profile-agent"),
    ("/accounts/profile/", "admin_user", "profile-admin"),
    ("/accounts/password_change/", "supervisor_user", "password-change"),
    ("/", "norole_user", "home-no-role"),
    ("/proposals/mine/", "agent_user", "plans-my-proposals"),
    ("/debtors/?q=Nobody", "agent_user", "debtor-search-no-match"),
]


def _console_errors(page) -> list[str]:
    """Collects the page's console errors; CSP violations show up there."""
    errors: list[str] = []

    def collect(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", collect)
    return errors


def test_sign_in_page(page, app_url, axe_check, screenshot):
    errors = _console_errors(page)
    page.goto(f"{app_url}/accounts/login/")
    assert page.get_by_label("Username").is_visible()
    assert page.get_by_label("Password").is_visible()
    axe_check(page, "sign-in page")
    screenshot(page, "sign-in")
    # The form with an error is checked too: the message must be announced and readable.
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("alert").is_visible()
    axe_check(page, "sign-in page with an error")
    screenshot(page, "sign-in-error")
    assert page.evaluate("typeof htmx") == "object"  # vendored htmx loads under the CSP
    assert not errors, errors


@pytest.mark.parametrize(("path", "role", "name"), PAGES, ids=[p[2] for p in PAGES])
def test_signed_in_pages(page, app_url, login, axe_check, screenshot, request, path, role, name):
    errors = _console_errors(page)
    login(page, request.getfixturevalue(role))
    page.goto(f"{app_url}{path}")
    assert page.locator("main#main h1").is_visible()
    axe_check(page, name)
    screenshot(page, name)
    assert not errors, errors


def test_locked_out_page(page, app_url, agent_user, axe_check, screenshot, settings):
    settings.AXES_FAILURE_LIMIT = 1
    page.goto(f"{app_url}/accounts/login/")
    page.get_by_label("Username").fill(agent_user.username)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Sign-in paused").is_visible()
    axe_check(page, "locked out")
    screenshot(page, "locked-out")


def test_skip_link_and_visible_focus(page, app_url, login, agent_user):
    login(page, agent_user)
    page.goto(f"{app_url}/accounts/profile/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_navigation_by_role_in_the_browser(page, app_url, login, supervisor_user):
    login(page, supervisor_user)
    page.goto(f"{app_url}/accounts/profile/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Debtors").is_visible()
    assert nav.get_by_role("link", name="Approvals").is_visible()
    assert nav.get_by_role("link", name="Audit").count() == 0


def test_sign_in_and_out_work_without_javascript(browser, app_url, agent_user, screenshot):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(f"{app_url}/accounts/login/")
        page.get_by_label("Användarnamn").fill(agent_user.username)
        page.get_by_label("Lösenord").fill("pw-agent1")
        page.get_by_role("button", name="Logga in").click()
        page.goto(f"{app_url}/accounts/profile/")
        assert page.get_by_role("heading", name="Dina inställningar").is_visible()
        page.get_by_role("combobox", name="Språk").select_option("en")
        page.get_by_role("button", name="Spara").click()
        assert page.get_by_role("heading", name="Your settings").is_visible()
        screenshot(page, "profile-no-javascript")
        page.get_by_role("button", name="Sign out", exact=True).click()
        # Signed out, the page follows the browser's language again.
        assert page.get_by_role("heading", name="Logga in").is_visible()
        assert page.get_by_text("Du är utloggad.").is_visible()
    finally:
        context.close()


def test_layout_at_laptop_width(browser, app_url, login, admin_user, screenshot):
    context = browser.new_context(viewport={"width": 1024, "height": 700}, locale="en-GB")
    try:
        page = context.new_page()
        login(page, admin_user)
        page.goto(f"{app_url}/accounts/profile/")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, "the layout scrolls sideways at 1024px"
        screenshot(page, "profile-1024")
    finally:
        context.close()
