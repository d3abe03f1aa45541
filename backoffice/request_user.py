"""The signed-in user of a request, with their profile and grants, by one plain SELECT.

Every signed-in request loads its user first: the row, the profile (the language) and the
grants (the role guard, the navigation, `perms`). Through the ORM that was a query the ORM
builds anew each time (several times the cost of the read) and a cache round trip for the
grants; here it is one SELECT with the grants aggregated in subqueries, its SQL and the
columns' converters worked out once per database. The grants are then as fresh as the row:
a role removed takes effect on the next request whatever the cache holds.

A superuser holds every permission, which the subqueries do not list: its grants are left to
`backoffice.grants`. On a database without a known string aggregate `read_request_user` says
it did not handle the read, and the caller uses the ORM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Field, Model

from backoffice.grants import Grants, keep_on
from backoffice.models import UserProfile

_SEPARATOR = chr(31)  # the unit separator: in neither a group's name nor a permission's
# Each vendor's string aggregate, joining by _SEPARATOR.
_AGGREGATE = {"sqlite": "group_concat({}, char(31))", "postgresql": "string_agg({}, chr(31))"}


@dataclass(frozen=True)
class _Read:
    sql: str
    user_fields: list[Field]
    profile_fields: list[Field]
    converters: list[list[tuple[Callable[..., Any], Any]]]  # per model column


class _Unsupported(Exception):
    pass


def read_request_user(user_id: Any) -> tuple[bool, Model | None]:
    """(handled, user): the active or inactive user `user_id` with profile and grants, or
    None if there is none; handled is False when the caller should use the ORM instead."""
    model = get_user_model()
    db = router.db_for_read(model)
    try:
        read = _read(db)
    except _Unsupported:
        return False, None
    connection = connections[db]
    try:
        key = model._meta.pk.to_python(user_id)
    except ValidationError:  # a malformed id in a session is no one
        return True, None
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [key])
        row = cursor.fetchone()
    if row is None:
        return True, None
    width = len(read.user_fields)
    values = [_converted(raw, converters, connection)
              for raw, converters in zip(row, read.converters, strict=False)]
    user = model.from_db(db, [f.attname for f in read.user_fields], values[:width])
    profile_values = values[width:width + len(read.profile_fields)]
    profile = None
    if profile_values[0] is not None:
        profile = UserProfile.from_db(db, [f.attname for f in read.profile_fields],
                                      profile_values)
        UserProfile._meta.get_field("user").set_cached_value(profile, user)
    UserProfile._meta.get_field("user").remote_field.set_cached_value(user, profile)
    if not user.is_superuser:
        groups, permissions = row[-2:]
        keep_on(user, Grants(permissions=_split(permissions), groups=_split(groups)))
    return True, user


def _converted(raw: Any, converters: list[tuple[Callable[..., Any], Any]],
               connection: Any) -> Any:
    for converter, column in converters:
        raw = converter(raw, column, connection)
    return raw


def _split(joined: str | None) -> frozenset[str]:
    return frozenset(joined.split(_SEPARATOR)) if joined else frozenset()


@cache
def _read(db: str) -> _Read:
    connection = connections[db]
    aggregate = _AGGREGATE.get(connection.vendor)
    if aggregate is None:
        raise _Unsupported(connection.vendor)
    q = connection.ops.quote_name
    user_model = get_user_model()
    user, profile = user_model._meta, UserProfile._meta
    user_fields = list(user.concrete_fields)
    profile_fields = [profile.pk, *(f for f in profile.concrete_fields if not f.primary_key)]
    memberships = user_model.groups.through._meta
    own = user_model.user_permissions.through._meta
    group_permissions = Group.permissions.through._meta

    def column(meta, name: str) -> str:
        return q(meta.get_field(name).column)

    def table(meta) -> str:
        return q(meta.db_table)

    user_id = f"u.{q(user.pk.column)}"
    group_name = f"g.{column(Group._meta, 'name')}"
    groups = (
        f"SELECT {aggregate.format(group_name)} "  # noqa: S608 - names from _meta
        f"FROM {table(Group._meta)} g JOIN {table(memberships)} m "
        f"ON m.{column(memberships, 'group')} = g.{q(Group._meta.pk.column)} "
        f"WHERE m.{column(memberships, 'user')} = {user_id}"
    )
    ct, perm = ContentType._meta, Permission._meta
    name = f"ct.{column(ct, 'app_label')} || '.' || p.{column(perm, 'codename')}"
    permissions = (
        f"SELECT {aggregate.format(name)} FROM {table(perm)} p JOIN {table(ct)} ct "  # noqa: S608
        f"ON ct.{q(ct.pk.column)} = p.{column(perm, 'content_type')} "
        f"WHERE p.{q(perm.pk.column)} IN ("
        f"SELECT o.{column(own, 'permission')} FROM {table(own)} o "
        f"WHERE o.{column(own, 'user')} = {user_id}) "
        f"OR p.{q(perm.pk.column)} IN ("
        f"SELECT gp.{column(group_permissions, 'permission')} FROM {table(group_permissions)} gp "
        f"JOIN {table(memberships)} gm "
        f"ON gm.{column(memberships, 'group')} = gp.{column(group_permissions, 'group')} "
        f"WHERE gm.{column(memberships, 'user')} = {user_id})"
    )
    selected = [f"u.{q(f.column)}" for f in user_fields]
    selected += [f"pr.{q(f.column)}" for f in profile_fields]
    sql = (  # every name from _meta, quoted; the one value is a parameter
        f"SELECT {', '.join(selected)}, ({groups}), ({permissions}) "  # noqa: S608
        f"FROM {table(user)} u LEFT JOIN {table(profile)} pr "
        f"ON pr.{column(profile, 'user')} = {user_id} WHERE {user_id} = %s"
    )
    converters = []
    for meta, fields in ((user, user_fields), (profile, profile_fields)):
        for field in fields:
            col = field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            converters.append([(converter, col) for converter in found])
    return _Read(sql=sql, user_fields=user_fields, profile_fields=profile_fields,
                 converters=converters)
