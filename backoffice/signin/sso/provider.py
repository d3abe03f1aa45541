"""The identity provider as configured: its discovery document, fetched once per process, and
the settings mozilla-django-oidc asks for, answered from it."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

# mozilla-django-oidc's endpoint settings, and the discovery keys that answer them.
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_lock = threading.Lock()
_documents: dict[str, dict[str, Any]] = {}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read (down, timeout, not JSON)."""


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def issuer() -> str:
    return settings.OIDC_ISSUER.rstrip("/")


def discovery() -> dict[str, Any]:
    """`<issuer>/.well-known/openid-configuration`, kept for the process once read."""
    url = issuer() + "/.well-known/openid-configuration"
    document = _documents.get(url)
    if document is not None:
        return document
    with _lock:
        if url not in _documents:
            try:
                response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
                response.raise_for_status()
                document = response.json()
            except (requests.RequestException, ValueError) as exc:
                raise ProviderUnavailable(f"{url}: {exc}") from exc
            if document.get("issuer", "").rstrip("/") != issuer():
                raise ProviderUnavailable(f"{url} names another issuer: {document.get('issuer')}")
            _documents[url] = document
    return _documents[url]


def forget() -> None:
    """Drops the kept documents (tests; a provider that moved its endpoints)."""
    _documents.clear()


def oidc_setting(attr: str, *args: Any) -> Any:
    """What mozilla-django-oidc's `get_settings` answers: endpoints from discovery unless set
    explicitly (e.g. OIDC_OP_JWKS_ENDPOINT), the rest from settings."""
    if attr in _ENDPOINTS:
        explicit = getattr(settings, attr, None)
        return explicit or discovery().get(_ENDPOINTS[attr])
    return import_from_settings(attr, *args)


def end_session_endpoint() -> str:
    try:
        return discovery().get("end_session_endpoint") or ""
    except ProviderUnavailable:
        return ""


def origin() -> str:
    parts = urlsplit(issuer())
    return f"{parts.scheme}://{parts.netloc}"
