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
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.gateway import Address, GatewayError, NotFound, StaleRecord
from backoffice.upstream import CONFLICT, INVALID
from debtors import services
from debtors.forms_address import AddressForm, FingerprintForm, NotValidForm
from debtors.selectors import PanelItem, address_panel, address_panel_item
from debtors.views.panels import PanelEditor, add_view, panel_view

EDITOR = PanelEditor(
    partial="debtors/partials/addresses.html", title=gettext_lazy("Addresses"),
    load=address_panel, anchor="addresses", add_route="debtors:address-add",
    panel_route="debtors:address-panel",
)


def _gone(request: HttpRequest, guid: str) -> HttpResponse:
    return EDITOR.failed(request, guid,
                         _("That address no longer exists; the list is up to date now."))


def _missing(request: HttpRequest, guid: str, found: PanelItem) -> HttpResponse:
    """The address is not listed: gone, or the list itself failed (the panel says so)."""
    if found.panel.error is None:
        return _gone(request, guid)
    return EDITOR.render(request, guid, panel=found.panel)


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


def _expected(request: HttpRequest) -> str | None:
    form = FingerprintForm(request.POST)
    form.is_valid()
    return form.cleaned_data.get("fingerprint") or None


# --- Views ---------------------------------------------------------------------------------------


panel = panel_view(EDITOR)


def _create(request: HttpRequest, guid: str, form: AddressForm) -> str:
    services.address_create(actor=request.user, debtor_guid=guid, values=form.changes())
    return _("Address added.")


add = add_view(EDITOR, AddressForm, _create, action="address.create")


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.EDIT_DEBTORS, action="address.update")
def edit(request: HttpRequest, guid, address_guid) -> HttpResponse:
    """A save sends the changes only: the gateway reads the address (the stale check), PUTs it
    with the changes applied and reads it again."""
    guid, address_guid = str(guid), str(address_guid)
    if request.method != "POST":
        found = address_panel_item(debtor_guid=guid, address_guid=address_guid)
        if found.item is None:
            return _missing(request, guid, found)
        form = AddressForm(initial=_initial(found), is_default=bool(found.item.default_address))
        return EDITOR.render(request, guid, panel=found.panel, editing=address_guid,
                             form=form)
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _invalid(request, guid, address_guid)
    try:
        services.address_update(actor=request.user, debtor_guid=guid,
                                address_guid=address_guid, changes=form.changes(),
                                expected_fingerprint=form.cleaned_data["fingerprint"] or None)
    except StaleRecord as error:
        form = AddressForm(_with_fingerprint(request, error.current_fingerprint),
                           is_default=bool(error.current.default_address))
        form.is_valid()
        form.add_error(None, _("Someone else changed this address since you opened it. It now "
                               "reads: %(current)s. Save again to replace it with yours.")
                       % {"current": _describe(error.current)})
        return EDITOR.render(request, guid, status=CONFLICT, editing=address_guid,
                             form=form)
    except NotFound:
        return _gone(request, guid)
    except GatewayError as error:
        return EDITOR.refused(request, guid, error, editing=address_guid, form=form)
    return EDITOR.done(request, guid, _("Address saved."))


def _invalid(request: HttpRequest, guid: str, address_guid: str) -> HttpResponse:
    """The form again with its errors, the default flag hidden if the address is the default
    (as the panel lists it)."""
    found = address_panel_item(debtor_guid=guid, address_guid=address_guid)
    is_default = found.item is not None and bool(found.item.default_address)
    form = AddressForm(request.POST, is_default=is_default)
    form.is_valid()
    return EDITOR.render(request, guid, status=INVALID, panel=found.panel,
                         editing=address_guid, form=form)


def _initial(found: PanelItem[Address]) -> dict[str, Any]:
    names = ("address_type", "full_name", "street", "house_no", "house_no_extension", "zip_code",
             "city", "state_code", "country_code", "valid_from", "valid_to",
             "address_not_valid_date")
    return {**{n: getattr(found.item, n) for n in names}, "fingerprint": found.fingerprint}


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.EDIT_DEBTORS, action="address.delete")
def delete(request: HttpRequest, guid, address_guid) -> HttpResponse:
    """GET asks for confirmation (inline); POST deletes."""
    guid, address_guid = str(guid), str(address_guid)
    if request.method != "POST":
        found = address_panel_item(debtor_guid=guid, address_guid=address_guid)
        if found.panel.error is None and found.item is None:
            return _gone(request, guid)
        return EDITOR.render(request, guid, panel=found.panel, confirm=address_guid)
    expected = _expected(request)
    return _one_button(
        request, guid,
        lambda: services.address_delete(actor=request.user, debtor_guid=guid,
                                        address_guid=address_guid,
                                        expected_fingerprint=expected),
        _("Address deleted."), {"confirm": address_guid},
        stale=_("Someone else changed this address since you opened it. Check it below and "
                "confirm again."),
    )


def _one_button(request: HttpRequest, guid: str, change, notice: str,
                state: dict[str, Any], *, stale: str = "") -> HttpResponse:
    """Runs `change()` (one service call) and answers the panel; `state` keeps what the
    panel had open, `stale` says what to do when the address changed meanwhile."""
    try:
        change()
    except StaleRecord:
        return EDITOR.failed(request, guid, stale or _(
            "Someone else changed this address since you opened it. Check it and try again."),
            **state)
    except NotFound:
        return _gone(request, guid)
    except GatewayError as error:
        return EDITOR.refused(request, guid, error, **state)
    return EDITOR.done(request, guid, notice)


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.EDIT_DEBTORS, action="address.update")
def make_default(request: HttpRequest, guid, address_guid) -> HttpResponse:
    guid, address_guid = str(guid), str(address_guid)
    expected = _expected(request)
    return _one_button(
        request, guid,
        lambda: services.address_make_default(actor=request.user, debtor_guid=guid,
                                              address_guid=address_guid,
                                              expected_fingerprint=expected),
        _("Default address changed."), {},
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.EDIT_DEBTORS, action="address.update")
def mark_not_valid(request: HttpRequest, guid, address_guid) -> HttpResponse:
    """GET opens the inline date form (today by default); POST marks the address."""
    guid, address_guid = str(guid), str(address_guid)
    if request.method != "POST":
        found = address_panel_item(debtor_guid=guid, address_guid=address_guid)
        if found.item is None:
            return _missing(request, guid, found)
        form = NotValidForm(initial={"since": timezone.localdate(),
                                     "fingerprint": found.fingerprint})
        return EDITOR.render(request, guid, panel=found.panel, marking=address_guid,
                             mark_form=form)
    form = NotValidForm(request.POST)
    state = {"marking": address_guid, "mark_form": form}
    if not form.is_valid():
        return EDITOR.render(request, guid, status=INVALID, **state)
    since: dt.date = form.cleaned_data["since"]
    expected = form.cleaned_data.get("fingerprint") or None
    return _one_button(
        request, guid,
        lambda: services.address_mark_not_valid(actor=request.user, debtor_guid=guid,
                                                address_guid=address_guid, since=since,
                                                expected_fingerprint=expected),
        _("Address marked as not valid since %(date)s.") % {"date": since.isoformat()}, state,
    )
