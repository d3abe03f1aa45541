"""The editors in headless Chromium: an agent creates a debtor, works on its addresses inline,
edits it and adds an extra field; screenshots are saved and axe-core checks each editor."""

import re

import pytest
from playwright.sync_api import expect

from tests.debtors.records import audit_rows, upstream

pytestmark = pytest.mark.browser


def exact(label: str) -> re.Pattern:
    """A field's label as Django renders it (with or without its colon), and nothing more."""
    return re.compile(rf"^\s*{re.escape(label)}:?\s*$")


def test_an_agent_edits_a_debtor_from_end_to_end(page, login, agent_user, app_url, sandbox_api,
                                                 screenshot, axe_check):
    login(page, agent_user)

    # Create: the person and company fieldsets follow the chosen type.
    page.goto(f"{app_url}/debtors/new/")
    company = page.locator("#section-company")
    person = page.locator("#section-person")
    expect(company).to_be_hidden()
    page.get_by_label(exact("Legal entity (company)")).check()
    expect(person).to_be_hidden()
    expect(company).to_be_visible()
    page.get_by_label(exact("Natural person")).check()
    expect(company).to_be_hidden()
    page.get_by_label(exact("First name")).fill("Maja")
    page.get_by_label(exact("Last name")).fill("Ek")
    page.get_by_label(exact("Mobile phone")).fill("0701234567")
    page.get_by_label(exact("Street")).fill("Storgatan")
    page.get_by_label(exact("City")).fill("Uppsala")
    page.get_by_label(exact("Country")).select_option("SE")
    axe_check(page, "create debtor form")
    screenshot(page, "editors-create-debtor")
    page.get_by_role("button", name="Create debtor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maja Ek")
    guid = re.search(r"/debtors/([0-9a-f-]{36})/", page.url).group(1)
    assert upstream(sandbox_api, f"/debtors/{guid}")["cellularPhone"] == "+46 70 123 45 67"

    # Add an address inline: focus goes into the form, the panel alone is swapped.
    panel = page.locator("#addresses")
    panel.get_by_role("link", name="Add address").click()
    expect(panel.get_by_label(exact("Address type"))).to_be_focused()
    page.evaluate("() => { window.__notReloaded = true; }")
    panel.get_by_label(exact("Address type")).fill("POSTAL")
    panel.get_by_label(exact("Street")).fill("Box 7")
    panel.get_by_label(exact("City")).fill("Enköping")
    axe_check(page, "debtor page with the inline address form")
    panel.get_by_role("button", name="Save address").click()
    expect(panel.get_by_text("Address added.")).to_be_visible()
    expect(panel.get_by_role("heading", name="Addresses")).to_be_focused()
    assert page.evaluate("() => window.__notReloaded === true")  # no page load

    # Edit it inline; Escape cancels an edit.
    panel.get_by_role("link", name=re.compile(r"^Edit POSTAL")).click()
    expect(panel.get_by_label(exact("Address type"))).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel.locator("form[data-inline-form]")).to_have_count(0)
    panel.get_by_role("link", name=re.compile(r"^Edit POSTAL")).click()
    # Wait until the form has taken focus, or the focus move could land mid-fill.
    expect(panel.get_by_label(exact("Address type"))).to_be_focused()
    panel.get_by_label(exact("City")).fill("Västerås")
    screenshot(page, "editors-address-inline-edit")
    page.keyboard.press("Enter")
    expect(panel.get_by_text("Address saved.")).to_be_visible()
    expect(panel.get_by_text("Västerås")).to_be_visible()

    # Make it the default: the LEGAL address loses the flag.
    panel.get_by_role("button", name=re.compile(r"^Make default POSTAL")).click()
    expect(panel.get_by_text("Default address changed.")).to_be_visible()
    items = panel.locator("li.record")
    expect(items.nth(0)).to_contain_text("Västerås")
    expect(items.nth(0)).to_contain_text("Default")
    expect(items.nth(1)).not_to_contain_text("Default")

    # Mark the old (LEGAL) one not valid, from today.
    panel.get_by_role("link", name=re.compile(r"^Mark not valid LEGAL")).click()
    expect(panel.get_by_label(exact("Not valid since"))).to_be_focused()
    panel.get_by_role("button", name="Mark not valid").click()
    expect(panel.get_by_text(re.compile(r"^Not valid since"))).to_be_visible()
    screenshot(page, "editors-addresses")
    addresses = upstream(sandbox_api, f"/debtors/{guid}/addresses")["value"]
    by_type = {a["addressType"]: a for a in addresses}
    assert by_type["POSTAL"]["defaultAddress"] is True and by_type["POSTAL"]["city"] == "Västerås"
    assert by_type["LEGAL"]["defaultAddress"] is False
    assert by_type["LEGAL"]["addressNotValidDate"] is not None

    # Edit the debtor.
    page.locator("[data-action=edit]").click()
    page.get_by_label(exact("E-mail")).fill("maja.ek@example.se")
    axe_check(page, "edit debtor form")
    screenshot(page, "editors-edit-debtor")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maja Ek")
    assert upstream(sandbox_api, f"/debtors/{guid}")["email"] == "maja.ek@example.se"

    # Add an extra field.
    extra = page.locator("#extra-fields")
    extra.get_by_role("link", name="Add extra field").click()
    expect(extra.get_by_label(exact("Name"))).to_be_focused()
    extra.get_by_label(exact("Name")).fill("contract")
    extra.get_by_label(exact("Values")).fill("C-100\nC-200")
    extra.get_by_role("button", name="Save extra field").click()
    expect(extra.get_by_text("Extra field contract added.")).to_be_visible()
    expect(extra.get_by_text("C-200")).to_be_visible()
    axe_check(page, "debtor page after editing")
    screenshot(page, "editors-debtor-page")

    outcomes = {(e.action, e.outcome) for e in audit_rows("debtor.create")
                + audit_rows("address.create") + audit_rows("address.update")
                + audit_rows("debtor.update") + audit_rows("extrafield.create")}
    assert outcomes == {("debtor.create", "ok"), ("address.create", "ok"),
                        ("address.update", "ok"), ("debtor.update", "ok"),
                        ("extrafield.create", "ok")}
    assert len(audit_rows("address.update")) == 3  # edit, make default, mark not valid


