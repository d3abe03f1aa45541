"""Template helpers for reschedules: `{% load reschedule %}`."""

from __future__ import annotations

from typing import Any

from django import template

from plans.reschedule_models import Reschedule
from plans.reschedule_selectors import (
    DebtorReschedules,
    reschedule_abandoned_queue_list,
    reschedule_debtor_panel,
    reschedule_queue_list,
)

register = template.Library()

TAGS = {
    Reschedule.Status.PENDING: "info",
    Reschedule.Status.APPROVED: "warn",
    Reschedule.Status.INTERRUPTED: "error",
    Reschedule.Status.COMPLETED: "ok",
    Reschedule.Status.REJECTED: "warn",
    Reschedule.Status.ABANDONED: "error",
}


@register.simple_tag
def open_reschedules() -> list[Reschedule]:
    """The supervisors' queue of open reschedules: `{% open_reschedules as reschedules %}`."""
    return list(reschedule_queue_list())


@register.simple_tag
def abandoned_reschedules() -> list[Reschedule]:
    """The queue's abandoned reschedules that left cases without a plan (one query)."""
    return list(reschedule_abandoned_queue_list())


@register.simple_tag(takes_context=True)
def debtor_reschedules(context: template.Context, debtor_guid: str, plans: Any
                       ) -> DebtorReschedules:
    """The debtor's open reschedules by old plan GUID and its abandoned ones still without a
    plan: `{% debtor_reschedules debtor_guid plans_panel.items as reschedules %}` (one query,
    none when the page read them already: `plans_records` in the context)."""
    prefetched = context.get("plans_records")
    return reschedule_debtor_panel(
        debtor_guid=debtor_guid, plans=plans or (),
        rows=prefetched.reschedules if prefetched is not None else None)


@register.filter
def reschedule_tag(status: str) -> str:
    """The tag colour class suffix of a reschedule status."""
    return TAGS.get(status, "info")


@register.filter
def get_for(mapping: dict, key: str) -> object:
    """`{{ by_plan|get_for:plan.payment_plan_guid }}`."""
    return mapping.get(key) if mapping else None
