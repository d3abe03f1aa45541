"""The jobs page and the integrity page: states, polling rows, start and run again, roles and
CSRF, with and without htmx."""

import pytest

from backoffice.audit.models import AuditEntry
from backoffice.jobs.models import JobRun
from backoffice.jobs.services import job_start
from tests.audit.review_helpers import behind_the_models_back, record
from tests.jobs.helpers import run_worker

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def runs(admin_user):
    """One run in each state."""
    made = {}
    for status in JobRun.Status.values:
        job = job_start(name="promises_check", actor=admin_user)
        JobRun.objects.filter(pk=job.pk).update(
            status=status, progress_done=3, progress_total=10,
            error="ValueError: it broke" if status == "failed" else "",
            result={"kept": 1, "partly_kept": 0, "broken": 2, "unreadable": 0}
            if status == "done" else None)
        made[status] = job.pk
    JobRun.objects.filter(pk=made["running"]).update(
        progress_message="Reading the debtors' balances")
    return made


def test_the_page_lists_every_state_with_who_what_and_result(admin_client_role, runs):
    response = admin_client_role.get("/jobs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 queued, 1 running, 1 done, 1 failed." in html
    for pk in runs.values():
        assert f'id="job-{pk}"' in html
    assert "ValueError: it broke" in html
    assert "1 kept, 0 partly kept, 2 broken" in html
    assert html.count("admin1") >= 4
    assert 'value="3"' in html and "3 of 10" in html
    assert "Reading the debtors&#x27; balances" in html
    # Active rows poll themselves; finished ones offer a run again.
    for status in ("queued", "running"):
        assert f'hx-get="/jobs/{runs[status]}/row"' in html
    for status in ("done", "failed"):
        assert f'action="/jobs/{runs[status]}/retry"' in html
        assert f'hx-get="/jobs/{runs[status]}/row"' not in html
    failed_only = admin_client_role.get("/jobs/", {"status": "failed"}).content.decode()
    assert f'id="job-{runs["failed"]}"' in failed_only
    assert f'id="job-{runs["done"]}"' not in failed_only


def test_a_polled_row_is_a_fragment_and_a_plain_request_opens_the_run(admin_client_role, runs):
    pk = runs["running"]
    fragment = admin_client_role.get(f"/jobs/{pk}/row", **HX).content.decode()
    assert fragment.lstrip().startswith(f'<tr id="job-{pk}"')
    assert "<html" not in fragment
    plain = admin_client_role.get(f"/jobs/{pk}/row")
    assert plain.status_code == 302 and plain["Location"] == f"/jobs/{pk}/"


def test_the_run_page_polls_its_status_until_done(admin_client_role, runs):
    pk = runs["running"]
    page = admin_client_role.get(f"/jobs/{pk}/")
    assert page["Vary"] and "HX-Request" in page["Vary"]
    html = page.content.decode()
    assert "<html" in html and f'hx-get="/jobs/{pk}/"' in html
    assert f'href="/jobs/{pk}/">Refresh' in html  # without JavaScript
    part = admin_client_role.get(f"/jobs/{pk}/", **HX).content.decode()
    assert "<html" not in part and f'id="job-status-{pk}"' in part
    done = admin_client_role.get(f"/jobs/{runs['done']}/", **HX).content.decode()
    assert "hx-trigger" not in done
    assert admin_client_role.get("/jobs/999999/").status_code == 404


def test_starting_a_job_from_the_page(admin_client_role, admin_user):
    response = admin_client_role.post("/jobs/start", {"name": "audit_verify", "full": "on"})
    job = JobRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.name == "audit_verify" and job.options == {"full": True}
    assert job.started_by == admin_user
    assert AuditEntry.objects.get(action="job.run").target_id == str(job.pk)

    archive = admin_client_role.post("/jobs/start", {"name": "audit_archive",
                                                     "before": "2024-03-01"})
    assert archive.status_code == 302
    assert JobRun.objects.get(name="audit_archive").options == {"before": "2024-03-01"}


def test_a_wrong_start_is_answered_with_the_form(admin_client_role):
    for data in ({"name": "audit_export"}, {"name": "rm -rf"},
                 {"name": "audit_archive", "before": "2999-01-01"}):
        response = admin_client_role.post("/jobs/start", data)
        assert response.status_code == 422
        assert 'class="errorlist' in response.content.decode()
    assert not JobRun.objects.exists()


def test_run_again_from_the_page(admin_client_role, runs):
    response = admin_client_role.post(f"/jobs/{runs['failed']}/retry")
    again = JobRun.objects.get(retry_of_id=runs["failed"])
    assert response.status_code == 302 and response["Location"] == f"/jobs/{again.pk}/"
    assert AuditEntry.objects.get(action="job.retry").target_id == str(again.pk)
    refused = admin_client_role.post(f"/jobs/{runs['running']}/retry")
    assert refused.status_code == 302 and refused["Location"] == f"/jobs/{runs['running']}/"
    assert not JobRun.objects.filter(retry_of_id=runs["running"]).exists()


@pytest.mark.parametrize("who", ["agent_client", "supervisor_client"])
def test_non_admins_are_refused_and_their_writes_audited(who, runs, request):
    client = request.getfixturevalue(who)
    pk = runs["done"]
    for path in ("/jobs/", f"/jobs/{pk}/", f"/jobs/{pk}/row", f"/jobs/{pk}/download"):
        assert client.get(path).status_code == 403, path
    jobs_before = JobRun.objects.count()
    assert client.post("/jobs/start", {"name": "audit_verify"}).status_code == 403
    assert client.post(f"/jobs/{pk}/retry").status_code == 403
    assert client.post("/audit/integrity/").status_code == 403
    assert JobRun.objects.count() == jobs_before
    denied = AuditEntry.objects.filter(outcome="denied").order_by("id")
    assert [e.action for e in denied] == ["job.run", "job.retry", "job.run"]
    assert all(e.reason == "missing permission view_audit" for e in denied)


def test_every_job_post_needs_the_csrf_token(csrf_client_factory, admin_user, runs):
    client = csrf_client_factory(admin_user)
    jobs_before = JobRun.objects.count()
    for path in ("/jobs/start", f"/jobs/{runs['done']}/retry", "/audit/integrity/",
                 "/audit/export.csv"):
        response = client.post(path, {"name": "audit_verify"})
        assert response.status_code == 403 and b"CSRF" in response.content, path
    assert JobRun.objects.count() == jobs_before


def test_the_admin_navigation_links_the_jobs_page(admin_client_role, agent_client):
    assert 'href="/jobs/"' in admin_client_role.get("/audit/").content.decode()
    assert 'href="/jobs/"' not in agent_client.get("/work/").content.decode()


# --- The integrity page -------------------------------------------------------------------


def test_integrity_page_starts_the_check_and_shows_the_last_result(admin_client_role,
                                                                   agent_user):
    chain = [record(agent_user, after={"n": n}) for n in range(4)]
    page = admin_client_role.get("/audit/integrity/").content.decode()
    assert "No check has run yet." in page

    started = admin_client_role.post("/audit/integrity/", {"full": "0"})
    assert started.status_code == 302 and started["Location"] == "/audit/integrity/"
    job = JobRun.objects.get()
    queued = admin_client_role.get("/audit/integrity/").content.decode()
    assert "Running now" in queued and f'hx-get="/jobs/{job.pk}/"' in queued

    run_worker()
    done = admin_client_role.get("/audit/integrity/").content.decode()
    assert "The chain verifies: 5 entries checked" in done  # and the job.run entry
    assert "Running now" not in done
    assert f"Checkpoint: entries up to {chain[-1].pk + 1} verified" in done

    behind_the_models_back(
        f"UPDATE {AuditEntry._meta.db_table} SET reason = 'x' WHERE id = %s", [chain[1].pk])
    admin_client_role.post("/audit/integrity/", {"full": "1"})
    assert JobRun.objects.latest("pk").options == {"full": True}
    run_worker()
    broken = admin_client_role.get("/audit/integrity/").content.decode()
    assert "The chain is broken." in broken
    assert f"The first entry that does not verify is entry {chain[1].pk} " in broken
    assert f'href="/audit/{chain[1].pk}/"' in broken
