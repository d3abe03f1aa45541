"""What the editor views share: htmx or full page, where a debtor's page is, fault answers,
and `PanelEditor`, the answers of a debtor-page panel with inline actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from backoffice import roles
from backoffice.gateway import Conflict, GatewayError, NotFound, ValidationFailed
from backoffice.ui import upstream_banner, upstream_error_fragment

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.utils.functional import Promise

    from debtors.selectors import Panel

# Statuses app.js lets htmx swap in: a form with errors, a conflict, an upstream fault.
INVALID = 422
CONFLICT = 409
UNAVAILABLE = 503


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def debtor_url(debtor_guid: str, anchor: str = "") -> str:
    """The debtor's 360 page, at one of its panels when `anchor` names it."""
    url = reverse("debtors:detail", args=[debtor_guid])
    return f"{url}#{anchor}" if anchor else url


def render_panel(request: HttpRequest, partial: str, context: dict[str, Any], *,
                 title: str, status: int = 200) -> HttpResponse:
    """The panel alone for htmx; for a browser without JavaScript, a page holding the panel
    (the same markup, so each control works both ways)."""
    if is_htmx(request):
        response = render(request, partial, context, status=status)
    else:
        response = render(request, "debtors/panel_page.html",
                          {**context, "panel_template": partial, "page_title": title,
                           "back_url": debtor_url(context["debtor_guid"])}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def upstream_failure(request: HttpRequest, error: GatewayError, partial: str,
                     context: dict[str, Any], *, title: str) -> HttpResponse:
    """An upstream fault during a panel action: htmx gets the global banner only (the panel
    and the user's input stay as they are); a full page re-renders with the banner."""
    if is_htmx(request):
        response = upstream_error_fragment(request, error)
        patch_vary_headers(response, ["HX-Request"])
        return response
    return render_panel(request, partial, {**context, "banner": upstream_banner(error)},
                        title=title, status=UNAVAILABLE)


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

    def upstream(self, request: HttpRequest, guid: str, error: GatewayError,
                 **state: Any) -> HttpResponse:
        return upstream_failure(request, error, self.partial,
                                self.context(request, guid, **state), title=str(self.title))

    def done(self, request: HttpRequest, guid: str, notice: str) -> HttpResponse:
        """After a change: the fresh panel (htmx), or back to the debtor page."""
        if is_htmx(request):
            return self.render(request, guid, **{self.notice_key: notice})
        messages.success(request, notice)
        return redirect(debtor_url(guid, self.anchor))

    def refused(self, request: HttpRequest, guid: str, error: GatewayError, form: Any,
                state: dict[str, Any], *,
                field_map: Mapping[str, str] | None = None) -> HttpResponse:
        """A save the API refused, answered on the form that asked for it: invalid values on
        their fields (422), a conflict or a missing record as the form's error (409), any
        other fault in the global banner."""
        if isinstance(error, ValidationFailed):
            error.add_to_form(form, field_map)
            return self.render(request, guid, status=INVALID, **state)
        if isinstance(error, (Conflict, NotFound)):
            form.add_error(None, error.user_message)
            return self.render(request, guid, status=CONFLICT, **state)
        return self.upstream(request, guid, error, **state)
