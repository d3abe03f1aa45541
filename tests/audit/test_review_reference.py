"""The debtor filter takes a debtor reference too: it is looked up in Aptic (the sandbox here).

The audit log stores GUIDs only, so a reference is resolved through the gateway's debtor list
with a filter on debtorReference.
"""

from django.core.cache import cache

from tests.audit.review_helpers import listed_ids, record


def test_a_reference_finds_the_debtors_entries(aptic, sandbox_api, admin_client_role,
                                               agent_user):
    debtor = sandbox_api.create_debtor(lastname="Referensson")
    other = sandbox_api.create_debtor(lastname="Annan")
    mine = [record(agent_user, action="debtor.update", debtor_guid=debtor["debtorGuid"])
            for _ in range(2)]
    record(agent_user, action="debtor.update", debtor_guid=other["debtorGuid"])

    response = admin_client_role.get("/audit/", {"debtor": debtor["debtorReference"]})
    assert listed_ids(response) == [e.pk for e in reversed(mine)]
    assert response.context["debtor_problem"] == ""
    # The export resolves it the same way.
    export = admin_client_role.get("/audit/export.jsonl", {"debtor": debtor["debtorReference"]})
    assert len(b"".join(export.streaming_content).splitlines()) == 2


def test_an_unknown_reference_matches_nothing_and_says_so(aptic, sandbox_api,
                                                          admin_client_role, agent_user):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    record(agent_user, action="debtor.update", debtor_guid=guid)
    response = admin_client_role.get("/audit/", {"debtor": "NO-SUCH-REF-42"})
    assert listed_ids(response) == []
    assert "No debtor with reference “NO-SUCH-REF-42” was found in Aptic." in (
        response.content.decode()
    )


def test_aptic_down_during_a_lookup_is_reported(admin_client_role, agent_user, settings):
    record(agent_user, action="debtor.update", debtor_guid="x")
    settings.APTIC_BASE_URL = "http://127.0.0.1:9/api/v1"  # discard port: nothing listens
    settings.APTIC_TOKEN_URL = "http://127.0.0.1:9/oauth/token"
    settings.APTIC_RETRY_ATTEMPTS = 1
    settings.APTIC_RETRY_BUDGET = 0.5
    cache.clear()
    response = admin_client_role.get("/audit/", {"debtor": "REF-1"})
    assert response.status_code == 200
    assert listed_ids(response) == []
    assert "Aptic could not be reached to look up the debtor reference." in (
        response.content.decode()
    )
