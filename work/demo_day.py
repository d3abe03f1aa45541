"""A realistic day for the demo agents, made from the debtors the collection system answers with
(`manage.py seed_demo_day`, which `make run` runs once the sandbox is up).

What it makes, for "agent": a dozen follow-ups due earlier today or overdue (varied reasons and
priorities), promises due today and in a few days, contact notes over the last days (one of
them corrected), and promises judged over the last eight weeks (kept, partly kept, broken; the
recently broken ones with the follow-up the check would have set); for "agent2" a few of each,
and a few follow-ups in the team pool, so the team view and its weekly chart have data.

Records dated in the past are written as rows (the services refuse a past date, rightly) and
audited with `audit_record` and the services' snapshots, like the services do; everything
dated today goes through `work.services`. The audit chain stays valid: no entry is written by
hand. Idempotent: nothing is added when the demo agent already has work records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.gateway import get_gateway
from work import services
from work.models import Channel, ContactNote, FollowUp, Promise
from work.selectors import balances_gather

DEMO_AGENT = "agent"
DEMO_AGENT2 = "agent2"
DEBTORS_READ = 40
REASON = "demo data"
HUNDRED = Decimal("100")

# (hour today or days overdue, reason, priority) for the demo agent's follow-ups.
AGENT_FOLLOWUPS = [
    (-5, "Second reminder sent: call about the unpaid invoices", FollowUp.Priority.HIGH),
    (-3, "Call back as agreed: wants to discuss a payment plan", FollowUp.Priority.NORMAL),
    (-2, "Check that the first instalment arrived", FollowUp.Priority.NORMAL),
    (-1, "Debtor asked for a copy of the invoice: confirm it reached them",
     FollowUp.Priority.LOW),
    (-1, "No answer yesterday: try the mobile number", FollowUp.Priority.NORMAL),
    (8, "Morning call: promised to confirm the salary date", FollowUp.Priority.HIGH),
    (9, "Dispute raised: check the creditor's answer", FollowUp.Priority.HIGH),
    (10, "Call about the new case from the energy company", FollowUp.Priority.NORMAL),
    (11, "Remind about the promise due today", FollowUp.Priority.NORMAL),
    (13, "Discuss settling the fee before the principal", FollowUp.Priority.LOW),
    (14, "Call the guarantor's contact person", FollowUp.Priority.NORMAL),
    (15, "Confirm the new address before the letter goes out", FollowUp.Priority.LOW),
]
POOL_FOLLOWUPS = [
    (-1, "Returned letter: find a new address", FollowUp.Priority.NORMAL),
    (10, "Inbound call missed: call back", FollowUp.Priority.HIGH),
    (16, "New debtor: first contact", FollowUp.Priority.NORMAL),
]
AGENT2_FOLLOWUPS = [
    (-2, "Call back about the payment plan proposal", FollowUp.Priority.NORMAL),
    (9, "Check the promised payment", FollowUp.Priority.HIGH),
    (12, "First contact on the new case", FollowUp.Priority.NORMAL),
    (15, "Follow up the dispute", FollowUp.Priority.LOW),
]
NOTES = [
    (Channel.PHONE_OUT, ContactNote.Direction.OUTBOUND, ContactNote.Outcome.REACHED,
     "Reached the debtor; they will pay part of it at the end of the month."),
    (Channel.PHONE_OUT, ContactNote.Direction.OUTBOUND, ContactNote.Outcome.NO_ANSWER,
     "No answer, left no message."),
    (Channel.PHONE_IN, ContactNote.Direction.INBOUND, ContactNote.Outcome.PROMISE,
     "Called us: promises to pay on payday."),
    (Channel.EMAIL, ContactNote.Direction.INBOUND, ContactNote.Outcome.DISPUTE,
     "Says the second invoice was already paid to the creditor; asked for a receipt."),
    (Channel.SMS, ContactNote.Direction.OUTBOUND, ContactNote.Outcome.NO_ANSWER,
     "Reminder text sent with the payment reference."),
    (Channel.PHONE_OUT, ContactNote.Direction.OUTBOUND, ContactNote.Outcome.WRONG_NUMBER,
     "The number belongs to someone else now."),
    (Channel.LETTER, ContactNote.Direction.OUTBOUND, ContactNote.Outcome.REACHED,
     "Letter with the payment options sent."),
    (Channel.PHONE_OUT, ContactNote.Direction.OUTBOUND, ContactNote.Outcome.PLAN,
     "Agreed on a plan proposal of monthly instalments; to be sent for approval."),
    (Channel.PHONE_IN, ContactNote.Direction.INBOUND, ContactNote.Outcome.REFUSED,
     "Refuses to pay before speaking to the creditor."),
    (Channel.VISIT, ContactNote.Direction.INBOUND, ContactNote.Outcome.REACHED,
     "Came to the office to ask about the cases."),
]
CHANNELS = [Channel.PHONE_OUT, Channel.PHONE_IN, Channel.EMAIL, Channel.SMS]


@dataclass(frozen=True)
class DemoDebtor:
    guid: str
    name: str
    currency: str
    remaining: Decimal


@dataclass
class DemoDay:
    followups: int = 0
    notes: int = 0
    promises: int = 0
    skipped: str = ""
    debtors: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def demo_debtors(*, limit: int = DEBTORS_READ) -> list[DemoDebtor]:
    """The first `limit` debtors of the collection system with something remaining."""
    rows = get_gateway().debtor_list(top=limit).items
    parts = balances_gather(debtor_guids=[row.debtor_guid for row in rows])
    debtors = []
    for row in rows:
        part = parts[row.debtor_guid]
        if not part.ok or not part.result.remaining_sum or part.result.remaining_sum <= 0:
            continue
        summary = part.result
        currency = row.currency_code or next(
            (c.currency_code for c in summary.cases if c.currency_code), "SEK")
        debtors.append(DemoDebtor(guid=row.debtor_guid, name=row.full_name or summary.full_name
                                  or row.debtor_guid, currency=currency,
                                  remaining=summary.remaining_sum))
    return debtors


SNAPSHOTS = {FollowUp: ("followup", services.followup_snapshot),
             ContactNote: ("note", services.note_snapshot),
             Promise: ("promise", services.promise_snapshot)}


def _audit(action: str, record: Any, *, actor: Any, before: dict | None = None) -> None:
    """The entry the service would have written for `record`, marked as demo data."""
    target_type, snapshot = SNAPSHOTS[type(record)]
    audit_record(action=action, outcome=AuditEntry.Outcome.OK, actor=actor,
                 debtor_guid=record.debtor_guid, target_type=target_type,
                 target_id=str(record.pk), before=before, after=snapshot(record), reason=REASON)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _due(slot: int) -> datetime:
    """A slot below zero is that many days overdue (at 10:00), else that hour today."""
    return _at(slot, 10) if slot < 0 else _at(0, slot, 30 if slot % 2 else 0)


def _amount(debtor: DemoDebtor, rng: random.Random) -> Decimal:
    share = Decimal(rng.choice([10, 20, 25, 30, 50])) / HUNDRED
    amount = (debtor.remaining * share).quantize(Decimal("1"), rounding=ROUND_DOWN)
    return max(amount, min(debtor.remaining, Decimal("1"))).quantize(Decimal("0.01"))


def _followups(owner: Any, plan: list, debtors: list[DemoDebtor], *, creator: Any) -> int:
    for (slot, reason, priority), debtor in zip(plan, debtors, strict=False):
        followup = FollowUp.objects.create(
            debtor_guid=debtor.guid, debtor_name=debtor.name[:200], owner=owner, due_at=_due(slot),
            reason=reason, priority=priority, created_by=creator,
            created_at=min(_due(slot), timezone.now()) - timedelta(days=3),
        )
        _audit("followup.create", followup, actor=creator)
    return min(len(plan), len(debtors))


def _notes(agent: Any, debtors: list[DemoDebtor], rng: random.Random) -> int:
    made = 0
    first = None
    for index, debtor in enumerate(debtors[:len(NOTES)]):
        channel, direction, outcome, text = NOTES[index]
        note = ContactNote(debtor_guid=debtor.guid, channel=channel, direction=direction,
                           outcome=outcome, text=text, author=agent,
                           created_at=_at(-rng.randint(1, 6), rng.randint(8, 16)))
        note.save()
        _audit("note.create", note, actor=agent)
        made += 1
        first = first or note
    if first is not None:
        services.note_create(
            actor=agent, debtor_guid=first.debtor_guid, channel=first.channel,
            direction=first.direction, outcome=first.outcome, corrects=first,
            text="Correction: they will pay at the end of next month, not this one.",
        )
        made += 1
    return made


def _judged(owner: Any, debtor: DemoDebtor, status: str, weeks_ago: int,
            rng: random.Random) -> Promise:
    """A promise made and judged in the past, audited as the check would have."""
    checked = min(_at(-7 * weeks_ago - rng.randint(0, 4), 6, 15),
                  timezone.now() - timedelta(hours=1))
    due_date = (checked - timedelta(days=3)).date()
    made = checked - timedelta(days=rng.randint(8, 20))
    amount = _amount(debtor, rng)
    baseline = debtor.remaining + amount
    paid = {Promise.Status.KEPT: amount, Promise.Status.BROKEN: Decimal("0.00"),
            Promise.Status.PARTLY_KEPT: (amount / 2).quantize(Decimal("0.01"))}[status]
    promise = Promise.objects.create(
        debtor_guid=debtor.guid, debtor_name=debtor.name[:200], amount=amount,
        currency=debtor.currency, due_date=due_date, channel=rng.choice(CHANNELS), owner=owner,
        remaining_at_creation=baseline, created_at=made,
    )
    _audit("promise.create", promise, actor=owner)
    before = services.promise_snapshot(promise)
    promise.status = status
    promise.paid_amount = paid
    promise.remaining_at_check = baseline - paid
    promise.checked_at = checked
    promise.save()
    _audit(f"promise.{status}".replace("_", "-"), promise, actor=None, before=before)
    return promise


def _promises(owner: Any, debtors: list[DemoDebtor], rng: random.Random, *,
              judged: list[tuple[str, int]], open_days: list[int]) -> list[Promise]:
    made = []
    for (status, weeks_ago), debtor in zip(judged, debtors, strict=False):
        made.append(_judged(owner, debtor, status, weeks_ago, rng))
    for days, debtor in zip(open_days, debtors[len(judged):], strict=False):
        made.append(services.promise_create(
            actor=owner, debtor_guid=debtor.guid, debtor_name=debtor.name,
            amount=_amount(debtor, rng), currency=debtor.currency,
            due_date=timezone.localdate() + timedelta(days=days), channel=Channel.PHONE_IN,
            remaining=debtor.remaining,
        ))
    return made


def _missed_followups(promises: list[Promise]) -> int:
    """The follow-up the check sets for a missed promise, for those judged in the last week."""
    made = 0
    recent = timezone.now() - timedelta(days=7)
    for promise in promises:
        if promise.status in Promise.MISSED and promise.checked_at >= recent and not (
            FollowUp.objects.filter(debtor_guid=promise.debtor_guid, owner=promise.owner,
                                    status=FollowUp.Status.OPEN).exists()
        ):
            followup = FollowUp.objects.create(
                debtor_guid=promise.debtor_guid, debtor_name=promise.debtor_name,
                owner=promise.owner, priority=FollowUp.Priority.HIGH, promise=promise,
                due_at=timezone.localtime(promise.checked_at).replace(hour=9, minute=0),
                reason=f"Broken promise: {promise.amount} {promise.currency} due "
                       f"{promise.due_date.isoformat()}",
                created_at=promise.checked_at,
            )
            _audit("followup.create", followup, actor=None)
            made += 1
    return made


# Judged promises (status, weeks ago), spread over eight weeks for the team view's chart.
AGENT_JUDGED = [
    (Promise.Status.KEPT, 7), (Promise.Status.BROKEN, 6), (Promise.Status.KEPT, 5),
    (Promise.Status.KEPT, 4), (Promise.Status.PARTLY_KEPT, 3), (Promise.Status.KEPT, 2),
    (Promise.Status.BROKEN, 1), (Promise.Status.KEPT, 1), (Promise.Status.BROKEN, 0),
    (Promise.Status.PARTLY_KEPT, 0),
]
AGENT2_JUDGED = [
    (Promise.Status.BROKEN, 7), (Promise.Status.KEPT, 5), (Promise.Status.KEPT, 3),
    (Promise.Status.BROKEN, 2), (Promise.Status.KEPT, 0),
]


def demo_day_seed(*, seed: int = 15) -> DemoDay:
    """Makes the demo day (see the module's docstring); does nothing when it is there."""
    users = get_user_model().objects
    agent = users.filter(username=DEMO_AGENT).first()
    agent2 = users.filter(username=DEMO_AGENT2).first()
    supervisor = users.filter(username="supervisor").first()
    if agent is None or agent2 is None:
        return DemoDay(skipped="the demo users are missing: run seed_demo_users first")
    if (FollowUp.objects.filter(owner=agent).exists() or Promise.objects.filter(owner=agent)
            .exists() or ContactNote.objects.filter(author=agent).exists()):
        return DemoDay(skipped="the demo agent already has work records")
    debtors = demo_debtors()
    if not debtors:
        return DemoDay(skipped="the collection system answered with no debtor owing anything")
    rng = random.Random(seed)
    day = DemoDay(debtors=len(debtors))
    # The demo agent's follow-ups first, each on a debtor of its own; then the rest in turn.
    day.followups += _followups(agent, AGENT_FOLLOWUPS, debtors, creator=agent)
    rest = debtors[len(AGENT_FOLLOWUPS):] or debtors
    day.followups += _followups(None, POOL_FOLLOWUPS, rest, creator=supervisor or agent)
    day.followups += _followups(agent2, AGENT2_FOLLOWUPS, rest[len(POOL_FOLLOWUPS):] or rest,
                                creator=agent2)
    day.notes += _notes(agent, debtors, rng)
    shuffled = debtors[:]
    rng.shuffle(shuffled)
    promises = _promises(agent, shuffled, rng, judged=AGENT_JUDGED, open_days=[0, 0, 2, 5, 9])
    promises += _promises(agent2, shuffled[::-1], rng, judged=AGENT2_JUDGED, open_days=[0, 3])
    day.promises = len(promises)
    day.followups += _missed_followups(promises)
    return day
