"""Create, edit and delete a debtor (full pages; each works without JavaScript).

Edit guards against lost updates: the form carries the fingerprint of the debtor it showed and
the gateway refuses the PUT when the debtor changed since. The user then sees their values
beside the current ones and gets the form again, their changes applied to the current record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backoffice import guards, roles, upstream
from backoffice.formatting import masked_id
from backoffice.gateway import Debtor, GatewayError, NotFound, StaleRecord, UpstreamTimeout
from backoffice.upstream import CONFLICT, INVALID
from debtors import selectors, services
from debtors.forms_address import FingerprintForm
from debtors.forms_debtor import DebtorForm, comparable, value_fields
from debtors.views.panels import debtor_url


def _page(request: HttpRequest, context: dict[str, Any]):
    """`render(extra, status)` for `upstream.respond`: the form page again."""
    return lambda extra, status: render(request, "debtors/form.html", {**context, **extra},
                                        status=status)


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.EDIT_DEBTORS, action="debtor.create")
def create(request: HttpRequest) -> HttpResponse:
    form = DebtorForm(request.POST if request.method == "POST" else None, creating=True)
    context: dict[str, Any] = {"form": form, "title": _("New debtor"), "creating": True}
    if request.method == "POST" and form.is_valid():
        try:
            debtor = services.debtor_create(actor=request.user, changes=form.debtor_changes(),
                                            address=form.address_values())
        except GatewayError as error:
            if isinstance(error, UpstreamTimeout):
                form.add_error(None, _("The collection system stopped answering: the debtor may "
                                       "have been created. Search for it before you try again."))
            return upstream.respond(request, error, form=form, field_map=form.field_map(),
                                    render=_page(request, context))
        messages.success(request, _("Debtor %(name)s created.") % {"name": debtor.display_name})
        return redirect(debtor_url(debtor.debtor_guid))
    return render(request, "debtors/form.html", context,
                  status=INVALID if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.EDIT_DEBTORS, action="debtor.update")
def edit(request: HttpRequest, guid) -> HttpResponse:
    """The form needs the debtor's country and whether its ID number is masked, so a save
    reads the debtor first; the update itself sends the changes only."""
    guid = str(guid)
    context: dict[str, Any] = {"title": _("Edit debtor"), "debtor_guid": guid, "form": None}
    try:
        if request.method == "POST":
            found = services.debtor_update_read(actor=request.user, debtor_guid=guid)
        else:
            found = selectors.debtor_edit_get(debtor_guid=guid)
    except NotFound as error:
        raise Http404(_("No such debtor.")) from error
    except GatewayError as error:
        if request.method == "POST":  # keep what the user typed
            context["form"] = DebtorForm(request.POST, creating=False)
        return upstream.respond(request, error, render=_page(request, context),
                                retry_url="" if request.method == "POST"
                                else request.get_full_path())

    debtor, country = found.debtor, found.country
    context["debtor"] = debtor
    masked = _masked_id(request, debtor)
    if request.method != "POST":
        initial = DebtorForm.initial_for(debtor, found.fingerprint, mask_id=bool(masked))
        form = DebtorForm(initial=initial, creating=False, country=country, masked_id=masked)
        return render(request, "debtors/form.html", {**context, "form": form})

    form = DebtorForm(request.POST, creating=False, country=country, masked_id=masked)
    context["form"] = form
    if not form.is_valid():
        return render(request, "debtors/form.html", context, status=INVALID)
    try:
        services.debtor_update(actor=request.user, debtor_guid=guid,
                               changes=form.debtor_changes(),
                               expected_fingerprint=form.cleaned_data["fingerprint"])
    except StaleRecord as error:
        return _stale(request, form, error, context, country)
    except NotFound:
        messages.error(request, _("The debtor was deleted while you were editing it."))
        return redirect("debtors:search")
    except GatewayError as error:
        return upstream.respond(request, error, form=form, field_map=form.field_map(),
                                render=_page(request, context))
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
@guards.permission_required(roles.EDIT_DEBTORS, action="debtor.delete")
def delete(request: HttpRequest, guid) -> HttpResponse:
    guid = str(guid)
    context: dict[str, Any] = {"debtor_guid": guid, "back_url": debtor_url(guid)}
    status = 200
    if request.method == "POST":
        form = FingerprintForm(request.POST)
        form.is_valid()
        try:
            services.debtor_delete(actor=request.user, debtor_guid=guid,
                                   expected_fingerprint=form.cleaned_data.get("fingerprint")
                                   or None)
        except StaleRecord as error:
            context.update(debtor=error.current, fingerprint=error.current_fingerprint,
                           stale=True)
            return render(request, "debtors/delete.html", context, status=CONFLICT)
        except NotFound:
            messages.info(request, _("The debtor had already been deleted."))
            return redirect("debtors:search")
        except GatewayError as error:
            placed = upstream.place(error)
            status = placed.status
            context["banner"] = placed.banner
            if placed.banner is None:  # a refusal: Aptic's reason (e.g. an active case)
                context["blocked"] = error.detail
        else:
            messages.success(request, _("Debtor deleted."))
            return redirect("debtors:search")
    try:
        found = selectors.debtor_delete_get(debtor_guid=guid)
    except NotFound as error:
        raise Http404(_("No such debtor.")) from error
    except GatewayError as error:
        if context.get("banner") is None:
            context["banner"] = upstream.upstream_banner(error, retry_url=request.get_full_path())
        return render(request, "debtors/delete.html", context, status=upstream.UNAVAILABLE)
    context.update(debtor=found.debtor, fingerprint=found.fingerprint)
    return render(request, "debtors/delete.html", context, status=status)
