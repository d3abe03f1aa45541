"""The extra-field editor: the debtor page's extra-fields panel and its inline actions.

Same shape as the address editor: GET opens a state of the panel, POST changes one field and
answers the panel (htmx) or redirects to the debtor page (no JavaScript).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from backoffice import roles
from backoffice.gateway import (
    Conflict,
    ExtraField,
    GatewayError,
    NotFound,
    StaleRecord,
    ValidationFailed,
    fingerprint,
)
from debtors import services
from debtors.forms_address import FingerprintForm
from debtors.forms_extra_fields import ExtraFieldForm
from debtors.selectors import Panel, extra_field_panel
from debtors.views.editing import (
    CONFLICT,
    INVALID,
    debtor_url,
    is_htmx,
    render_panel,
    upstream_failure,
)

PARTIAL = "debtors/partials/extra_fields.html"
FIELD_MAP = {"value": "values"}


def _title() -> str:
    return _("Extra fields")


def _context(request: HttpRequest, guid: str, panel: Panel | None = None,
             **state: Any) -> dict[str, Any]:
    return {
        "debtor_guid": guid,
        "debtor": None,
        "extra_fields_panel": panel if panel is not None else extra_field_panel(debtor_guid=guid),
        "can_edit": roles.user_can(request.user, roles.EDIT_DEBTORS),
        **state,
    }


def _panel(request: HttpRequest, guid: str, *, status: int = 200, panel: Panel | None = None,
           **state: Any) -> HttpResponse:
    return render_panel(request, PARTIAL, _context(request, guid, panel, **state),
                        title=_title(), status=status)


def _done(request: HttpRequest, guid: str, notice: str) -> HttpResponse:
    if is_htmx(request):
        return _panel(request, guid, extra_notice=notice)
    messages.success(request, notice)
    return redirect(debtor_url(guid, "extra-fields"))


def _gone(request: HttpRequest, guid: str, name: str) -> HttpResponse:
    return _panel(request, guid, status=CONFLICT, extra_error=_(
        "The extra field %(name)s no longer exists; the list is up to date now.") % {"name": name})


def _find(panel: Panel, name: str) -> ExtraField | None:
    folded = name.casefold()
    return next((f for f in panel.items if f.name.casefold() == folded), None)


def _duplicate(form: ExtraFieldForm) -> None:
    form.add_error("name", _("This debtor already has an extra field named %(name)s (names "
                             "are unique, whatever their letter case). Choose another name or "
                             "edit that field.") % {"name": form.cleaned_data.get("name")})


@require_GET
@roles.permission_required(roles.VIEW_DEBTORS)
def panel(request: HttpRequest, guid) -> HttpResponse:
    return _panel(request, str(guid), extra_focus=True)


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="extrafield.create")
def add(request: HttpRequest, guid) -> HttpResponse:
    guid = str(guid)
    if request.method != "POST":
        return _panel(request, guid, extra_editing="new", extra_form=ExtraFieldForm())
    form = ExtraFieldForm(request.POST)
    state = {"extra_editing": "new", "extra_form": form}
    if not form.is_valid():
        return _panel(request, guid, status=INVALID, **state)
    try:
        services.extra_field_create(debtor_guid=guid, name=form.cleaned_data["name"],
                                    values=form.cleaned_data["values"])
    except Conflict:
        _duplicate(form)
        return _panel(request, guid, status=CONFLICT, **state)
    except ValidationFailed as exc:
        exc.add_to_form(form, FIELD_MAP)
        return _panel(request, guid, status=INVALID, **state)
    except NotFound as exc:
        form.add_error(None, exc.user_message)
        return _panel(request, guid, status=CONFLICT, **state)
    except GatewayError as exc:
        return upstream_failure(request, exc, PARTIAL, _context(request, guid, **state),
                                title=_title())
    return _done(request, guid, _("Extra field %(name)s added.") % {
        "name": form.cleaned_data["name"]})


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="extrafield.update")
def edit(request: HttpRequest, guid, name: str) -> HttpResponse:
    guid = str(guid)
    if request.method != "POST":
        listed = extra_field_panel(debtor_guid=guid)
        field = _find(listed, name)
        if field is None:
            return _gone(request, guid, name) if listed.error is None else _panel(
                request, guid, panel=listed)
        form = ExtraFieldForm(initial=ExtraFieldForm.initial_for(field.name, field.value,
                                                                 fingerprint(field)))
        return _panel(request, guid, panel=listed, extra_editing=field.name, extra_form=form)
    form = ExtraFieldForm(request.POST)
    state = {"extra_editing": name, "extra_form": form}
    if not form.is_valid():
        return _panel(request, guid, status=INVALID, **state)
    try:
        services.extra_field_update(
            debtor_guid=guid, name=name, new_name=form.cleaned_data["name"],
            values=form.cleaned_data["values"],
            expected_fingerprint=form.cleaned_data["fingerprint"] or None)
    except StaleRecord as exc:
        data = request.POST.copy()
        data["fingerprint"] = exc.current_fingerprint
        form = ExtraFieldForm(data)
        form.is_valid()
        form.add_error(None, _("Someone else changed this field since you opened it. Its values "
                               "now are: %(values)s. Save again to replace them with yours.")
                       % {"values": "; ".join(exc.current.value) or "—"})
        return _panel(request, guid, status=CONFLICT, extra_editing=name, extra_form=form)
    except NotFound:
        return _gone(request, guid, name)
    except Conflict:
        _duplicate(form)
        return _panel(request, guid, status=CONFLICT, **state)
    except ValidationFailed as exc:
        exc.add_to_form(form, FIELD_MAP)
        return _panel(request, guid, status=INVALID, **state)
    except GatewayError as exc:
        return upstream_failure(request, exc, PARTIAL, _context(request, guid, **state),
                                title=_title())
    return _done(request, guid, _("Extra field %(name)s saved.") % {
        "name": form.cleaned_data["name"]})


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="extrafield.delete")
def delete(request: HttpRequest, guid, name: str) -> HttpResponse:
    guid = str(guid)
    if request.method != "POST":
        listed = extra_field_panel(debtor_guid=guid)
        if listed.error is None and _find(listed, name) is None:
            return _gone(request, guid, name)
        return _panel(request, guid, panel=listed, extra_confirm=name)
    form = FingerprintForm(request.POST)
    form.is_valid()
    try:
        services.extra_field_delete(debtor_guid=guid, name=name,
                                    expected_fingerprint=form.cleaned_data.get("fingerprint")
                                    or None)
    except StaleRecord:
        return _panel(request, guid, status=CONFLICT, extra_confirm=name, extra_error=_(
            "Someone else changed this field since you opened it. Check it and confirm again."))
    except NotFound:
        return _gone(request, guid, name)
    except GatewayError as exc:
        return upstream_failure(request, exc, PARTIAL, _context(request, guid, extra_confirm=name),
                                title=_title())
    return _done(request, guid, _("Extra field %(name)s deleted.") % {"name": name})

