"""The 360 draws each Aptic section as soon as its own reads are in, and the page it puts
together is the page drawn whole once every part is in."""

import dataclasses
import re
import threading

import httpx
import pytest
from django.template.loader import render_to_string
from django.test.signals import template_rendered

from backoffice.gateway import Part, get_gateway
from backoffice.gateway.testing import Recorder, use_transport
from debtors import selectors
from debtors.views.detail import _page_context
from tests.debtors.made_up import unique_word

HOLD_SECONDS = 5
OTHER_SECTIONS = ("debtors/partials/profile.html", "debtors/partials/addresses.html",
                  "debtors/partials/extra_fields.html", "plans/partials/debtor_plans.html")
# A masked CSRF token (new at every {% csrf_token %}), and the request ID an error names (the
# whole page reads again).
TOKEN = re.compile(r"[A-Za-z0-9]{64}|(?<=<code>)[0-9a-f]{32}(?=</code>)")


@pytest.fixture
def debtor(sandbox_api):
    created = sandbox_api.create_debtor(firstname="Bo", lastname=unique_word(),
                                        street="Storgatan", houseNo="4", zipCode="753 20")
    sandbox_api.add_case(created["debtorGuid"], remainingPrincipal=1200.50,
                         clientName="Telia Sverige AB")
    return created


class Drawn:
    """The templates drawn, in order; `all_but_cases` is set once every other section is."""

    def __init__(self):
        self.names: list[str] = []
        self.all_but_cases = threading.Event()

    def __call__(self, sender, template, context, **kwargs):
        name = template.origin.template_name if template.origin else None
        self.names.append(name)
        if all(section in self.names for section in OTHER_SECTIONS):
            self.all_but_cases.set()


@pytest.fixture
def drawn():
    watcher = Drawn()
    template_rendered.connect(watcher)
    yield watcher
    template_rendered.disconnect(watcher)


def test_every_other_section_is_drawn_while_the_cases_are_still_on_their_way(
        upstream, debtor, agent_client, drawn):
    held = []

    def hold_cases(request):
        held.append(drawn.all_but_cases.wait(HOLD_SECONDS))
        return None  # then on to the sandbox

    with use_transport(Recorder([("GET", r"/cases$", hold_cases)])):
        response = agent_client.get(f"/debtors/{debtor['debtorGuid']}/")
    assert response.status_code == 200
    assert held == [True]  # a page drawing its sections after the last answer waits in vain
    assert drawn.names.index("debtors/partials/cases.html") > max(
        drawn.names.index(section) for section in OTHER_SECTIONS)
    html = response.content.decode()
    assert "<!--slot:" not in html
    assert "Telia Sverige AB" in html and "Storgatan" in html


def _whole_page(response) -> str:
    """The same request's page drawn at once from the whole view, as the reveal page is."""
    request = response.wsgi_request
    view = selectors.debtor_360(debtor_guid=request.resolver_match.kwargs["guid"].__str__())
    return render_to_string("debtors/detail.html", _page_context(request, view), request)


@pytest.mark.parametrize("failing", [None, "/addresses$", r"/debtors/[0-9a-f-]+$"])
def test_the_page_put_together_section_by_section_is_the_page_drawn_whole(
        upstream, debtor, agent_client, failing):
    rules = [("GET", failing, httpx.Response(503))] if failing else []
    with use_transport(Recorder(rules)):
        response = agent_client.get(f"/debtors/{debtor['debtorGuid']}/")
        whole = _whole_page(response)
    assert response.status_code == 200
    html = response.content.decode()
    assert TOKEN.sub("token", html) == TOKEN.sub("token", whole)
    assert html.count('id="debtor-plans"') == 1 and html.count('id="cases"') == 1
    if failing == "/addresses$":
        assert "Storgatan" not in html and "Telia Sverige AB" in html
    if failing and "debtors" in failing:
        assert "data-upstream-banner" in html  # the debtor's own read failed


def test_an_unknown_debtor_answers_not_found_as_soon_as_its_read_says_so(upstream, agent_client):
    response = agent_client.get("/debtors/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404


def test_the_currency_is_known_from_the_debtor_or_else_once_the_cases_are_in(upstream, debtor):
    guid = debtor["debtorGuid"]
    with_currency = get_gateway().debtor_get(guid)
    assert with_currency.currency_code
    without = dataclasses.replace(with_currency, currency_code="")
    cases = Part(result=get_gateway().case_list(guid))

    def view(**parts) -> selectors.Debtor360:
        return selectors._view_from(guid, parts)

    assert view(debtor=Part(result=with_currency)).has("debtor", "currency")
    assert not view(summary=Part()).has("currency")  # no debtor yet
    assert not view(debtor=Part(result=without)).has("currency")
    assert view(debtor=Part(result=without), cases=cases).has("currency")
    assert view(debtor=Part(result=without), cases=cases).currency == with_currency.currency_code
    assert not view(debtor=Part(result=with_currency)).has("summary")
