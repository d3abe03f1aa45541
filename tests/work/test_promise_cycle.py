"""The promise cycle over real HTTP: make a promise with the balance read from the sandbox, pay
(or not) through the sandbox's control API, run the daily check past the grace period."""

import uuid
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import verify_chain
from work import selectors, services
from work.models import FollowUp, Promise
from work.promise_check import promises_check

TODAY = timezone.localdate


def _debtor(sandbox_api, principal=1000) -> str:
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.add_case(guid, remainingPrincipal=principal, remainingFee=60)
    return guid


def _promise(user, guid: str, amount: str, *, remaining=True, days: int = 0) -> Promise:
    baseline = selectors.balance_get(debtor_guid=guid).remaining_sum if remaining else None
    return services.promise_create(
        actor=user, debtor_guid=guid, debtor_name="Test Person", amount=Decimal(amount),
        currency="SEK", due_date=TODAY() + timedelta(days=days), channel="phone_out",
        remaining=baseline,
    )


def _summaries(upstream) -> list[str]:
    return [p for p in upstream.paths() if p.endswith("/summary")]


def _after_grace():
    return TODAY() + timedelta(days=3)


def test_kept_partly_kept_and_broken(upstream, sandbox_api, agent_user):
    kept_guid, partly_guid, broken_guid = (_debtor(sandbox_api) for _ in range(3))
    kept = _promise(agent_user, kept_guid, "500.00")
    assert kept.remaining_at_creation == Decimal("1060.00")
    partly = _promise(agent_user, partly_guid, "500.00")
    broken = _promise(agent_user, broken_guid, "200.00")
    sandbox_api.pay(kept_guid, "500.00")
    sandbox_api.pay(partly_guid, "120.50")
    upstream.reset()

    # Before the grace period has passed nothing is judged, and no summary is read.
    early = promises_check(today=TODAY() + timedelta(days=2), grace_days=3)
    assert (early.judged, early.summary_calls) == (0, 0)
    assert _summaries(upstream) == []

    report = promises_check(today=_after_grace(), grace_days=3)
    assert (report.kept, report.partly_kept, report.broken) == (1, 1, 1)
    assert report.unreadable == {} and report.ok
    assert sorted(_summaries(upstream)) == sorted(
        f"/debtors/{g}/summary" for g in (kept_guid, partly_guid, broken_guid))

    kept.refresh_from_db()
    partly.refresh_from_db()
    broken.refresh_from_db()
    assert (kept.status, kept.paid_amount) == (Promise.Status.KEPT, Decimal("500.00"))
    assert kept.remaining_at_check == Decimal("560.00")
    assert (partly.status, partly.paid_amount) == (Promise.Status.PARTLY_KEPT, Decimal("120.50"))
    assert partly.shortfall == Decimal("379.50")
    assert (broken.status, broken.paid_amount) == (Promise.Status.BROKEN, Decimal("0.00"))

    [entry] = AuditEntry.objects.filter(action="promise.kept")
    assert (entry.actor_id, entry.target_id, entry.debtor_guid) == (None, str(kept.pk), kept_guid)
    [entry] = AuditEntry.objects.filter(action="promise.partly-kept")
    assert entry.after["paid_amount"] == "120.50" and entry.actor_id is None
    [entry] = AuditEntry.objects.filter(action="promise.broken")
    assert (entry.actor_id, entry.target_id) == (None, str(broken.pk))

    # The two missed promises set their owner a follow-up, high priority, linked to them.
    assert not FollowUp.objects.filter(debtor_guid=kept_guid).exists()
    for promise in (partly, broken):
        [followup] = FollowUp.objects.filter(debtor_guid=promise.debtor_guid)
        assert followup.owner == agent_user
        assert followup.priority == FollowUp.Priority.HIGH
        assert followup.promise == promise and followup.is_open
    assert "120.50" in FollowUp.objects.get(promise=partly).reason

    # A second run judges nothing again, creates no second follow-up, reads no summary.
    upstream.reset()
    again = promises_check(today=_after_grace(), grace_days=3)
    assert (again.judged, again.summary_calls) == (0, 0)
    assert FollowUp.objects.filter(promise__isnull=False).count() == 2
    assert AuditEntry.objects.filter(action="followup.create").count() == 2
    assert _summaries(upstream) == []
    assert verify_chain() is None


