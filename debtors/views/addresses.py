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

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice import roles
from backoffice.gateway import (
    Address,
    Conflict,
    GatewayError,
    NotFound,
    StaleRecord,
    ValidationFailed,
    fingerprint,
    get_gateway,
)
from debtors import services
from debtors.forms_address import (
    AddressForm,
    FingerprintForm,
    NotValidForm,
)
from debtors.selectors import Panel, address_panel
from debtors.views.editing import (
    CONFLICT,
    INVALID,
    debtor_url,
    is_htmx,
    render_panel,
    upstream_failure,
)

PARTIAL = "debtors/partials/addresses.html"


def _title() -> str:
    return _("Addresses")


def _context(request: HttpRequest, guid: str, panel: Panel | None = None,
             **state: Any) -> dict[str, Any]:
    return {
        "debtor_guid": guid,
        "debtor": None,
        "addresses_panel": panel if panel is not None else address_panel(debtor_guid=guid),
        "can_edit": roles.user_can(request.user, roles.EDIT_DEBTORS),
        **state,
    }


def _panel(request: HttpRequest, guid: str, *, status: int = 200, panel: Panel | None = None,
           **state: Any) -> HttpResponse:
    return render_panel(request, PARTIAL, _context(request, guid, panel, **state),
                        title=_title(), status=status)


def _done(request: HttpRequest, guid: str, notice: str) -> HttpResponse:
    """After a change: the fresh panel (htmx), or back to the debtor page."""
    if is_htmx(request):
        return _panel(request, guid, address_notice=notice)
    messages.success(request, notice)
    return redirect(debtor_url(guid, "addresses"))


def _find(panel: Panel, address_guid: str) -> Address | None:
    return next((a for a in panel.items if a.address_guid == address_guid), None)


def _gone(request: HttpRequest, guid: str) -> HttpResponse:
    return _panel(request, guid, status=CONFLICT,
                  address_error=_("That address no longer exists; the list is up to date now."))


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
    return _panel(request, str(guid), address_focus=True)


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="address.create")
def add(request: HttpRequest, guid) -> HttpResponse:
    guid = str(guid)
    if request.method != "POST":
        return _panel(request, guid, address_editing="new", address_form=AddressForm())
    form = AddressForm(request.POST)
    state = {"address_editing": "new", "address_form": form}
    if not form.is_valid():
        return _panel(request, guid, status=INVALID, **state)
    try:
        services.address_create(debtor_guid=guid, values=form.changes())
    except ValidationFailed as exc:
        exc.add_to_form(form)
        return _panel(request, guid, status=INVALID, **state)
    except (NotFound, Conflict) as exc:
        form.add_error(None, exc.user_message)
        return _panel(request, guid, status=CONFLICT, **state)
    except GatewayError as exc:
        return upstream_failure(request, exc, PARTIAL, _context(request, guid, **state),
                                title=_title())
    return _done(request, guid, _("Address added."))


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="address.update")
def edit(request: HttpRequest, guid, address_guid) -> HttpResponse:
    guid, address_guid = str(guid), str(address_guid)
    gw = get_gateway()
    if request.method != "POST":
        listed = address_panel(debtor_guid=guid)
        address = _find(listed, address_guid)
        if address is None:
            return _gone(request, guid) if listed.error is None else _panel(request, guid,
                                                                             panel=listed)
        form = AddressForm(initial=_initial(address), is_default=bool(address.default_address))
        return _panel(request, guid, panel=listed, address_editing=address_guid,
                      address_form=form)
    try:
        address = gw.address_get(guid, address_guid)
    except NotFound:
        return _gone(request, guid)
    except GatewayError as exc:
        form = AddressForm(request.POST)
        return upstream_failure(request, exc, PARTIAL, _context(
            request, guid, address_editing=address_guid, address_form=form), title=_title())
    form = AddressForm(request.POST, is_default=bool(address.default_address))
    state = {"address_editing": address_guid, "address_form": form}
    if not form.is_valid():
        return _panel(request, guid, status=INVALID, **state)
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
        return _panel(request, guid, status=CONFLICT, address_editing=address_guid,
                      address_form=form)
    except ValidationFailed as exc:
        exc.add_to_form(form)
        return _panel(request, guid, status=INVALID, **state)
    except NotFound:
        return _gone(request, guid)
    except Conflict as exc:
        form.add_error(None, exc.user_message)
        return _panel(request, guid, status=CONFLICT, **state)
    except GatewayError as exc:
        return upstream_failure(request, exc, PARTIAL, _context(request, guid, **state),
                                title=_title())
    return _done(request, guid, _("Address saved."))


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
        return _panel(request, guid, panel=listed, address_confirm=address_guid)
    form = FingerprintForm(request.POST)
    form.is_valid()
    try:
        services.address_delete(debtor_guid=guid, address_guid=address_guid,
                                expected_fingerprint=form.cleaned_data.get("fingerprint") or None)
    except StaleRecord:
        return _panel(request, guid, status=CONFLICT, address_confirm=address_guid,
                      address_error=_("Someone else changed this address since you opened it. "
                                      "Check it below and confirm again."))
    except NotFound:
        return _gone(request, guid)
    except Conflict as exc:
        return _panel(request, guid, status=CONFLICT, address_error=exc.user_message)
    except GatewayError as exc:
        return upstream_failure(request, exc, PARTIAL, _context(
            request, guid, address_confirm=address_guid), title=_title())
    return _done(request, guid, _("Address deleted."))


def _one_button(request: HttpRequest, guid: str, address_guid: str, change, notice: str,
                state: dict[str, Any]) -> HttpResponse:
    """Reads the address, applies `change(address)`, answers the panel."""
    try:
        change(get_gateway().address_get(guid, address_guid))
    except StaleRecord:
        return _panel(request, guid, status=CONFLICT, address_error=_(
            "Someone else changed this address since you opened it. Check it and try again."))
    except NotFound:
        return _gone(request, guid)
    except ValidationFailed as exc:
        return _panel(request, guid, status=INVALID, address_error=" ".join(
            [*exc.non_field_errors, *(m for ms in exc.field_errors.values() for m in ms)])
            or exc.user_message, **state)
    except Conflict as exc:
        return _panel(request, guid, status=CONFLICT, address_error=exc.user_message)
    except GatewayError as exc:
        return upstream_failure(request, exc, PARTIAL, _context(request, guid, **state),
                                title=_title())
    return _done(request, guid, notice)


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
            return _gone(request, guid) if listed.error is None else _panel(request, guid,
                                                                             panel=listed)
        form = NotValidForm(initial={"since": timezone.localdate(),
                                     "fingerprint": fingerprint(address)})
        return _panel(request, guid, panel=listed, address_invalid=address_guid,
                      invalid_form=form)
    form = NotValidForm(request.POST)
    state = {"address_invalid": address_guid, "invalid_form": form}
    if not form.is_valid():
        return _panel(request, guid, status=INVALID, **state)
    since: dt.date = form.cleaned_data["since"]
    expected = form.cleaned_data.get("fingerprint") or None
    return _one_button(
        request, guid, address_guid,
        lambda address: services.address_mark_not_valid(
            debtor_guid=guid, address=address, since=since, expected_fingerprint=expected),
        _("Address marked as not valid since %(date)s.") % {"date": since.isoformat()}, state,
    )
