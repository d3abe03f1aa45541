"""Reads of the team view: the period, the per-agent figures, an owner's open follow-ups, and
the promises judged per week.

Every figure is a handful of grouped aggregate queries (one per model, `Count(filter=Q(...))`),
never a query per agent, so the page costs the same for five agents or fifty. Periods are
whole days in the desk's time zone, half-open: from the first day's midnight up to the
midnight after the last day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice import roles
from plans.models import PlanProposal
from work.models import FollowUp, Promise

POOL = "pool"  # the key of the team pool wherever an owner is chosen or named
MAX_WEEKS = 26


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """The days `first` to `last`, both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return _midnight(self.first)

    @property
    def end(self) -> datetime:
        return _midnight(self.last + timedelta(days=1))

    def weeks(self) -> list[date]:
        """The Monday of each ISO week the period touches, in order."""
        first, last = monday(self.first), monday(self.last)
        return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]

    def contains(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})


PERIOD_KINDS = ("week", "4weeks", "month", "custom")
DEFAULT_KIND = "4weeks"


def period_preset(kind: str, *, today: date | None = None) -> Period:
    """This week, the last 4 weeks (this ISO week and the three before it) or this month,
    each up to today."""
    today = today or timezone.localdate()
    if kind == "week":
        return Period(monday(today), today)
    if kind == "month":
        return Period(today.replace(day=1), today)
    return Period(monday(today) - timedelta(weeks=3), today)


# --- The team's members --------------------------------------------------------------------


def _holds(codename: str) -> Q:
    """Users holding `backoffice.<codename>`, by group, directly, or as superusers."""
    User = get_user_model()
    perm = Permission.objects.filter(codename=codename, content_type__app_label="backoffice")
    return (Q(is_superuser=True) | Q(pk__in=User.objects.filter(groups__permissions__in=perm))
            | Q(pk__in=User.objects.filter(user_permissions__in=perm)))


def display_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def team_member_list() -> QuerySet:
    """Active users who work on follow-ups: whom follow-ups can be moved to."""
    return (get_user_model().objects.filter(_holds(roles.KEEP_WORKLIST), is_active=True)
            .order_by("first_name", "last_name", "username"))


@dataclass(frozen=True)
class Owner:
    """Whose follow-ups: an agent, or the team pool (`user` None)."""

    key: str
    name: str
    user: Any = None

    @property
    def is_pool(self) -> bool:
        return self.user is None


def pool_owner() -> Owner:
    return Owner(key=POOL, name=_("the team pool"))


def owner_from_user(user: Any) -> Owner:
    return Owner(key=str(user.pk), name=display_name(user), user=user)


def owner_get(*, key: str) -> Owner | None:
    """The owner a key names ("pool" or a user id), or None when it names nobody."""
    if key == POOL:
        return pool_owner()
    if not key.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(key)).first()
    return owner_from_user(user) if user is not None else None


# --- The figures ---------------------------------------------------------------------------


@dataclass
class TeamRow:
    key: str  # a user id, or POOL
    name: str
    open: int = 0
    overdue: int = 0
    promises_made: int = 0
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0
    proposals_made: int = 0
    proposals_approved: int = 0
    active: bool = True  # False: the user left or no longer works on follow-ups

    COUNTS = ("open", "overdue", "promises_made", "kept", "partly_kept", "broken",
              "proposals_made", "proposals_approved")

    @property
    def is_pool(self) -> bool:
        return self.key == POOL

    def add(self, counts: dict[str, int]) -> None:
        for name in self.COUNTS:
            if name in counts:
                setattr(self, name, getattr(self, name) + (counts[name] or 0))


@dataclass
class TeamFigures:
    period: Period
    rows: list[TeamRow]  # the agents, by name
    pool: TeamRow
    totals: TeamRow = field(init=False)

    def __post_init__(self) -> None:
        self.totals = TeamRow(key="total", name=_("Total"))
        for row in [*self.rows, self.pool]:
            self.totals.add({name: getattr(row, name) for name in TeamRow.COUNTS})


def _by(rows: Iterable[dict[str, Any]], key: str) -> dict[int | None, dict[str, int]]:
    return {row.pop(key): row for row in rows}


