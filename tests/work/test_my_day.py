"""My day: its sections and order, the roles, taking from the pool, paging, the balances
(inline, by partial, Aptic down), the next item and the navigation count; against the sandbox
over HTTP wherever a balance is read."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backoffice.audit.models import AuditEntry
from backoffice.formatting import money
from backoffice.gateway import PlanType
from plans.models import PlanProposal
from work import selectors
from work.models import FollowUp, Promise

pytestmark = pytest.mark.usefixtures("short_retries")  # an absent upstream fails at once

HTMX = {"HX-Request": "true"}
MY_DAY = reverse("work:my-day")


def _later_today():
    return selectors.end_of_today() - timedelta(minutes=1)


def followup(owner, *, guid=None, name="", due=None, reason="Call back", **fields):
    """A follow-up as the ORM holds it (the services refuse a due time in the past, and
    overdue ones are what My day is about)."""
    return FollowUp.objects.create(
        debtor_guid=guid or str(uuid.uuid4()), debtor_name=name or f"Debtor {reason}",
        owner=owner, due_at=due or _later_today(), reason=reason, **fields)


def promise(owner, *, guid=None, name="Promiser", status=Promise.Status.OPEN, **fields):
    values = {"amount": Decimal("500.00"), "currency": "SEK", "due_date": timezone.localdate(),
              "channel": "phone_out", **fields}
    return Promise.objects.create(debtor_guid=guid or str(uuid.uuid4()), debtor_name=name,
                                  owner=owner, status=status, **values)


def proposal(proposer, *, status, name="Planner", reason="", **fields):
    return PlanProposal.objects.create(
        debtor_guid=str(uuid.uuid4()), debtor_name=name, plan_guid=str(uuid.uuid4()),
        proposed_by=proposer, status=status, fingerprint="f" * 64,
        plan_type=PlanType.values[0], currency="SEK", total_amount=Decimal("1200.00"),
        reason=reason, decided_at=timezone.now() if status != "changed" else None, **fields)


def sandbox_debtor(sandbox_api, *, principal=10000.00, **fields):
    created = sandbox_api.create_debtor(**fields)
    sandbox_api.add_case(created["debtorGuid"], remainingPrincipal=principal)
    return created["debtorGuid"]


def summary_calls(recorder):
    return [r for r in recorder.requests if str(r.url).endswith("/summary")]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- Sections, order, roles ---------------------------------------------------------------------


def test_sections_come_in_order_with_overdue_marked_and_balances_inline(
        agent_client, agent_user, agent2_user, upstream, sandbox_api):
    guid = sandbox_debtor(sandbox_api, principal=1234.50)
    overdue = followup(agent_user, guid=guid, name="Anna Overdue", reason="Overdue call",
                       due=timezone.now() - timedelta(days=2), priority=FollowUp.Priority.HIGH)
    followup(agent_user, name="Bertil Today", reason="Today call")
    followup(None, name="Cecilia Pool", reason="Pool call")
    followup(agent2_user, name="Other Agent Debtor", reason="Not mine")
    followup(agent_user, name="Tomorrow Debtor", reason="Not yet",
             due=selectors.end_of_today() + timedelta(hours=3))
    promise(agent_user, name="Doris Promise", amount=Decimal("750.00"))
    promise(agent_user, name="Erik Broken", status=Promise.Status.BROKEN,
            due_date=timezone.localdate() - timedelta(days=4), checked_at=timezone.now())
    promise(agent_user, name="Old Broken", status=Promise.Status.BROKEN,
            due_date=timezone.localdate() - timedelta(days=40),
            checked_at=timezone.now() - timedelta(days=30))
    proposal(agent_user, status="rejected", name="Fredrik Rejected", reason="Too long a plan")
    proposal(agent_user, status="pending", name="Pending Planner")
    proposal(agent2_user, status="approved", name="Someone Elses Plan")

    answer = agent_client.get(MY_DAY)

    assert answer.status_code == 200
    html = answer.content.decode()
    order = ["Anna Overdue", "Bertil Today", "Cecilia Pool", "Doris Promise", "Erik Broken",
             "Fredrik Rejected"]
    positions = [html.index(name) for name in order]
    assert positions == sorted(positions)
    for hidden in ("Other Agent Debtor", "Tomorrow Debtor", "Old Broken", "Pending Planner",
                   "Someone Elses Plan"):
        assert hidden not in html
    row = re.search(rf'<tr data-day-row id="row-followup-{overdue.pk}" class="is-overdue">'
                    r'(.*?)</tr>', html, re.S)
    assert row and "Overdue" in row[1] and "High" in row[1]
    assert f'href="{reverse("debtors:detail", args=[guid])}"' in row[1]
    assert money(Decimal("1234.50"), "SEK") in row[1]  # the balance, inline
    assert money(Decimal("750.00"), "SEK") in html  # the promise's amount in its currency
    assert "Plan rejected: Too long a plan" in html
    assert "data-balances-loader" not in html  # the found debtor's balance arrived in time
    assert "Take" in html and reverse("work:followup-take", args=[
        FollowUp.objects.get(debtor_name="Cecilia Pool").pk]) in html


def test_without_the_worklist_role_it_is_refused(norole_user):
    assert client_for(norole_user).get(MY_DAY).status_code == 403
    assert client_for(norole_user).get(reverse("work:balances")).status_code == 403
    assert client_for(norole_user).get(reverse("work:next")).status_code == 403


def test_sign_in_is_required(client):
    answer = client.get(MY_DAY)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_a_supervisor_sees_their_own_day(supervisor_client, supervisor_user, agent_user):
    followup(supervisor_user, name="Supervisors Own", reason="Mine")
    followup(agent_user, name="Agents Own", reason="Theirs")
    html = supervisor_client.get(MY_DAY).content.decode()
    assert "Supervisors Own" in html and "Agents Own" not in html


def test_an_empty_day_says_so_in_every_section(agent_client):
    html = agent_client.get(MY_DAY).content.decode()
    assert "No follow-ups of yours are due." in html
    assert "Nothing is waiting in the pool." in html
    assert "No news of your proposals." in html


# --- htmx and the Vary header --------------------------------------------------------------------


def test_the_page_and_its_fragment_vary_on_htmx(agent_client, agent_user):
    followup(agent_user, name="Vary Debtor")
    page = agent_client.get(MY_DAY)
    fragment = agent_client.get(MY_DAY, headers=HTMX)
    assert "HX-Request" in page["Vary"] and "HX-Request" in fragment["Vary"]
    assert b"<html" in page.content and b'id="my-day"' in page.content
    assert b"<html" not in fragment.content and b"Vary Debtor" in fragment.content
    assert b'id="my-day"' not in fragment.content  # the inside of #my-day only
    assert "local;dur=" in page["Server-Timing"]
    assert b"js/work.js" in page.content and b"<kbd>j</kbd>" in page.content


# --- Taking from the pool -----------------------------------------------------------------------


def test_take_with_htmx_moves_the_row_to_my_follow_ups_and_is_audited(agent_client,
                                                                      agent_user):
    pooled = followup(None, name="Pool Debtor", reason="Pooled")
    answer = agent_client.post(reverse("work:followup-take", args=[pooled.pk]), headers=HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "You took the follow-up on Pool Debtor." in html
    mine = html.index('id="day-mine"')
    assert mine < html.index("Pool Debtor", mine) < html.index('id="day-pool"')
    assert "Nothing is waiting in the pool." in html
    pooled.refresh_from_db()
    assert pooled.owner == agent_user
    [entry] = AuditEntry.objects.filter(action="followup.take")
    assert (entry.outcome, entry.target_id) == ("ok", str(pooled.pk))


def test_take_without_javascript_redirects_back_with_a_message(agent_client, agent_user):
    pooled = followup(None, name="Plain Pool")
    answer = agent_client.post(reverse("work:followup-take", args=[pooled.pk]),
                               {"page": "1"}, follow=True)
    assert answer.redirect_chain == [(f"{MY_DAY}?page=1", 302)]
    assert "You took the follow-up on Plain Pool." in answer.content.decode()


def test_a_raced_take_says_someone_else_took_it(agent_client, agent2_user):
    pooled = followup(None, name="Raced Debtor")
    pooled_copy = FollowUp.objects.get(pk=pooled.pk)
    pooled_copy.owner = agent2_user  # agent2 was quicker
    pooled_copy.save()
    answer = agent_client.post(reverse("work:followup-take", args=[pooled.pk]), headers=HTMX)
    assert answer.status_code == 409
    assert "Someone else has taken this follow-up." in answer.content.decode()
    plain = agent_client.post(reverse("work:followup-take", args=[pooled.pk]), follow=True)
    assert "Someone else has taken this follow-up." in plain.content.decode()
    assert FollowUp.objects.get(pk=pooled.pk).owner == agent2_user
    assert not AuditEntry.objects.filter(action="followup.take", outcome="ok").exists()


def test_take_needs_the_csrf_token_and_the_role(csrf_client_factory, agent_user, norole_user):
    pooled = followup(None, name="Csrf Debtor")
    url = reverse("work:followup-take", args=[pooled.pk])
    client = csrf_client_factory(agent_user)
    assert client.post(url).status_code == 403
    client.get(MY_DAY)
    token = client.cookies["csrftoken"].value
    assert client.post(url, headers={"X-CSRFToken": token, **HTMX}).status_code == 200
    refused = client_for(norole_user).post(reverse("work:followup-take", args=[
        followup(None, name="Other Pool").pk]))
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(action="followup.take", outcome="denied").count() == 1
    assert client.get(url).status_code == 405


# --- Paging and the balances ---------------------------------------------------------------------


def test_26_follow_ups_make_two_pages_and_only_the_visible_balances_are_read(
        agent_client, agent_user, upstream, settings):
    settings.WORK_BALANCE_WAIT_SECONDS = 10  # every started read is counted before we count
    start = timezone.now() - timedelta(days=30)
    made = [followup(agent_user, name=f"Paged {n:02d}", due=start + timedelta(hours=n))
            for n in range(26)]
    first = agent_client.get(MY_DAY).content.decode()
    assert "Paged 24" in first and "Paged 25" not in first
    assert 'rel="next"' in first
    assert len(summary_calls(upstream)) == 25
    assert {str(r.url).split("/debtors/")[1].split("/")[0] for r in summary_calls(upstream)} == {
        f.debtor_guid for f in made[:25]}

    second = agent_client.get(MY_DAY, {"page": 2}, headers=HTMX).content.decode()
    assert "Paged 25" in second and "Paged 24" not in second
    assert len(summary_calls(upstream)) == 26


def test_late_balances_are_filled_in_by_the_partial(agent_client, agent_user, upstream,
                                                    sandbox_api, settings):
    settings.WORK_BALANCE_WAIT_SECONDS = 0  # nothing arrives in time
    guid = sandbox_debtor(sandbox_api, principal=2500.00)
    followup(agent_user, guid=guid, name="Late Balance")
    html = agent_client.get(MY_DAY).content.decode()
    assert f'data-balance="{guid}"' in html and "balance--pending" in html
    loader = re.search(r'<div hidden data-balances-loader hx-get="([^"]+)" '
                       r'hx-trigger="load" hx-swap="none">', html)
    assert loader and guid in loader[1]
    assert 'aria-live="polite"' in html

    partial = agent_client.get(loader[1].replace("&amp;", "&"), headers=HTMX)
    assert partial.status_code == 200 and "HX-Request" in partial["Vary"]
    body = partial.content.decode()
    assert f"hx-swap-oob=\"outerHTML:[data-balance='{guid}']\"" in body
    assert money(Decimal("2500.00"), "SEK") in body and "Balances filled in." in body
    plain = agent_client.get(loader[1].replace("&amp;", "&"))
    assert plain.status_code == 302 and plain["Location"].startswith(MY_DAY)


def test_with_aptic_down_the_list_renders_and_the_partial_offers_a_retry(
        agent_client, agent_user, upstream, sandbox_api):
    guid = sandbox_debtor(sandbox_api)
    followup(agent_user, guid=guid, name="Down Debtor")
    sandbox_api.set_faults(status=503)

    page = agent_client.get(MY_DAY)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Down Debtor" in html
    assert money(Decimal("10000.00"), "SEK") not in html

    partial = agent_client.get(reverse("work:balances"), {"debtor": guid}, headers=HTMX)
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "Balance could not be read." in body
    assert f'hx-get="{reverse("work:balances")}?debtor={guid}' in body  # the retry
    assert "Some balances could not be read." in body

    sandbox_api.clear_faults()
    again = agent_client.get(reverse("work:balances"), {"debtor": guid}, headers=HTMX)
    assert money(Decimal("10000.00"), "SEK") in again.content.decode()


def test_the_partial_ignores_what_is_not_a_debtor_guid(agent_client, upstream):
    answer = agent_client.get(reverse("work:balances"), {"debtor": ["nope", "1' or '1"]},
                              headers=HTMX)
    assert answer.status_code == 200 and not summary_calls(upstream)


# --- The next item --------------------------------------------------------------------------------


def test_next_goes_to_the_debtor_of_the_following_item(agent_client, agent_user):
    now = timezone.now()
    first = followup(agent_user, name="First", due=now - timedelta(hours=3))
    second = followup(agent_user, name="Second", due=now - timedelta(hours=2))
    pooled = followup(None, name="Pooled")
    url = reverse("work:next")

    assert agent_client.get(url, {"after": first.pk})["Location"] == reverse(
        "debtors:detail", args=[second.debtor_guid])
    first.status = FollowUp.Status.DONE  # completed, so no longer on My day
    first.save()
    assert agent_client.get(url, {"after": first.pk})["Location"] == reverse(
        "debtors:detail", args=[second.debtor_guid])
    assert agent_client.get(url, {"after": second.pk})["Location"] == reverse(
        "debtors:detail", args=[pooled.debtor_guid])
    assert agent_client.get(url)["Location"] == reverse(
        "debtors:detail", args=[second.debtor_guid])

    last = agent_client.get(url, {"after": pooled.pk}, follow=True)
    assert last.redirect_chain[-1] == (MY_DAY, 302)
    assert "Nothing else is waiting on My day." in last.content.decode()


# --- The navigation count -----------------------------------------------------------------------


def test_the_badge_counts_due_follow_ups_and_promises_due_today(
        agent_client, agent_user, django_assert_num_queries):
    followup(agent_user, name="Badge One", due=timezone.now() - timedelta(days=1))
    followup(agent_user, name="Badge Two")
    followup(agent_user, name="Badge Later", due=selectors.end_of_today() + timedelta(days=1))
    followup(None, name="Badge Pool")
    promise(agent_user, name="Badge Promise")
    promise(agent_user, name="Badge Promise Later",
            due_date=timezone.localdate() + timedelta(days=2))
    with django_assert_num_queries(2):
        assert selectors.my_day_count(user=agent_user) == 3
    html = agent_client.get(MY_DAY).content.decode()
    assert re.search(r'<span class="badge" aria-label="3 pending">3</span>', html)
