"""Reads of the agent's day: the local records, and the balances they are shown with."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

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
