"""The debtor's work panels (follow-ups, contact log, promises) over HTTP against the sandbox:
each record made through the views and listed, its audit entry, the roles, bad input at the
field, Aptic down while saving, htmx and the full page, CSRF."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.audit.models import AuditEntry
from work.models import ContactNote, FollowUp, Promise

pytestmark = pytest.mark.usefixtures("gw")

HTMX = {"HX-Request": "true"}


@pytest.fixture
def debtor(sandbox_api):
    """A debtor with two active cases, 12,000.00 SEK remaining in all."""
    created = sandbox_api.create_debtor()
    guid = created["debtorGuid"]
    first = sandbox_api.add_case(guid, remainingPrincipal=10000)
    second = sandbox_api.add_case(guid, remainingPrincipal=2000)
    return {"guid": guid, "cases": [first["caseGuid"], second["caseGuid"]]}


def url(name, debtor, *more):
    return reverse(f"work:{name}", args=[debtor["guid"], *more])


def soon(hours=3):
    return (timezone.localtime() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def in_days(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def entries(action, **filters):
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))


# --- The 360 page and the panels' shapes -------------------------------------------------------


def test_the_360_page_holds_the_work_panels_and_the_timeline(agent_client, debtor):
    html = agent_client.get(reverse("debtors:detail", args=[debtor["guid"]])).content.decode()
    for anchor in ("work-followups", "work-contacts", "work-promises", "timeline"):
        assert f'id="{anchor}"' in html
    assert html.index('id="summary"') < html.index('id="work-followups"')
    assert 'id="recent-changes"' not in html  # the timeline took its place
    assert 'name="case_guids"' in html and debtor["cases"][0] in html  # from the page's read
    assert 'type="hidden" name="owner"' in html  # an agent has no choice of owner
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_each_panel_answers_alone_for_htmx_and_as_a_page_without(agent_client, debtor):
    for name, anchor in (("followups", "work-followups"), ("contacts", "work-contacts"),
                         ("promises", "work-promises"), ("timeline", "timeline")):
        fragment = agent_client.get(url(name, debtor), headers=HTMX)
        assert fragment.status_code == 200
        assert "HX-Request" in fragment["Vary"]
        html = fragment.content.decode()
        assert "<html" not in html and f'id="{anchor}"' in html
        page = agent_client.get(url(name, debtor))
        assert b"<html" in page.content and f'id="{anchor}"'.encode() in page.content
        assert b"Back to the debtor" in page.content


# --- Follow-ups --------------------------------------------------------------------------------


def test_set_a_follow_up_lists_it_and_audits(agent_client, agent_user, debtor):
    answer = agent_client.post(url("followups", debtor), {
        "due_at": soon(), "reason": "Call about the invoice", "priority": "3",
        "owner": str(agent_user.pk), "debtor_name": "Test Person"}, headers=HTMX)

    assert answer.status_code == 200
    assert answer["HX-Trigger"] == "work-changed"
    html = answer.content.decode()
    assert "Follow-up set." in html and "Call about the invoice" in html and "High" in html
    followup = FollowUp.objects.get()
    assert (followup.owner, followup.debtor_guid, followup.debtor_name) == (
        agent_user, debtor["guid"], "Test Person")
    [entry] = entries("followup.create")
    assert entry.outcome == "ok" and entry.target_id == str(followup.pk)


def test_without_javascript_a_follow_up_redirects_to_the_debtor(agent_client, agent_user,
                                                               debtor):
    answer = agent_client.post(url("followups", debtor), {
        "due_at": soon(), "reason": "Call", "priority": "2", "owner": str(agent_user.pk)})
    assert answer.status_code == 302
    assert answer["Location"] == f"/debtors/{debtor['guid']}/#work-followups"
    assert FollowUp.objects.count() == 1


def test_a_follow_up_in_the_past_is_refused_at_the_field(agent_client, agent_user, debtor):
    past = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    answer = agent_client.post(url("followups", debtor), {
        "due_at": past, "reason": "Too late", "priority": "2",
        "owner": str(agent_user.pk)}, headers=HTMX)
    assert answer.status_code == 422
    form = answer.context["followups_panel"]["form"]
    assert form.errors["due_at"] == ["A follow-up cannot be due in the past."]
    assert 'value="Too late"' in answer.content.decode()  # the input is kept
    assert not FollowUp.objects.exists()
    assert entries("followup.create") == []


def test_a_second_open_follow_up_for_the_owner_shows_at_the_owner_field(agent_client,
                                                                        agent_user, debtor):
    data = {"due_at": soon(), "reason": "First", "priority": "2", "owner": str(agent_user.pk)}
    assert agent_client.post(url("followups", debtor), data, headers=HTMX).status_code == 200
    answer = agent_client.post(url("followups", debtor), {**data, "reason": "Second"},
                               headers=HTMX)
    assert answer.status_code == 422
    errors = answer.context["followups_panel"]["form"].errors["owner"]
    assert "already has an open follow-up on this debtor" in errors[0]
    assert errors[0] in answer.content.decode().replace("&#x27;", "'")
    assert FollowUp.objects.count() == 1


def test_an_agent_cannot_assign_to_others_and_the_attempt_is_audited(agent_client,
                                                                     agent2_user, debtor):
    for owner in (str(agent2_user.pk), "pool"):
        answer = agent_client.post(url("followups", debtor), {
            "due_at": soon(), "reason": "For someone else", "priority": "2", "owner": owner},
            headers=HTMX)
        assert answer.status_code == 403
    assert not FollowUp.objects.exists()
    denied = entries("followup.create", outcome="denied")
    assert len(denied) == 2 and denied[0].debtor_guid == debtor["guid"]


def test_a_supervisor_assigns_to_an_agent_and_to_the_pool(supervisor_client, agent_user,
                                                         debtor):
    panel = supervisor_client.get(url("followups", debtor), headers=HTMX).content.decode()
    assert f'<option value="{agent_user.pk}">' in panel and '<option value="pool">' in panel
    for owner in (str(agent_user.pk), "pool"):
        answer = supervisor_client.post(url("followups", debtor), {
            "due_at": soon(), "reason": f"Assigned {owner}", "priority": "2", "owner": owner},
            headers=HTMX)
        assert answer.status_code == 200, answer.context["followups_panel"]["form"].errors
    owners = set(FollowUp.objects.values_list("owner", flat=True))
    assert owners == {agent_user.pk, None}
    assert "Team pool" in answer.content.decode()
    assert [e.outcome for e in entries("followup.create")] == ["ok", "ok"]


def test_complete_with_the_next_follow_up_offers_the_next_item(agent_client, agent_user,
                                                              agent2_user, debtor):
    agent_client.post(url("followups", debtor), {
        "due_at": soon(), "reason": "Call", "priority": "2", "owner": str(agent_user.pk)})
    followup = FollowUp.objects.get()
    opened = agent_client.get(f"{url('followups', debtor)}?complete={followup.pk}",
                              headers=HTMX).content.decode()
    assert url("followup-complete", debtor, followup.pk) in opened

    missing = agent_client.post(url("followup-complete", debtor, followup.pk),
                                {"outcome": ""}, headers=HTMX)
    assert missing.status_code == 422
    assert "outcome" in missing.context["followups_panel"]["complete_form"].errors

    answer = agent_client.post(url("followup-complete", debtor, followup.pk), {
        "outcome": "contacted", "note": "Will pay Friday", "next_due_at": soon(48),
        "next_reason": "Check the payment"}, headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'href="{reverse("work:next")}?after={followup.pk}" data-work-next' in html
    assert "Check the payment" in html
    followup.refresh_from_db()
    assert (followup.status, followup.outcome) == ("done", "contacted")
    following = FollowUp.objects.get(status="open")
    assert following.owner == agent_user
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "followup.create", "followup.complete", "followup.create"]

    # Someone else's follow-up: no Complete action, and the server refuses it anyway.
    from work import services

    other = services.followup_create(actor=agent2_user, debtor_guid=debtor["guid"],
                                     due_at=timezone.now() + timedelta(hours=5),
                                     reason="Bo's", owner=agent2_user)
    panel = agent_client.get(url("followups", debtor), headers=HTMX).content.decode()
    assert f"?complete={other.pk}" not in panel
    refused = agent_client.post(url("followup-complete", debtor, other.pk),
                                {"outcome": "resolved"}, headers=HTMX)
    assert refused.status_code == 403
    assert entries("followup.complete", outcome="denied")


def test_complete_without_javascript_lands_on_the_panel_with_the_next_link(agent_client,
                                                                           agent_user,
                                                                           debtor):
    agent_client.post(url("followups", debtor), {
        "due_at": soon(), "reason": "Call", "priority": "2", "owner": str(agent_user.pk)})
    followup = FollowUp.objects.get()
    answer = agent_client.post(url("followup-complete", debtor, followup.pk),
                               {"outcome": "resolved"}, follow=True)
    assert answer.redirect_chain[0][0] == f"{url('followups', debtor)}?done={followup.pk}"
    assert b"data-work-next" in answer.content and b"<html" in answer.content


# --- The contact log ---------------------------------------------------------------------------


def test_log_a_contact_with_its_cases(agent_client, agent_user, debtor):
    answer = agent_client.post(url("contacts", debtor), {
        "channel": "phone_out", "direction": "", "outcome": "reached",
        "text": "Spoke with the debtor.", "case_guids": [debtor["cases"][1]]}, headers=HTMX)

    assert answer.status_code == 200, answer.context["contacts_panel"]["form"].errors
    assert "Contact logged." in answer.content.decode()
    note = ContactNote.objects.get()
    assert (note.direction, note.case_guids, note.author) == (
        "outbound", [debtor["cases"][1]], agent_user)
    [entry] = entries("note.create")
    assert entry.outcome == "ok" and entry.after["text"] == "Spoke with the debtor."
    assert "Spoke with the debtor." in answer.content.decode()


def test_a_channel_without_a_direction_asks_for_one(agent_client, debtor):
    answer = agent_client.post(url("contacts", debtor), {
        "channel": "email", "direction": "", "outcome": "reached"}, headers=HTMX)
    assert answer.status_code == 422
    assert answer.context["contacts_panel"]["form"].errors["direction"]
    assert not ContactNote.objects.exists()


def test_a_note_over_the_limit_is_refused_at_the_field(agent_client, debtor):
    answer = agent_client.post(url("contacts", debtor), {
        "channel": "phone_in", "outcome": "reached", "text": "x" * 2001}, headers=HTMX)
    assert answer.status_code == 422
    errors = answer.context["contacts_panel"]["form"].errors["text"]
    assert errors == ["Keep the note to 2000 characters (this one has 2001)."]
    assert errors[0] in answer.content.decode()
    assert not ContactNote.objects.exists() and entries("note.create") == []


def test_a_correction_is_prefilled_and_shown_with_the_note(agent_client, debtor):
    agent_client.post(url("contacts", debtor), {
        "channel": "phone_out", "outcome": "no_answer", "text": "No answer."}, headers=HTMX)
    first = ContactNote.objects.get()
    opened = agent_client.get(f"{url('contacts', debtor)}?correct={first.pk}", headers=HTMX)
    form = opened.context["contacts_panel"]["form"]
    assert form.initial["corrects"] == first.pk and form.initial["text"] == "No answer."
    assert f'data-correcting="{first.pk}"' in opened.content.decode()

    answer = agent_client.post(url("contacts", debtor), {
        "channel": "phone_out", "outcome": "reached", "text": "Actually reached them.",
        "corrects": str(first.pk)}, headers=HTMX)

    assert answer.status_code == 200
    correction = ContactNote.objects.exclude(pk=first.pk).get()
    assert correction.corrects == first
    [thread] = answer.context["contacts_panel"]["threads"]
    assert thread.note == first and thread.corrections == [correction]
    html = answer.content.decode()
    assert html.index(f'id="note-{first.pk}"') < html.index(f'id="note-{correction.pk}"')
    assert entries("note.correct")[0].outcome == "ok"


def test_a_contact_with_a_promise_saves_both(agent_client, agent_user, debtor):
    answer = agent_client.post(url("contacts", debtor), {
        "channel": "phone_in", "outcome": "promise", "text": "Pays on the 25th.",
        "case_guids": debtor["cases"], "promise_amount": "1500.50",
        "promise_date": in_days(10), "currency": "SEK"}, headers=HTMX)

    assert answer.status_code == 200, answer.context["contacts_panel"]["form"].errors
    assert "Contact logged with its promise to pay." in answer.content.decode()
    assert answer["HX-Trigger"] == "work-changed, work-promises-changed"  # panels refresh
    assert "Up to 2,000 characters." in answer.content.decode()
    note = ContactNote.objects.get()
    promise = Promise.objects.get()
    assert promise.note == note and promise.owner == agent_user
    assert (promise.amount, promise.currency, promise.channel) == (
        Decimal("1500.50"), "SEK", "phone_in")
    assert promise.remaining_at_creation == Decimal("12000.00")
    assert sorted(promise.case_guids) == sorted(debtor["cases"])
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "note.create", "promise.create"]


@pytest.mark.parametrize(("amount", "days", "field", "message"), [
    ("0", 10, "promise_amount", "The amount must be more than zero."),
    ("-5", 10, "promise_amount", "The amount must be more than zero."),
    ("100", -1, "promise_date", "A promise cannot be dated in the past."),
    ("100", 400, "promise_date", "A promise can be at most 365 days ahead"),
])
def test_a_bad_promise_on_the_contact_form_saves_nothing(agent_client, debtor, amount, days,
                                                         field, message):
    answer = agent_client.post(url("contacts", debtor), {
        "channel": "phone_in", "outcome": "promise", "text": "Kept",
        "promise_amount": amount, "promise_date": in_days(days)}, headers=HTMX)
    assert answer.status_code == 422
    errors = answer.context["contacts_panel"]["form"].errors
    assert set(errors) == {field} and errors[field][0].startswith(message)
    assert not ContactNote.objects.exists() and not Promise.objects.exists()
    assert not AuditEntry.objects.exists()


def test_aptic_down_while_saving_a_note(agent_client, debtor, sandbox_api):
    sandbox_api.set_faults(status=503)
    panel = agent_client.get(url("contacts", debtor), headers=HTMX).content.decode()
    assert "data-no-cases" in panel and "could not be read" in panel

    answer = agent_client.post(url("contacts", debtor), {
        "channel": "phone_out", "outcome": "no_answer", "text": "Rang twice.",
        "case_guids": [debtor["cases"][0]]}, headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Contact logged." in html
    assert 'hx-swap-oob="innerHTML:#banner"' in html and "data-upstream-banner" in html
    assert "The balances could not be read" in html
    assert answer["X-Upstream-Status"]
    note = ContactNote.objects.get()
    assert note.case_guids == [debtor["cases"][0]]  # the ticked case is kept
    assert entries("note.create")[0].outcome == "ok"


def test_aptic_down_while_saving_a_note_without_javascript(agent_client, debtor, sandbox_api):
    sandbox_api.set_faults(status=503)
    answer = agent_client.post(url("contacts", debtor), {
        "channel": "letter", "direction": "outbound", "outcome": "reached"})
    assert answer.status_code == 302
    texts = [str(m) for m in answer.wsgi_request._messages]
    assert texts[0] == "Contact logged." and "balances could not be read" in texts[1]
    assert ContactNote.objects.count() == 1


# --- Promises on their own ---------------------------------------------------------------------


def test_record_a_promise_and_list_it_with_its_status(agent_client, agent_user, debtor):
    answer = agent_client.post(url("promises", debtor), {
        "amount": "2000", "due_date": in_days(5), "channel": "email",
        "case_guids": [debtor["cases"][0]]}, headers=HTMX)
    assert answer.status_code == 200, answer.context["promises_panel"]["form"].errors
    promise = Promise.objects.get()
    assert (promise.amount, promise.currency, promise.remaining_at_creation) == (
        Decimal("2000.00"), "SEK", Decimal("12000.00"))
    assert entries("promise.create")[0].outcome == "ok"
    Promise.objects.filter(pk=promise.pk).update(status="partly_kept",
                                                 paid_amount=Decimal("500"))
    html = agent_client.get(url("promises", debtor), headers=HTMX).content.decode()
    assert 'data-status="partly_kept"' in html and "Partly kept" in html
    assert "SEK500.00 paid" in html and "SEK2,000.00" in html


@pytest.mark.parametrize(("amount", "days", "field", "message"), [
    ("0", 5, "amount", "The amount must be more than zero."),
    ("-100", 5, "amount", "The amount must be more than zero."),
    ("100", -3, "due_date", "A promise cannot be dated in the past."),
    ("100", 366, "due_date", "A promise can be at most 365 days ahead"),
])
def test_a_bad_promise_is_refused_at_the_field(agent_client, debtor, amount, days, field,
                                               message):
    answer = agent_client.post(url("promises", debtor), {
        "amount": amount, "due_date": in_days(days), "channel": "sms"}, headers=HTMX)
    assert answer.status_code == 422
    errors = answer.context["promises_panel"]["form"].errors
    assert set(errors) == {field} and errors[field][0].startswith(message)
    assert message in answer.content.decode()
    assert not Promise.objects.exists() and not AuditEntry.objects.exists()


def test_a_promise_above_the_total_remaining_asks_to_confirm(agent_client, debtor):
    data = {"amount": "12000.01", "due_date": in_days(5), "channel": "phone_out"}
    warned = agent_client.post(url("promises", debtor), data, headers=HTMX)
    assert warned.status_code == 422
    errors = warned.context["promises_panel"]["form"].errors
    assert "more than the total remaining (SEK12,000.00)" in errors["amount"][0]
    assert 'name="confirm_over_remaining"' in warned.content.decode()
    assert not Promise.objects.exists()

    saved = agent_client.post(url("promises", debtor), {**data, "confirm_over_remaining": "on"},
                              headers=HTMX)
    assert saved.status_code == 200
    assert Promise.objects.get().amount == Decimal("12000.01")


def test_aptic_down_while_saving_a_promise(agent_client, debtor, sandbox_api):
    sandbox_api.set_faults(status=503)
    answer = agent_client.post(url("promises", debtor), {
        "amount": "300", "due_date": in_days(3), "channel": "phone_in", "currency": "SEK",
        "debtor_name": "Test Person"}, headers=HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Promise to pay recorded." in html and "The balances could not be read" in html
    assert "(balance read by the daily check)" in html
    promise = Promise.objects.get()
    assert promise.remaining_at_creation is None and promise.currency == "SEK"
    assert promise.debtor_name == "Test Person"


# --- Roles and CSRF ----------------------------------------------------------------------------


def test_without_a_role_every_endpoint_is_refused(norole_user, debtor):
    from django.test import Client

    client = Client()
    client.force_login(norole_user)
    followup = FollowUp.objects.create(debtor_guid=debtor["guid"], reason="x",
                                       due_at=timezone.now() + timedelta(hours=1))
    gets = [url("followups", debtor), url("contacts", debtor), url("promises", debtor),
            url("timeline", debtor)]
    posts = [url("followups", debtor), url("followup-complete", debtor, followup.pk),
             url("contacts", debtor), url("promises", debtor)]
    for path in gets:
        assert client.get(path).status_code == 403, path
        assert client.get(path, headers=HTMX).status_code == 403, path
    for path in posts:
        assert client.post(path, {"outcome": "resolved"}).status_code == 403, path
    assert AuditEntry.objects.filter(outcome="denied").count() == len(posts)
    assert not ContactNote.objects.exists() and not Promise.objects.exists()


def test_writes_need_the_csrf_token(csrf_client_factory, agent_user, debtor):
    client = csrf_client_factory(agent_user)
    for path, data in ((url("followups", debtor), {"reason": "x"}),
                       (url("contacts", debtor), {"channel": "phone_in", "outcome": "reached"}),
                       (url("promises", debtor), {"amount": "10"})):
        assert client.post(path, data, headers=HTMX).status_code == 403
    assert not AuditEntry.objects.exists()
    page = client.get(url("contacts", debtor))
    token = page.cookies["csrftoken"].value
    answer = client.post(url("contacts", debtor), {
        "channel": "phone_in", "outcome": "reached"}, headers={**HTMX, "X-CSRFToken": token})
    assert answer.status_code == 200 and ContactNote.objects.count() == 1
