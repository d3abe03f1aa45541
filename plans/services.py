"""Changes to payment plans: propose, approve, reject, edit, withdraw, activate directly.

Each takes the acting user explicitly. Aptic is changed through the gateway, which audits
every create/update/delete/activate with its outcome; our own refusals (four-eyes, policy)
are audited here as `denied`, and the rejection's reason gets an entry of its own
(`plan.reject`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.gateway import (
    Change,
    Conflict,
    GatewayError,
    NotFound,
    PaymentPlan,
    PlanInput,
    PlanPayment,
    PlanState,
    StaleRecord,
    fingerprint,
    get_gateway,
    reads_for_change,
    snapshot,
)
from backoffice.upstream import refusal_message
from plans import claims, policies, selectors, settlement
from plans.compare import Difference, plan_differences
from plans.models import PlanProposal

log = logging.getLogger("plans")
Status = PlanProposal.Status


class PlanActionRefused(Exception):
    """Our own rules said no; nothing was sent upstream. `str(exc)` is safe to show."""


class FourEyesViolation(PlanActionRefused):
    pass


class ProposalClosed(PlanActionRefused):
    pass


class NotAProposal(PlanActionRefused):
    pass


class ProposalBusy(PlanActionRefused):
    """Someone else is deciding the proposal at this moment."""


class ProposalChanged(Exception):
    """The plan upstream no longer matches what was proposed; nothing was activated."""

    def __init__(self, differences: list[Difference], current: Any):
        super().__init__("The plan changed since it was proposed.")
        self.differences = differences
        self.current = current


def _denied(*, actor: Any, action: str, reason: str, debtor_guid: str) -> None:
    """Our own rule refused the change: audited as `denied` (nothing went upstream)."""
    audit_record(action=action, outcome=AuditEntry.Outcome.DENIED, actor=actor,
                 debtor_guid=debtor_guid, reason=reason)


def plan_propose_setup(*, actor: Any, debtor_guid: str, case_guids: Sequence[str]
                       ) -> selectors.CalculatorSetup:
    """The calculator's setup for a proposal; a failing read is audited as the attempted
    `plan.create` (the change never reached Aptic)."""
    with reads_for_change(Change("plan.create", debtor_guid, "plan", actor=actor)):
        return selectors.calculator_setup_recent_get(debtor_guid=debtor_guid,
                                                     case_guids=case_guids)


def _read_back(debtor_guid: str, plan: PaymentPlan) -> PaymentPlan:
    """The plan as a later read returns it (what an approval's fingerprint is checked
    against); the create answer if that read fails."""
    try:
        return selectors.plan_get(debtor_guid=debtor_guid, plan_guid=plan.payment_plan_guid or "")
    except GatewayError as exc:
        log.warning("plan read-back after create failed: %s", type(exc).__name__)
        return plan


def _pin(proposal: PlanProposal, plan: PaymentPlan) -> None:
    """Bind the record to `plan` as read: fingerprint, snapshot and queue totals."""
    proposal.fingerprint = fingerprint(plan)
    proposal.snapshot = snapshot(plan)
    proposal.plan_type = plan.payment_plan_type or proposal.plan_type
    proposal.currency = plan.currency_code or proposal.currency or ""
    proposal.total_amount = plan.total_amount
    proposal.number_of_payments = plan.number_of_payments
    proposal.annual_percentage = plan.annual_percentage
    settlement.settlement_repin(proposal, plan)


def plan_propose(*, actor: Any, debtor_guid: str, debtor_name: str, data: PlanInput,
                 note: str = "",
                 record: Callable[[PaymentPlan], dict[str, Any]] | None = None
                 ) -> PlanProposal:
    """Creates the plan upstream as a proposal and records it for the approval queue.

    `record` makes further fields of the record from the plan as read back (a settlement's
    terms: see plans/settlement_services.py)."""
    gw = get_gateway()
    created = gw.plan_create(debtor_guid, replace(data, active=PlanState.PROPOSAL), actor=actor)
    as_read = _read_back(debtor_guid, created)
    proposal = PlanProposal(
        debtor_guid=debtor_guid, debtor_name=debtor_name[:200],
        plan_guid=created.payment_plan_guid or "", proposed_by=actor, note=note,
        status=Status.PENDING, plan_type=data.payment_plan_type,
    )
    _pin(proposal, as_read)
    for name, value in (record(as_read) if record else {}).items():
        setattr(proposal, name, value)
    proposal.save()
    return proposal


def _note_refusal(proposal: PlanProposal, text: str) -> None:
    proposal.refusal = text
    proposal.refused_at = timezone.now()
    proposal.save(update_fields=["refusal", "refused_at", "updated_at"])


def _close(proposal: PlanProposal, status: str, *, actor: Any, reason: str = "",
           directly: bool = False) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.reason = reason
    proposal.activated_directly = directly
    if status == Status.APPROVED:
        proposal.refusal = ""
    proposal.save()


def _lock(proposal: PlanProposal) -> PlanProposal:
    """The record re-read under a row lock (for local-only changes: no call inside)."""
    return PlanProposal.objects.select_for_update().get(pk=proposal.pk)


@contextmanager
def _claimed(proposal: PlanProposal, *, actor: Any, action: str) -> Iterator[PlanProposal]:
    """The open proposal, claimed for `actor`'s decision (see plans/claims.py) while the
    block runs; ProposalClosed when it was decided, ProposalBusy (audited as `denied`) when
    someone else is deciding it."""
    rows = PlanProposal.objects.filter(pk=proposal.pk)
    token = claims.claim(rows.open(), actor=actor)
    if token is None:
        current = PlanProposal.objects.select_related("claimed_by").get(pk=proposal.pk)
        if not current.is_open:
            raise ProposalClosed(_("This proposal was already decided."))
        _denied(actor=actor, action=action, debtor_guid=current.debtor_guid,
                reason="another decision on this proposal is in progress")
        raise ProposalBusy(_("%(name)s is deciding this proposal right now; try again in a "
                             "moment.") % {"name": _person(current.claimed_by)})
    try:
        yield PlanProposal.objects.get(pk=proposal.pk)
    finally:
        claims.release(rows, token)


def _person(user: Any) -> str:
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


def _activate_claimed(proposal: PlanProposal, *, actor: Any, directly: bool) -> PlanProposal:
    """P7 bound to the proposal's fingerprint, with the record claimed and no transaction
    open. The gateway audits the call; the outcome is noted on the record."""
    with _claimed(proposal, actor=actor, action="plan.activate") as claimed:
        try:
            get_gateway().plan_activate(claimed.debtor_guid, claimed.plan_guid, actor=actor,
                                        expected_fingerprint=claimed.fingerprint)
        except StaleRecord as exc:
            _note_refusal(claimed, _("The plan changed in the collection system after it "
                                     "was proposed."))
            raise ProposalChanged(plan_differences(claimed.snapshot, exc.current),
                                  exc.current) from exc
        except NotFound:
            _close(claimed, Status.FAILED, actor=None,
                   reason=_("The plan no longer exists in the collection system."))
            raise
        except Conflict as exc:  # e.g. a case already under another active plan
            _note_refusal(claimed, refusal_message(exc))
            raise
        _close(claimed, Status.APPROVED, actor=actor, directly=directly)
    return claimed


def plan_approve(*, actor: Any, proposal: PlanProposal) -> PlanProposal:
    """Activates the proposal upstream if it still is what was proposed.

    Raises FourEyesViolation (the proposer; audited as `denied`), ProposalClosed,
    ProposalChanged (with the differences), Conflict (Aptic's 409: stays pending, reason kept)
    or another GatewayError.
    """
    if reason := policies.approval_refusal(actor, proposal):
        _denied(actor=actor, action="plan.activate", reason=reason,
                debtor_guid=proposal.debtor_guid)
        raise FourEyesViolation(reason)
    if reason := settlement.approval_refusal(actor, proposal):  # limits may have changed
        _denied(actor=actor, action="plan.activate", reason=reason,
                debtor_guid=proposal.debtor_guid)
        raise PlanActionRefused(reason)
    return _activate_claimed(proposal, actor=actor, directly=False)


def plan_activate_direct(*, actor: Any, proposal: PlanProposal) -> PlanProposal:
    """The optional policy: the proposer activates a small plan without a second person."""
    if proposal.is_settlement:  # a settlement has limits of its own
        refusal = settlement.direct_activation_refusal(actor, proposal)
    else:
        refusal = policies.direct_activation_refusal(
            actor, total_amount=proposal.total_amount,
            number_of_payments=proposal.number_of_payments)
    if not refusal and proposal.proposed_by_id != getattr(actor, "pk", None):
        refusal = _("Only the proposer activates a plan directly.")
    if refusal:
        _denied(actor=actor, action="plan.activate", reason=refusal,
                debtor_guid=proposal.debtor_guid)
        raise PlanActionRefused(refusal)
    return _activate_claimed(proposal, actor=actor, directly=True)


def plan_reject(*, actor: Any, proposal: PlanProposal, reason: str) -> PlanProposal:
    """Deletes the proposal upstream and records the reason (required)."""
    reason = reason.strip()
    if not reason:
        raise PlanActionRefused(_("A rejection needs a reason."))
    with _claimed(proposal, actor=actor, action="plan.delete") as claimed:
        with suppress(NotFound):  # already gone upstream: the rejection still stands
            get_gateway().plan_delete(claimed.debtor_guid, claimed.plan_guid, actor=actor)
        _close(claimed, Status.REJECTED, actor=actor, reason=reason)
    audit_record(action="plan.reject", outcome=AuditEntry.Outcome.OK, actor=actor,
                 debtor_guid=claimed.debtor_guid, target_type="plan",
                 target_id=claimed.plan_guid, reason=reason)
    return claimed


def proposal_manage_check(*, actor: Any, debtor_guid: str, plan_guid: str, action: str
                          ) -> PlanProposal | None:
    """The proposal's record, if `actor` may change it; else the refusal is audited as
    `denied` and PlanActionRefused raised."""
    proposal = selectors.proposal_get(plan_guid=plan_guid)
    if not policies.may_manage_proposal(actor, proposal):
        _denied(actor=actor, action=action, debtor_guid=debtor_guid,
                reason="only the proposer or a supervisor may change this proposal")
        raise PlanActionRefused(_("Only the proposer or a supervisor may change this proposal."))
    if proposal is not None and claims.is_live(proposal.claimed_at):
        _denied(actor=actor, action=action, debtor_guid=debtor_guid,
                reason="a decision on this proposal is in progress")
        raise ProposalBusy(_("This proposal is being decided right now; try again in a moment."))
    return proposal


def plan_update_payments(*, actor: Any, debtor_guid: str, plan_guid: str,
                         payments: Sequence[PlanPayment],
                         expected_fingerprint: str | None = None) -> PaymentPlan:
    """New deviating payments for a proposal; its record is re-pinned and marked changed."""
    proposal = proposal_manage_check(actor=actor, debtor_guid=debtor_guid, plan_guid=plan_guid,
                                     action="plan.update")
    gw = get_gateway()
    gw.plan_update(debtor_guid, plan_guid, list(payments), actor=actor,
                   expected_fingerprint=expected_fingerprint)
    plan = gw.plan_get(debtor_guid, plan_guid)
    if proposal is not None:
        with transaction.atomic():
            proposal = _lock(proposal)
            _pin(proposal, plan)
            if proposal.is_open:
                proposal.status = Status.CHANGED
                proposal.refusal = ""
                proposal.refused_at = None
            proposal.save()
    return plan


def plan_withdraw(*, actor: Any, debtor_guid: str, plan_guid: str) -> PlanProposal | None:
    """Deletes a proposal upstream (never an active plan) and closes its record."""
    proposal = proposal_manage_check(actor=actor, debtor_guid=debtor_guid, plan_guid=plan_guid,
                                     action="plan.delete")
    gw = get_gateway()
    plan = gw.plan_get(debtor_guid, plan_guid)
    if plan.active != PlanState.PROPOSAL:
        raise NotAProposal(_("Only a proposal can be withdrawn; this plan is %(state)s.")
                           % {"state": plan.state.label if plan.state else plan.active})
    gw.plan_delete(debtor_guid, plan_guid, actor=actor, expected_fingerprint=fingerprint(plan))
    if proposal is not None and proposal.is_open:
        _close(proposal, Status.WITHDRAWN, actor=actor)
    return proposal
