"""The request's user by one plain SELECT: the same user, profile and grants as the ORM's."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import grants, roles
from backoffice.auth_backend import CollectDeskBackend
from backoffice.models import UserProfile
from backoffice.request_user import read_request_user

SEARCH = "/debtors/?q="  # guarded by view_debtors; no upstream call for an empty form


def orm_user(user):
    return get_user_model().objects.select_related("profile").get(pk=user.pk)


def columns(user) -> dict:
    return {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


@pytest.mark.parametrize("name", ["agent_user", "supervisor_user", "admin_user", "norole_user"])
def test_the_row_and_grants_are_the_orms(name, request):
    user = request.getfixturevalue(name)
    user.last_login = user.date_joined  # a datetime column with a value, not NULL
    user.save()
    handled, read = read_request_user(user.pk)
    assert handled
    expected = orm_user(user)
    assert columns(read) == columns(expected)
    assert read.is_active is True and read.is_superuser is False  # booleans, not 0/1
    assert grants.user_grants(read) == grants._read(expected)
    assert read.get_session_auth_hash() == expected.get_session_auth_hash()


def test_a_direct_permission_and_several_groups_are_all_read(agent_user):
    agent_user.groups.add(Group.objects.get(name=roles.SUPERVISOR))
    agent_user.user_permissions.add(Permission.objects.get(codename="add_group"))
    _, read = read_request_user(agent_user.pk)
    held = grants.user_grants(read)
    assert held.groups == {roles.AGENT, roles.SUPERVISOR}
    assert held == grants._read(orm_user(agent_user))
    assert "auth.add_group" in held.permissions


def test_the_profile_comes_along_or_is_known_to_be_missing(agent_user):
    UserProfile.objects.update_or_create(user=agent_user, defaults={"language": "sv"})
    _, read = read_request_user(agent_user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert read.profile.language == "sv"
        assert read.profile.user is read
    UserProfile.objects.filter(user=agent_user).delete()
    _, without = read_request_user(agent_user.pk)
    with CaptureQueriesContext(connection) as more:
        assert getattr(without, "profile", None) is None
    assert len(queries) == len(more) == 0


def test_unknown_malformed_and_inactive_users_are_nobody(agent_user):
    assert read_request_user(agent_user.pk + 1000) == (True, None)
    assert read_request_user("not-a-number") == (True, None)
    agent_user.is_active = False
    agent_user.save()
    assert CollectDeskBackend().get_user(agent_user.pk) is None


def test_a_superuser_holds_every_permission_not_only_its_groups(agent_user):
    agent_user.is_superuser = True
    agent_user.save()
    with CaptureQueriesContext(connection) as queries:
        user = CollectDeskBackend().get_user(agent_user.pk)
    assert len(queries) == 1 and user.pk == agent_user.pk and user.is_superuser is True
    held = grants.user_grants(user)  # every permission, from backoffice.grants
    assert "backoffice.approve_plans" in held.permissions
    assert held.permissions == {f"{p.content_type.app_label}.{p.codename}"
                                for p in Permission.objects.select_related("content_type")}


def test_a_page_reads_user_profile_and_grants_in_one_query(agent_client):
    agent_client.get(SEARCH)
    with CaptureQueriesContext(connection) as queries:
        assert agent_client.get(SEARCH).status_code == 200
    own = ('"auth_permission"', '"auth_group"', '"backoffice_userprofile"')
    user_queries = [q["sql"] for q in queries if any(table in q["sql"] for table in own)]
    assert len(user_queries) == 1
    assert 'FROM "auth_user" u LEFT JOIN "backoffice_userprofile"' in user_queries[0]
