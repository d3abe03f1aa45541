"""The debtor's work panels on the 360 page: follow-ups, the contact log and promises to pay.

Each panel's URL answers the panel alone for htmx and a page holding it without JavaScript
(`debtors.views.panels.render_panel`); a POST makes one service call per record and answers
the panel again (htmx) or redirects back to the debtor (without JavaScript). The records are
local, so they save while Aptic is down; the case summary read at submit (the cases a note
concerns, the total remaining a promise is judged by) may fail, and the answer then says so
and shows the banner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.formatting import money
from backoffice.gateway import CaseSummary, GatewayError
from backoffice.htmx import is_fragment
from backoffice.upstream import INVALID, Banner, upstream_banner
from debtors.views.panels import debtor_url, render_panel
from work import selectors_debtor as reads
from work import services
from work.forms import ContactForm, FollowUpCompleteForm, FollowUpForm, PromiseForm
from work.selectors_debtor import DebtorBalance, case_choices

FOLLOWUPS, CONTACTS, PROMISES = "work-followups", "work-contacts", "work-promises"
# Sent with every saved record, so the timeline panel on the page refreshes itself.
CHANGED_EVENT = "work-changed"
# Sent when the contact form made a promise, so the promises panel lists it.
PROMISES_EVENT = "work-promises-changed"


# --- Shared -----------------------------------------------------------------------------------


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def put_errors(form: Any, error: ValidationError, field_map: dict[str, str] | None = None
               ) -> None:
    """A service's `ValidationError` on the form's fields (its names mapped), else above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_map = field_map or {}
    for name, texts in error.message_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, texts)


def degraded_banner(error: GatewayError) -> Banner:
    """The banner of a save that went through while the balances could not be read."""
    banner = upstream_banner(error)
    message = _("Saved in Collect Desk. The balances could not be read from the collection "
                "system (%(reason)s); the daily check reads them later.") % {
        "reason": banner.message}
    return replace(banner, message=message, level="warning")


def _answer(request: HttpRequest, guid: str, partial: str, context: dict[str, Any], *,
            title: str, status: int = 200, banner: Banner | None = None,
            error: GatewayError | None = None) -> HttpResponse:
    context = {"debtor_guid": guid, "banner": banner, **context}
    response = render_panel(request, partial, context, title=title, status=status)
    if banner is not None and is_fragment(request):
        # The panel goes where it was; the banner joins it out of band (app.js keeps it).
        response.content += render_to_string(
            "work/partials/banner_oob.html", {"banner": banner}, request=request).encode()
        response["X-Upstream-Status"] = type(error).__name__ if error else "Degraded"
    return response


def _saved(request: HttpRequest, guid: str, anchor: str, notice: str,
           balance: DebtorBalance | None, render: Any,
           events: tuple[str, ...] = (CHANGED_EVENT,)) -> HttpResponse:
    """After a save: the fresh panel for htmx (with the banner when the balances could not be
    read), or back to the debtor with the notice as a message."""
    degraded = balance is not None and balance.error is not None
    if is_fragment(request):
        banner = degraded_banner(balance.error) if degraded else None
        response = render(notice=notice, banner=banner, error=balance.error if degraded else None)
        response["HX-Trigger"] = ", ".join(events)
        return response
    messages.success(request, notice)
    if degraded:
        messages.warning(request, degraded_banner(balance.error).message)
    return redirect(debtor_url(guid, anchor))


def _aptic_state(balance: DebtorBalance) -> dict[str, Any]:
    """What a panel answer takes from the case summary read for it."""
    return {"summary": balance.summary, "cases_error": balance.error,
            "currency": balance.currency, "debtor_name": balance.name}


def _carry(form: Any, state: dict[str, Any]) -> None:
    """The debtor's name and currency the posted form carried (from the 360 page), kept for
    the next form where the summary could not say them."""
    form.is_valid()
    for key in ("currency", "debtor_name"):
        if not state.get(key):
            state[key] = form.cleaned_data.get(key) or ""


def _currency(balance: DebtorBalance, form: Any) -> str:
    return balance.currency or (form.cleaned_data.get("currency") or "").upper()


def _promise_checks(form: Any, *, amount: Decimal, due_date: Any, confirmed: bool,
                    balance: DebtorBalance, currency: str, field_map: dict[str, str]) -> bool:
    """The promise's rules before anything is saved: the services' own checks (zero,
    negative, past, too far ahead), then the warning above the total remaining (asks for
    confirmation). False when the form now holds errors."""
    amount_field = field_map.get("amount", "amount")
    for check, value in ((services.promise_amount_check, amount),
                         (services.promise_date_check, due_date)):
        try:
            check(value)
        except ValidationError as error:
            put_errors(form, error, field_map)
    if form.errors:
        return False
    if not currency:
        form.add_error(amount_field, _("The debtor's currency is not known yet; try again "
                                       "when the collection system answers."))
        return False
    remaining = balance.remaining
    if remaining is not None and amount > remaining and not confirmed:
        form.add_error(amount_field, _(
            "This is more than the total remaining (%(remaining)s). Tick the box below to "
            "record it anyway.") % {"remaining": money(remaining, currency)})
        form.over_remaining = True
        return False
    return True


