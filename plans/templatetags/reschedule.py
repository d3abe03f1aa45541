"""Template helpers for reschedules: `{% load reschedule %}`."""

from __future__ import annotations

from django import template

from plans.reschedule_models import Reschedule
from plans.reschedule_selectors import reschedule_debtor_list, reschedule_queue_list

register = template.Library()

TAGS = {
    Reschedule.Status.PENDING: "info",
    Reschedule.Status.APPROVED: "warn",
    Reschedule.Status.INTERRUPTED: "error",
    Reschedule.Status.COMPLETED: "ok",
    Reschedule.Status.REJECTED: "warn",
}


@register.simple_tag
def open_reschedules() -> list[Reschedule]:
    """The supervisors' queue of open reschedules: `{% open_reschedules as reschedules %}`."""
    return list(reschedule_queue_list())


@register.simple_tag
def debtor_reschedules(debtor_guid: str) -> dict[str, Reschedule]:
    """The debtor's open reschedules by old plan GUID (one query)."""
    return {r.old_plan_guid: r for r in reschedule_debtor_list(debtor_guid=debtor_guid)}


@register.filter
def reschedule_tag(status: str) -> str:
    """The tag colour class suffix of a reschedule status."""
    return TAGS.get(status, "info")


@register.filter
def get_for(mapping: dict, key: str) -> object:
    """`{{ by_plan|get_for:plan.payment_plan_guid }}`."""
    return mapping.get(key) if mapping else None
