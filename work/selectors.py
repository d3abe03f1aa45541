"""Reads of the agent's day: the local records, and the balances they are shown with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backoffice.gateway import CaseSummary, get_gateway
from backoffice.gateway.fanout import Part, gather
from work.models import FollowUp


def end_of_today() -> datetime:
    """Midnight at the end of today, in the desk's time zone."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def followup_due_list(*, owner: Any) -> QuerySet[FollowUp]:
    """`owner`'s open follow-ups due today or overdue (the pool when None), oldest first."""
    return FollowUp.objects.filter(owner=owner, status=FollowUp.Status.OPEN,
                                   due_at__lt=end_of_today()).order_by("due_at", "id")


def my_day_count(*, user: Any) -> int:
    """The navigation badge: the user's follow-ups due today or overdue, one indexed COUNT."""
    return followup_due_list(owner=user).count()


def balance_get(*, debtor_guid: str) -> CaseSummary:
    """The debtor's case summary (total remaining and cases): one upstream call."""
    return get_gateway().debtor_summary(debtor_guid)


def balances_gather(*, debtor_guids: Iterable[str]) -> dict[str, Part]:
    """Case summaries of several debtors side by side, one call per distinct debtor; each
    debtor's `Part` holds its summary or its error."""
    gw = get_gateway()
    calls = {guid: (lambda g=guid: gw.debtor_summary(g)) for guid in dict.fromkeys(debtor_guids)}
    return gather(calls)