# --- Follow-ups --------------------------------------------------------------------------------


def followups_context(request: HttpRequest, guid: str, *, form: FollowUpForm | None = None,
                      completing: int | None = None,
                      complete_form: FollowUpCompleteForm | None = None,
                      done: Any = None, notice: str = "", debtor_name: str = "",
                      rows: list | None = None) -> dict:
    """The follow-ups panel; `rows` as `followup_rows` gave them, if already read."""
    user = request.user
    can_assign = services.can_manage_team(user)
    if form is None:
        workers = reads.worker_list() if can_assign else []
        form = FollowUpForm(actor=user, workers=workers, can_assign=can_assign,
                            initial={"debtor_name": debtor_name})
    if rows is None:
        rows = followup_rows(request, guid)
    if completing is not None and complete_form is None:
        complete_form = FollowUpCompleteForm(followup_pk=completing)
    return {"followups_panel": {
        "anchor": FOLLOWUPS, "rows": rows, "form": form, "can_assign": can_assign,
        "completing": completing, "complete_form": complete_form, "done": done,
        "notice": notice, "open_form": bool(form.errors),
        "url": reverse("work:followups", args=[guid]),
    }}


def followup_rows(request: HttpRequest, guid: str) -> list[tuple[Any, bool]]:
    """The debtor's open follow-ups, each with whether this user may act on it."""
    return [(f, services.followup_can_act(request.user, f))
            for f in reads.followup_open_list(debtor_guid=guid)]


def _followups(request: HttpRequest, guid: str, *, status: int = 200,
               banner: Banner | None = None, error: GatewayError | None = None,
               **state: Any) -> HttpResponse:
    return _answer(request, guid, "work/partials/followups.html",
                   followups_context(request, guid, **state), title=_("Follow-ups"),
                   status=status, banner=banner, error=error)


def _done_followup(guid: str, pk: int | None) -> Any:
    if pk is None:
        return None
    followup = reads.followup_get(debtor_guid=guid, pk=pk)
    return followup if followup is not None and not followup.is_open else None


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.KEEP_WORKLIST, action="followup.create")
def followups(request: HttpRequest, guid) -> HttpResponse:
    """The debtor's open follow-ups (GET; `?complete=<pk>` opens one's completion form,
    `?done=<pk>` says it was completed) and setting a new one (POST)."""
    guid = str(guid)
    if request.method != "POST":
        done = _done_followup(guid, _int_param(request, "done"))
        return _followups(request, guid, completing=_int_param(request, "complete"), done=done,
                          notice=_("Follow-up completed.") if done else "")
    can_assign = services.can_manage_team(request.user)
    form = FollowUpForm(request.POST, actor=request.user, workers=reads.worker_list(),
                        can_assign=can_assign)
    if not form.is_valid():
        return _followups(request, guid, form=form, status=INVALID)
    data = form.cleaned_data
    try:
        services.followup_create(
            actor=request.user, debtor_guid=guid, debtor_name=data["debtor_name"],
            due_at=data["due_at"], reason=data["reason"], priority=data["priority"],
            owner=form.owner_user())
    except ValidationError as error:
        put_errors(form, error)
        return _followups(request, guid, form=form, status=INVALID)
    return _saved(request, guid, FOLLOWUPS, _("Follow-up set."), None,
                  lambda **extra: _followups(request, guid, debtor_name=data["debtor_name"],
                                             **extra))


