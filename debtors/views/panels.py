"""The debtor-page panels with inline actions (addresses, extra fields, actions): the panel
alone for htmx or a page holding it without JavaScript; `PanelState`, what an editor panel's
template (extending debtors/partials/panel.html) draws; `PanelEditor`, the answers of a panel
whose actions each answer the panel again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles, upstream
from backoffice.gateway import GatewayError
from backoffice.htmx import is_fragment
from backoffice.upstream import CONFLICT, INVALID

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
class PanelState:
    """One editor panel as its template draws it: the listing and what the last request opened
    or said. Row keys (`editing`, `confirm`, `marking`) are an address GUID or a field name."""

    debtor_guid: str
    listing: Panel
    can_edit: bool
    anchor: str  # the panel's element id on the debtor page
    add_url: str
    panel_url: str  # the panel as it is (what Cancel goes back to)
    editing: str = ""  # "new", or the row whose inline form is open
    form: Any = None
    confirm: str = ""  # the row asked to confirm its deletion
    marking: str = ""  # addresses: the row whose "not valid since" form is open
    mark_form: Any = None
    notice: str = ""
    error: str = ""
    focus: bool = False  # focus the heading (the panel reloaded as it is)

    @property
    def items(self) -> Any:
        return self.listing.items

    @property
    def load_error(self) -> GatewayError | None:
        return self.listing.error


@dataclass(frozen=True)
class PanelEditor:
    """One panel of the debtor page whose actions each answer the panel again (htmx) or, after
    a change without JavaScript, redirect to the debtor page at the panel's `anchor`."""

    partial: str
    title: str | Promise
    load: Callable[..., Panel]
    anchor: str
    add_route: str
    panel_route: str

    def state(self, request: HttpRequest, guid: str, listing: Panel | None = None,
              **state: Any) -> PanelState:
        return PanelState(
            debtor_guid=guid,
            listing=listing if listing is not None else self.load(debtor_guid=guid),
            can_edit=roles.user_can(request.user, roles.EDIT_DEBTORS),
            anchor=self.anchor, add_url=reverse(self.add_route, args=[guid]),
            panel_url=reverse(self.panel_route, args=[guid]), **state)

    def render(self, request: HttpRequest, guid: str, *, status: int = 200,
               panel: Panel | None = None, banner: Any = None, **state: Any) -> HttpResponse:
        panel_state = self.state(request, guid, panel, **state)
        context = {"debtor_guid": guid, "debtor": None, "can_edit": panel_state.can_edit,
                   "panel": panel_state, "banner": banner}
        return render_panel(request, self.partial, context, title=str(self.title),
                            status=status)

    def failed(self, request: HttpRequest, guid: str, message: str, *, status: int = CONFLICT,
               **state: Any) -> HttpResponse:
        """The panel with `message` as its error."""
        return self.render(request, guid, status=status, error=message, **state)

    def done(self, request: HttpRequest, guid: str, notice: str) -> HttpResponse:
        """After a change: the fresh panel (htmx), or back to the debtor page."""
        if is_fragment(request):
            return self.render(request, guid, notice=notice)
        messages.success(request, notice)
        return redirect(debtor_url(guid, self.anchor))

    def add(self, request: HttpRequest, guid: str, form_class: type, *,
            save: Callable[[Any], str],
            refused: Callable[..., HttpResponse] | None = None) -> HttpResponse:
        """The add action of a panel: the empty inline form (GET), or `save(valid_form)`, whose
        answer is the notice, with the form kept on invalid input or a refusal (answered by
        `refused(request, guid, error, form, state)` when the panel words some itself)."""
        if request.method != "POST":
            return self.render(request, guid, editing="new", form=form_class())
        form = form_class(request.POST)
        if not form.is_valid():
            return self.render(request, guid, status=INVALID, editing="new", form=form)
        try:
            notice = save(form)
        except GatewayError as error:
            if refused is not None:
                return refused(request, guid, error, form, {"editing": "new", "form": form})
            return self.refused(request, guid, error, editing="new", form=form)
        return self.done(request, guid, notice)

    def refused(self, request: HttpRequest, guid: str, error: GatewayError, *,
                field_map: Mapping[str, str] | None = None, **state: Any) -> HttpResponse:
        """An action the API refused or could not answer, placed by `backoffice.upstream`:
        on the fields of the open form (`state["form"]`) or above it, else as the panel's
        error; a fault in the banner."""
        form = state.get("form")

        def again(extra: dict[str, Any], status: int) -> HttpResponse:
            if form is None and extra["upstream_message"]:
                state["error"] = extra["upstream_message"]
            return self.render(request, guid, status=status, banner=extra["banner"], **state)

        return upstream.respond(request, error, form=form, field_map=field_map, render=again)


def panel_view(editor: PanelEditor) -> Callable[..., HttpResponse]:
    """The GET view of a panel as it is (also what Cancel goes back to)."""

    @require_GET
    @vary_on_headers("HX-Request")
    @guards.permission_required(roles.VIEW_DEBTORS)
    def panel(request: HttpRequest, guid) -> HttpResponse:
        return editor.render(request, str(guid), focus=True)

    return panel


def add_view(editor: PanelEditor, form_class: type, save: Callable[..., str], *, action: str,
             refused: Callable[..., HttpResponse] | None = None) -> Callable[..., HttpResponse]:
    """The add view of a panel (see `PanelEditor.add`): `save(request, guid, valid_form)`
    makes the one service call and answers the notice; `action` names a refused attempt."""

    @require_http_methods(["GET", "POST"])
    @vary_on_headers("HX-Request")
    @guards.permission_required(roles.EDIT_DEBTORS, action=action)
    def add(request: HttpRequest, guid) -> HttpResponse:
        return editor.add(request, str(guid), form_class, refused=refused,
                          save=lambda form: save(request, str(guid), form))

    return add