def test_conflict_delete_and_actions_pass_axe(page, login, admin_user, app_url, sandbox_api,
                                              screenshot, axe_check):
    from tests.debtors.records import put_debtor

    created = sandbox_api.create_debtor(cellularPhone="+46 70 555 12 34")
    guid = created["debtorGuid"]
    login(page, admin_user)

    # A lost update: the conflict, theirs beside yours, focused and announced.
    page.goto(f"{app_url}/debtors/{guid}/edit/")
    page.get_by_label(exact("E-mail")).fill("mine@example.se")
    put_debtor(sandbox_api, guid, email="theirs@example.se")
    page.get_by_role("button", name="Save changes").click()
    heading = page.get_by_role("heading", name=re.compile("Someone else changed this debtor"))
    expect(heading).to_be_focused()
    row = page.locator(".conflict-table tbody tr", has_text="E-mail")
    expect(row).to_contain_text("theirs@example.se")
    expect(row).to_contain_text("mine@example.se")
    expect(page.get_by_label(exact("E-mail"))).to_have_value("mine@example.se")
    axe_check(page, "edit conflict")
    screenshot(page, "editors-conflict")

    # The delete confirmation.
    page.goto(f"{app_url}/debtors/{guid}/delete/")
    expect(page.get_by_role("button", name="Delete this debtor")).to_be_visible()
    axe_check(page, "delete debtor")
    screenshot(page, "editors-delete-debtor")

    # Actions: a configured button and the JSON form.
    page.goto(f"{app_url}/debtors/{guid}/")
    actions = page.locator("#actions")
    actions.get_by_role("button", name="Send reminder SMS").click()
    expect(actions.get_by_text("Send reminder SMS: done.")).to_be_visible()
    expect(actions.locator("pre.json-result")).to_contain_text('"to": "+46 70 555 12 34"')
    actions.get_by_text("Run a service definition with a JSON body").click()
    actions.get_by_label(exact("Service definition")).fill("echo")
    actions.get_by_label(exact("Body (JSON object)")).fill('{"a": ')
    actions.get_by_role("button", name="Run", exact=True).click()
    expect(actions.get_by_text(re.compile("Not valid JSON"))).to_be_visible()
    expect(actions.get_by_label(exact("Body (JSON object)"))).to_be_focused()
    axe_check(page, "actions panel")
    screenshot(page, "editors-actions")
