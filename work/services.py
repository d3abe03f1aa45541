"""Every change to the agent's day: one function per change, each audited in its transaction.

The caller passes the acting user (`actor=`). Rules the records must keep raise
`ValidationError` keyed by form field, so the view can show the message at the field; what
the actor's role does not allow is recorded as `denied` and raises `PermissionDenied`.
Nothing here calls Aptic: the balance a promise is judged by is read by the caller
(`work.selectors`) and handed in, so a note or a promise saves while Aptic is down.

Each record is saved in its own short transaction and audited right after it commits, as
the plan services do: the audit chain appends outside the caller's transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice import roles
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from work.models import ContactNote, FollowUp, Promise

OK = AuditEntry.Outcome.OK
CENT = Decimal("0.01")


# --- Snapshots and the audit call --------------------------------------------------------------


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def followup_snapshot(followup: FollowUp) -> dict[str, Any]:
    return {
        "debtor_guid": followup.debtor_guid,
        "owner": _username(followup.owner),
        "due_at": followup.due_at,
        "reason": followup.reason,
        "priority": followup.priority,
        "status": followup.status,
        "outcome": followup.outcome,
        "outcome_note": followup.outcome_note,
        "promise_id": followup.promise_id,
    }


def note_snapshot(note: ContactNote) -> dict[str, Any]:
    return {
        "debtor_guid": note.debtor_guid,
        "channel": note.channel,
        "direction": note.direction,
        "outcome": note.outcome,
        "text": note.text,
        "case_guids": list(note.case_guids),
        "corrects_id": note.corrects_id,
    }


def promise_snapshot(promise: Promise) -> dict[str, Any]:
    return {
        "debtor_guid": promise.debtor_guid,
        "amount": promise.amount,
        "currency": promise.currency,
        "due_date": promise.due_date,
        "case_guids": list(promise.case_guids),
        "channel": promise.channel,
        "note_id": promise.note_id,
        "owner": _username(promise.owner),
        "remaining_at_creation": promise.remaining_at_creation,
        "status": promise.status,
        "paid_amount": promise.paid_amount,
        "remaining_at_check": promise.remaining_at_check,
    }


_SNAPSHOTS = {FollowUp: ("followup", followup_snapshot), ContactNote: ("note", note_snapshot),
              Promise: ("promise", promise_snapshot)}


def _audit(action: str, record: FollowUp | ContactNote | Promise, *, actor: Any,
           before: dict[str, Any] | None = None, reason: str = "") -> None:
    target_type, snapshot = _SNAPSHOTS[type(record)]
    audit_record(action=action, outcome=OK, actor=actor, debtor_guid=record.debtor_guid,
                 target_type=target_type, target_id=str(record.pk), before=before,
                 after=snapshot(record), reason=reason)


def _deny(*, actor: Any, action: str, reason: str, debtor_guid: str = "") -> PermissionDenied:
    audit_record(action=action, outcome=AuditEntry.Outcome.DENIED, actor=actor,
                 debtor_guid=debtor_guid, reason=reason)
    return PermissionDenied(reason)


# --- Who may act on what -----------------------------------------------------------------------


def can_manage_team(user: Any) -> bool:
    return roles.user_can(user, roles.MANAGE_TEAM)


def followup_can_act(user: Any, followup: FollowUp) -> bool:
    """Agents act on their own follow-ups and the pool; supervisors and admins on any."""
    if not roles.user_can(user, roles.KEEP_WORKLIST):
        return False
    return followup.owner_id in (None, user.pk) or can_manage_team(user)


def _check_owner(*, actor: Any, owner: Any, action: str, debtor_guid: str) -> None:
    if owner is not None and owner.pk == actor.pk:
        return
    if not can_manage_team(actor):
        raise _deny(actor=actor, action=action, debtor_guid=debtor_guid,
                    reason="only supervisors assign follow-ups to others or to the pool")
    if owner is not None and not roles.user_can(owner, roles.KEEP_WORKLIST):
        raise ValidationError({"owner": _("%(user)s does not work on follow-ups.")
                               % {"user": owner.get_full_name() or owner.get_username()}})


def _check_due(due_at: datetime) -> None:
    if due_at < timezone.now() - timedelta(minutes=1):
        raise ValidationError({"due_at": _("A follow-up cannot be due in the past.")})


def _one_open(*, debtor_guid: str, owner: Any, exclude: int | None = None) -> None:
    """A debtor has at most one open follow-up per owner (the pool may hold several)."""
    if owner is None:
        return
    clash = FollowUp.objects.filter(debtor_guid=debtor_guid, owner=owner,
                                    status=FollowUp.Status.OPEN).exclude(pk=exclude).first()
    if clash is not None:
        raise ValidationError({"owner": _(
            "%(user)s already has an open follow-up on this debtor, due %(due)s. "
            "Complete or move that one first."
        ) % {"user": owner.get_full_name() or owner.get_username(),
             "due": timezone.localtime(clash.due_at).strftime("%Y-%m-%d %H:%M")}})


def _saved_open(followup: FollowUp) -> None:
    """Saves under the one-open constraint; a race lost to another save reads as the rule."""
    try:
        with transaction.atomic():
            followup.save()
    except IntegrityError:
        _one_open(debtor_guid=followup.debtor_guid, owner=followup.owner, exclude=followup.pk)
        raise


# --- Follow-ups --------------------------------------------------------------------------------


def followup_create(*, actor: Any, debtor_guid: str, debtor_name: str = "", due_at: datetime,
                    reason: str, priority: int = FollowUp.Priority.NORMAL, owner: Any = None,
                    promise: Promise | None = None) -> FollowUp:
    """A follow-up for `owner` (the pool when None). Agents set them for themselves only."""
    _check_owner(actor=actor, owner=owner, action="followup.create", debtor_guid=debtor_guid)
    _check_due(due_at)
    _one_open(debtor_guid=debtor_guid, owner=owner)
    followup = FollowUp(debtor_guid=debtor_guid, debtor_name=debtor_name[:200],
                        owner=owner, due_at=due_at, reason=reason, priority=priority,
                        created_by=actor, promise=promise)
    _saved_open(followup)
    _audit("followup.create", followup, actor=actor)
    return followup


@dataclass(frozen=True)
class Completed:
    done: FollowUp
    next: FollowUp | None


def followup_complete(*, actor: Any, followup: FollowUp, outcome: str, note: str = "",
                      next_due_at: datetime | None = None, next_reason: str = "",
                      next_priority: int | None = None) -> Completed:
    """Closes a follow-up with its outcome and, when asked, sets the next one.

    The next follow-up goes to the same owner; one taken from the pool goes to the actor.
    """
    if not followup_can_act(actor, followup):
        raise _deny(actor=actor, action="followup.complete", debtor_guid=followup.debtor_guid,
                    reason="not the owner of this follow-up")
    next_owner = followup.owner or actor
    if next_due_at is not None:
        _check_due(next_due_at)
        if not next_reason:
            raise ValidationError({"next_reason": _("Say what the next follow-up is for.")})
        _one_open(debtor_guid=followup.debtor_guid, owner=next_owner, exclude=followup.pk)
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if not followup.is_open:
            raise ValidationError({"outcome": _("This follow-up was already completed.")})
        before = followup_snapshot(followup)
        followup.status = FollowUp.Status.DONE
        followup.outcome = outcome
        followup.outcome_note = note
        followup.completed_by = actor
        followup.completed_at = timezone.now()
        followup.save()
    _audit("followup.complete", followup, actor=actor, before=before)
    following = None
    if next_due_at is not None:
        following = followup_create(
            actor=actor, debtor_guid=followup.debtor_guid, debtor_name=followup.debtor_name,
            due_at=next_due_at, reason=next_reason,
            priority=next_priority or followup.priority, owner=next_owner,
        )
    return Completed(done=followup, next=following)


def followup_take(*, actor: Any, followup: FollowUp) -> FollowUp:
    """An agent takes a follow-up from the team pool."""
    if not roles.user_can(actor, roles.KEEP_WORKLIST):
        raise _deny(actor=actor, action="followup.take", debtor_guid=followup.debtor_guid,
                    reason=f"missing permission {roles.KEEP_WORKLIST}")
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.owner_id is not None or not followup.is_open:
            raise ValidationError({"owner": _("Someone else has taken this follow-up.")})
        _one_open(debtor_guid=followup.debtor_guid, owner=actor)
        before = followup_snapshot(followup)
        followup.owner = actor
        _saved_open(followup)
    _audit("followup.take", followup, actor=actor, before=before)
    return followup


@dataclass(frozen=True)
class Reassigned:
    moved: list[FollowUp]
    kept: list[FollowUp]  # the new owner already had an open follow-up on these debtors


def followup_reassign(*, actor: Any, followups: Iterable[FollowUp], owner: Any) -> Reassigned:
    """Moves open follow-ups to `owner` (the pool when None); supervisors and admins only.

    A follow-up whose debtor the new owner already follows stays where it is and is listed
    in `kept`, so no debtor ends up with two open follow-ups for one agent.
    """
    followups = list(followups)
    if not can_manage_team(actor):
        raise _deny(actor=actor, action="followup.reassign",
                    reason=f"missing permission {roles.MANAGE_TEAM}",
                    debtor_guid=followups[0].debtor_guid if len(followups) == 1 else "")
    if owner is not None and not roles.user_can(owner, roles.KEEP_WORKLIST):
        raise ValidationError({"owner": _("%(user)s does not work on follow-ups.")
                               % {"user": owner.get_full_name() or owner.get_username()}})
    moved, kept = [], []
    for followup in FollowUp.objects.filter(
        pk__in=[f.pk for f in followups], status=FollowUp.Status.OPEN
    ).select_related("owner").order_by("due_at", "id"):
        if followup.owner_id == (owner.pk if owner is not None else None):
            continue
        before = followup_snapshot(followup)
        followup.owner = owner
        try:
            _one_open(debtor_guid=followup.debtor_guid, owner=owner, exclude=followup.pk)
            _saved_open(followup)
        except ValidationError:
            kept.append(followup)
            continue
        _audit("followup.reassign", followup, actor=actor, before=before)
        moved.append(followup)
    return Reassigned(moved=moved, kept=kept)


# --- Contact notes -----------------------------------------------------------------------------

# The direction a phone channel implies; the other channels go either way.
CHANNEL_DIRECTION = {"phone_out": ContactNote.Direction.OUTBOUND,
                     "phone_in": ContactNote.Direction.INBOUND}


def note_create(*, actor: Any, debtor_guid: str, channel: str, direction: str, outcome: str,
                text: str = "", case_guids: Sequence[str] = (),
                corrects: ContactNote | None = None) -> ContactNote:
    """Appends a note to the contact log; a correction points at the note it corrects."""
    if len(text) > ContactNote.MAX_TEXT:
        raise ValidationError({"text": _("Keep the note to %(max)d characters (this one has "
                                         "%(count)d).") % {"max": ContactNote.MAX_TEXT,
                                                            "count": len(text)}})
    implied = CHANNEL_DIRECTION.get(channel)
    if implied is not None and direction != implied:
        raise ValidationError({"direction": _("This channel goes the other way.")})
    if corrects is not None and corrects.debtor_guid != debtor_guid:
        raise ValidationError({"corrects": _("The corrected note belongs to another debtor.")})
    note = ContactNote.objects.create(
        debtor_guid=debtor_guid, channel=channel, direction=direction, outcome=outcome,
        text=text, case_guids=list(case_guids), corrects=corrects, author=actor,
    )
    _audit("note.correct" if corrects is not None else "note.create", note, actor=actor)
    return note


# --- Promises to pay ---------------------------------------------------------------------------


def promise_date_check(due_date: date, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if due_date < today:
        raise ValidationError({"due_date": _("A promise cannot be dated in the past.")})
    if due_date > today + timedelta(days=settings.PROMISE_MAX_DAYS_AHEAD):
        raise ValidationError({"due_date": _(
            "A promise can be at most %(days)d days ahead; for longer, propose a payment plan."
        ) % {"days": settings.PROMISE_MAX_DAYS_AHEAD}})


def promise_amount_check(amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})


def promise_create(*, actor: Any, debtor_guid: str, debtor_name: str = "", amount: Decimal,
                   currency: str, due_date: date, channel: str, case_guids: Sequence[str] = (),
                   note: ContactNote | None = None,
                   remaining: Decimal | None = None) -> Promise:
    """Records a promise. `remaining` is the debtor's total remaining now, when it could be
    read; without it the daily check reads it before judging."""
    promise_amount_check(amount)
    promise_date_check(due_date)
    promise = Promise.objects.create(
        debtor_guid=debtor_guid, debtor_name=debtor_name[:200],
        amount=amount.quantize(CENT), currency=currency, due_date=due_date,
        case_guids=list(case_guids), channel=channel, note=note, owner=actor,
        remaining_at_creation=remaining,
    )
    _audit("promise.create", promise, actor=actor)
    return promise


def promise_baseline_set(*, promise: Promise, remaining: Decimal) -> Promise:
    """The total remaining read later for a promise made while Aptic could not be read."""
    before = promise_snapshot(promise)
    promise.remaining_at_creation = remaining
    promise.save(update_fields=["remaining_at_creation"])
    _audit("promise.baseline", promise, actor=None, before=before)
    return promise


def promise_judgement(promise: Promise, remaining_now: Decimal) -> tuple[str, Decimal]:
    """(status, amount paid since the promise) from the two totals remaining."""
    paid = max((promise.remaining_at_creation or Decimal("0")) - remaining_now, Decimal("0"))
    paid = paid.quantize(CENT)
    if paid >= promise.amount:
        return Promise.Status.KEPT, paid
    if paid > 0:
        return Promise.Status.PARTLY_KEPT, paid
    return Promise.Status.BROKEN, paid


def promise_judge(*, promise: Promise, remaining_now: Decimal) -> Promise:
    """Judges a due promise (the daily check's system change) and, when it was not kept in
    full, sets its owner a follow-up for tomorrow morning unless they follow the debtor already.
    """
    status, paid = promise_judgement(promise, remaining_now)
    before = promise_snapshot(promise)
    promise.status = status
    promise.paid_amount = paid
    promise.remaining_at_check = remaining_now
    promise.checked_at = timezone.now()
    promise.save(update_fields=["status", "paid_amount", "remaining_at_check", "checked_at"])
    _audit(f"promise.{status}".replace("_", "-"), promise, actor=None, before=before)
    if status != Promise.Status.KEPT:
        _followup_for_missed(promise)
    return promise


def _followup_for_missed(promise: Promise) -> None:
    owner = promise.owner
    if owner is None or not owner.is_active:
        owner = None
    elif FollowUp.objects.filter(debtor_guid=promise.debtor_guid, owner=owner,
                                 status=FollowUp.Status.OPEN).exists():
        return
    due = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    due += timedelta(days=1)
    reason = (_("Broken promise: %(amount)s %(currency)s due %(date)s")
              if promise.status == Promise.Status.BROKEN else
              _("Promise partly kept: %(paid)s of %(amount)s %(currency)s due %(date)s"))
    followup = FollowUp(
        debtor_guid=promise.debtor_guid, debtor_name=promise.debtor_name, owner=owner,
        due_at=due, priority=FollowUp.Priority.HIGH, promise=promise,
        reason=reason % {"amount": promise.amount, "paid": promise.paid_amount,
                         "currency": promise.currency, "date": promise.due_date.isoformat()},
    )
    _saved_open(followup)
    _audit("followup.create", followup, actor=None, reason=f"promise {promise.pk} not kept")
