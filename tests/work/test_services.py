"""The agent's day services: the rules the records keep, the roles, and the audit entries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from backoffice.audit.models import AuditEntry
from work import services
from work.models import AppendOnlyError, ContactNote, FollowUp, Promise

GUID = "3f0c1b8e-6a7d-4e52-9a1b-2c3d4e5f6a7b"


def _soon(hours: int = 2):
    return timezone.now() + timedelta(hours=hours)


def _entries(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_followup_create_audits_and_keeps_one_open_per_owner(agent_user):
    followup = services.followup_create(actor=agent_user, debtor_guid=GUID, due_at=_soon(),
                                        reason="Call back", owner=agent_user)
    [entry] = _entries("followup.create")
    assert (entry.outcome, entry.target_id, entry.debtor_guid) == ("ok", str(followup.pk), GUID)
    assert entry.after["owner"] == agent_user.username
    with pytest.raises(ValidationError) as raised:
        services.followup_create(actor=agent_user, debtor_guid=GUID, due_at=_soon(3),
                                 reason="Again", owner=agent_user)
    assert "owner" in raised.value.error_dict
    assert FollowUp.objects.count() == 1


def test_followup_in_the_past_is_refused(agent_user):
    with pytest.raises(ValidationError) as raised:
        services.followup_create(actor=agent_user, debtor_guid=GUID,
                                 due_at=timezone.now() - timedelta(hours=1), reason="Late",
                                 owner=agent_user)
    assert "due_at" in raised.value.error_dict


def test_agent_cannot_assign_to_others_and_the_refusal_is_audited(agent_user, agent2_user):
    with pytest.raises(PermissionDenied):
        services.followup_create(actor=agent_user, debtor_guid=GUID, due_at=_soon(),
                                 reason="For Bo", owner=agent2_user)
    [entry] = _entries("followup.create")
    assert entry.outcome == "denied"
    assert not FollowUp.objects.exists()


def test_complete_sets_the_next_for_the_same_owner(supervisor_user, agent_user):
    first = services.followup_create(actor=supervisor_user, debtor_guid=GUID, due_at=_soon(),
                                     reason="Call", owner=agent_user)
    done = services.followup_complete(actor=agent_user, followup=first, outcome="contacted",
                                      next_due_at=_soon(48), next_reason="Check payment")
    assert done.done.status == FollowUp.Status.DONE
    assert (done.next.owner, done.next.reason) == (agent_user, "Check payment")
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "followup.create", "followup.complete", "followup.create"]


def test_reassign_moves_and_keeps_clashes(supervisor_user, agent_user, agent2_user):
    a = services.followup_create(actor=supervisor_user, debtor_guid=GUID, due_at=_soon(),
                                 reason="A", owner=agent_user)
    other = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
    b = services.followup_create(actor=supervisor_user, debtor_guid=other, due_at=_soon(),
                                 reason="B", owner=agent_user)
    services.followup_create(actor=supervisor_user, debtor_guid=GUID, due_at=_soon(),
                             reason="Bo's own", owner=agent2_user)
    result = services.followup_reassign(actor=supervisor_user, followups=[a, b],
                                        owner=agent2_user)
    assert [f.pk for f in result.moved] == [b.pk]
    assert [f.pk for f in result.kept] == [a.pk]
    assert _entries("followup.reassign")[0].before["owner"] == agent_user.username
    with pytest.raises(PermissionDenied):
        services.followup_reassign(actor=agent_user, followups=[a], owner=None)


def test_notes_are_append_only(agent_user):
    note = services.note_create(actor=agent_user, debtor_guid=GUID, channel="phone_out",
                                direction="outbound", outcome="reached", text="Will pay")
    fix = services.note_create(actor=agent_user, debtor_guid=GUID, channel="phone_out",
                               direction="outbound", outcome="promise", text="Will pay Friday",
                               corrects=note)
    assert fix.corrects == note
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["note.create",
                                                                     "note.correct"]
    note.text = "changed"
    with pytest.raises(AppendOnlyError):
        note.save()
    with pytest.raises(AppendOnlyError):
        ContactNote.objects.filter(pk=note.pk).update(text="x")
    with pytest.raises(ValidationError):
        services.note_create(actor=agent_user, debtor_guid=GUID, channel="email",
                             direction="inbound", outcome="reached", text="x" * 2001)


@pytest.mark.parametrize(("remaining_now", "status", "paid", "followups"), [
    ("500.00", Promise.Status.KEPT, "500.00", 0),
    ("800.00", Promise.Status.PARTLY_KEPT, "200.00", 1),
    ("1000.00", Promise.Status.BROKEN, "0.00", 1),
])
def test_promise_judgement(agent_user, remaining_now, status, paid, followups):
    promise = services.promise_create(
        actor=agent_user, debtor_guid=GUID, amount=Decimal("500"), currency="SEK",
        due_date=timezone.localdate(), channel="phone_out", remaining=Decimal("1000.00"))
    services.promise_judge(promise=promise, remaining_now=Decimal(remaining_now))
    promise.refresh_from_db()
    assert (promise.status, promise.paid_amount) == (status, Decimal(paid))
    assert FollowUp.objects.filter(promise=promise, owner=agent_user).count() == followups
    assert _entries(f"promise.{status}".replace("_", "-"))[0].actor is None


def test_promise_amount_and_date_rules(agent_user):
    args = {"actor": agent_user, "debtor_guid": GUID, "currency": "SEK", "channel": "sms"}
    with pytest.raises(ValidationError) as zero:
        services.promise_create(amount=Decimal("0"), due_date=timezone.localdate(), **args)
    assert "amount" in zero.value.error_dict
    with pytest.raises(ValidationError) as far:
        services.promise_create(amount=Decimal("10"),
                                due_date=timezone.localdate() + timedelta(days=400), **args)
    assert "due_date" in far.value.error_dict
    assert not Promise.objects.exists()
