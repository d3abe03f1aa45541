"""The debtor search and 360 in headless Chromium: an agent types and the table updates in
place, sorts, pages, opens a debtor from the keyboard, opens a case and reveals an ID number.
Screenshots go to test-artifacts/; axe-core must find no serious or critical violation."""

import re

import pytest
from playwright.sync_api import expect

from tests.debtors.made_up import swedish_personnummer, unique_word

pytestmark = pytest.mark.browser

NUMBER = swedish_personnummer("19580214", "562")


@pytest.fixture
def portfolio(sandbox_api):
    """30 debtors sharing a surname; the first (N00) has cases, an address and extra fields."""
    surname = unique_word()
    cities = ("Uppsala", "Lund", "Umeå", "Visby", "Kiruna")
    guids = []
    for i in range(30):
        fields = {"firstname": f"N{i:02d}", "lastname": surname, "city": cities[i % 5]}
        if i == 0:
            fields.update(idNumber=NUMBER, cellularPhone="+46 70 111 22 33",
                          email="n00@example.se", dateOfBirth="1958-02-14T00:00:00Z",
                          street="Dragarbrunnsgatan", houseNo="12", zipCode="753 20")
        guids.append(sandbox_api.create_debtor(**fields)["debtorGuid"])
    first = guids[0]
    sandbox_api.add_case(first, remainingPrincipal=8450.75, remainingInterest=312.40,
                         remainingFee=180, clientName="Telia Sverige AB",
                         clientReferenceNumber="INV-77812")
    sandbox_api.add_case(first, remainingPrincipal=1200, clientName="Vattenfall AB")
    sandbox_api.add_case(first, remainingPrincipal=500, clientName="Old Creditor AB",
                         closed=True)
    sandbox_api.http.post(f"/debtors/{first}/extrafields",
                          json={"name": "segment", "value": ["retail"]})
    return surname, first


@pytest.fixture
def console_errors(page) -> list[str]:
    """The page's console errors (CSP violations show up there)."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


@pytest.fixture
def as_agent(gw, page, console_errors, login, agent_user):
    """The page signed in as an agent, its console errors watched from the start."""
    login(page, agent_user)


def rows(page):
    return page.locator("#debtor-table tbody tr")


def test_agent_searches_sorts_pages_and_opens_a_debtor(
    as_agent, page, console_errors, app_url, portfolio, axe_check, screenshot
):
    surname, first_guid = portfolio
    page.goto(f"{app_url}/debtors/")
    page.evaluate("window.__marker = 1")

    # "/" jumps to the search box; typing searches after a short pause, without a page load.
    page.locator("main h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.hasAttribute('data-search-box')")
    with page.expect_response(re.compile(rf"/debtors/\?.*q={surname}")) as answer:
        page.keyboard.type(surname, delay=20)
    assert answer.value.request.headers.get("hx-request") == "true"
    page.wait_for_url(re.compile(rf"/debtors/\?q={surname}$"))
    assert rows(page).count() == 25
    assert "Showing 1\N{EN DASH}25 of 30 debtors" in page.locator("#results").inner_text()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    assert rows(page).first.inner_text().startswith(f"N00 {surname}")
    assert f"••••••-{NUMBER[-4:]}" in rows(page).first.inner_text()  # masked for agents
    axe_check(page, "debtor search")

    # Sorting by a header swaps the results and marks the header.
    name_header = page.locator("#debtor-table thead th", has_text="Name")
    assert name_header.get_attribute("aria-sort") == "ascending"
    name_header.get_by_role("link").click()
    page.wait_for_url(re.compile(r"sort=-full_name"))
    expect(name_header).to_have_attribute("aria-sort", "descending")
    assert rows(page).first.inner_text().startswith(f"N29 {surname}")
    assert page.evaluate("window.__marker") == 1

    # The next page is the last: five rows and a message saying so.
    page.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(rows(page)).to_have_count(5)
    assert rows(page).first.inner_text().startswith(f"N04 {surname}")
    assert "This is the last page." in page.locator("#results").inner_text()
    assert page.evaluate("window.__marker") == 1

    # Filters search on change: more rows per page, then one city (typed, then Tab).
    page.get_by_label("Rows per page").select_option("50")
    expect(rows(page)).to_have_count(30)
    assert "per_page=50" in page.url and "page=2" not in page.url
    page.get_by_label("City").fill("Uppsala")
    page.keyboard.press("Tab")
    expect(rows(page)).to_have_count(6)
    assert "city=Uppsala" in page.url
    assert page.evaluate("window.__marker") == 1

    # A new query keeps the sort; down-arrow from the box and Enter open the debtor.
    box = page.locator("[data-search-box]")
    box.fill(f"N00 {surname}")
    expect(rows(page)).to_have_count(1)
    assert "sort=-full_name" in page.url and "&page=" not in page.url
    box.focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.hasAttribute('data-row-link')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/debtors/{first_guid}/")
    assert page.locator("h1").inner_text() == f"N00 {surname}"
    # None: e.g. a CSP violation, or a request aborted by a stale one.
    assert not console_errors, console_errors

    # The screenshot comes last: Playwright's leaves style="" on inputs, which htmx would
    # then copy into swapped-in elements (a CSP violation no real browser would cause).
    page.goto(f"{app_url}/debtors/?q={surname}")
    screenshot(page, "debtor-search")


def test_the_360_in_the_browser(
    as_agent, page, console_errors, app_url, portfolio, axe_check, screenshot
):
    _surname, guid = portfolio
    page.goto(f"{app_url}/debtors/{guid}/")
    summary = page.locator("#summary").inner_text()
    assert "SEK9,650.75" in summary and "SEK10,143.15" in summary
    assert NUMBER not in page.locator("#profile").inner_text()
    axe_check(page, "debtor 360")
    screenshot(page, "debtor-360")

    # A case opens in the panel below the table, without leaving the page.
    page.evaluate("window.__marker = 1")
    page.locator("#cases tbody tr", has_text="Telia Sverige AB").get_by_role("link").click()
    page.wait_for_selector("#case-detail [data-case-detail]")
    assert page.evaluate("window.__marker") == 1
    assert page.evaluate("document.activeElement.id") == "case-detail-title"
    assert "Telia Sverige AB" in page.locator("#case-detail").inner_text()
    screenshot(page, "debtor-360-case")

    # Revealing the ID number asks for a reason and shows it in place.
    page.get_by_text("Reveal ID number").click()
    page.get_by_label("Reason for revealing the ID number").fill("Identity check on call")
    page.get_by_role("button", name="Reveal and log").click()
    page.wait_for_selector("#profile .id-number")
    assert NUMBER in page.locator("#profile").inner_text()
    assert page.evaluate("window.__marker") == 1
    axe_check(page, "debtor 360 after reveal")
    assert not console_errors, console_errors
