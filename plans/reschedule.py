"""Rescheduling an active plan: new terms over the same cases, approved by a supervisor and
carried out as one workflow of audited steps, each recorded on our own row.

Aptic refuses a plan over a case that an active plan covers, for the calculation (P6) as for
the create (P2): 409 naming the case. So the replacement cannot exist upstream while the old
plan is active, and the record keeps the new plan's input until approval, which runs

    step 1  P5 delete the old plan (bound to its fingerprint as proposed)   -> old_deleted
    step 2  P2 create the new plan as a proposal                            -> new_created
            P7 activate it                                                  -> new_activated

Each step is saved (and audited) on the record before the next starts. A failure of step 1
changes nothing: the record stays pending with the error. A failure after it leaves the record
`interrupted` with the error, shown as "the cases have no active plan" until Resume, which
starts at the first step not done (a done step is never repeated; after a create whose
answer was lost, it first looks for the plan that create stored), or Abandon, which closes
it with a reason and sends nothing upstream (the cases stay without a plan until a new one
is proposed from the calculator; a created, never activated plan stays a proposal). The
gateway audits every call with its outcome; our own refusals are audited as `denied`, and
every change of the record through `_save` (one function). A run claims the row with one
conditional UPDATE (as plans/claims.py does for proposals), so no transaction is open during
a call to Aptic and two supervisors cannot run it twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.gateway import (
    Conflict,
    ConnectionFailed,
    F,
    GatewayError,
    MalformedResponse,
    PaymentPlan,
    PlanInput,
    PlanState,
    StaleRecord,
    UpstreamTimeout,
    fingerprint,
    get_gateway,
    snapshot,
)
from backoffice.upstream import refusal_message
from plans import claims
from plans.compare import plan_figures
from plans.reschedule_models import Reschedule, input_to_json

# --- Errors ----------------------------------------------------------------------------------


class RescheduleRefused(Exception):
    """Our own rules said no; nothing was sent upstream. `str(exc)` is safe to show."""


class RescheduleClosed(RescheduleRefused):
    pass


class RescheduleBusy(RescheduleRefused):
    """Someone else is carrying the reschedule out at this moment."""


class RescheduleFailed(Exception):
    """A step failed upstream; the record says where it stopped. `str(exc)` is safe to show."""

    def __init__(self, record: Reschedule, error: GatewayError):
        super().__init__(record.last_error)
        self.record = record
        self.error = error

    @property
    def interrupted(self) -> bool:
        return self.record.status == Reschedule.Status.INTERRUPTED


# --- Recording -------------------------------------------------------------------------------


def _state(record: Reschedule) -> dict[str, Any]:
    return {"status": record.status, "step": record.step, "old_plan": record.old_plan_guid,
            "new_plan": record.new_plan_guid, "last_error": record.last_error}


def _save(record: Reschedule, *, actor: Any, action: str = "reschedule.update",
          audit_reason: str = "", **changes: Any) -> Reschedule:
    """Applies `changes` to the record, saves them and audits the change (before/after)."""
    before = _state(record)
    for name, value in changes.items():
        setattr(record, name, value)
    record.save(update_fields=[*changes, "updated_at"])
    audit_record(action=action, outcome=AuditEntry.Outcome.OK, actor=actor,
                 debtor_guid=record.debtor_guid, target_type="reschedule",
                 target_id=str(record.pk), before=before, after=_state(record),
                 reason=audit_reason)
    return record


def _denied(*, actor: Any, action: str, reason: str, debtor_guid: str,
            target_id: str = "") -> None:
    audit_record(action=action, outcome=AuditEntry.Outcome.DENIED, actor=actor,
                 debtor_guid=debtor_guid, target_type="reschedule", target_id=target_id,
                 reason=reason)


def _error_text(error: GatewayError) -> str:
    return refusal_message(error)


# --- Proposing and rejecting -----------------------------------------------------------------


def reschedule_propose(*, actor: Any, debtor_guid: str, debtor_name: str,
                       old_plan: PaymentPlan, data: PlanInput, note: str = "") -> Reschedule:
    """Records a replacement for the active `old_plan` (as read just now) over its cases.

    Nothing goes upstream (Aptic refuses a plan over cases under an active plan); the record
    pins the old plan's fingerprint, so approval deletes it only if it is still what was
    replaced. Raises RescheduleRefused (audited as `denied`) for a plan that is not active or
    that already has an open reschedule.
    """
    refusal = ""
    if old_plan.active != PlanState.ACTIVE:
        refusal = _("Only an active plan can be rescheduled.")
    elif Reschedule.objects.open().filter(old_plan_guid=old_plan.payment_plan_guid).exists():
        refusal = _("This plan already has a reschedule waiting; decide that one first.")
    if refusal:
        _denied(actor=actor, action="reschedule.create", reason=refusal,
                debtor_guid=debtor_guid)
        raise RescheduleRefused(refusal)
    terms = replace(data, active=PlanState.PROPOSAL, cases=tuple(old_plan.cases))
    record = Reschedule(
        debtor_guid=debtor_guid, debtor_name=debtor_name[:200],
        old_plan_guid=old_plan.payment_plan_guid or "", old_fingerprint=fingerprint(old_plan),
        old_snapshot=snapshot(old_plan), old_figures=plan_figures(old_plan).as_dict(),
        new_input=input_to_json(terms), proposed_by=actor,
        note=note)
    try:
        record.save()
    except IntegrityError as exc:  # a second proposal for the same plan at the same moment
        refusal = _("This plan already has a reschedule waiting; decide that one first.")
        _denied(actor=actor, action="reschedule.create", reason=refusal,
                debtor_guid=debtor_guid)
        raise RescheduleRefused(refusal) from exc
    audit_record(action="reschedule.create", outcome=AuditEntry.Outcome.OK, actor=actor,
                 debtor_guid=debtor_guid, target_type="reschedule", target_id=str(record.pk),
                 after=_state(record), body=record.new_input)
    return record


def reschedule_reject(*, actor: Any, reschedule: Reschedule, reason: str) -> Reschedule:
    """Closes a pending reschedule (local only: nothing of it exists upstream yet)."""
    reason = reason.strip()
    if not reason:
        raise RescheduleRefused(_("A rejection needs a reason."))
    with _claimed(reschedule, actor=actor, action="reschedule.reject",
                  statuses=(Reschedule.Status.PENDING,)) as record:
        if record.step != Reschedule.Step.NONE:  # cannot happen for a pending record
            raise RescheduleClosed(_("This reschedule is already being carried out."))
        return _save(record, actor=actor, action="reschedule.reject", audit_reason=reason,
                     status=Reschedule.Status.REJECTED, decided_by=actor,
                     decided_at=timezone.now(), reason=reason)


def reschedule_abandon(*, actor: Any, reschedule: Reschedule, reason: str) -> Reschedule:
    """Ends an approved reschedule that cannot complete (interrupted, or left unfinished by a
    dead worker), claimed as a run is. Nothing goes upstream: the old plan stays deleted, and
    a new plan that step 2 created but never activated stays a proposal in Aptic (the record
    keeps its GUID). Raises RescheduleRefused for an empty reason, RescheduleClosed (audited
    as `denied`) for a record in another status, RescheduleBusy during someone else's run.
    """
    reason = reason.strip()
    if not reason:
        raise RescheduleRefused(_("Abandoning needs a reason."))
    action = "reschedule.abandon"
    try:
        with _claimed(reschedule, actor=actor, action=action,
                      statuses=Reschedule.ABANDONABLE_STATUSES) as record:
            return _save(record, actor=actor, action=action, audit_reason=reason,
                         status=Reschedule.Status.ABANDONED, abandoned_by=actor,
                         abandoned_at=timezone.now(), reason=reason)
    except RescheduleClosed as exc:
        status = (Reschedule.objects.filter(pk=reschedule.pk)
                  .values_list("status", flat=True).first())
        refusal = (_("This reschedule has not been approved yet: reject it instead.")
                   if status == Reschedule.Status.PENDING else str(exc))
        _denied(actor=actor, action=action, reason=refusal,
                debtor_guid=reschedule.debtor_guid, target_id=str(reschedule.pk))
        raise RescheduleClosed(refusal) from exc


# --- Carrying it out -------------------------------------------------------------------------


@contextmanager
def _claimed(reschedule: Reschedule, *, actor: Any, action: str,
             statuses: Iterable[str]) -> Iterator[Reschedule]:
    """The record in one of `statuses`, claimed for `actor` while the block runs (one
    conditional UPDATE; no transaction stays open). RescheduleClosed when it is in another
    status; RescheduleBusy (audited as `denied`) when someone else holds it."""
    statuses = tuple(statuses)
    rows = Reschedule.objects.filter(pk=reschedule.pk)
    token = claims.claim(rows.filter(status__in=statuses), actor=actor)
    if token is None:
        current = Reschedule.objects.select_related("claimed_by").get(pk=reschedule.pk)
        if current.status not in statuses and not claims.is_live(current.claimed_at):
            raise RescheduleClosed(_("Nothing more can be done here: %(status)s.")
                                   % {"status": current.get_status_display().lower()})
        _denied(actor=actor, action=action, debtor_guid=current.debtor_guid,
                reason="another run of this reschedule is in progress")
        who = current.claimed_by
        name = (who.get_full_name() or who.get_username()) if who else _("Someone")
        raise RescheduleBusy(_("%(name)s is carrying out this reschedule right now; try again "
                               "in a moment.") % {"name": name})
    try:
        yield Reschedule.objects.select_related("proposed_by").get(pk=reschedule.pk)
    finally:
        claims.release(rows, token)


# Errors after which a POST may have been carried out although no answer came back.
UNSURE = (UpstreamTimeout, ConnectionFailed, MalformedResponse)


def _same_terms(plan: PaymentPlan, terms: PlanInput) -> bool:
    def same(a: Decimal | None, b: Decimal | None) -> bool:
        return (a or Decimal(0)) == (b or Decimal(0))

    return (set(plan.cases) == set(terms.cases or ())
            and plan.payment_plan_type == terms.payment_plan_type
            and (terms.number_of_payments is None
                 or plan.number_of_payments == terms.number_of_payments)
            and same(plan.registration_fee, terms.registration_fee)
            and same(plan.invoice_fee, terms.invoice_fee)
            and same(plan.reminder_fee, terms.reminder_fee))


def _created_unseen(record: Reschedule, gw: Any) -> PaymentPlan | None:
    """The proposal a create whose answer was lost made, if Aptic stored it: the one
    proposal over exactly the record's cases with its terms that no record of ours knows."""
    from plans.models import PlanProposal  # plans.models imports this module

    terms = record.terms
    found = [plan for plan in gw.iter_pages(gw.plan_list, record.debtor_guid,
                                            filter=F.eq("active", PlanState.PROPOSAL))
             if _same_terms(plan, terms)]
    guids = [plan.payment_plan_guid or "" for plan in found]
    known = (set(PlanProposal.objects.filter(plan_guid__in=guids)
                 .values_list("plan_guid", flat=True))
             | set(Reschedule.objects.filter(new_plan_guid__in=guids)
                   .values_list("new_plan_guid", flat=True)))
    unseen = [plan for plan in found if plan.payment_plan_guid not in known]
    return unseen[0] if len(unseen) == 1 else None


