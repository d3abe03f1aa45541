"""htmx at the UI edge: which requests want a fragment, and which template answers them.

One URL serves the whole page or a named partial of the same template
(`{% partialdef %}`, `"page.html#partial"`). A view whose answer depends on it declares
`@vary_on_headers("HX-Request")`, so caches keep the two apart. The statuses htmx swaps in
besides 2xx (a form with errors, a conflict, a fault banner) are declared once, in the
`responseHandling` of base.html's htmx config.
"""

from __future__ import annotations

from django.http import HttpRequest


def is_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of a page. Boosted links and history restores (htmx asking
    for a page it no longer has in its cache) want the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def template_for(request: HttpRequest, template: str, partial: str) -> str:
    """`template#partial` for a fragment request, the whole `template` otherwise."""
    return f"{template}#{partial}" if is_fragment(request) else template
