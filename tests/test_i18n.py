"""Languages: the profile's choice, else the browser's; complete catalogues compiled in the tree."""

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client

from backoffice.models import UserProfile

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("sv", "nb", "fi")


def _set_language(user, language: str) -> None:
    UserProfile.objects.update_or_create(user=user, defaults={"language": language})


def test_profile_language_swedish(agent_user, agent_client):
    _set_language(agent_user, "sv")
    response = agent_client.get("/accounts/profile/")
    html = response.content.decode()
    assert response["Content-Language"] == "sv"
    assert '<html lang="sv">' in html
    assert "<h1>Dina inställningar</h1>" in html
    assert "Gäldenärer" in html  # the navigation
    assert "Logga ut" in html
    assert "Hoppa till huvudinnehållet" in html


def test_browser_language_swedish_on_the_sign_in_page():
    response = Client(HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9,en;q=0.5").get("/accounts/login/")
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "<h1>Logga in</h1>" in html
    assert "Användarnamn" in html and "Lösenord" in html


@pytest.mark.parametrize(
    ("accept", "lang", "heading"),
    [
        ("nb-NO,nb;q=0.9", "nb", "Logg inn"),
        ("fi", "fi", "Kirjaudu sisään"),
        ("de", "en", "Sign in"),
    ],
)
def test_other_browser_languages(accept, lang, heading):
    html = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/accounts/login/").content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(
    ("chosen", "browser", "lang", "heading"),
    [
        ("nb", "sv", "nb", "Innstillingene dine"),  # the profile's choice wins
        ("", "fi", "fi", "Asetuksesi"),  # no choice: the browser's
    ],
)
def test_profile_language_else_the_browsers(agent_user, chosen, browser, lang, heading):
    _set_language(agent_user, chosen)
    client = Client(HTTP_ACCEPT_LANGUAGE=browser)
    client.force_login(agent_user)
    html = client.get("/accounts/profile/").content.decode()
    assert f'<html lang="{lang}">' in html
    assert heading in html


def test_switching_language_in_the_profile(agent_user, agent_client):
    page = agent_client.get("/accounts/profile/").content.decode()
    # The switcher names each language in itself, marked with its own lang.
    assert '<option value="sv" lang="sv">Svenska</option>' in page
    assert '<option value="fi" lang="fi">Suomi</option>' in page
    assert 'for="id_language"' in page

    response = agent_client.post("/accounts/profile/", {"language": "sv"}, follow=True)
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Dina inställningar sparades." in html
    assert UserProfile.objects.get(user=agent_user).language == "sv"

    agent_client.post("/accounts/profile/", {"language": ""})
    html = agent_client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html


def test_profile_refuses_an_unknown_language(agent_user, agent_client):
    response = agent_client.post("/accounts/profile/", {"language": "xx"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    """Every string is translated and none is a fuzzy guess (`make messages` + translate)."""
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        catalog = read_po(handle)
    missing = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (message.string if isinstance(message.string, str) else all(message.string))
        )
    ]
    assert not missing, f"{language}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo holds every translation of the .po (run `make messages`)."""
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.po", "rb") as handle:
        catalog = read_po(handle)
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for message in catalog:
        strings = [message.string] if isinstance(message.string, str) else message.string
        if not message.id or message.fuzzy or not all(strings):
            continue  # untranslated: test_catalogue_is_complete reports it
        if isinstance(message.id, tuple):
            if compiled.ngettext(message.id[0], message.id[1], 1) != message.string[0]:
                stale.append(message.id[0])
        elif message.string and compiled.gettext(message.id) != message.string:
            stale.append(message.id)
    assert not stale, f"{language}: .mo is out of date for {stale}"
