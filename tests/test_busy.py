"""The "busy, try again" page: a "database is locked" that outlasted the busy timeout answers
503 with Retry-After and the user's input kept (the banner alone for htmx); every other
database error still raises."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from backoffice import errors
from backoffice.busy import is_database_busy

HTMX = {"HX-Request": "true"}
MESSAGE = "The database is busy with other changes, so this one was not saved."


@pytest.fixture
def locked(monkeypatch):
    """Saving a search fails as SQLite does when the write lock stays taken."""

    def save(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("debtors.views.saved.saved_search_save", save)


def test_a_locked_database_answers_the_busy_page_with_the_input_kept(agent_client, locked):
    answer = agent_client.post(reverse("debtors:saved-create"),
                               {"name": "Overdue in Uppsala", "q": "Uppsala"})

    assert answer.status_code == 503
    assert answer["Retry-After"] == "2"
    html = answer.content.decode()
    assert MESSAGE in html and "<html" in html
    assert f'action="{reverse("debtors:saved-create")}"' in html
    assert '<input type="hidden" name="name" value="Overdue in Uppsala">' in html
    assert '<input type="hidden" name="q" value="Uppsala">' in html
    assert 'name="csrfmiddlewaretoken"' in html  # a fresh token, to send it again


def test_htmx_gets_the_banner_fragment(agent_client, locked):
    answer = agent_client.post(reverse("debtors:saved-create"), {"name": "x", "q": "y"},
                               headers=HTMX)

    assert answer.status_code == 503
    assert answer["Retry-After"] == "2"
    assert answer["HX-Retarget"] == "#banner"
    html = answer.content.decode()
    assert "<html" not in html and "data-upstream-banner" in html and MESSAGE in html
    assert "Wait 2 seconds before trying again." in html


def test_other_database_errors_still_raise(agent_client, monkeypatch):
    def save(**kwargs):
        raise OperationalError("no such table: debtors_savedsearch")

    monkeypatch.setattr("debtors.views.saved.saved_search_save", save)
    with pytest.raises(OperationalError, match="no such table"):
        agent_client.post(reverse("debtors:saved-create"), {"name": "x", "q": "y"})


@pytest.mark.django_db
def test_the_500_handler_answers_busy_for_a_lock_outside_the_view():
    """E.g. the session saved after the view: Django's 500 handler gets it."""
    request = RequestFactory().post("/accounts/login/", {"username": "agent1",
                                                          "password": "secret"})
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        answer = errors.server_error(request)
    assert answer.status_code == 503 and answer["Retry-After"] == "2"
    html = answer.content.decode()
    assert 'name="username" value="agent1"' in html
    assert "secret" not in html and "Your password is not kept" in html
    try:
        raise OperationalError("disk I/O error")
    except OperationalError:
        assert errors.server_error(request).status_code == 500


def test_only_the_lock_counts_as_busy():
    assert is_database_busy(OperationalError("database is locked"))
    assert is_database_busy(OperationalError("database table is locked: x"))
    assert not is_database_busy(OperationalError("no such column: x"))
    assert not is_database_busy(ValueError("database is locked"))
    assert not is_database_busy(None)
