"""Create, edit and delete a debtor (full pages; each works without JavaScript).

Edit guards against lost updates: the form carries the fingerprint of the debtor it showed and
the gateway refuses the PUT when the debtor changed since. The user then sees their values
beside the current ones and gets the form again, their changes applied to the current record.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backoffice import roles
from backoffice.gateway import (
    Change,
    Conflict,
    Debtor,
    F,
    GatewayError,
    NotFound,
    StaleRecord,
    UpstreamTimeout,
    ValidationFailed,
    fingerprint,
    gather,
    get_gateway,
    reads_for_change,
)
from backoffice.templatetags.formatting import masked_id
from backoffice.ui import upstream_banner
from debtors import services
from debtors.forms_address import FingerprintForm
from debtors.forms_debtor import DebtorForm, comparable, value_fields
from debtors.views.editing import CONFLICT, INVALID, UNAVAILABLE, debtor_url


def _read(debtor_guid: str) -> tuple[Debtor, str | None]:
    """The debtor and its country (of its default address, from its list row)."""
    gw = get_gateway()
    parts = gather({
        "debtor": lambda: gw.debtor_get(debtor_guid),
        "row": lambda: gw.debtor_list(filter=F.eq("debtor_guid", debtor_guid), top=1),
    })
    debtor = parts["debtor"].value  # raises the read's error
    row = parts["row"]
    country = row.value.items[0].country_code if row.ok and row.value.items else None
    return debtor, country


def _fault_page(request: HttpRequest, error: GatewayError, title: str) -> HttpResponse:
    return render(request, "debtors/form.html",
                  {"form": None, "title": title, "banner": upstream_banner(
                      error, retry_url=request.get_full_path())}, status=UNAVAILABLE)


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="debtor.create")
def create(request: HttpRequest) -> HttpResponse:
    form = DebtorForm(request.POST if request.method == "POST" else None, creating=True)
    context: dict[str, Any] = {"form": form, "title": _("New debtor"), "creating": True}
    if request.method == "POST" and form.is_valid():
        try:
            debtor = services.debtor_create(changes=form.debtor_changes(),
                                            address=form.address_values())
        except ValidationFailed as exc:
            exc.add_to_form(form, form.field_map())
        except GatewayError as exc:
            context["banner"] = upstream_banner(exc)
            if isinstance(exc, UpstreamTimeout):
                form.add_error(None, _("The collection system stopped answering: the debtor may "
                                       "have been created. Search for it before you try again."))
            return render(request, "debtors/form.html", context, status=UNAVAILABLE)
        else:
            messages.success(request, _("Debtor %(name)s created.") % {
                "name": debtor.display_name})
            return redirect(debtor_url(debtor.debtor_guid))
    return render(request, "debtors/form.html", context,
                  status=INVALID if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="debtor.update")
def edit(request: HttpRequest, guid) -> HttpResponse:
    guid = str(guid)
    title = _("Edit debtor")
    # On a save, the read is the first step of the attempted update (audited if it fails).
    attempt = Change("debtor.update", guid, "debtor", guid)
    try:
        with reads_for_change(attempt) if request.method == "POST" else nullcontext():
            debtor, country = _read(guid)
    except NotFound as exc:
        raise Http404(_("No such debtor.")) from exc
    except GatewayError as exc:
        if request.method != "POST":
            return _fault_page(request, exc, title)
        form = DebtorForm(request.POST, creating=False)  # keep what the user typed
        return render(request, "debtors/form.html",
                      {"form": form, "title": title, "debtor_guid": guid,
                       "banner": upstream_banner(exc)}, status=UNAVAILABLE)

    context: dict[str, Any] = {"title": title, "debtor": debtor, "debtor_guid": guid}
    masked = _masked_id(request, debtor)
    if request.method != "POST":
        initial = DebtorForm.initial_for(debtor, fingerprint(debtor), mask_id=bool(masked))
        form = DebtorForm(initial=initial, creating=False, country=country, masked_id=masked)
        return render(request, "debtors/form.html", {**context, "form": form})

    form = DebtorForm(request.POST, creating=False, country=country, masked_id=masked)
    context["form"] = form
    if not form.is_valid():
        return render(request, "debtors/form.html", context, status=INVALID)
    try:
        services.debtor_update(debtor=debtor, changes=form.debtor_changes(),
                               expected_fingerprint=form.cleaned_data["fingerprint"])
    except StaleRecord as exc:
        return _stale(request, form, exc, context, country)
    except ValidationFailed as exc:
        exc.add_to_form(form, form.field_map())
        return render(request, "debtors/form.html", context, status=INVALID)
    except NotFound:
        messages.error(request, _("The debtor was deleted while you were editing it."))
        return redirect("debtors:search")
    except Conflict as exc:
        form.add_error(None, exc.user_message)
        return render(request, "debtors/form.html", context, status=CONFLICT)
    except GatewayError as exc:
        context["banner"] = upstream_banner(exc)
        return render(request, "debtors/form.html", context, status=UNAVAILABLE)
    messages.success(request, _("Debtor saved."))
    return redirect(debtor_url(guid))


def _masked_id(request: HttpRequest, debtor: Debtor) -> str:
    """The ID number as an agent may see it ("" when the user sees it in full, or none)."""
    if debtor.id_number and roles.is_agent_only(request.user):
        return masked_id(debtor.id_number)
    return ""


def _display(form: DebtorForm, name: str, value: Any) -> str:
    if value is None:
        return "—"
    field = form.fields[name]
    choices = getattr(field, "choices", None)
    if choices:
        return str(dict((str(k), v) for k, v in choices).get(str(value), value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _stale(request: HttpRequest, form: DebtorForm, error: StaleRecord, context: dict,
           country: str | None) -> HttpResponse:
    """Theirs beside yours for each field where they differ, then the form again: the current
    record with the user's own changes applied, and the current fingerprint."""
    current: Debtor = error.current
    original = comparable(form.original_values or {})
    yours_raw = form.values()  # without a masked ID number left blank
    yours, theirs = comparable(yours_raw), comparable(DebtorForm.values_from(current))
    mine = {n for n in yours if yours[n] != original.get(n)}
    masked = _masked_id(request, current)
    rows = []
    for n in value_fields():
        if n not in yours or yours[n] == theirs[n]:
            continue
        hidden = n == "id_number" and form.mask_id
        rows.append({
            "label": form.fields[n].label,
            "theirs": (masked or "—") if hidden else _display(form, n, theirs[n]),
            "yours": _display(form, n, yours[n]),
            "changed_by_you": n in mine,
            "changed_by_them": not hidden and theirs[n] != original.get(n),
        })
    merged = {**DebtorForm.values_from(current), **{n: yours_raw[n] for n in mine}}
    initial = DebtorForm.initial_for(current, error.current_fingerprint, merged,
                                     mask_id=bool(masked))
    again = DebtorForm(initial=initial, creating=False, country=country, masked_id=masked)
    return render(request, "debtors/form.html",
                  {**context, "form": again, "debtor": current, "conflict_rows": rows},
                  status=CONFLICT)


