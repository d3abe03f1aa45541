"""Role checks on every debtor search/360 view and htmx endpoint: anonymous users go to the
sign-in page, users without a role get 403, agents, supervisors and admins get in."""

import pytest

from debtors.models import SavedSearch
from tests.debtors.made_up import unique_word

UNKNOWN_CASE = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def urls(sandbox_api):
    debtor = sandbox_api.create_debtor(lastname=unique_word())
    guid = debtor["debtorGuid"]
    case = sandbox_api.add_case(guid)
    return {
        "search": "/debtors/?q=Test",
        "detail": f"/debtors/{guid}/",
        "case": f"/debtors/{guid}/cases/{case['caseGuid']}/",
        "reveal": f"/debtors/{guid}/reveal/",
    }


@pytest.fixture
def client_for(request):
    from django.test import Client

    def make(role):
        client = Client()
        if role != "anonymous":
            fixture = {"norole": "norole_user", "admin": "admin_user"}.get(role, f"{role}_user")
            client.force_login(request.getfixturevalue(fixture))
        return client

    return make


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", ["search", "detail", "case"])
@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("norole", 403), ("agent", 200), ("supervisor", 200), ("admin", 200),
])
def test_reading_views(gw, urls, client_for, name, role, expected, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(role).get(urls[name], **headers)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("norole", 403), ("agent", 200), ("supervisor", 200), ("admin", 200),
])
def test_reveal(gw, urls, client_for, role, expected):
    response = client_for(role).post(urls["reveal"], {"reason": "Identity check"},
                                     HTTP_HX_REQUEST="true")
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("norole", 403), ("agent", 302), ("supervisor", 302), ("admin", 302),
])
def test_saving_a_search(db, client_for, role, expected):
    response = client_for(role).post("/debtors/saved/", {"name": "Mine", "q": "x"})
    assert response.status_code == expected
    if role in ("anonymous", "norole"):
        assert not SavedSearch.objects.exists()
    else:
        assert response["Location"] == "/debtors/?q=x"


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("norole", 403), ("agent2", 403), ("agent", 302),
])
def test_deleting_a_saved_search(db, agent_user, client_for, role, expected):
    saved = SavedSearch.objects.create(owner=agent_user, name="Shared", params={"q": "x"},
                                       shared=True)
    response = client_for(role).post(f"/debtors/saved/{saved.pk}/delete/")
    assert response.status_code == expected
    assert SavedSearch.objects.filter(pk=saved.pk).exists() == (role != "agent")


@pytest.mark.parametrize("url", ["/debtors/saved/", "/debtors/saved/1/delete/"])
def test_saved_search_endpoints_take_only_post(agent_client, url):
    assert agent_client.get(url).status_code == 405


def test_reveal_takes_only_post(gw, urls, agent_client):
    assert agent_client.get(urls["reveal"]).status_code == 405
