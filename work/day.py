"""My day as one list: its sections in their order, paged across them without reading the rest.

Sections, in order: my follow-ups due today or overdue (oldest first), the team pool's, my
promises due today, my missed promises, my proposals' news. Django's paginator takes the
length (one COUNT per section) and then one slice; each section reads only its rows of that
slice, so a page costs at most five COUNTs and five small indexed reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.formatting import money
from plans.models import PlanProposal
from work import selectors
from work.models import FollowUp, Promise

MINE, POOL, PROMISES_DUE, PROMISES_MISSED, PROPOSALS = (
    "mine", "pool", "promises-due", "promises-missed", "proposals")

TITLES: dict[str, LazyText] = {
    MINE: gettext_lazy("My follow-ups due today and overdue"),
    POOL: gettext_lazy("The team pool, due today and overdue"),
    PROMISES_DUE: gettext_lazy("My promises due today"),
    PROMISES_MISSED: gettext_lazy("My missed promises"),
    PROPOSALS: gettext_lazy("News of my proposals"),
}
EMPTY: dict[str, LazyText] = {
    MINE: gettext_lazy("No follow-ups of yours are due."),
    POOL: gettext_lazy("Nothing is waiting in the pool."),
    PROMISES_DUE: gettext_lazy("No promise of yours falls due today."),
    PROMISES_MISSED: gettext_lazy("None of your promises was missed lately."),
    PROPOSALS: gettext_lazy("No news of your proposals."),
}


@dataclass(frozen=True)
class DayRow:
    """One row of My day, whatever its record: the debtor, what it is about, and when."""

    section: str
    key: str  # unique on the page: "followup-12", "promise-3", "proposal-9"
    debtor_guid: str
    debtor_name: str
    reason: str
    when: date | datetime | None
    status: str = ""
    overdue: bool = False
    amount: Decimal | None = None  # promises and proposals, in `currency`
    currency: str = ""
    followup_id: int | None = None
    record: Any = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)


@dataclass
class Section:
    key: str
    total: int
    rows: list[DayRow] = field(default_factory=list)
    balances: dict[str, Any] = field(default_factory=dict)  # by debtor GUID, once read

    @property
    def entries(self) -> list[tuple[DayRow, Any]]:
        """Each row with its debtor's balance (None when not asked for)."""
        return [(row, self.balances.get(row.debtor_guid)) for row in self.rows]

    @property
    def title(self) -> str:
        return str(TITLES[self.key])

    @property
    def empty(self) -> str:
        return str(EMPTY[self.key])


def _followup_row(section: str, followup: FollowUp) -> DayRow:
    return DayRow(section=section, key=f"followup-{followup.pk}",
                  debtor_guid=followup.debtor_guid, debtor_name=followup.debtor_name,
                  reason=followup.reason, when=followup.due_at,
                  status=str(followup.get_priority_display()), overdue=followup.is_overdue,
                  followup_id=followup.pk, record=followup)


def _promise_row(section: str, promise: Promise) -> DayRow:
    if promise.status == Promise.Status.OPEN:
        reason = _("Promised to pay today")
    elif promise.status == Promise.Status.PARTLY_KEPT:
        reason = _("Partly kept: %(paid)s paid") % {
            "paid": money(promise.paid_amount, promise.currency)}
    else:
        reason = _("Not paid")
    return DayRow(section=section, key=f"promise-{promise.pk}", debtor_guid=promise.debtor_guid,
                  debtor_name=promise.debtor_name, reason=reason, when=promise.due_date,
                  status=str(promise.get_status_display()), amount=promise.amount,
                  currency=promise.currency, record=promise)


def _proposal_row(section: str, proposal: PlanProposal) -> DayRow:
    reason = {
        PlanProposal.Status.APPROVED: _("Plan approved and active"),
        PlanProposal.Status.REJECTED: _("Plan rejected: %(reason)s"),
        PlanProposal.Status.FAILED: _("Plan no longer in the collection system"),
        PlanProposal.Status.CHANGED: _("Plan changed, waiting for approval again"),
    }.get(proposal.status, str(proposal.get_status_display()))
    if "%(reason)s" in reason:
        reason = reason % {"reason": proposal.reason or _("no reason given")}
    return DayRow(section=section, key=f"proposal-{proposal.pk}",
                  debtor_guid=proposal.debtor_guid, debtor_name=proposal.debtor_name,
                  reason=reason, when=proposal.decided_at or proposal.updated_at,
                  status=str(proposal.get_status_display()), amount=proposal.total_amount,
                  currency=proposal.currency, record=proposal)


def _sources(user: Any) -> list[tuple[str, QuerySet, Callable[[str, Any], DayRow]]]:
    return [
        (MINE, selectors.followup_due_list(owner=user), _followup_row),
        (POOL, selectors.followup_due_list(owner=None), _followup_row),
        (PROMISES_DUE, selectors.promise_due_list(owner=user), _promise_row),
        (PROMISES_MISSED, selectors.promise_missed_list(owner=user), _promise_row),
        (PROPOSALS, selectors.proposal_news_list(proposed_by=user), _proposal_row),
    ]


class MyDay:
    """A user's My day rows in order, for `Paginator`: `len()` counts each section once, a
    slice reads each section's part of it. `sections(page)` groups a page's rows under their
    sections; a section with no rows at all is shown on the page where it would begin."""

    def __init__(self, *, user: Any):
        self.user = user
        self._sources = _sources(user)
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [qs.count() for _key, qs, _row in self._sources]
        return self._counts

    def __len__(self) -> int:
        return sum(self.counts())

    def __getitem__(self, index: slice) -> list[DayRow]:
        if not isinstance(index, slice):
            raise TypeError("My day is read a page at a time")
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        rows: list[DayRow] = []
        offset = 0
        for (key, qs, make), count in zip(self._sources, self.counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, count)
            if lo < hi:
                rows.extend(make(key, record) for record in qs[lo:hi])
            offset += count
        return rows

    def sections(self, page: Any) -> list[Section]:
        start = page.start_index() - 1 if page.paginator.count else 0
        stop = start + len(page.object_list)
        last = not page.has_next()
        by_key: dict[str, Section] = {}
        offset = 0
        for (key, _qs, _row), count in zip(self._sources, self.counts(), strict=True):
            if count:
                shown = offset < stop and offset + count > start  # some rows on this page
            else:
                shown = start <= offset < stop or (offset >= stop and last)
            if shown:
                by_key[key] = Section(key=key, total=count)
            offset += count
        for row in page.object_list:
            by_key[row.section].rows.append(row)
        return list(by_key.values())


def next_row(*, user: Any, after: FollowUp | None) -> DayRow | None:
    """The first row of My day after the follow-up `after` (in My day order), skipping the
    rows of its own debtor, which the agent has just worked on; the first row without one."""
    started = after is None
    after_section = POOL if after is not None and after.owner_id is None else MINE
    for key, qs, make in _sources(user):
        if after is not None:
            qs = qs.exclude(debtor_guid=after.debtor_guid)
        if not started:
            if key != after_section:
                continue
            started = True
            qs = qs.filter(Q(due_at__gt=after.due_at) | Q(due_at=after.due_at, pk__gt=after.pk))
        record = qs.first()
        if record is not None:
            return make(key, record)
    return None
