"""The search page and the debtor 360 draw their local parts while Aptic answers.

Each upstream read below is held until the page has started drawing (Django's test
`template_rendered` signal names the template), and the drawing waits until a read has been
sent. Only a page that sends its reads and then draws while they are out passes: one that read
first and drew afterwards, or drew first and read afterwards, would wait on itself until the
hold gives up (a few seconds) and the test fails.
"""

import re
import threading

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.utils.html import escape

from backoffice.gateway.testing import Recorder, use_transport
from tests.debtors.made_up import unique_word
from tests.debtors.pages import rows_html

HOLD_SECONDS = 5


class DrawnMeanwhile:
    """Holds matching upstream requests until `template` has started drawing, and that
    drawing until a request was sent."""

    def __init__(self, template: str):
        self.template = template
        self.sent = threading.Event()
        self.drawn = threading.Event()
        self.held: list[bool] = []  # per request: whether the page started drawing
        self.waited: list[bool] = []  # per drawing: whether a read was out
        self.holding = 0  # requests held right now
        self.sql_meanwhile: list[str] = []  # the page's queries while requests were held

    def __call__(self, request):
        self.holding += 1
        self.sent.set()
        self.held.append(self.drawn.wait(HOLD_SECONDS))
        self.holding -= 1
        return None  # then on to the sandbox

    def sql(self, execute, sql, params, many, context):
        if self.holding:
            self.sql_meanwhile.append(sql)
        return execute(sql, params, many, context)

    def on_render(self, sender, template, context, **kwargs):
        if template.origin and template.origin.template_name == self.template:
            self.drawn.set()
            self.waited.append(self.sent.wait(HOLD_SECONDS))


@pytest.fixture
def drawn_meanwhile():
    watchers = []

    def watch(template: str) -> DrawnMeanwhile:
        watcher = DrawnMeanwhile(template)
        template_rendered.connect(watcher.on_render)
        watchers.append(watcher)
        return watcher

    yield watch
    for watcher in watchers:
        template_rendered.disconnect(watcher.on_render)


def test_the_search_page_is_drawn_while_its_one_read_is_on_its_way(
        aptic, short_retries, sandbox_api, agent_client, drawn_meanwhile):
    surname = unique_word()
    sandbox_api.create_debtor(firstname="Bo", lastname=surname)
    watcher = drawn_meanwhile("base.html")
    with use_transport(Recorder([("GET", r"^/debtors$", watcher)])) as upstream:
        response = agent_client.get("/debtors/", {"q": surname})
    assert response.status_code == 200
    assert watcher.held == [True] and watcher.waited == [True]
    assert upstream.calls("GET", "/debtors") == 1
    assert rows_html(response.content.decode()) == [f"Bo {surname}"]  # filled in afterwards


def test_the_360_reads_its_local_rows_and_draws_its_timeline_while_its_six_reads_are_out(
        aptic, short_retries, sandbox_api, agent_client, drawn_meanwhile):
    debtor = sandbox_api.create_debtor(firstname="Bo", lastname=unique_word())
    watcher = drawn_meanwhile("work/partials/timeline.html")
    with (use_transport(Recorder([("GET", r"^/debtors/", watcher)])),
          connection.execute_wrapper(watcher.sql)):
        response = agent_client.get(f"/debtors/{debtor['debtorGuid']}/")
    assert response.status_code == 200
    assert watcher.held == [True] * 6 and watcher.waited == [True]
    meanwhile = " ".join(watcher.sql_meanwhile)
    for table in ("work_followup", "work_contactnote", "work_promise"):  # the work panels'
        assert f'FROM "{table}"' in meanwhile
    html = response.content.decode()
    assert html.count("<!--slot:") == 0
    assert f"<title>Bo {debtor['lastname']} · Collect Desk</title>" in html
    assert 'id="debtor-plans"' in html and 'id="timeline"' in html


def test_a_failed_search_read_still_shows_the_banner_where_the_page_keeps_it(
        aptic, short_retries, sandbox_api, agent_client, settings):
    settings.APTIC_RETRY_ATTEMPTS = 1
    sandbox_api.set_faults(status=503)
    html = agent_client.get("/debtors/", {"q": unique_word()}).content.decode()
    banner_area = html.split('id="banner"', 1)[1].split("</div>", 1)[0]
    assert "data-upstream-banner" in banner_area
    assert 'data-results-state="unavailable"' in html


def test_the_360_draws_its_work_panels_while_its_reads_are_out_and_fills_in_the_cases(
        aptic, short_retries, sandbox_api, agent_client, drawn_meanwhile):
    debtor = sandbox_api.create_debtor(firstname="Bo", lastname=f"D'{unique_word()}")
    guid = debtor["debtorGuid"]
    cases = [sandbox_api.add_case(guid, remainingPrincipal=amount)["caseGuid"]
             for amount in (1000, 250)]
    watcher = drawn_meanwhile("work/partials/promises.html")
    with use_transport(Recorder([("GET", r"^/debtors/", watcher)])):
        response = agent_client.get(f"/debtors/{guid}/")
    assert response.status_code == 200
    assert watcher.held == [True] * 6  # the panel was drawn while every read was out,
    assert len(watcher.waited) == 3  # then its cases and its currency once the summary was in
    html = response.content.decode()
    assert re.search(r"slot[0-9a-f]{16}", html) is None and "<!--slot:" not in html
    name = escape(f"Bo {debtor['lastname']}")
    assert html.count(f'name="debtor_name" value="{name}"') == 3  # follow-up, contact, promise
    assert html.count('name="currency" value="SEK"') == 2
    assert html.count("In the debtor's currency, SEK.") == 2
    for case in cases:  # offered by the contact form and the promise form
        assert html.count(f'value="{case}"') == 2


def test_the_360_work_panels_say_when_the_cases_could_not_be_read(
        aptic, short_retries, sandbox_api, agent_client, settings):
    settings.APTIC_RETRY_ATTEMPTS = 1
    debtor = sandbox_api.create_debtor(firstname="Bo", lastname=unique_word())
    sandbox_api.set_faults(status=503, methods=["GET"], paths=["/debtors/*/summary"])
    html = agent_client.get(f"/debtors/{debtor['debtorGuid']}/").content.decode()
    assert html.count("data-no-cases") == 2
    assert "the note saves without them" in html and "the promise saves without them" in html
    assert f'name="debtor_name" value="Bo {debtor["lastname"]}"' in html


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "htmx results"])
def test_the_results_but_their_rows_are_drawn_while_the_read_is_on_its_way(
        aptic, short_retries, sandbox_api, agent_client, drawn_meanwhile, fragment):
    surname = unique_word()
    for first in ("Bo", "Ada"):
        sandbox_api.create_debtor(firstname=first, lastname=surname)
    watcher = drawn_meanwhile("debtors/partials/debtor_table.html")
    headers = {"HX-Request": "true"} if fragment else {}
    with use_transport(Recorder([("GET", r"^/debtors$", watcher)])):
        response = agent_client.get("/debtors/", {"q": surname, "per_page": 25}, headers=headers)
    assert response.status_code == 200
    assert watcher.held == [True] and watcher.waited[0] is True
    html = response.content.decode()
    assert html.count("<!--slot:") == 0
    assert rows_html(html) == [f"Ada {surname}", f"Bo {surname}"]  # filled in afterwards
    assert "Showing 1\u20132 of 2 debtors" in html and 'name="csrfmiddlewaretoken"' in html
    if fragment:
        assert "2 debtors found." in html.split('id="search-status"', 1)[1].split("</p>", 1)[0]