def _is_active(gw: Any, record: Reschedule) -> bool:
    """The new plan is active upstream (an activation whose answer was lost took effect)."""
    try:
        return gw.plan_get(record.debtor_guid, record.new_plan_guid).active == PlanState.ACTIVE
    except GatewayError:
        return False


def _step_failed(record: Reschedule, error: GatewayError, *, actor: Any,
                 text: str = "") -> RescheduleFailed:
    """Notes the error; after step 1 the record is `interrupted` (the cases have no plan)."""
    text = text or _error_text(error)
    status = (Reschedule.Status.INTERRUPTED if record.step != Reschedule.Step.NONE
              else Reschedule.Status.PENDING)
    unsure = record.step == Reschedule.Step.OLD_DELETED and isinstance(error, UNSURE)
    _save(record, actor=actor, status=status, last_error=text, last_error_at=timezone.now(),
          create_unsure=unsure)
    return RescheduleFailed(record, error)


def _run(record: Reschedule, *, actor: Any) -> Reschedule:
    """The steps from the first one not done; each saved before the next starts."""
    gw = get_gateway()
    step = Reschedule.Step
    if record.step == step.NONE:
        try:
            gw.plan_delete(record.debtor_guid, record.old_plan_guid, actor=actor,
                           expected_fingerprint=record.old_fingerprint)
        except StaleRecord as exc:
            raise _step_failed(record, exc, actor=actor, text=_(
                "The old plan changed in the collection system after the reschedule was "
                "proposed; nothing was changed. Reject this reschedule and propose it "
                "again.")) from exc
        except GatewayError as exc:
            raise _step_failed(record, exc, actor=actor) from exc
        _save(record, actor=actor, step=step.OLD_DELETED, status=Reschedule.Status.APPROVED,
              decided_by=actor, decided_at=timezone.now(), last_error="")
    if record.step == step.OLD_DELETED:
        try:
            created = _created_unseen(record, gw) if record.create_unsure else None
            if created is None:
                created = gw.plan_create(record.debtor_guid, record.terms, actor=actor)
        except GatewayError as exc:
            raise _step_failed(record, exc, actor=actor) from exc
        _save(record, actor=actor, step=step.NEW_CREATED, create_unsure=False,
              new_plan_guid=created.payment_plan_guid or "")
    if record.step == step.NEW_CREATED:
        try:
            gw.plan_activate(record.debtor_guid, record.new_plan_guid, actor=actor)
        except Conflict as exc:  # 409: already active after an answer that was lost?
            if not _is_active(gw, record):
                raise _step_failed(record, exc, actor=actor) from exc
        except GatewayError as exc:
            raise _step_failed(record, exc, actor=actor) from exc
        try:
            activated = snapshot(gw.plan_get(record.debtor_guid, record.new_plan_guid))
        except GatewayError:
            activated = {}
        _save(record, actor=actor, step=step.NEW_ACTIVATED, status=Reschedule.Status.COMPLETED,
              completed_at=timezone.now(), new_snapshot=activated, last_error="")
    return record


def reschedule_approve(*, actor: Any, reschedule: Reschedule) -> Reschedule:
    """Approves a pending reschedule and carries it out.

    Raises RescheduleRefused (four-eyes: audited as `denied`), RescheduleClosed,
    RescheduleBusy, or RescheduleFailed (the record says whether anything changed).
    """
    if reschedule.proposed_by_id == getattr(actor, "pk", None):
        reason = _("Four-eyes rule: you proposed this reschedule, so someone else must "
                   "approve it.")
        _denied(actor=actor, action="reschedule.approve", reason=reason,
                debtor_guid=reschedule.debtor_guid)
        raise RescheduleRefused(reason)
    with _claimed(reschedule, actor=actor, action="reschedule.approve",
                  statuses=(Reschedule.Status.PENDING,)) as record:
        return _run(record, actor=actor)


def reschedule_resume(*, actor: Any, reschedule: Reschedule) -> Reschedule:
    """Continues an approved reschedule from the step that failed (or that a dead worker left
    unfinished); a done step is never repeated."""
    with _claimed(reschedule, actor=actor, action="reschedule.resume",
                  statuses=(Reschedule.Status.INTERRUPTED, Reschedule.Status.APPROVED)
                  ) as record:
        return _run(record, actor=actor)
