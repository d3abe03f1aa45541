"""Template helpers for plan panels: `{% load plans %}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from backoffice import roles
from backoffice.gateway import PaymentPlan, PlanState, PlanType
from plans import policies
from plans.models import PlanProposal
from plans.schedule import schedule_rows_html
from plans.selectors import proposal_by_plan_map

register = template.Library()

STATE_TAGS = {PlanState.ACTIVE: "ok", PlanState.PROPOSAL: "info", PlanState.ENDED: "warn"}
STATUS_TAGS = {
    PlanProposal.Status.PENDING: "info",
    PlanProposal.Status.CHANGED: "warn",
    PlanProposal.Status.APPROVED: "ok",
    PlanProposal.Status.REJECTED: "error",
    PlanProposal.Status.WITHDRAWN: "warn",
    PlanProposal.Status.FAILED: "error",
}


@dataclass(frozen=True)
class PanelRow:
    plan: PaymentPlan
    proposal: PlanProposal | None
    can_manage: bool
    is_proposal: bool
    state_tag: str


@register.simple_tag(takes_context=True)
def plan_panel_rows(context: template.Context, plans: Any) -> list[PanelRow]:
    """Each plan with our record of it (one query for all) and whether the user may manage it.

    `{% plan_panel_rows plans_panel.items as rows %}`; no query when the page read them already
    (`plans_records` in the context, see `plans_panel_records`).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    items = list(plans or ())
    prefetched = context.get("plans_records")
    records = (prefetched.proposals if prefetched is not None else
               proposal_by_plan_map(plan_guids=[p.payment_plan_guid or "" for p in items]))
    may_propose = roles.user_can(user, roles.PROPOSE_PLANS)
    rows = []
    for plan in items:
        record = records.get(plan.payment_plan_guid or "")
        is_proposal = plan.active == PlanState.PROPOSAL
        rows.append(PanelRow(
            plan=plan, proposal=record, is_proposal=is_proposal,
            can_manage=is_proposal and may_propose and policies.may_manage_proposal(user, record),
            state_tag=STATE_TAGS.get(plan.active, "info"),
        ))
    return rows


@register.filter
def status_tag(status: str) -> str:
    """The tag colour class suffix of a proposal status."""
    return STATUS_TAGS.get(status, "info")


@register.filter
def plan_type_label(value: Any) -> str:
    """The label of a plan type number (as int or string)."""
    try:
        return str(PlanType(int(value)).label)
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def schedule_rows(plan: Any) -> str:
    """The schedule table's body rows: `{% schedule_rows plan %}` (see plans/schedule.py)."""
    return schedule_rows_html(getattr(plan, "periods", ()) or ())


@register.simple_tag
def oob_field_errors(*forms: Any) -> SafeString:
    """Every field's error box of these forms and formsets, out of band (so htmx also clears
    the boxes of fields now right), in one go: partials/field_errors.html's markup, written
    here because a recalculation's answer repeats it for every field.

    `{% oob_field_errors form formset %}`
    """
    boxes = []
    for form in forms:
        for each in getattr(form, "forms", None) or [form]:
            for field in each:
                errors = "".join(f"<li>{escape(error)}</li>" for error in field.errors)
                listed = f'<ul class="errorlist">{errors}</ul>' if errors else ""
                boxes.append(f'<div class="field-errors" id="{escape(field.auto_id)}_error" '
                             f'hx-swap-oob="true">{listed}</div>')
    return mark_safe("\n".join(boxes))  # noqa: S308 - every value is escaped above