def test_one_summary_call_per_debtor(upstream, sandbox_api, agent_user, agent2_user):
    guid = _debtor(sandbox_api, principal=5000)
    other = _debtor(sandbox_api, principal=5000)
    # Promises of several agents on one debtor: one read serves them all.
    _promise(agent_user, guid, "100.00")
    _promise(agent2_user, guid, "100.00", days=1)
    _promise(agent_user, other, "100.00")
    _promise(agent2_user, other, "100.00", days=2)
    sandbox_api.pay(guid, "150.00")
    upstream.reset()
    # Batches of one debtor: the grouping holds across batches too.
    report = promises_check(today=TODAY() + timedelta(days=5), grace_days=3, debtor_batch=1)
    assert report.summary_calls == 2
    assert upstream.calls("GET", f"/debtors/{guid}/summary") == 1
    assert upstream.calls("GET", f"/debtors/{other}/summary") == 1
    assert (report.kept, report.broken) == (2, 2)


def test_the_command_judges_and_prints_its_summary(upstream, sandbox_api, agent_user):
    guid = _debtor(sandbox_api)
    promise = _promise(agent_user, guid, "300.00")
    sandbox_api.pay(guid, "300.00")
    out = StringIO()
    call_command("promises_check", "--today", _after_grace().isoformat(), "--grace-days", "3",
                 stdout=out)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.KEPT
    text = out.getvalue()
    assert "1 kept, 0 partly kept, 0 broken, 0 baselines filled" in text
    assert "1 debtors asked, 0 unreadable" in text
    with pytest.raises(CommandError):
        call_command("promises_check", "--today", "31/12/2025", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("promises_check", "--grace-days", "-1", stdout=StringIO())


def test_grace_days_default_to_the_setting(upstream, sandbox_api, agent_user, settings):
    settings.PROMISE_GRACE_DAYS = 1
    guid = _debtor(sandbox_api)
    promise = _promise(agent_user, guid, "300.00")
    assert promises_check(today=TODAY()).judged == 0
    assert promises_check(today=TODAY() + timedelta(days=1)).broken == 1
    promise.refresh_from_db()
    assert promise.status == Promise.Status.BROKEN


def test_a_promise_without_baseline_gets_one_then_is_judged_next_run(upstream, sandbox_api,
                                                                      agent_user):
    ahead = _debtor(sandbox_api)
    due = _debtor(sandbox_api)
    # Made while Aptic could not be read: no baseline.
    later = _promise(agent_user, ahead, "100.00", remaining=False, days=10)
    late = _promise(agent_user, due, "100.00", remaining=False)
    sandbox_api.pay(due, "100.00")  # paid before its baseline could be read: not seen

    report = promises_check(today=_after_grace(), grace_days=3)
    assert (report.baselines, report.judged) == (2, 0)
    later.refresh_from_db()
    late.refresh_from_db()
    assert later.remaining_at_creation == Decimal("1060.00")
    assert late.remaining_at_creation == Decimal("960.00")
    assert late.status == Promise.Status.OPEN
    assert AuditEntry.objects.filter(action="promise.baseline", actor__isnull=True).count() == 2

    sandbox_api.pay(due, "100.00")  # paid after the reading: counts
    report = promises_check(today=_after_grace() + timedelta(days=1), grace_days=3)
    assert (report.baselines, report.kept, report.judged) == (0, 1, 1)
    late.refresh_from_db()
    later.refresh_from_db()
    assert late.status == Promise.Status.KEPT
    assert later.status == Promise.Status.OPEN  # not due yet


def test_unreadable_debtors_stay_open_and_are_reported(upstream, sandbox_api, agent_user):
    readable = _debtor(sandbox_api)
    gone = str(uuid.uuid4())  # unknown to the sandbox: its summary is a 404
    open_promises = [_promise(agent_user, readable, "50.00"),
                     _promise(agent_user, gone, "50.00", remaining=False)]
    open_promises[1].remaining_at_creation = Decimal("500.00")
    open_promises[1].save(update_fields=["remaining_at_creation"])

    report = promises_check(today=_after_grace(), grace_days=3)
    assert list(report.unreadable) == [gone]
    assert "404" in report.unreadable[gone]
    assert report.broken == 1 and report.ok
    assert Promise.objects.get(debtor_guid=gone).status == Promise.Status.OPEN

    # The whole upstream faulted: nothing judged, every debtor reported, exit status 0.
    fresh = _debtor(sandbox_api)
    promise = _promise(agent_user, fresh, "50.00")
    sandbox_api.set_faults(status=503)
    out = StringIO()
    call_command("promises_check", "--today", _after_grace().isoformat(), stdout=out)
    assert f"unreadable {fresh}" in out.getvalue()
    assert f"unreadable {gone}" in out.getvalue()
    assert "0 kept, 0 partly kept, 0 broken" in out.getvalue()
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN

    # The next run, with the sandbox back, judges it.
    sandbox_api.clear_faults()
    with_back = promises_check(today=_after_grace(), grace_days=3)
    assert with_back.broken == 1
    promise.refresh_from_db()
    assert promise.status == Promise.Status.BROKEN
