"""Reads for the reschedule pages: the queue, a debtor's open reschedules, and the old and the
new plan side by side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backoffice.formatting import money, percent
from backoffice.gateway import (
    PaymentPlan,
    PlanState,
    PlanType,
)
from plans.compare import PlanFigures, plan_figures
from plans.models import PlanProposal
from plans.reschedule_models import Reschedule

DASH = "\u2013"  # a figure not known (yet)


def reschedule_queue_list() -> QuerySet[Reschedule]:
    """Open reschedules for the supervisors' queue: interrupted ones first, then oldest."""
    return (Reschedule.objects.open().select_related("proposed_by", "decided_by")
            .annotate(urgent=models.Case(
                models.When(status=Reschedule.Status.PENDING, then=1), default=0,
                output_field=models.IntegerField()))
            .order_by("urgent", "created_at", "id"))


def reschedule_proposer_list(*, proposed_by: Any, limit: int = 20) -> list[Reschedule]:
    """The reschedules `proposed_by` proposed, newest first (for "My proposals")."""
    return list(Reschedule.objects.filter(proposed_by=proposed_by)
                .order_by("-created_at", "-id")[:limit])


def _abandoned_unplanned() -> QuerySet[Reschedule]:
    return Reschedule.objects.filter(status=Reschedule.Status.ABANDONED,
                                     step__in=Reschedule.UNPLANNED_STEPS)


def reschedule_abandoned_queue_list() -> QuerySet[Reschedule]:
    """Abandoned reschedules that left their cases without a plan, for the queue, newest
    first, until a plan is proposed for the debtor here (then the queue lists that)."""
    proposed_since = PlanProposal.objects.filter(debtor_guid=models.OuterRef("debtor_guid"),
                                                 created_at__gt=models.OuterRef("abandoned_at"))
    return (_abandoned_unplanned().select_related("proposed_by", "abandoned_by")
            .exclude(models.Exists(proposed_since)).order_by("-abandoned_at", "-id"))


@dataclass(frozen=True)
class DebtorReschedules:
    """The plans panel's reschedules: the open ones by old plan GUID, and the abandoned ones
    whose cases no active plan covers (left without a plan and still so)."""

    open: dict[str, Reschedule]
    abandoned: list[Reschedule]


def reschedule_debtor_rows(*, debtor_guid: str) -> list[Reschedule]:
    """The debtor's reschedules the plans panel may show: the open ones and the abandoned ones
    that left cases without a plan (one query; which are still so needs the plans)."""
    return list(Reschedule.objects.filter(debtor_guid=debtor_guid)
                .filter(models.Q(status__in=Reschedule.OPEN_STATUSES)
                        | models.Q(status=Reschedule.Status.ABANDONED,
                                   step__in=Reschedule.UNPLANNED_STEPS))
                .select_related("proposed_by").order_by("created_at", "id"))


def reschedule_debtor_panel(*, debtor_guid: str, plans: Iterable[PaymentPlan],
                            rows: Iterable[Reschedule] | None = None) -> DebtorReschedules:
    """The debtor's reschedules for the plans panel, `plans` as the panel read them; `rows`
    from `reschedule_debtor_rows` when the page read them already (else one query)."""
    if rows is None:
        rows = reschedule_debtor_rows(debtor_guid=debtor_guid)
    covered = {guid for plan in plans if plan.active == PlanState.ACTIVE
               for guid in plan.cases}
    open_, abandoned = {}, []
    for record in rows:
        if record.status in Reschedule.OPEN_STATUSES:
            open_[record.old_plan_guid] = record
        elif not covered.intersection(record.case_guids):
            abandoned.append(record)
    abandoned.sort(key=lambda r: (r.abandoned_at, r.pk), reverse=True)
    return DebtorReschedules(open=open_, abandoned=abandoned)


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side table (formatted strings)."""

    label: str
    old: str
    new: str


def _type_label(value: Any) -> str:
    try:
        return str(PlanType(int(value)).label)
    except (TypeError, ValueError):
        return ""


def _figures_of(record: Reschedule) -> PlanFigures | None:
    try:
        return PlanFigures(**record.old_figures) if record.old_figures else None
    except TypeError:
        return None


def reschedule_comparison(*, record: Reschedule, old_plan: PaymentPlan | None,
                          new_plan: PaymentPlan | None) -> list[Row]:
    """The old plan and the new one side by side, as Aptic answered them; until the new plan
    exists (it is created at approval), its terms as proposed."""
    old = old_plan
    currency = (old.currency_code if old else "") or record.currency
    terms = record.terms
    rows = [
        Row(_("Plan type"), _type_label(old.payment_plan_type if old else
                                        record.old_snapshot.get("payment_plan_type")),
            _type_label(new_plan.payment_plan_type if new_plan else terms.payment_plan_type)),
        Row(_("Number of payments"),
            str(old.number_of_payments if old else record.old_snapshot.get(
                "number_of_payments") or DASH),
            str((new_plan.number_of_payments if new_plan else terms.number_of_payments)
                or DASH)),
    ]
    if new_plan is None:
        rows.append(Row(_("Amount per period (terms)"), DASH,
                        money(terms.amount, currency) if terms.amount is not None else DASH))
    fees = (("registration_fee", _("Registration fee")), ("invoice_fee", _("Invoice fee")),
            ("reminder_fee", _("Reminder fee")))
    for name, label in fees:
        was = getattr(old, name) if old else record.old_snapshot.get(name)
        now = getattr(new_plan, name) if new_plan else getattr(terms, name)
        rows.append(Row(label, money(was, currency), money(now, currency)))
    if record.old_figures or old is not None or new_plan is not None:
        before = plan_figures(old) if old else _figures_of(record)
        after = plan_figures(new_plan) if new_plan else None
        for name, label in (("monthly_payment", _("Monthly payment")),
                            ("total_interest", _("Total interest")),
                            ("total_amount", _("Total amount"))):
            rows.append(Row(label,
                            money(getattr(before, name), currency) if before else DASH,
                            money(getattr(after, name), currency) if after else DASH))
        rows.append(Row(_("APR"),
                        percent(before.annual_percentage, 2) if before else DASH,
                        percent(after.annual_percentage, 2) if after else DASH))
    return rows
