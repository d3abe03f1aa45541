"""Reads of the audit log for the review pages and the export.

Every filter is an indexed equality or range so that "newest first" with any one filter reads
an index in order and stops after a page, even over millions of entries:

- user, role, action, outcome, debtor: equality on a column that leads a composite index
  ending in (created_at, id);
- an action group (`plan.*`) and a request-id prefix: a range `col >= p AND col < p || U+FFFF`
  (an index range scan; LIKE would be a full scan on SQLite, whose LIKE ignores case and cannot
  use a plain index); PostgreSQL uses `LIKE 'p%'` on the varchar_pattern_ops index instead;
- date range: a range on created_at, in the current time zone, end date inclusive.
"""

import datetime as dt
import logging
from dataclasses import dataclass, fields

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice.audit import actions
from backoffice.audit.models import AuditEntry

logger = logging.getLogger(__name__)

# Above any character a request id, action or username may hold.
_PREFIX_END = "\uffff"


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
    from backoffice import gateway

    try:
        guid = gateway.debtor_guid_for_reference(reference)
    except gateway.GatewayError:
        logger.warning("audit review: debtor reference lookup failed")
        return DebtorResolution(error="unavailable")
    return DebtorResolution(guid=guid) if guid else DebtorResolution(error="not_found")


def _vendor() -> str:
    return connections[router.db_for_read(AuditEntry)].vendor


def _prefix_q(field: str, prefix: str) -> Q:
    if _vendor() == "postgresql":
        # LIKE 'p%' in the C locale rules of varchar_pattern_ops: served by that index.
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _PREFIX_END})


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entry_list(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Entries matching every filter, newest first (call audit_filters_resolve() first when
    the filters may carry a debtor reference)."""
    qs = AuditEntry.objects.all()
    if filters.user:
        qs = qs.filter(actor_username=filters.user)
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.pii_only:
        qs = qs.filter(action=actions.PII_REVEAL)
    if filters.action.endswith(actions.GROUP_SUFFIX):
        qs = qs.filter(_prefix_q("action", filters.action[: -len(actions.GROUP_SUFFIX)] + "."))
    elif filters.action:
        qs = qs.filter(action=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.debtor_guid:
        qs = qs.filter(debtor_guid=filters.debtor_guid)
    elif filters.debtor_reference:
        return qs.none()  # an unresolved reference matches nothing
    if filters.date_from:
        qs = qs.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.request_id and filters.request_prefix:
        qs = qs.filter(_prefix_q("request_id", filters.request_id))
    elif filters.request_id:
        qs = qs.filter(request_id=filters.request_id)
    return qs.order_by("-created_at", "-id")


def audit_filters_resolve(filters: AuditFilters) -> tuple[AuditFilters, DebtorResolution | None]:
    """Replaces a debtor reference by its GUID; the resolution says when it could not be."""
    if filters.debtor_guid or not filters.debtor_reference:
        return filters, None
    resolution = debtor_guid_for_reference(reference=filters.debtor_reference)
    if resolution.guid:
        from dataclasses import replace

        return replace(filters, debtor_guid=resolution.guid), resolution
    return filters, resolution


def audit_entry_get(*, entry_id: int) -> AuditEntry:
    return AuditEntry.objects.select_related(None).get(pk=entry_id)


def audit_usernames() -> list[str]:
    """Names offered by the user filter: the accounts (deleted ones can still be typed in)."""
    return list(
        get_user_model().objects.order_by("username").values_list("username", flat=True)[:500]
    )


def audit_latest_id() -> int:
    """The newest entry's id (0 for an empty log): bounds an export to a fixed snapshot."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
