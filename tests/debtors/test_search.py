"""The debtor search page against the sandbox over HTTP: each kind of input, the filters,
sorting, paging, the htmx partial and the plain (no-JavaScript) page."""

import re

import pytest

from tests.debtors.made_up import swedish_orgnr, swedish_personnummer, unique_word
from tests.debtors.pages import rows_html

HTMX = {"HTTP_HX_REQUEST": "true"}


def search(client, **params):
    response = client.get("/debtors/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def surname():
    return unique_word()


def test_name_search_matches_every_word_in_any_order(gw, sandbox_api, agent_client,
                                                     surname):
    sandbox_api.create_debtor(firstname="Anna", lastname=surname)
    sandbox_api.create_debtor(firstname="Bertil", lastname=surname)
    sandbox_api.create_debtor(firstname="Anna", lastname="Someone Else")

    assert rows_html(search(agent_client, q=f"{surname} anna")) == [f"Anna {surname}"]
    assert sorted(rows_html(search(agent_client, q=surname.lower()))) == [
        f"Anna {surname}", f"Bertil {surname}"]


def test_reference_search_finds_exactly_that_debtor(gw, sandbox_api, agent_client,
                                                    surname):
    first = sandbox_api.create_debtor(lastname=surname)
    sandbox_api.create_debtor(lastname=surname + "x")
    html = search(agent_client, q=first["debtorReference"])
    assert rows_html(html) == [f"Test {surname}"]
    assert "searched as" in html and "reference" in html


@pytest.mark.parametrize("typed", [
    "070-123 45 67", "0701234567", "+46701234567", "0046 70 123 45 67", "(070) 123 45 67",
    "+46 (0)70-123 45 67",
])
def test_phone_search_reads_any_notation(gw, sandbox_api, agent_client, surname,
                                         typed):
    sandbox_api.create_debtor(lastname=surname, cellularPhone="+46 70 123 45 67")
    assert rows_html(search(agent_client, q=typed)) == [f"Test {surname}"]


@pytest.mark.parametrize(("stored", "typed", "country"), [
    ("+46731112233", "073-111 22 33", ""),           # stored as E.164
    ("+47 412 34 567", "41234567", ""),               # Norwegian, typed nationally
    ("+47 412 34 567", "+47 41 23 45 67", "NO"),
    ("+358 40 123 4567", "040 1234567", ""),          # Finnish mobile
    ("+358 40 123 4567", "0401234567", "FI"),
    ("+46 8 123 456 78", "08-12345678", "SE"),        # Stockholm landline, 8-digit subscriber
])
def test_phone_search_matches_stored_notations(gw, sandbox_api, agent_client,
                                               surname, stored, typed, country):
    country_fields = {"countryCode": country} if country else {}
    sandbox_api.create_debtor(lastname=surname, workPhone=stored, **country_fields)
    params = {"q": typed, **({"country": country} if country else {})}
    assert rows_html(search(agent_client, **params)) == [f"Test {surname}"]


def test_swedish_personnummer_with_or_without_separator_or_century(
        gw, sandbox_api, agent_client, surname):
    number = swedish_personnummer("19800517")  # stored as the sandbox seeds it: YYYYMMDD-NNNC
    sandbox_api.create_debtor(lastname=surname, idNumber=number)
    short = number[2:]  # YYMMDD-NNNC
    for typed in (number, number.replace("-", ""), short, short.replace("-", ""),
                  " ".join([short[:6], short[7:]])):
        assert rows_html(search(agent_client, q=typed)) == [f"Test {surname}"], typed


@pytest.mark.parametrize(("stored", "typed", "juridical"), [
    (swedish_orgnr(), swedish_orgnr().replace("-", ""), 1),   # Swedish company
    ("15108695088", "151086 95088", 0),                       # Norwegian fødselsnummer
    ("988077917", "988 077 917", 1),                          # Norwegian organisation number
    ("131052-308T", "131052308t", 0),                         # Finnish HETU, sign left out
    ("2077474-0", "20774740", 1),                             # Finnish Y-tunnus
])
def test_nordic_id_numbers_in_other_notations(gw, sandbox_api, agent_client,
                                              surname, stored, typed, juridical):
    fields = {"juridicalType": juridical, "idNumber": stored}
    if juridical:
        fields.update(fullName=f"{surname} AB", firstname=None, lastname=None)
    else:
        fields.update(lastname=surname)
    sandbox_api.create_debtor(**fields)
    names = rows_html(search(agent_client, q=typed))
    assert names == [f"{surname} AB" if juridical else f"Test {surname}"]


def test_a_personnummer_with_a_wrong_check_digit_is_found_in_every_notation(
        gw, sandbox_api, agent_client, surname):
    # Stored as real data sometimes holds it: the check digit of 19800517-1234 is wrong.
    sandbox_api.create_debtor(lastname=surname, idNumber="19800517-1234", city=surname)
    for typed in ("19800517-1234", "198005171234", "800517-1234", "8005171234"):
        html = search(agent_client, q=typed, city=surname)
        assert rows_html(html) == [f"Test {surname}"], typed
        assert "searched as" in html
        assert "personal ID number (checksum does not match)" in html, typed


def test_a_valid_number_is_not_said_to_mismatch(gw, sandbox_api, agent_client, surname):
    number = swedish_personnummer("19800517")
    sandbox_api.create_debtor(lastname=surname, idNumber=number, city=surname)
    html = search(agent_client, q=number[2:].replace("-", ""), city=surname)
    assert rows_html(html) == [f"Test {surname}"]
    assert "personal ID number" in html and "checksum does not match" not in html


@pytest.mark.parametrize(("stored", "typed", "juridical", "country"), [
    ("556036-0794", "5560360794", 1, "SE"),       # Swedish organisationsnummer
    ("15108695089", "151086 95089", 0, "NO"),     # Norwegian fødselsnummer
    ("988077918", "988 077 918", 1, "NO"),        # Norwegian organisasjonsnummer
    ("131052-308A", "131052308a", 0, "FI"),       # Finnish henkilötunnus, sign left out
    ("2077474-1", "2077474-1", 1, "FI"),          # Finnish Y-tunnus
])
def test_nordic_id_numbers_with_a_wrong_check_digit_are_found_by_shape(
        gw, sandbox_api, agent_client, surname, stored, typed, juridical, country):
    fields = {"juridicalType": juridical, "idNumber": stored, "countryCode": country,
              "city": surname}
    if juridical:
        fields.update(fullName=f"{surname} AB", firstname=None, lastname=None)
    else:
        fields.update(lastname=surname)
    sandbox_api.create_debtor(**fields)
    html = search(agent_client, q=typed, city=surname)
    assert rows_html(html) == [f"{surname} AB" if juridical else f"Test {surname}"]
    kind = "company" if juridical else "personal"
    assert f"{kind} ID number (checksum does not match)" in html


def test_email_search_ignores_case(gw, sandbox_api, agent_client, surname):
    sandbox_api.create_debtor(lastname=surname, email=f"{surname.lower()}@example.se")
    sandbox_api.create_debtor(lastname=surname + "b", email=f"other.{surname.lower()}@example.se")
    assert rows_html(search(agent_client, q=f"{surname.upper()}@EXAMPLE.SE")) == [
        f"Test {surname}"]
    # A partial address is a contains search over e-mail.
    assert len(rows_html(search(agent_client, q=f"{surname.lower()}@"))) == 2


@pytest.mark.parametrize(("param", "value", "matching"), [
    ("type", "1", {"juridicalType": 1, "fullName": "{s} Bygg AB", "firstname": None,
                   "lastname": None}),
    ("city", "Tromsø", {"city": "Tromsø"}),
    ("country", "NO", {"countryCode": "NO"}),
    ("currency", "EUR", {"currencyCode": "EUR"}),
])
def test_each_filter_narrows_the_results(gw, sandbox_api, agent_client, surname,
                                         param, value, matching):
    fields = {"lastname": surname}
    fields.update({k: (v.format(s=surname) if isinstance(v, str) else v)
                   for k, v in matching.items()})
    wanted = sandbox_api.create_debtor(**fields)
    sandbox_api.create_debtor(lastname=surname)  # SE, SEK, Uppsala, a person
    html = search(agent_client, q=surname, **{param: value})
    expected = wanted.get("fullName") or f"Test {surname}"
    assert rows_html(html) == [expected]
    # Without the filter both are found.
    assert len(rows_html(search(agent_client, q=surname))) == 2


def test_filters_alone_list_matching_debtors(gw, sandbox_api, agent_client, surname):
    sandbox_api.create_debtor(lastname=surname, city="Kiruna")
    assert rows_html(search(agent_client, city="kiruna")) == [f"Test {surname}"]


def test_sorting_by_a_header_orders_upstream_and_marks_aria_sort(gw, sandbox_api,
                                                                 agent_client, surname):
    for first, city in (("Bo", "Umeå"), ("Cecilia", "Arvika"), ("Axel", "Malmö")):
        sandbox_api.create_debtor(firstname=first, lastname=surname, city=city)
    html = search(agent_client, q=surname)
    assert rows_html(html) == [f"Axel {surname}", f"Bo {surname}", f"Cecilia {surname}"]
    assert re.search(r'<th scope="col"[^>]*aria-sort="ascending"[^>]*>\s*<a [^>]*>Name', html)

    html = search(agent_client, q=surname, sort="-full_name")
    assert rows_html(html) == [f"Cecilia {surname}", f"Bo {surname}", f"Axel {surname}"]
    assert re.search(r'aria-sort="descending"[^>]*>\s*<a [^>]*>Name', html)

    html = search(agent_client, q=surname, sort="city")
    assert rows_html(html) == [f"Cecilia {surname}", f"Axel {surname}", f"Bo {surname}"]
    assert re.search(r'aria-sort="ascending"[^>]*>\s*<a [^>]*>City', html)
    # The header links keep the query and flip the direction.
    assert f'href="?q={surname}&amp;sort=-city"' in html
    # The current sort travels with the next query (a hidden input bound to the form).
    assert '<input type="hidden" name="sort" value="city" form="search-form">' in html


def test_sorting_on_a_column_not_allowed_is_ignored(gw, sandbox_api, agent_client,
                                                    surname):
    sandbox_api.create_debtor(firstname="B", lastname=surname)
    sandbox_api.create_debtor(firstname="A", lastname=surname)
    html = search(agent_client, q=surname, sort="id_number")
    assert rows_html(html) == [f"A {surname}", f"B {surname}"]


@pytest.fixture
def twenty_seven(sandbox_api, surname):
    for i in range(27):
        sandbox_api.create_debtor(firstname=f"P{i:02d}", lastname=surname)
    return surname


def test_paging_is_server_side_with_a_last_page_message(gw, agent_client,
                                                        twenty_seven, upstream):
    surname = twenty_seven
    html = search(agent_client, q=surname)
    names = rows_html(html)
    assert len(names) == 25 and names[0] == f"P00 {surname}"
    assert "Showing 1\N{EN DASH}25 of 27 debtors" in html
    assert 'data-results-state="last-page"' not in html
    assert 'rel="next"' in html

    upstream.reset()
    html = search(agent_client, q=surname, page=2)
    assert rows_html(html) == [f"P25 {surname}", f"P26 {surname}"]
    assert "Showing 26\N{EN DASH}27 of 27 debtors" in html
    assert 'data-results-state="last-page"' in html
    assert "This is the last page." in html
    # The page was asked for upstream, not cut from a bigger answer.
    [call] = upstream.requests
    assert call.url.params["$skip"] == "25" and call.url.params["$top"] == "25"

    html = search(agent_client, q=surname, per_page=50)
    assert len(rows_html(html)) == 27
    assert 'rel="next"' not in html


def test_a_page_past_the_end_says_where_the_results_end(gw, agent_client,
                                                       twenty_seven):
    html = search(agent_client, q=twenty_seven, page=9)
    assert 'data-results-state="past-end"' in html
    assert "There is no page 9" in html
    assert f'href="/debtors/?q={twenty_seven}&amp;page=2"' in html


def test_an_unsupported_page_size_is_refused(gw, agent_client, upstream):
    html = search(agent_client, q="x", per_page=1000)
    assert "Some filters could not be used" in html
    assert upstream.requests == []


def test_no_match_gets_a_clear_message(gw, agent_client, surname):
    html = search(agent_client, q=surname)
    assert 'data-results-state="empty"' in html
    assert "No debtor matches this search" in html
    assert f"Nothing was found for “{surname}”" in html


def test_the_page_works_as_a_plain_get_form(gw, sandbox_api, agent_client,
                                            surname):
    sandbox_api.create_debtor(lastname=surname)
    html = search(agent_client, q=surname)
    assert html.lstrip().startswith("<!doctype html>")
    form = re.search(r'<form id="search-form"[^>]*>', html).group(0)
    assert 'method="get"' in form and 'action="/debtors/"' in form
    assert '<button type="submit">Search</button>' in html
    assert f'value="{surname}"' in html  # the query stays in the box
    assert rows_html(html) == [f"Test {surname}"]
    # The name is a real link to the debtor's page (keyboard and no-JS users).
    assert re.search(r'<a href="/debtors/[0-9a-f-]{36}/" data-row-link>', html)


def test_htmx_gets_only_the_results_partial(gw, sandbox_api, agent_client,
                                            surname):
    sandbox_api.create_debtor(lastname=surname)
    response = agent_client.get("/debtors/", {"q": surname, "type": "", "city": "",
                                              "per_page": "25", "sort": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="search-form"' not in html
    assert rows_html(html) == [f"Test {surname}"]
    assert "HX-Request" in response["Vary"]
    # The address bar gets the canonical URL (no empty parameters).
    assert response["HX-Push-Url"] == f"/debtors/?q={surname}"
    # The live region outside the results is updated out of band.
    assert 'id="search-status" role="status" class="visually-hidden" hx-swap-oob="true"' in html
    # The full page varies on the header too.
    assert "HX-Request" in agent_client.get("/debtors/", {"q": surname})["Vary"]


def test_the_form_searches_actively_with_htmx(gw, agent_client):
    html = search(agent_client)
    form = re.search(r'<form id="search-form".*?>', html, re.S).group(0)
    assert 'hx-get="/debtors/"' in form
    assert 'hx-target="#results"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-sync="this:replace"' in form
    assert ('hx-trigger="input changed delay:300ms from:input[type=search], '
            'change from:(#search-form select), change from:#id_city, submit"') in form
    assert re.search(r'<input type="search" name="q"[^>]*data-search-box', html)


@pytest.mark.parametrize(("client_name", "masked"), [
    ("agent_client", True), ("supervisor_client", False), ("admin_client_role", False),
])
def test_id_numbers_in_results_are_masked_for_agents_only(gw, sandbox_api, request,
                                                          surname, client_name, masked):
    number = swedish_personnummer("19751224", "456")
    sandbox_api.create_debtor(lastname=surname, idNumber=number)
    html = search(request.getfixturevalue(client_name), q=surname)
    if masked:
        assert number not in html
        assert f"••••••-{number[-4:]}" in html
    else:
        assert number in html