# The rules of the next follow-up are followup_create's, keyed by its field names.
COMPLETE_FIELD_MAP = {"due_at": "next_due_at", "reason": "next_reason"}


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.KEEP_WORKLIST, action="followup.complete")
def followup_complete(request: HttpRequest, guid, pk: int) -> HttpResponse:
    """Completes one of the debtor's follow-ups with its outcome, optionally setting the next;
    the answer offers the next item on My day."""
    guid = str(guid)
    followup = reads.followup_get(debtor_guid=guid, pk=pk)
    if followup is None:
        raise Http404(_("No such follow-up on this debtor."))
    form = FollowUpCompleteForm(request.POST, followup_pk=pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = services.followup_complete(
                actor=request.user, followup=followup, outcome=data["outcome"],
                note=data["note"], next_due_at=data["next_due_at"],
                next_reason=data["next_reason"]).done
        except ValidationError as error:
            put_errors(form, error, COMPLETE_FIELD_MAP)
        else:
            if is_fragment(request):
                response = _followups(request, guid, done=done,
                                      notice=_("Follow-up completed."))
                response["HX-Trigger"] = CHANGED_EVENT
                return response
            return redirect(f"{reverse('work:followups', args=[guid])}?done={done.pk}")
    return _followups(request, guid, completing=pk, complete_form=form, status=INVALID)


# --- The contact log ---------------------------------------------------------------------------


def contacts_context(request: HttpRequest, guid: str, *, form: ContactForm | None = None,
                     summary: CaseSummary | None = None, cases_error: Any = None,
                     currency: str = "", debtor_name: str = "", correct: int | None = None,
                     notice: str = "", threads: list | None = None) -> dict:
    """The contact log panel. `summary` (or `cases_error`) is the case summary as read for
    this answer; on the 360 page, the one the page read (and `threads`, the notes it read
    while Aptic answered)."""
    if form is None:
        initial: dict[str, Any] = {"debtor_name": debtor_name, "currency": currency}
        note = reads.note_get(debtor_guid=guid, pk=correct) if correct is not None else None
        if note is not None:
            initial.update(corrects=note.pk, channel=note.channel, direction=note.direction,
                           outcome=note.outcome, text=note.text,
                           case_guids=list(note.case_guids))
        choices = case_choices(summary.cases) if summary is not None else None
        form = ContactForm(initial=initial, case_choices=choices)
    corrects = form["corrects"].value()
    correcting = reads.note_get(debtor_guid=guid, pk=int(corrects)) \
        if str(corrects or "").isdigit() else None
    return {"contacts_panel": {
        "anchor": CONTACTS, "form": form,
        "threads": reads.note_thread_list(debtor_guid=guid) if threads is None else threads,
        "cases_error": cases_error if summary is None else None, "correcting": correcting,
        "notice": notice, "over_remaining": getattr(form, "over_remaining", False),
        "url": reverse("work:contacts", args=[guid]),
        "promises_url": reverse("work:promises", args=[guid]),
    }}


def _contacts(request: HttpRequest, guid: str, *, status: int = 200,
              banner: Banner | None = None, error: GatewayError | None = None,
              **state: Any) -> HttpResponse:
    return _answer(request, guid, "work/partials/contacts.html",
                   contacts_context(request, guid, **state), title=_("Contact log"),
                   status=status, banner=banner, error=error)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.KEEP_WORKLIST, action="note.create")
def contacts(request: HttpRequest, guid) -> HttpResponse:
    """The contact log (GET; `?correct=<pk>` prefills a correction of that note) and logging a
    contact, with the promise it brought when one is given (POST: both or neither)."""
    guid = str(guid)
    balance = reads.debtor_balance_read(debtor_guid=guid)
    state = _aptic_state(balance)
    if request.method != "POST":
        return _contacts(request, guid, correct=_int_param(request, "correct"), **state)
    choices = case_choices(balance.cases) if balance.summary is not None else None
    form = ContactForm(request.POST, case_choices=choices)
    _carry(form, state)

    def invalid() -> HttpResponse:
        return _contacts(request, guid, form=form, status=INVALID, **state)

    if not form.is_valid():
        return invalid()
    data = form.cleaned_data
    corrects = None
    if data["corrects"] is not None:
        corrects = reads.note_get(debtor_guid=guid, pk=data["corrects"])
        if corrects is None:
            form.add_error(None, _("The note to correct is not one of this debtor's."))
            return invalid()
    currency = _currency(balance, form)
    if form.has_promise and not _promise_checks(
            form, amount=data["promise_amount"], due_date=data["promise_date"],
            confirmed=data["confirm_over_remaining"], balance=balance, currency=currency,
            field_map=ContactForm.FIELD_MAP):
        return invalid()
    try:
        note = services.note_create(
            actor=request.user, debtor_guid=guid, channel=data["channel"],
            direction=data["direction"], outcome=data["outcome"], text=data["text"],
            case_guids=data["case_guids"], corrects=corrects)
    except ValidationError as error:
        put_errors(form, error, ContactForm.FIELD_MAP)
        return invalid()
    notice, events = _("Contact logged."), (CHANGED_EVENT,)
    if form.has_promise:
        services.promise_create(
            actor=request.user, debtor_guid=guid,
            debtor_name=balance.name or data["debtor_name"], amount=data["promise_amount"],
            currency=currency, due_date=data["promise_date"], channel=data["channel"],
            case_guids=data["case_guids"], note=note, remaining=balance.remaining)
        notice = _("Contact logged with its promise to pay.")
        events = (CHANGED_EVENT, PROMISES_EVENT)
    return _saved(request, guid, CONTACTS, notice, balance,
                  lambda **extra: _contacts(request, guid, **state, **extra), events)


# --- Promises to pay ---------------------------------------------------------------------------


