"""Reads of the agent's day: the local records, and the balances they are shown with."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice.gateway import CaseSummary, get_gateway
from backoffice.gateway.fanout import Part, collect, gather, submit_all
from plans.models import PlanProposal
from work.models import FollowUp, Promise


def end_of_today() -> datetime:
    """Midnight at the end of today, in the desk's time zone."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def followup_due_list(*, owner: Any) -> QuerySet[FollowUp]:
    """`owner`'s open follow-ups due today or overdue (the pool when None), oldest first."""
    return FollowUp.objects.filter(owner=owner, status=FollowUp.Status.OPEN,
                                   due_at__lt=end_of_today()).order_by("due_at", "id")


def promise_due_list(*, owner: Any) -> QuerySet[Promise]:
    """`owner`'s open promises to pay due today (index work_promise_owner)."""
    return Promise.objects.filter(owner=owner, status=Promise.Status.OPEN,
                                  due_date=timezone.localdate()).order_by("id")


def my_day_count(*, user: Any) -> int:
    """The navigation badge: the user's follow-ups due today or overdue plus their promises
    due today; two indexed COUNTs (owner, status, due)."""
    return followup_due_list(owner=user).count() + promise_due_list(owner=user).count()


def balance_get(*, debtor_guid: str) -> CaseSummary:
    """The debtor's case summary (total remaining and cases): one upstream call."""
    return get_gateway().debtor_summary(debtor_guid)


def balances_gather(*, debtor_guids: Iterable[str]) -> dict[str, Part]:
    """Case summaries of several debtors side by side, one call per distinct debtor; each
    debtor's `Part` holds its summary or its error."""
    gw = get_gateway()
    calls = {guid: (lambda g=guid: gw.debtor_summary(g)) for guid in dict.fromkeys(debtor_guids)}
    return gather(calls)


# --- My day ------------------------------------------------------------------------------------


def news_since() -> datetime:
    """How far back My day shows missed promises and decided proposals."""
    return timezone.now() - timedelta(days=settings.WORK_NEWS_DAYS)


def promise_missed_list(*, owner: Any) -> QuerySet[Promise]:
    """`owner`'s promises found broken or partly kept in the last WORK_NEWS_DAYS, newest first."""
    return Promise.objects.filter(owner=owner, status__in=Promise.MISSED,
                                  checked_at__gte=news_since()).order_by("-checked_at", "-id")


PROPOSAL_NEWS = (PlanProposal.Status.APPROVED, PlanProposal.Status.REJECTED,
                 PlanProposal.Status.FAILED, PlanProposal.Status.CHANGED)


def proposal_news_list(*, proposed_by: Any) -> QuerySet[PlanProposal]:
    """`proposed_by`'s proposals approved, rejected, failed or changed in the last
    WORK_NEWS_DAYS (decided or updated since), newest first."""
    since = news_since()
    return (PlanProposal.objects.filter(proposed_by=proposed_by, status__in=PROPOSAL_NEWS)
            .filter(Q(decided_at__gte=since) | Q(updated_at__gte=since))
            .order_by("-updated_at", "-id"))


@dataclass(frozen=True)
class Balance:
    """A debtor's total remaining as My day shows it: read (`remaining`, in `currency`), not
    read (`error`), or still on its way (neither)."""

    debtor_guid: str
    remaining: Decimal | None = None
    currency: str = ""
    error: BaseException | None = None

    @property
    def ready(self) -> bool:
        return self.remaining is not None

    @property
    def failed(self) -> bool:
        return self.error is not None


def balance_from_part(debtor_guid: str, part: Part | None) -> Balance:
    """The `Balance` of one fan-out part (None: the part did not arrive in time)."""
    if part is None:
        return Balance(debtor_guid=debtor_guid)
    if not part.ok:
        return Balance(debtor_guid=debtor_guid, error=part.error)
    summary: CaseSummary = part.result
    currency = next((c.currency_code for c in summary.cases if c.currency_code), "")
    return Balance(debtor_guid=debtor_guid, remaining=summary.remaining_sum or Decimal("0.00"),
                   currency=currency or "")


def balances_start(*, debtor_guids: Iterable[str]) -> dict[str, Future[Part]]:
    """Starts the case summaries of these debtors side by side and returns at once."""
    gw = get_gateway()
    return submit_all({guid: (lambda g=guid: gw.debtor_summary(g))
                       for guid in dict.fromkeys(debtor_guids)})


def balances_wait(*, pending: dict[str, Future[Part]], timeout: float) -> dict[str, Balance]:
    """Every started debtor's `Balance`, waiting at most `timeout` seconds for all of them:
    those that did not arrive by then come back neither read nor failed."""
    arrived = collect(pending, timeout=timeout) if pending else {}
    return {guid: balance_from_part(guid, arrived.get(guid)) for guid in pending}


def balances_read(*, debtor_guids: Iterable[str]) -> dict[str, Balance]:
    """The balances of these debtors, waiting for every one (the htmx partial's read)."""
    parts = balances_gather(debtor_guids=debtor_guids)
    return {guid: balance_from_part(guid, part) for guid, part in parts.items()}
