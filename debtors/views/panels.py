"""The debtor-page panels with inline actions (addresses, extra fields, actions): the panel
alone for htmx or a page holding it without JavaScript, and `PanelEditor`, the answers of a
panel whose actions each answer the panel again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from backoffice import roles, upstream
from backoffice.gateway import GatewayError
from backoffice.htmx import is_fragment
from backoffice.upstream import CONFLICT

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.utils.functional import Promise

    from debtors.selectors import Panel


def debtor_url(debtor_guid: str, anchor: str = "") -> str:
    """The debtor's 360 page, at one of its panels when `anchor` names it."""
    url = reverse("debtors:detail", args=[debtor_guid])
    return f"{url}#{anchor}" if anchor else url


def render_panel(request: HttpRequest, partial: str, context: dict[str, Any], *,
                 title: str, status: int = 200) -> HttpResponse:
    """The panel alone for htmx; for a browser without JavaScript, a page holding the panel
    (the same markup, so each control works both ways). Views declare
    `@vary_on_headers("HX-Request")`."""
    if is_fragment(request):
        return render(request, partial, context, status=status)
    return render(request, "debtors/panel_page.html",
                  {**context, "panel_template": partial, "page_title": title,
                   "back_url": debtor_url(context["debtor_guid"])}, status=status)


@dataclass(frozen=True)
class PanelEditor:
    """One panel of the debtor page whose actions each answer the panel again (htmx) or, after
    a change without JavaScript, redirect to the debtor page at the panel's `anchor`.

    `panel_key` names the listing in the template context, `notice_key` and `error_key` the
    success and failure messages the partial shows.
    """

    partial: str
    title: str | Promise
    panel_key: str
    load: Callable[..., Panel]
    anchor: str
    notice_key: str
    error_key: str

    def context(self, request: HttpRequest, guid: str, panel: Panel | None = None,
                **state: Any) -> dict[str, Any]:
        return {
            "debtor_guid": guid,
            "debtor": None,
            self.panel_key: panel if panel is not None else self.load(debtor_guid=guid),
            "can_edit": roles.user_can(request.user, roles.EDIT_DEBTORS),
            **state,
        }

    def render(self, request: HttpRequest, guid: str, *, status: int = 200,
               panel: Panel | None = None, **state: Any) -> HttpResponse:
        return render_panel(request, self.partial, self.context(request, guid, panel, **state),
                            title=str(self.title), status=status)

    def failed(self, request: HttpRequest, guid: str, message: str, *, status: int = CONFLICT,
               **state: Any) -> HttpResponse:
        """The panel with `message` as its error."""
        return self.render(request, guid, status=status, **{self.error_key: message}, **state)

    def done(self, request: HttpRequest, guid: str, notice: str) -> HttpResponse:
        """After a change: the fresh panel (htmx), or back to the debtor page."""
        if is_fragment(request):
            return self.render(request, guid, **{self.notice_key: notice})
        messages.success(request, notice)
        return redirect(debtor_url(guid, self.anchor))

    def refused(self, request: HttpRequest, guid: str, error: GatewayError, *, form: Any = None,
                field_map: Mapping[str, str] | None = None, **state: Any) -> HttpResponse:
        """An action the API refused or could not answer, placed by `backoffice.upstream`:
        on the form's fields or above it, else as the panel's error; a fault in the banner."""

        def again(extra: dict[str, Any], status: int) -> HttpResponse:
            message = {} if form is not None or not extra["upstream_message"] else {
                self.error_key: extra["upstream_message"]}
            return self.render(request, guid, status=status, banner=extra["banner"],
                               **message, **state)

        return upstream.respond(request, error, form=form, field_map=field_map, render=again)
