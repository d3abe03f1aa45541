"""The debtor's timeline: the merge of every kind newest first, who and when, the filter,
the paging, what it leaves out, and the panel over htmx, as a page and on the 360 page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.audit.services import audit_record
from plans.models import PlanProposal
from work import services
from work.models import ContactNote, FollowUp, Promise
from work.timeline import timeline_page

GUID = "5a3e9c1d-2b4f-4a6e-8c7d-9e0f1a2b3c4d"
OTHER = "0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e"
HTMX = {"HX-Request": "true"}


def ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


@pytest.fixture
def history(agent_user, supervisor_user):
    """One of each kind, each at a known time (minutes ago in brackets), and noise that the
    timeline leaves out: another debtor's rows, a read of personal data, the local records'
    own audit entries."""
    note = ContactNote.objects.create(debtor_guid=GUID, channel="phone_out",
                                      direction="outbound", outcome="reached",
                                      text="Spoke to her", author=agent_user,
                                      created_at=ago(60))
    promise = Promise.objects.create(
        debtor_guid=GUID, amount=Decimal("500.00"), currency="SEK",
        due_date=timezone.localdate(), channel="phone_out", owner=agent_user,
        remaining_at_creation=Decimal("9000"), created_at=ago(50), status="partly_kept",
        paid_amount=Decimal("200.00"), checked_at=ago(5))
    followup = FollowUp.objects.create(
        debtor_guid=GUID, owner=agent_user, due_at=ago(-60), reason="Call back",
        created_by=supervisor_user, created_at=ago(40), status="done", outcome="contacted",
        completed_by=agent_user, completed_at=ago(15))
    plan = PlanProposal.objects.create(
        debtor_guid=GUID, plan_guid="7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910",
        proposed_by=agent_user, fingerprint="x", plan_type=1, currency="SEK",
        total_amount=Decimal("9000"), status="rejected", decided_by=supervisor_user,
        decided_at=ago(10), reason="Too long")
    PlanProposal.objects.filter(pk=plan.pk).update(created_at=ago(30))
    change = audit_record(action="address.update", outcome="ok", actor=agent_user,
                          debtor_guid=GUID)
    audit_record(action="pii.reveal", outcome="ok", actor=agent_user, debtor_guid=GUID)
    audit_record(action="note.create", outcome="ok", actor=agent_user, debtor_guid=GUID)
    denied = audit_record(action="followup.create", outcome="denied", actor=agent_user,
                          debtor_guid=GUID, reason="only supervisors assign")
    ContactNote.objects.create(debtor_guid=OTHER, channel="sms", direction="outbound",
                               outcome="reached", created_at=ago(1))
    return {"note": note, "promise": promise, "followup": followup, "plan": plan,
            "change": change, "denied": denied}


def test_every_kind_merged_newest_first_with_who(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # one query per source
        page = timeline_page(debtor_guid=GUID)
    got = [(e.event, e.record.pk, e.who_name) for e in page.entries]
    h = history
    assert got == [
        ("change", h["denied"].pk, "agent1"),  # a denied attempt on a local record stays
        ("change", h["change"].pk, "agent1"),
        ("promise-judged", h["promise"].pk, ""),  # the daily check: the system
        ("plan-decided", h["plan"].pk, "supervisor1"),
        ("followup-done", h["followup"].pk, "agent1"),
        ("plan-proposed", h["plan"].pk, "agent1"),
        ("followup-set", h["followup"].pk, "supervisor1"),
        ("promise-made", h["promise"].pk, "agent1"),
        ("note", h["note"].pk, "agent1"),
    ]
    assert not page.has_older and not page.has_newer


def test_the_filter_keeps_the_chosen_kinds(history):
    assert [e.event for e in timeline_page(debtor_guid=GUID, kinds=["promises"]).entries] == [
        "promise-judged", "promise-made"]
    both = timeline_page(debtor_guid=GUID, kinds=["notes", "plans"])
    assert [e.kind for e in both.entries] == ["plans", "plans", "notes"]
    assert both.kinds == ("notes", "plans")


def test_paging_continues_where_the_page_before_ended(agent_user):
    for n in range(30):
        ContactNote.objects.create(debtor_guid=GUID, channel="sms", direction="outbound",
                                   outcome="no_answer", text=f"n{n}", author=agent_user,
                                   created_at=ago(100 - n))
        if n % 10 == 0:
            audit_record(action="debtor.update", outcome="ok", debtor_guid=GUID)
    first = timeline_page(debtor_guid=GUID)
    second = timeline_page(debtor_guid=GUID, number=2)
    assert len(first.entries) == 25 and first.has_older
    assert len(second.entries) == 8 and not second.has_older and second.has_newer
    whole = first.entries + second.entries
    keys = [e.sort_key for e in whole]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == 33
    assert [e.record.text for e in whole if e.event == "note"][:2] == ["n29", "n28"]


def test_the_panel_over_htmx_and_as_a_page(history, agent_client):
    path = reverse("work:timeline", args=[GUID])
    answer = agent_client.get(path, {"kind": "followups"}, headers=HTMX)
    assert answer.status_code == 200 and "HX-Request" in answer["Vary"]
    html = answer.content.decode()
    assert html.lstrip().startswith('<section class="panel work-timeline" id="timeline"')
    assert re.findall(r'data-event="([a-z-]+)"', html) == ["followup-done", "followup-set"]
    assert "Follow-up for agent1" in html and "Call back" in html and "Debtor contacted" in html
    assert 'value="followups" id="timeline_kind_2" checked' in html
    assert 'hx-trigger="work-changed from:body"' in html
    assert f'hx-get="{path}?kind=followups"' in html  # the refresh keeps the filter

    page = agent_client.get(path)
    body = page.content.decode()
    assert "<html" in body and "Back to the debtor" in body
    assert "Address updated" in body and "Personal data revealed" not in body
    assert "Contact logged" not in body  # the note's own audit entry: the note shows instead
    assert "Spoke to her" in body and "SEK200.00 paid" in body and "Too long" in body


def test_older_and_newer_links_page_with_htmx_and_without(agent_client, agent_user):
    for n in range(27):
        ContactNote.objects.create(debtor_guid=GUID, channel="sms", direction="outbound",
                                   outcome="reached", text=f"note {n}", author=agent_user,
                                   created_at=ago(100 - n))
    path = reverse("work:timeline", args=[GUID])
    first = agent_client.get(path, {"kind": "notes"}, headers=HTMX).content.decode()
    older = f"{path}?kind=notes&amp;page=2"
    assert f'href="{older}" hx-get="{older}" rel="next" data-timeline-older' in first
    assert "data-timeline-newer" not in first
    second = agent_client.get(path, {"kind": "notes", "page": "2"}).content.decode()
    assert "<html" in second and " note 1<" in second and " note 0<" in second
    assert " note 2<" not in second
    assert second.count('data-event="note"') == 2 and "data-timeline-older" not in second
    assert f'href="{path}?kind=notes" hx-get="{path}?kind=notes" rel="prev"' in second


def test_bad_parameters_fall_back_to_the_first_page_of_everything(history, agent_client):
    path = reverse("work:timeline", args=[GUID])
    answer = agent_client.get(path, {"kind": "nonsense", "page": "x"}, headers=HTMX)
    assert answer.status_code == 200
    assert answer.content.decode().count("timeline__entry ") == 9


def test_the_360_shows_the_timeline_with_the_records_made_there(gw, sandbox_api, agent_client,
                                                               agent_user, admin_client_role):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    services.note_create(actor=agent_user, debtor_guid=guid, channel="phone_in",
                         direction="inbound", outcome="dispute", text="Disputes the fee")
    audit_record(action="debtor.update", outcome="ok", debtor_guid=guid)
    audit_record(action="pii.reveal", outcome="ok", debtor_guid=guid, reason="call")

    html = agent_client.get(reverse("debtors:detail", args=[guid])).content.decode()
    timeline = re.search(r'<section class="panel work-timeline".*?</section>', html, re.S)
    panel = timeline.group(0)
    assert panel.index("Debtor updated") < panel.index("Disputes the fee")  # newest first
    assert "Personal data revealed" not in panel
    assert "data-audit-link" not in panel  # only admins may open the audit trail
    admin = admin_client_role.get(reverse("debtors:detail", args=[guid])).content.decode()
    assert f'href="/audit/?debtor={guid}" data-audit-link' in admin
