"""The search page and Aptic: one upstream call per table render, and a down upstream."""

import re

import pytest

from tests.debtors.made_up import unique_word
from tests.debtors.pages import rows_html

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("params", [
    {},
    {"q": "Andersson"},
    {"q": "070-123 45 67", "country": "SE"},
    {"q": "19800517-1239", "sort": "-city", "per_page": "50"},
    {"city": "Uppsala", "type": "0", "page": "2"},
])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "partial"])
def test_exactly_one_upstream_call_per_render(upstream, sandbox_api, agent_client, params,
                                              htmx):
    for _ in range(3):
        sandbox_api.create_debtor(lastname="Andersson", cellularPhone="+46 70 123 45 67")
    upstream.reset()
    response = agent_client.get("/debtors/", params, **(HTMX if htmx else {}))
    assert response.status_code == 200
    assert upstream.paths() == ["/debtors"]


def test_the_length_comes_from_the_same_answer(upstream, sandbox_api, agent_client):
    surname = unique_word()
    for i in range(3):
        sandbox_api.create_debtor(firstname=f"N{i}", lastname=surname)
    upstream.reset()
    html = agent_client.get("/debtors/", {"q": surname, "sort": "-full_name"}).content.decode()
    [call] = upstream.requests
    assert call.url.params["$orderby"] == "fullName desc,debtorGuid"
    assert call.url.params["$skip"] == "0" and call.url.params["$top"] == "25"
    assert "Showing 1\N{EN DASH}3 of 3 debtors" in html
    assert rows_html(html) == [f"N2 {surname}", f"N1 {surname}", f"N0 {surname}"]


def test_a_down_upstream_shows_the_banner_and_keeps_the_query(gw, sandbox_api,
                                                             agent_client):
    sandbox_api.set_faults(status=503, failureRate=1)
    response = agent_client.get("/debtors/", {"q": "Lindqvist", "city": "Lund"})
    html = response.content.decode()
    assert response.status_code == 200
    banner = re.search(r'<div id="banner".*?</div>\s*</div>', html, re.S).group(0)
    assert "data-upstream-banner" in banner
    assert 'href="/debtors/?q=Lindqvist&amp;city=Lund"' in banner  # try again, same search
    assert 'data-results-state="unavailable"' in html
    assert "The results could not be loaded" in html
    # The form keeps what was typed.
    assert re.search(r'<input type="search" name="q" value="Lindqvist"', html)
    assert re.search(r'<input type="text" name="city" value="Lund"', html)


def test_a_down_upstream_on_an_htmx_search_replaces_results_and_banner(gw,
                                                                       sandbox_api,
                                                                       agent_client):
    sandbox_api.set_faults(status=503, failureRate=1)
    response = agent_client.get("/debtors/", {"q": "Lindqvist"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Upstream-Status"] == "ServerError"
    assert "HX-Push-Url" not in response  # the failed search is not put in the history
    assert '<div id="banner" hx-swap-oob="innerHTML">' in html
    assert "data-upstream-banner" in html
    assert 'data-results-state="unavailable"' in html


def test_a_later_successful_search_clears_the_banner(gw, agent_client):
    html = agent_client.get("/debtors/", {"q": "Lindqvist"}, **HTMX).content.decode()
    assert re.search(r'<div id="banner" hx-swap-oob="innerHTML">\s*</div>', html)
