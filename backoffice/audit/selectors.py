"""Reads of the audit log for the review pages and the export.

Every filter is an indexed equality or range so that "newest first" with any one filter reads
an index in order and stops after a page, even over millions of entries:

- user (by account id), role, action, outcome, debtor: equality on the column that leads a
  composite index (column, created_at); SQLite appends the rowid (= id) to every index, so
  "created_at desc, id desc" comes straight off it;
- an action group (`plan.*`): `action IN (the group's actions)`;
- a request-id prefix: `AuditEntry.objects.request_id_prefix` (a range on SQLite, whose LIKE
  ignores case and cannot use the index; LIKE 'p%' on PostgreSQL's varchar_pattern_ops index);
- date range: a range on created_at, in the current time zone, end date inclusive.
"""

import datetime as dt
import logging
from dataclasses import dataclass, fields, replace

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice.audit import actions
from backoffice.audit.models import AuditEntry
from backoffice.gateway import F, GatewayError, get_gateway

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""
    role: str = ""
    action: str = ""  # an action name, or a group "plan.*"
    outcome: str = ""
    debtor_guid: str = ""
    debtor_reference: str = ""  # resolved to debtor_guid by audit_filters_resolve()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    request_id: str = ""
    request_prefix: bool = False
    pii_only: bool = False

    def as_params(self) -> dict[str, str]:
        """The filters as recorded in an export's audit entry (only those set)."""
        params = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value not in ("", None, False):
                params[field.name] = value.isoformat() if isinstance(value, dt.date) else value
        return params


@dataclass(frozen=True)
class DebtorResolution:
    """A debtor reference looked up in Aptic: its GUID, or why there is none."""

    guid: str = ""
    error: str = ""  # "not_found" or "unavailable"


def debtor_guid_for_reference(*, reference: str) -> DebtorResolution:
    """Finds the GUID of the debtor with this reference through the gateway.

    The audit log stores GUIDs only; a reference is resolved against Aptic's current debtors,
    so the reference of a deleted debtor no longer resolves (search by its GUID instead).
    """
    try:
        page = get_gateway().debtor_list(filter=F.eq("debtor_reference", reference), top=2)
    except GatewayError:
        logger.warning("audit review: debtor reference lookup failed")
        return DebtorResolution(error="unavailable")
    if len(page.items) != 1:
        return DebtorResolution(error="not_found")
    return DebtorResolution(guid=str(page.items[0].debtor_guid))


def _debtor_q(guid: str) -> Q:
    """The GUID as given or in its canonical lowercase form (entries store it as Aptic
    spelled it)."""
    if guid == guid.lower():
        return Q(debtor_guid=guid)
    return Q(debtor_guid__in=[guid, guid.lower()])


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entry_list(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Entries matching every filter, newest first (call audit_filters_resolve() first when
    the filters may carry a debtor reference)."""
    qs = AuditEntry.objects.all()
    if filters.user:
        # Users with entries are never deleted (PROTECT), so the account id finds them all.
        actor_id = (
            get_user_model().objects.filter(username=filters.user)
            .values_list("pk", flat=True).first()
        )
        if actor_id is None:
            return qs.none()
        qs = qs.filter(actor_id=actor_id)
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.pii_only:
        qs = qs.filter(action=actions.PII_REVEAL)
    if filters.action.endswith(actions.GROUP_SUFFIX):
        qs = qs.filter(action__in=actions.group_members(filters.action))
    elif filters.action:
        qs = qs.filter(action=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.debtor_guid:
        qs = qs.filter(_debtor_q(filters.debtor_guid))
    elif filters.debtor_reference:
        return qs.none()  # an unresolved reference matches nothing
    if filters.date_from:
        qs = qs.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.request_id and filters.request_prefix:
        qs = qs.request_id_prefix(filters.request_id)
    elif filters.request_id:
        qs = qs.filter(request_id=filters.request_id)
    return qs.order_by("-created_at", "-id")


def audit_filters_resolve(filters: AuditFilters) -> tuple[AuditFilters, DebtorResolution | None]:
    """Replaces a debtor reference by its GUID; the resolution says when it could not be."""
    if filters.debtor_guid or not filters.debtor_reference:
        return filters, None
    resolution = debtor_guid_for_reference(reference=filters.debtor_reference)
    if resolution.guid:
        return replace(filters, debtor_guid=resolution.guid), resolution
    return filters, resolution


def audit_entry_get(*, entry_id: int) -> AuditEntry:
    return AuditEntry.objects.get(pk=entry_id)


def audit_usernames() -> list[str]:
    """Names the user filter suggests: the first 500 accounts (any other can be typed in)."""
    return list(
        get_user_model().objects.order_by("username").values_list("username", flat=True)[:500]
    )


def audit_latest_id() -> int:
    """The newest entry's id (0 for an empty log): bounds an export to a fixed snapshot."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_latest_checkpoint() -> AuditEntry | None:
    """The newest archive checkpoint, if entries were ever archived."""
    return AuditEntry.objects.filter(action=actions.ARCHIVE).order_by("-created_at", "-id").first()