# --- Delete --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.EDIT_DEBTORS, action="debtor.delete")
def delete(request: HttpRequest, guid) -> HttpResponse:
    guid = str(guid)
    gw = get_gateway()
    context: dict[str, Any] = {"debtor_guid": guid, "back_url": debtor_url(guid)}
    if request.method == "POST":
        form = FingerprintForm(request.POST)
        form.is_valid()
        try:
            services.debtor_delete(debtor_guid=guid,
                                   expected_fingerprint=form.cleaned_data.get("fingerprint")
                                   or None)
        except StaleRecord as exc:
            context.update(debtor=exc.current, fingerprint=exc.current_fingerprint, stale=True)
            return render(request, "debtors/delete.html", context, status=CONFLICT)
        except Conflict as exc:
            context["blocked"] = exc.detail
        except NotFound:
            messages.info(request, _("The debtor had already been deleted."))
            return redirect("debtors:search")
        except GatewayError as exc:
            context["banner"] = upstream_banner(exc)
        else:
            messages.success(request, _("Debtor deleted."))
            return redirect("debtors:search")
    try:
        debtor = gw.debtor_get(guid)
    except NotFound as exc:
        raise Http404(_("No such debtor.")) from exc
    except GatewayError as exc:
        context.setdefault("banner", upstream_banner(exc, retry_url=request.get_full_path()))
        return render(request, "debtors/delete.html", context, status=UNAVAILABLE)
    context.update(debtor=debtor, fingerprint=fingerprint(debtor))
    status = 200
    if "blocked" in context:
        status = CONFLICT
    elif "banner" in context:
        status = UNAVAILABLE
    return render(request, "debtors/delete.html", context, status=status)
