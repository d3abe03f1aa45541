"""seed_demo_day against the sandbox over HTTP: a full day for the demo agent, audited, once."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import verify_chain
from work.models import ContactNote, FollowUp, Promise
from work.selectors import followup_due_list


@pytest.fixture
def demo_users(db, settings):
    settings.DEBUG = True
    call_command("seed_demo_users", stdout=StringIO())
    return User.objects.get(username="agent"), User.objects.get(username="agent2")


@pytest.fixture
def debtors(sandbox_api):
    guids = []
    for index in range(24):
        guid = sandbox_api.create_debtor()["debtorGuid"]
        sandbox_api.add_case(guid, remainingPrincipal=1000 + 250 * index, remainingFee=60)
        guids.append(guid)
    sandbox_api.create_debtor()  # owes nothing: left out
    return guids


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo_day", stdout=out)
    return out.getvalue()


def test_the_demo_day(aptic, debtors, demo_users, settings):
    agent, agent2 = demo_users
    text = _seed()
    assert "Demo day seeded from 24 debtors" in text

    due = list(followup_due_list(owner=agent))
    assert len(due) >= 10
    assert len({f.reason for f in due}) >= 8
    assert {f.priority for f in due} == {1, 2, 3}
    assert any(f.is_overdue for f in due)
    assert {f.debtor_guid for f in due} <= set(debtors)
    assert followup_due_list(owner=None).count() >= 2  # the team pool
    assert followup_due_list(owner=agent2).count() >= 3

    notes = ContactNote.objects.filter(author=agent)
    assert notes.count() >= 8
    assert len(set(notes.values_list("channel", flat=True))) >= 4
    assert len(set(notes.values_list("outcome", flat=True))) >= 5
    assert notes.filter(corrects__isnull=False).count() == 1

    promises = Promise.objects.filter(owner=agent)
    statuses = set(promises.values_list("status", flat=True))
    assert {"open", "kept", "broken", "partly_kept"} <= statuses
    assert len({p.debtor_guid for p in promises}) >= 5
    judged = promises.exclude(status="open")
    weeks = {(p.checked_at.date().isocalendar()[:2]) for p in judged}
    assert len(weeks) >= 6  # spread over the last eight weeks for the weekly chart
    assert all(p.created_at < p.checked_at for p in judged)
    assert Promise.objects.filter(owner=agent2).exclude(status="open").exists()
    # A recently broken promise has the follow-up the check would have set.
    assert FollowUp.objects.filter(promise__isnull=False, priority=3).exists()

    # Every record is in the audit trail, and the chain verifies.
    assert AuditEntry.objects.filter(action="followup.create").count() == FollowUp.objects.count()
    assert AuditEntry.objects.filter(action="promise.create").count() == Promise.objects.count()
    assert AuditEntry.objects.filter(action="promise.kept", actor__isnull=True).exists()
    assert AuditEntry.objects.filter(action="promise.broken", actor__isnull=True).exists()
    assert AuditEntry.objects.filter(action="note.correct").count() == 1
    assert verify_chain() is None

    # A second run adds nothing.
    counts = (FollowUp.objects.count(), ContactNote.objects.count(), Promise.objects.count(),
              AuditEntry.objects.count())
    assert "already has work records" in _seed()
    assert counts == (FollowUp.objects.count(), ContactNote.objects.count(),
                      Promise.objects.count(), AuditEntry.objects.count())


def test_without_demo_users_or_in_production(aptic, debtors, db, settings):
    settings.DEBUG = True
    assert "run seed_demo_users first" in _seed()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused in production"):
        _seed()
    assert not FollowUp.objects.exists()


def test_aptic_down_is_a_clear_error(demo_users, settings):
    # No sandbox answers at the default test address.
    with pytest.raises(CommandError, match="could not be read"):
        _seed()
    assert not FollowUp.objects.exists()
