"""The extra-field editor: the debtor page's extra-fields panel and its inline actions.

Same shape as the address editor: GET opens a state of the panel, POST changes one field and
answers the panel (htmx) or redirects to the debtor page (no JavaScript).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.gateway import Conflict, GatewayError, NotFound, StaleRecord
from backoffice.upstream import CONFLICT, INVALID
from debtors import services
from debtors.forms_address import FingerprintForm
from debtors.forms_extra_fields import ExtraFieldForm
from debtors.selectors import extra_field_panel, extra_field_panel_item
from debtors.views.panels import PanelEditor, add_view, panel_view

EDITOR = PanelEditor(
    partial="debtors/partials/extra_fields.html", title=gettext_lazy("Extra fields"),
    load=extra_field_panel, anchor="extra-fields", add_route="debtors:extrafield-add",
    panel_route="debtors:extrafield-panel",
)
FIELD_MAP = {"value": "values"}


def _gone(request: HttpRequest, guid: str, name: str) -> HttpResponse:
    return EDITOR.failed(request, guid, _(
        "The extra field %(name)s no longer exists; the list is up to date now.") % {"name": name})


def _refused(request: HttpRequest, guid: str, error: GatewayError, form: ExtraFieldForm,
             state: dict[str, Any]) -> HttpResponse:
    """A save the API refused; a conflict means the name is taken (names are unique)."""
    if isinstance(error, Conflict):
        form.add_error("name", _("This debtor already has an extra field named %(name)s (names "
                                 "are unique, whatever their letter case). Choose another name "
                                 "or edit that field.") % {"name": form.cleaned_data.get("name")})
        return EDITOR.render(request, guid, status=CONFLICT, **state)
    return EDITOR.refused(request, guid, error, field_map=FIELD_MAP, **state)


panel = panel_view(EDITOR)


def _create(request: HttpRequest, guid: str, form: ExtraFieldForm) -> str:
    services.extra_field_create(actor=request.user, debtor_guid=guid,
                                name=form.cleaned_data["name"],
                                values=form.cleaned_data["values"])
    return _("Extra field %(name)s added.") % {"name": form.cleaned_data["name"]}


add = add_view(EDITOR, ExtraFieldForm, _create, action="extrafield.create", refused=_refused)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.EDIT_DEBTORS, action="extrafield.update")
def edit(request: HttpRequest, guid, name: str) -> HttpResponse:
    guid = str(guid)
    if request.method != "POST":
        found = extra_field_panel_item(debtor_guid=guid, name=name)
        if found.item is None:
            return _gone(request, guid, name) if found.panel.error is None else EDITOR.render(
                request, guid, panel=found.panel)
        field = found.item
        form = ExtraFieldForm(initial=ExtraFieldForm.initial_for(field.name, field.value,
                                                                 found.fingerprint))
        return EDITOR.render(request, guid, panel=found.panel, editing=field.name,
                             form=form)
    form = ExtraFieldForm(request.POST)
    state = {"editing": name, "form": form}
    if not form.is_valid():
        return EDITOR.render(request, guid, status=INVALID, **state)
    try:
        services.extra_field_update(
            actor=request.user, debtor_guid=guid, name=name, new_name=form.cleaned_data["name"],
            values=form.cleaned_data["values"],
            expected_fingerprint=form.cleaned_data["fingerprint"] or None)
    except StaleRecord as error:
        data = request.POST.copy()
        data["fingerprint"] = error.current_fingerprint
        form = ExtraFieldForm(data)
        form.is_valid()
        form.add_error(None, _("Someone else changed this field since you opened it. Its values "
                               "now are: %(values)s. Save again to replace them with yours.")
                       % {"values": "; ".join(error.current.value) or "—"})
        return EDITOR.render(request, guid, status=CONFLICT, editing=name, form=form)
    except NotFound:
        return _gone(request, guid, name)
    except GatewayError as error:
        return _refused(request, guid, error, form, state)
    return EDITOR.done(request, guid, _("Extra field %(name)s saved.") % {
        "name": form.cleaned_data["name"]})


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.EDIT_DEBTORS, action="extrafield.delete")
def delete(request: HttpRequest, guid, name: str) -> HttpResponse:
    guid = str(guid)
    if request.method != "POST":
        found = extra_field_panel_item(debtor_guid=guid, name=name)
        if found.panel.error is None and found.item is None:
            return _gone(request, guid, name)
        return EDITOR.render(request, guid, panel=found.panel, confirm=name)
    form = FingerprintForm(request.POST)
    form.is_valid()
    try:
        services.extra_field_delete(actor=request.user, debtor_guid=guid, name=name,
                                    expected_fingerprint=form.cleaned_data.get("fingerprint")
                                    or None)
    except StaleRecord:
        return EDITOR.failed(request, guid, _(
            "Someone else changed this field since you opened it. Check it and confirm again."),
            confirm=name)
    except NotFound:
        return _gone(request, guid, name)
    except GatewayError as error:
        return EDITOR.refused(request, guid, error, confirm=name)
    return EDITOR.done(request, guid, _("Extra field %(name)s deleted.") % {"name": name})

