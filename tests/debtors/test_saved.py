"""Saved searches: name the current query and filters, find it in the menu, share it."""

import re

import pytest

from debtors.models import SavedSearch

HTMX = {"HTTP_HX_REQUEST": "true"}


def menu(html):
    return re.search(r'<div id="saved-searches".*?</details>\s*</div>', html, re.S).group(0)


def test_saving_the_current_search_without_javascript(agent_user, agent_client):
    response = agent_client.post("/debtors/saved/", {
        "name": "Oslo in NOK", "shared": "", "q": "", "city": "Oslo", "country": "NO",
        "currency": "NOK", "type": "0", "per_page": "50", "sort": "-city",
    })
    assert response.status_code == 302
    assert response["Location"] == (
        "/debtors/?type=0&city=Oslo&country=NO&currency=NOK&per_page=50&sort=-city")
    saved = SavedSearch.objects.get()
    assert saved.owner == agent_user and saved.name == "Oslo in NOK" and not saved.shared
    assert saved.params == {"type": "0", "city": "Oslo", "country": "NO", "currency": "NOK",
                            "per_page": "50", "sort": "-city"}


def test_the_save_form_carries_the_current_query(gw, sandbox_api, agent_client):
    sandbox_api.create_debtor(lastname="Savedsearchperson", city="Visby")
    html = agent_client.get("/debtors/", {"q": "Savedsearchperson", "city": "Visby",
                                          "sort": "-city"}).content.decode()
    form = re.search(r'<form method="post" action="/debtors/saved/".*?</form>', html,
                     re.S).group(0)
    assert '<input type="hidden" name="q" value="Savedsearchperson">' in form
    assert '<input type="hidden" name="city" value="Visby">' in form
    assert '<input type="hidden" name="sort" value="-city">' in form
    assert 'name="csrfmiddlewaretoken"' in form


def test_saving_with_htmx_answers_the_menu(agent_client):
    response = agent_client.post("/debtors/saved/", {"name": "Big NOK", "currency": "NOK",
                                                      "shared": "on"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="saved-searches"')
    assert "Saved “Big NOK”." in html
    assert '<a href="/debtors/?currency=NOK">Big NOK</a>' in html
    assert "shared" in html
    assert "HX-Request" in response["Vary"]


def test_a_name_is_required(agent_client):
    response = agent_client.post("/debtors/saved/", {"name": " ", "q": "x"}, **HTMX)
    assert response.status_code == 422
    assert "give it a name" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_saving_under_the_same_name_replaces(agent_client):
    agent_client.post("/debtors/saved/", {"name": "Mine", "q": "first"})
    agent_client.post("/debtors/saved/", {"name": "Mine", "q": "second", "shared": "on"})
    saved = SavedSearch.objects.get()
    assert saved.params == {"q": "second"} and saved.shared


def test_invalid_parameters_are_not_saved(agent_client):
    response = agent_client.post("/debtors/saved/", {"name": "Odd", "per_page": "1000"})
    assert response.status_code == 302
    assert not SavedSearch.objects.exists()


def test_the_menu_lists_mine_and_the_teams_shared_searches(gw, agent_user,
                                                           agent2_user, agent_client):
    SavedSearch.objects.create(owner=agent_user, name="My private", params={"q": "a"})
    SavedSearch.objects.create(owner=agent2_user, name="Team NOK", params={"currency": "NOK"},
                               shared=True)
    SavedSearch.objects.create(owner=agent2_user, name="Not for you", params={"q": "b"})
    html = menu(agent_client.get("/debtors/").content.decode())
    mine, shared = html.split("Shared by the team")
    assert '<a href="/debtors/?q=a">My private</a>' in mine
    assert '<a href="/debtors/?currency=NOK">Team NOK</a>' in shared and "by agent2" in shared
    assert "Not for you" not in html
    # Only one's own searches have a delete button.
    assert mine.count("<form method=\"post\"") == 1 and "/delete/" not in shared


def test_only_the_owner_deletes(agent_user, agent2_user, agent_client, client):
    saved = SavedSearch.objects.create(owner=agent_user, name="Team", params={}, shared=True)
    client.force_login(agent2_user)
    assert client.post(f"/debtors/saved/{saved.pk}/delete/").status_code == 403
    assert SavedSearch.objects.filter(pk=saved.pk).exists()

    response = agent_client.post(f"/debtors/saved/{saved.pk}/delete/", **HTMX)
    assert response.status_code == 200 and "Saved search deleted." in response.content.decode()
    assert not SavedSearch.objects.exists()
    assert agent_client.post(f"/debtors/saved/{saved.pk}/delete/").status_code == 404


@pytest.mark.parametrize("url", ["/debtors/saved/", "/debtors/saved/{pk}/delete/"])
def test_saved_search_writes_need_the_csrf_token(agent_user, csrf_client_factory, url):
    saved = SavedSearch.objects.create(owner=agent_user, name="Kept", params={})
    client = csrf_client_factory(agent_user)
    response = client.post(url.format(pk=saved.pk), {"name": "New"})
    assert response.status_code == 403
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Kept"]
