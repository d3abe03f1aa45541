"""Helpers for the audit review tests: entries are made the real way, through audit_record."""

import datetime as dt
import re
import uuid
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone as django_timezone

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.request_context import acting_as


def record(user=None, *, request_id: str | None = None, **fields) -> AuditEntry:
    """One entry by `user` (None: the system), as the gateway or a guard would record it."""
    with acting_as(user, request_id=request_id or uuid.uuid4().hex, client_ip="127.0.0.1",
                   user_agent="pytest"):
        return audit_record(**{"action": "debtor.update", "outcome": "ok", **fields})


class _FrozenDatetime(dt.datetime):
    frozen: dt.datetime | None = None

    @classmethod
    def now(cls, tz=None):
        return cls.frozen.astimezone(tz) if tz else cls.frozen


@contextmanager
def recorded_at(when: dt.datetime):
    """Entries recorded inside get `created_at == when` (django.utils.timezone.now frozen).

    The model's default is `timezone.now`, which reads `timezone.datetime.now`: only that
    name is swapped, for the block's duration.
    """
    original = django_timezone.datetime
    _FrozenDatetime.frozen = when
    django_timezone.datetime = _FrozenDatetime
    try:
        yield
    finally:
        django_timezone.datetime = original


def aware(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return django_timezone.make_aware(dt.datetime(year, month, day, hour))


def listed_ids(response) -> list[int]:
    """The entry ids of the table's current page, in the order shown."""
    table = response.context["table"]
    return [row.record.pk for row in table.page.object_list]


def linked_ids(html: str) -> list[int]:
    """The entry ids the rendered table links to, in order."""
    return [int(match) for match in re.findall(r'href="/audit/(\d+)/"', html)]


TRIGGER = "audit_entry_append_only"


def behind_the_models_back(sql: str, params: list) -> None:
    """Runs a write on the audit table as someone with database access would. On PostgreSQL
    that takes the table owner switching the append-only trigger off first."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred FK check of this test's transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
