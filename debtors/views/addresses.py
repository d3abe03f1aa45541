"""The address editor: the addresses panel of the debtor page and its inline actions.

Each GET answers the panel in a state (an inline form open, a confirmation asked); each POST
changes one address and answers the panel again. htmx swaps the panel alone; without
JavaScript the same panel comes as a page of its own and a successful change redirects to the
debtor page. A failure keeps what the user typed: the inline form comes back with its errors,
or (upstream fault) only the global banner changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice import roles
from backoffice.gateway import (
    Address,
    Change,
    Conflict,
    GatewayError,
    NotFound,
    StaleRecord,
    ValidationFailed,
    fingerprint,
    get_gateway,
    reads_for_change,
)
from debtors import services
from debtors.forms_address import (
    AddressForm,
    FingerprintForm,
    NotValidForm,
)
from debtors.selectors import Panel, address_panel
from debtors.views.editing import CONFLICT, INVALID, PanelEditor

EDITOR = PanelEditor(
    partial="debtors/partials/addresses.html", title=gettext_lazy("Addresses"),
    panel_key="addresses_panel", load=address_panel, anchor="addresses",
    notice_key="address_notice", error_key="address_error",
)


def _find(panel: Panel, address_guid: str) -> Address | None:
    return next((a for a in panel.items if a.address_guid == address_guid), None)


def _gone(request: HttpRequest, guid: str) -> HttpResponse:
    return EDITOR.failed(request, guid,
                         _("That address no longer exists; the list is up to date now."))


def _describe(address: Address) -> str:
    parts = [address.address_type, address.full_address or ", ".join(
        p for p in (address.street, address.zip_code, address.city) if p)]
    if address.address_not_valid_date:
        parts.append(_("not valid since %(date)s") % {"date": address.address_not_valid_date})
    return " · ".join(p for p in parts if p)


def _with_fingerprint(request: HttpRequest, new: str) -> Any:
    data = request.POST.copy()
    data["fingerprint"] = new
    return data


# --- Views ---------------------------------------------------------------------------------------


@require_GET
@roles.permission_required(roles.VIEW_DEBTORS)
def panel(request: HttpRequest, guid) -> HttpResponse:
    """The panel as it is (also what Cancel goes back to)."""
    return EDITOR.render(request, str(guid), address_focus=True)


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="address.create")
def add(request: HttpRequest, guid) -> HttpResponse:
    guid = str(guid)
    if request.method != "POST":
        return EDITOR.render(request, guid, address_editing="new", address_form=AddressForm())
    form = AddressForm(request.POST)
    state = {"address_editing": "new", "address_form": form}
    if not form.is_valid():
        return EDITOR.render(request, guid, status=INVALID, **state)
    try:
        services.address_create(debtor_guid=guid, values=form.changes())
    except GatewayError as exc:
        return EDITOR.refused(request, guid, exc, form, state)
    return EDITOR.done(request, guid, _("Address added."))


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="address.update")
def edit(request: HttpRequest, guid, address_guid) -> HttpResponse:
    guid, address_guid = str(guid), str(address_guid)
    gw = get_gateway()
    if request.method != "POST":
        listed = address_panel(debtor_guid=guid)
        address = _find(listed, address_guid)
        if address is None:
            return _gone(request, guid) if listed.error is None else EDITOR.render(
                request, guid, panel=listed)
        form = AddressForm(initial=_initial(address), is_default=bool(address.default_address))
        return EDITOR.render(request, guid, panel=listed, address_editing=address_guid,
                             address_form=form)
    try:
        with reads_for_change(_attempt(guid, address_guid)):
            address = gw.address_get(guid, address_guid)
    except NotFound:
        return _gone(request, guid)
    except GatewayError as exc:
        form = AddressForm(request.POST)
        return EDITOR.upstream(request, guid, exc, address_editing=address_guid,
                               address_form=form)
    form = AddressForm(request.POST, is_default=bool(address.default_address))
    state = {"address_editing": address_guid, "address_form": form}
    if not form.is_valid():
        return EDITOR.render(request, guid, status=INVALID, **state)
    try:
        services.address_update(debtor_guid=guid, address=address, changes=form.changes(),
                                expected_fingerprint=form.cleaned_data["fingerprint"] or None)
    except StaleRecord as exc:
        form = AddressForm(_with_fingerprint(request, exc.current_fingerprint),
                           is_default=bool(exc.current.default_address))
        form.is_valid()
        form.add_error(None, _("Someone else changed this address since you opened it. It now "
                               "reads: %(current)s. Save again to replace it with yours.")
                       % {"current": _describe(exc.current)})
        return EDITOR.render(request, guid, status=CONFLICT, address_editing=address_guid,
                             address_form=form)
    except NotFound:
        return _gone(request, guid)
    except GatewayError as exc:
        return EDITOR.refused(request, guid, exc, form, state)
    return EDITOR.done(request, guid, _("Address saved."))


def _attempt(guid: str, address_guid: str) -> Change:
    """The update a save attempts: recorded if reading the address first fails."""
    return Change("address.update", guid, "address", address_guid)


def _initial(address: Address) -> dict[str, Any]:
    names = ("address_type", "full_name", "street", "house_no", "house_no_extension", "zip_code",
             "city", "state_code", "country_code", "valid_from", "valid_to",
             "address_not_valid_date")
    return {**{n: getattr(address, n) for n in names}, "fingerprint": fingerprint(address)}


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="address.delete")
def delete(request: HttpRequest, guid, address_guid) -> HttpResponse:
    """GET asks for confirmation (inline); POST deletes."""
    guid, address_guid = str(guid), str(address_guid)
    if request.method != "POST":
        listed = address_panel(debtor_guid=guid)
        if listed.error is None and _find(listed, address_guid) is None:
            return _gone(request, guid)
        return EDITOR.render(request, guid, panel=listed, address_confirm=address_guid)
    form = FingerprintForm(request.POST)
    form.is_valid()
    try:
        services.address_delete(debtor_guid=guid, address_guid=address_guid,
                                expected_fingerprint=form.cleaned_data.get("fingerprint") or None)
    except StaleRecord:
        return EDITOR.failed(request, guid, _("Someone else changed this address since you "
                                              "opened it. Check it below and confirm again."),
                             address_confirm=address_guid)
    except NotFound:
        return _gone(request, guid)
    except Conflict as exc:
        return EDITOR.failed(request, guid, exc.user_message)
    except GatewayError as exc:
        return EDITOR.upstream(request, guid, exc, address_confirm=address_guid)
    return EDITOR.done(request, guid, _("Address deleted."))


def _one_button(request: HttpRequest, guid: str, address_guid: str, change, notice: str,
                state: dict[str, Any]) -> HttpResponse:
    """Reads the address, applies `change(address)`, answers the panel."""
    try:
        with reads_for_change(_attempt(guid, address_guid)):
            address = get_gateway().address_get(guid, address_guid)
        change(address)
    except StaleRecord:
        return EDITOR.failed(request, guid, _(
            "Someone else changed this address since you opened it. Check it and try again."))
    except NotFound:
        return _gone(request, guid)
    except ValidationFailed as exc:
        return EDITOR.failed(request, guid, " ".join(
            [*exc.non_field_errors, *(m for ms in exc.field_errors.values() for m in ms)])
            or exc.user_message, status=INVALID, **state)
    except Conflict as exc:
        return EDITOR.failed(request, guid, exc.user_message)
    except GatewayError as exc:
        return EDITOR.upstream(request, guid, exc, **state)
    return EDITOR.done(request, guid, notice)


@require_POST
@roles.permission_required(roles.EDIT_DEBTORS, action="address.update")
def make_default(request: HttpRequest, guid, address_guid) -> HttpResponse:
    guid, address_guid = str(guid), str(address_guid)
    form = FingerprintForm(request.POST)
    form.is_valid()
    expected = form.cleaned_data.get("fingerprint") or None
    return _one_button(
        request, guid, address_guid,
        lambda address: services.address_make_default(
            debtor_guid=guid, address=address, expected_fingerprint=expected),
        _("Default address changed."), {},
    )


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="address.update")
def mark_not_valid(request: HttpRequest, guid, address_guid) -> HttpResponse:
    """GET opens the inline date form (today by default); POST marks the address."""
    guid, address_guid = str(guid), str(address_guid)
    if request.method != "POST":
        listed = address_panel(debtor_guid=guid)
        address = _find(listed, address_guid)
        if address is None:
            return _gone(request, guid) if listed.error is None else EDITOR.render(
                request, guid, panel=listed)
        form = NotValidForm(initial={"since": timezone.localdate(),
                                     "fingerprint": fingerprint(address)})
        return EDITOR.render(request, guid, panel=listed, address_invalid=address_guid,
                             invalid_form=form)
    form = NotValidForm(request.POST)
    state = {"address_invalid": address_guid, "invalid_form": form}
    if not form.is_valid():
        return EDITOR.render(request, guid, status=INVALID, **state)
    since: dt.date = form.cleaned_data["since"]
    expected = form.cleaned_data.get("fingerprint") or None
    return _one_button(
        request, guid, address_guid,
        lambda address: services.address_mark_not_valid(
            debtor_guid=guid, address=address, since=since, expected_fingerprint=expected),
        _("Address marked as not valid since %(date)s.") % {"date": since.isoformat()}, state,
    )
