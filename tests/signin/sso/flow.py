"""The authorization-code flow as a browser walks it, over plain HTTP: the app's start, the
provider's sign-in form, the redirect back to the app's callback."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx


class SsoFlow:
    def __init__(self, app_url: str):
        self.app_url = app_url
        self.http = httpx.Client(follow_redirects=False, timeout=15)
        self.provider_pages: list[str] = []  # the provider pages shown on the way

    def close(self) -> None:
        self.http.close()

    def to_callback(self, login: str, *, start: str = "/accounts/sso/start/") -> str:
        """Starts at the app and signs in at the provider as `login` if it asks; returns the
        callback address the provider sent the browser to (not yet followed)."""
        response = self.http.get(self.app_url + start)
        for _hop in range(12):
            if response.is_redirect:
                target = urljoin(str(response.url), response.headers["location"])
                if target.startswith(self.app_url + "/accounts/sso/callback/"):
                    return target
                response = self.http.get(target)
                continue
            assert response.status_code == 200, (response.status_code, response.text[:500])
            self.provider_pages.append(str(response.url))
            action = re.search(r'<form method="post" action="([^"]+)"', response.text).group(1)
            response = self.http.post(urljoin(str(response.url), action),
                                      data={"login": login, "password": "any"})
        raise AssertionError("the flow did not reach the callback")

    def sign_in(self, login: str) -> httpx.Response:
        """The whole flow; the app's answer to the callback."""
        return self.http.get(self.to_callback(login))

    def get(self, path: str) -> httpx.Response:
        return self.http.get(self.app_url + path)

    def csrf_post(self, path: str) -> httpx.Response:
        page = self.get("/accounts/profile/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.http.post(self.app_url + path, data={"csrfmiddlewaretoken": token},
                              headers={"Referer": self.app_url + "/accounts/profile/"})

    def follow(self, response: httpx.Response) -> httpx.Response:
        """Follows redirects and auto-submitting forms (the provider's sign-out) to the end."""
        for _hop in range(12):
            if response.is_redirect:
                response = self.http.get(urljoin(str(response.url),
                                                 response.headers["location"]))
                continue
            form = re.search(r'<form[^>]*id="op.logoutForm"[^>]*>(.*?)</form>', response.text,
                             re.S)
            if form is None:
                return response
            action = re.search(r'action="([^"]+)"', form.group(0)).group(1)
            fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
            response = self.http.post(urljoin(str(response.url), action),
                                      data={**fields, "logout": "yes"})
        raise AssertionError("too many redirects")
