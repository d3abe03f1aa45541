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
"""

from __future__ import annotations

import secrets

from django.utils.safestring import SafeString, mark_safe


class Slots:
    """Named marks for one page, and the fill that replaces each with its part."""

    def __init__(self, *names: str):
        token = secrets.token_hex(8)
        self.marks: dict[str, SafeString] = {
            name: mark_safe(f"<!--slot:{token}:{name}-->")  # noqa: S308 - hex and a code name
            for name in names
        }

    def fill(self, page: SafeString, **parts: SafeString) -> SafeString:
        """The page with every mark replaced by its part (an empty string if none given)."""
        unknown = set(parts) - set(self.marks)
        if unknown:
            raise KeyError(f"no slot named {', '.join(sorted(unknown))}")
        for name, mark in self.marks.items():
            page = page.replace(mark, parts.get(name, ""), 1)
        return mark_safe(page)  # noqa: S308 - drawn templates, each escaped as it was drawn
