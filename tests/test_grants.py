"""Grants kept in the cache: read once, dropped the moment who holds what changes."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.grants import user_grants

SEARCH = "/debtors/?q="  # a page guarded by view_debtors; no upstream call for an empty form


@pytest.fixture
def kept(settings):
    settings.GRANTS_CACHE_SECONDS = 300


def cached(user) -> bool:
    return cache.get(f"grants:{user.pk}") is not None


def fresh(user):
    """The user as the next request loads it (no grants on the object yet)."""
    return type(user).objects.get(pk=user.pk)


def auth_queries(client, url: str = SEARCH) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    own = ('FROM "auth_permission"', 'FROM "auth_group"', 'FROM "backoffice_userprofile"')
    return [q["sql"] for q in queries if any(table in q["sql"] for table in own)]


def test_a_page_reads_grants_and_profile_with_the_user(kept, agent_client, agent_user):
    agent_client.get(SEARCH)
    user_query, = auth_queries(agent_client)  # backoffice/request_user.py
    assert 'FROM "auth_user" u LEFT JOIN "backoffice_userprofile"' in user_query
    assert not cached(agent_user)  # as fresh as the row: no cache read on the way


def test_without_a_shared_cache_grants_of_a_loaded_user_are_read_each_time(settings,
                                                                         agent_user):
    settings.GRANTS_CACHE_SECONDS = 0
    user_grants(fresh(agent_user))
    with CaptureQueriesContext(connection) as queries:
        assert "agent" in user_grants(fresh(agent_user)).groups
    assert any('FROM "auth_permission"' in q["sql"] for q in queries)  # nothing kept


def test_grants_are_the_role_groups_permissions(kept, agent_user, supervisor_user):
    agent = user_grants(fresh(agent_user))
    assert agent.groups == {"agent"}
    assert "backoffice.view_debtors" in agent.permissions
    assert "backoffice.approve_plans" not in agent.permissions
    assert "backoffice.approve_plans" in user_grants(fresh(supervisor_user)).permissions
    assert roles.user_role(fresh(supervisor_user)) == roles.SUPERVISOR


def test_leaving_a_role_group_takes_effect_on_the_next_request(kept, agent_user, agent_client):
    assert agent_client.get(SEARCH).status_code == 200
    user_grants(fresh(agent_user))
    assert cached(agent_user)
    agent_user.groups.remove(Group.objects.get(name=roles.AGENT))
    assert not cached(agent_user)
    assert agent_client.get(SEARCH).status_code == 403


def test_removing_a_user_through_the_group_side(kept, agent_user, agent_client):
    agent_client.get(SEARCH)
    Group.objects.get(name=roles.AGENT).user_set.clear()
    assert not cached(agent_user)
    assert agent_client.get(SEARCH).status_code == 403


def test_a_permission_taken_from_the_group_is_gone_for_its_members(kept, agent_user,
                                                                   agent_client):
    agent_client.get(SEARCH)
    view = Permission.objects.get(codename=roles.VIEW_DEBTORS)
    Group.objects.get(name=roles.AGENT).permissions.remove(view)
    assert not cached(agent_user)
    assert agent_client.get(SEARCH).status_code == 403


def test_a_permission_given_to_the_user_directly_counts_at_once(kept, norole_user, client):
    client.force_login(norole_user)
    assert client.get(SEARCH).status_code == 403
    norole_user.user_permissions.add(Permission.objects.get(codename=roles.VIEW_DEBTORS))
    assert client.get(SEARCH).status_code == 200


def test_deleting_the_group_drops_its_members_grants(kept, agent_user, agent_client):
    agent_client.get(SEARCH)
    Group.objects.get(name=roles.AGENT).delete()
    assert not cached(agent_user)
    assert agent_client.get(SEARCH).status_code == 403


def test_signing_in_keeps_the_grants_and_other_saves_drop_them(kept, agent_user, client):
    user_grants(fresh(agent_user))
    assert client.post("/accounts/login/", {"username": "agent1",
                                            "password": "pw-agent1"}).status_code == 302
    assert cached(agent_user)  # last_login was saved: nothing about grants changed
    agent_user.is_superuser = True
    agent_user.save()
    assert not cached(agent_user)