def promises_context(request: HttpRequest, guid: str, *, form: PromiseForm | None = None,
                     summary: CaseSummary | None = None, cases_error: Any = None,
                     currency: str = "", debtor_name: str = "", notice: str = "",
                     promises: list | None = None) -> dict:
    if form is None:
        choices = case_choices(summary.cases) if summary is not None else None
        form = PromiseForm(initial={"debtor_name": debtor_name, "currency": currency},
                           case_choices=choices)
    return {"promises_panel": {
        "anchor": PROMISES, "form": form,
        "promises": reads.promise_list(debtor_guid=guid) if promises is None else promises,
        "cases_error": cases_error if summary is None else None, "notice": notice,
        "over_remaining": getattr(form, "over_remaining", False),
        "open_form": bool(form.errors), "url": reverse("work:promises", args=[guid]),
    }}


def _promises(request: HttpRequest, guid: str, *, status: int = 200,
              banner: Banner | None = None, error: GatewayError | None = None,
              **state: Any) -> HttpResponse:
    return _answer(request, guid, "work/partials/promises.html",
                   promises_context(request, guid, **state), title=_("Promises to pay"),
                   status=status, banner=banner, error=error)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.KEEP_WORKLIST, action="promise.create")
def promises(request: HttpRequest, guid) -> HttpResponse:
    """The debtor's promises with their status (GET) and recording one on its own (POST)."""
    guid = str(guid)
    balance = reads.debtor_balance_read(debtor_guid=guid)
    state = _aptic_state(balance)
    if request.method != "POST":
        return _promises(request, guid, **state)
    choices = case_choices(balance.cases) if balance.summary is not None else None
    form = PromiseForm(request.POST, case_choices=choices)
    _carry(form, state)
    if not form.is_valid():
        return _promises(request, guid, form=form, status=INVALID, **state)
    data = form.cleaned_data
    currency = _currency(balance, form)
    if not _promise_checks(form, amount=data["amount"], due_date=data["due_date"],
                           confirmed=data["confirm_over_remaining"], balance=balance,
                           currency=currency, field_map=PromiseForm.FIELD_MAP):
        return _promises(request, guid, form=form, status=INVALID, **state)
    services.promise_create(
        actor=request.user, debtor_guid=guid, debtor_name=balance.name or data["debtor_name"],
        amount=data["amount"], currency=currency, due_date=data["due_date"],
        channel=data["channel"], case_guids=data["case_guids"], remaining=balance.remaining)
    return _saved(request, guid, PROMISES, _("Promise to pay recorded."), balance,
                  lambda **extra: _promises(request, guid, **state, **extra))


# --- On the 360 page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelReads:
    """The three panels' local rows, read before the Aptic parts they also need arrive."""

    followups: list
    threads: list
    promises: list


def work_panels_reads(request: HttpRequest, *, debtor_guid: str) -> PanelReads | None:
    """What `work_panels_context` reads locally (None for a user who keeps no worklist): the
    360 reads it while Aptic answers."""
    if not roles.user_can(request.user, roles.KEEP_WORKLIST):
        return None
    return PanelReads(followups=followup_rows(request, debtor_guid),
                      threads=reads.note_thread_list(debtor_guid=debtor_guid),
                      promises=reads.promise_list(debtor_guid=debtor_guid))


def work_panels_context(request: HttpRequest, *, debtor_guid: str,
                        summary: CaseSummary | None, summary_error: GatewayError | None,
                        currency: str, debtor_name: str,
                        local: PanelReads | None = None) -> dict:
    """The three panels for the debtor page, from what the page already read (local
    queries only, or none when `local` holds them); empty for a user who keeps no
    worklist."""
    if not roles.user_can(request.user, roles.KEEP_WORKLIST):
        return {}
    local = local or work_panels_reads(request, debtor_guid=debtor_guid)
    return {
        **followups_context(request, debtor_guid, debtor_name=debtor_name,
                            rows=local.followups),
        **case_panels_context(request, debtor_guid=debtor_guid, summary=summary,
                              summary_error=summary_error, currency=currency,
                              debtor_name=debtor_name, local=local),
    }


def case_panels_context(request: HttpRequest, *, debtor_guid: str,
                        summary: CaseSummary | None, summary_error: GatewayError | None,
                        currency: str, debtor_name: str, local: PanelReads) -> dict:
    """The two panels whose forms offer the debtor's cases (the contact log and the
    promises), from what the page read; empty for a user who keeps no worklist."""
    if not roles.user_can(request.user, roles.KEEP_WORKLIST):
        return {}
    aptic = {"summary": summary, "cases_error": summary_error}
    return {
        **contacts_context(request, debtor_guid, currency=currency, debtor_name=debtor_name,
                           threads=local.threads, **aptic),
        **promises_context(request, debtor_guid, currency=currency, debtor_name=debtor_name,
                           promises=local.promises, **aptic),
    }