def team_figures(*, period: Period, now: datetime | None = None) -> TeamFigures:
    """Per agent (and the pool): open and overdue follow-ups now; promises made, kept,
    partly kept and broken (judged) in the period; plan proposals made and approved in it.

    The rows are the active agents, and everyone else with open follow-ups or figures in
    the period (a supervisor who took a promise; someone who left, marked inactive, whose
    follow-ups still need moving). Five queries, whatever the size of the team.
    """
    now = now or timezone.now()
    made, judged = period.contains("created_at"), period.contains("checked_at")
    followups = _by(
        FollowUp.objects.filter(status=FollowUp.Status.OPEN).values("owner").order_by()
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))), "owner")
    promises = _by(
        Promise.objects.filter(made | judged).values("owner").order_by().annotate(
            promises_made=Count("id", filter=made),
            kept=Count("id", filter=judged & Q(status=Promise.Status.KEPT)),
            partly_kept=Count("id", filter=judged & Q(status=Promise.Status.PARTLY_KEPT)),
            broken=Count("id", filter=judged & Q(status=Promise.Status.BROKEN)),
        ), "owner")
    approved = Q(status=PlanProposal.Status.APPROVED) & period.contains("decided_at")
    proposals = _by(
        PlanProposal.objects.filter(made | approved).values("proposed_by").order_by()
        .annotate(proposals_made=Count("id", filter=made),
                  proposals_approved=Count("id", filter=approved)), "proposed_by")
    with_records = {pk for source in (followups, promises, proposals) for pk in source} - {None}
    works = _holds(roles.KEEP_WORKLIST)
    users = get_user_model().objects.filter(
        Q(pk__in=with_records) | (Q(is_active=True) & Q(groups__name=roles.AGENT) & works)
    ).distinct().annotate(works=ExpressionWrapper(works, output_field=BooleanField()))
    rows = []
    for user in users:
        row = TeamRow(key=str(user.pk), name=display_name(user),
                      active=user.is_active and bool(user.works))
        for source in (followups, promises, proposals):
            row.add(source.get(user.pk, {}))
        rows.append(row)
    rows.sort(key=lambda r: (r.name.casefold(), r.key))
    pool = TeamRow(key=POOL, name=_("Team pool"))
    pool.add(followups.get(None, {}))
    pool.add(promises.get(None, {}))
    return TeamFigures(period=period, rows=rows, pool=pool)


# --- An owner's open follow-ups ------------------------------------------------------------


def team_followup_list(*, owner: Owner) -> QuerySet[FollowUp]:
    """The owner's (or the pool's) open follow-ups, oldest due first."""
    return FollowUp.objects.filter(owner=owner.user, status=FollowUp.Status.OPEN).order_by(
        "due_at", "id")


# --- Promises judged per week --------------------------------------------------------------


@dataclass(frozen=True)
class WeekCount:
    monday: date
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0

    @property
    def iso(self) -> tuple[int, int]:
        year, week, _day = self.monday.isocalendar()
        return year, week


def promise_week_list(*, period: Period) -> list[WeekCount]:
    """Promises judged in the period per ISO week (weeks in the desk's time zone), one entry
    for every week the period touches, empty weeks included. One grouped query."""
    judged = period.contains("checked_at")
    rows = (Promise.objects.filter(judged, status__in=[
        Promise.Status.KEPT, Promise.Status.PARTLY_KEPT, Promise.Status.BROKEN])
        .annotate(week=TruncWeek("checked_at")).values("week").order_by("week").annotate(
            kept=Count("id", filter=Q(status=Promise.Status.KEPT)),
            partly_kept=Count("id", filter=Q(status=Promise.Status.PARTLY_KEPT)),
            broken=Count("id", filter=Q(status=Promise.Status.BROKEN)),
        ))
    counts = {}
    for row in rows:
        week = row["week"]
        day = (timezone.localtime(week) if timezone.is_aware(week) else week).date()
        counts[day] = row
    return [WeekCount(monday=day, kept=counts.get(day, {}).get("kept", 0),
                      partly_kept=counts.get(day, {}).get("partly_kept", 0),
                      broken=counts.get(day, {}).get("broken", 0))
            for day in period.weeks()]
