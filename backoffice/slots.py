"""A page drawn while its upstream calls are still in flight, its Aptic parts filled in after.

A page that waits on Aptic spends most of its own CPU drawing what does not depend on the
answer: the header, the navigation and its badges, the forms, the local panels. Drawn after
the answer, that time adds to the page's wait; drawn during it, it is hidden in the wait:

    pending = selectors.something_start(...)          # the calls go out now
    slots = Slots("results", "banner")
    page = render_to_string(template, {**context, "slots": slots.marks}, request)
    answer = pending.result()                          # waits for what is still missing
    return HttpResponse(slots.fill(page, results=..., banner=...))

The template shows `{{ slots.results }}` where the part goes (and draws the part itself when
`slots` is not given, as for an htmx fragment). A mark is an HTML comment with a random
token of this request: markup a user typed is escaped (`<` becomes `&lt;`), so no content
can forge one.

A text slot (`Slots(..., texts=["name"])`, `slots.texts["name"]`) is a plain word instead, for
a value drawn where a comment cannot go (an input's value): `fill` puts in the escaped text
wherever it appears. Nothing else holds the word: it carries the same random token.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


class Slots:
    """Named marks for one page, and the fill that replaces each with its part."""

    def __init__(self, *names: str, texts: Iterable[str] = ()):
        token = secrets.token_hex(8)
        self.marks: dict[str, SafeString] = {
            name: mark_safe(f"<!--slot:{token}:{name}-->")  # noqa: S308 - hex and a code name
            for name in names
        }
        self.texts: dict[str, str] = {name: f"slot{token}{name.replace('_', '')}"
                                      for name in texts}

    def fill(self, page: SafeString, **parts: str) -> SafeString:
        """The page with every mark replaced by its part and every text slot by its escaped
        text (an empty string for those not given)."""
        unknown = set(parts) - set(self.marks) - set(self.texts)
        if unknown:
            raise KeyError(f"no slot named {', '.join(sorted(unknown))}")
        for name, mark in self.marks.items():
            page = page.replace(mark, parts.get(name, ""), 1)
        for name, word in self.texts.items():
            page = page.replace(word, conditional_escape(parts.get(name, "")))
        return mark_safe(page)  # noqa: S308 - drawn templates, each escaped as it was drawn
