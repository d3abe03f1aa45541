"""Reads for the plan pages: our proposal records, and what the calculator needs from Aptic."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import QuerySet

from backoffice.gateway import (
    Address,
    Case,
    Debtor,
    F,
    GatewayError,
    PaymentPlan,
    PlanInput,
    PlanState,
    fingerprint,
    gather,
    get_gateway,
)
from plans.models import PlanProposal
from plans.reschedule_models import Reschedule
from plans.reschedule_selectors import reschedule_debtor_rows

ZERO = Decimal("0.00")


# --- Our records ---------------------------------------------------------------------------


def proposal_pending_count(*, user: Any = None) -> int:
    """Proposals waiting for a decision (the navigation badge): one indexed COUNT."""
    return PlanProposal.objects.open().count()


def approvals_waiting_count(*, user: Any = None) -> int:
    """What waits for a supervisor (the navigation badge): open proposals, and reschedules
    pending approval or interrupted. One query (a UNION ALL counted)."""
    waiting = (Reschedule.Status.PENDING, Reschedule.Status.INTERRUPTED)
    return (PlanProposal.objects.open().values("pk")
            .union(Reschedule.objects.filter(status__in=waiting).values("pk"), all=True)
            .count())


def proposal_queue_list(*, proposer_id: int | None = None, currency: str = "",
                   changed_only: bool = False, debtor: str = "") -> QuerySet[PlanProposal]:
    """Open proposals, oldest first."""
    qs = PlanProposal.objects.open().select_related("proposed_by", "statement")
    if proposer_id:
        qs = qs.filter(proposed_by_id=proposer_id)
    if currency:
        qs = qs.filter(currency=currency)
    if changed_only:
        qs = qs.filter(status=PlanProposal.Status.CHANGED)
    if debtor:
        qs = qs.filter(debtor_name__icontains=debtor)
    return qs.order_by("created_at", "id")


def proposal_filter_choices() -> tuple[list[tuple[int, str]], list[str]]:
    """The proposers and currencies that occur in the open queue."""
    open_ = PlanProposal.objects.open()
    proposers = sorted(
        {(p.pk, p.get_username()) for p in (r.proposed_by for r in
                                            open_.select_related("proposed_by"))},
        key=lambda item: item[1],
    )
    currencies = sorted(set(open_.exclude(currency="").values_list("currency", flat=True)))
    return proposers, currencies


def proposal_list(*, proposed_by: Any) -> QuerySet[PlanProposal]:
    """A user's own proposals, newest first (the "My proposals" page), with their statements
    joined as the queue has them (for the affordability flag)."""
    return (PlanProposal.objects.filter(proposed_by=proposed_by)
            .select_related("decided_by", "statement").order_by("-created_at", "-id"))


def proposal_get(*, plan_guid: str) -> PlanProposal | None:
    """Our record of the proposal behind an upstream plan, if the back-office made it."""
    return PlanProposal.objects.filter(plan_guid=plan_guid).select_related(
        "proposed_by").first()


def proposal_by_plan_map(*, plan_guids: Iterable[str]) -> dict[str, PlanProposal]:
    """Our records for these upstream plans, by plan guid (one query)."""
    guids = [g for g in plan_guids if g]
    if not guids:
        return {}
    return {p.plan_guid: p for p in PlanProposal.objects.filter(plan_guid__in=guids)
            .select_related("proposed_by", "decided_by")}


@dataclass(frozen=True)
class PlansPanelRecords:
    """Our rows behind a debtor's plans panel, read by debtor GUID: the debtor page reads them
    while Aptic answers, so the panel makes no query once the plans are in."""

    proposals: dict[str, PlanProposal]  # by plan guid: every proposal the back-office made
    reschedules: list[Reschedule]  # as `reschedule_debtor_rows` gives them


def plans_panel_records(*, debtor_guid: str) -> PlansPanelRecords:
    """The debtor's proposals and panel reschedules (two queries, no Aptic call)."""
    proposals = PlanProposal.objects.filter(debtor_guid=debtor_guid).select_related(
        "proposed_by", "decided_by")
    return PlansPanelRecords(proposals={p.plan_guid: p for p in proposals},
                             reschedules=reschedule_debtor_rows(debtor_guid=debtor_guid))


# --- The calculator ------------------------------------------------------------------------


@dataclass(frozen=True)
class CalculatorSetup:
    """The debtor, the cases a new plan may cover, and the fee defaults for their currency."""

    debtor: Debtor
    cases: tuple[Case, ...]
    cases_under_plan: tuple[Case, ...]
    currency: str
    fee_defaults: dict[str, Decimal] = field(default_factory=dict)

    def case_choices(self) -> list[tuple[str, str]]:
        return [(c.case_guid or "", c.case_number or c.case_guid or "") for c in self.cases]


def fee_defaults_get(*, currency: str) -> dict[str, Decimal]:
    defaults = settings.PLAN_FEE_DEFAULTS.get(currency or "", {})
    return {name: defaults.get(name, ZERO) for name in ("registration", "invoice", "reminder")}


# The calculator page's setup, kept briefly in this process for its recalculations.
SETUP_REUSE_SECONDS = 60.0
SETUP_REUSE_MAX = 500
_recent_setups: dict[str, tuple[float, CalculatorSetup]] = {}
_recent_lock = threading.Lock()


def calculator_setup_recent_get(*, debtor_guid: str, case_guids: Iterable[str] = ()
                            ) -> CalculatorSetup:
    """The setup this process read for the debtor's calculator less than a minute ago, if it
    knows every case in `case_guids` (the cases the form posts), else a fresh read (raises the
    first `GatewayError`).

    For the recalculations and the proposal that follow the calculator page: each then costs
    one upstream round trip (P6, or P2) instead of two, and a proposal made while Aptic stops
    answering reaches the audited P2 with the form kept. The page itself always reads afresh;
    Aptic checks the cases again on every P6/P2 (a case taken meanwhile is a refusal there).
    The setup stays in process memory, never in a shared cache.
    """
    now = time.monotonic()
    with _recent_lock:
        kept = _recent_setups.get(debtor_guid)
    if kept is not None and now - kept[0] < SETUP_REUSE_SECONDS:
        setup = kept[1]
        known = {c.case_guid for c in (*setup.cases, *setup.cases_under_plan)}
        if set(case_guids) <= known:
            return setup
    return calculator_setup_get(debtor_guid=debtor_guid)


def _remember_setup(debtor_guid: str, setup: CalculatorSetup) -> None:
    now = time.monotonic()
    with _recent_lock:
        if len(_recent_setups) >= SETUP_REUSE_MAX:
            for guid, (read_at, _setup) in list(_recent_setups.items()):
                if now - read_at >= SETUP_REUSE_SECONDS:
                    del _recent_setups[guid]
            while len(_recent_setups) >= SETUP_REUSE_MAX:
                del _recent_setups[next(iter(_recent_setups))]
        _recent_setups[debtor_guid] = (now, setup)


def calculator_setup_forget_all() -> None:
    """For tests that change a debtor's cases upstream between two requests."""
    with _recent_lock:
        _recent_setups.clear()


def calculator_setup_get(*, debtor_guid: str) -> CalculatorSetup:
    """Reads the debtor, its active cases and its active plans side by side.

    Raises the first `GatewayError` (the calculator cannot work without all three).
    """
    gw = get_gateway()
    parts = gather({
        "debtor": lambda: gw.debtor_get(debtor_guid),
        "cases": lambda: list(gw.iter_pages(gw.case_list, debtor_guid,
                                            filter=F.eq("status", "ACTIVE"))),
        "plans": lambda: list(gw.iter_pages(gw.plan_list, debtor_guid,
                                            filter=F.eq("active", PlanState.ACTIVE))),
    })
    debtor = parts["debtor"].value
    cases = parts["cases"].value
    taken = {guid for plan in parts["plans"].value for guid in plan.cases}
    free = tuple(c for c in cases if c.case_guid not in taken)
    under = tuple(c for c in cases if c.case_guid in taken)
    currencies = [c.currency_code for c in free if c.currency_code]
    currency = (currencies[0] if currencies else debtor.currency_code) or ""
    setup = CalculatorSetup(debtor=debtor, cases=free, cases_under_plan=under,
                            currency=currency,
                            fee_defaults=fee_defaults_get(currency=currency))
    _remember_setup(debtor_guid, setup)
    return setup


def plan_calculate(*, debtor_guid: str, data: PlanInput) -> PaymentPlan:
    """P6: the plan Aptic would make of these terms (nothing is stored)."""
    return get_gateway().plan_calculate(debtor_guid, data)


def plan_get(*, debtor_guid: str, plan_guid: str) -> PaymentPlan:
    return get_gateway().plan_get(debtor_guid, plan_guid)


class PlanRead(NamedTuple):
    """A plan as read, with the fingerprint a change of it is checked against."""

    plan: PaymentPlan
    fingerprint: str


def plan_read_get(*, debtor_guid: str, plan_guid: str) -> PlanRead:
    plan = plan_get(debtor_guid=debtor_guid, plan_guid=plan_guid)
    return PlanRead(plan, fingerprint(plan))


def proposal_is_stale(*, proposal: PlanProposal, plan: PaymentPlan) -> bool:
    """The plan upstream no longer is what was proposed (an open proposal only)."""
    return proposal.is_open and fingerprint(plan) != proposal.fingerprint


# --- The debtor page's panel ---------------------------------------------------------------


@dataclass(frozen=True)
class PlansPanel:
    """What templates/plans/partials/debtor_plans.html shows: the plans, or why not."""

    items: tuple[PaymentPlan, ...] = ()
    error: GatewayError | None = None


def plan_panel_get(*, debtor_guid: str) -> PlansPanel:
    """Every plan of the debtor (active first, then proposals, then ended)."""
    gw = get_gateway()
    try:
        plans = list(gw.iter_pages(gw.plan_list, debtor_guid,
                                   orderby=["active", "-registration_date"]))
    except GatewayError as exc:
        return PlansPanel(error=exc)
    rank = {PlanState.ACTIVE: 0, PlanState.PROPOSAL: 1, PlanState.ENDED: 2}
    plans.sort(key=lambda p: rank.get(p.active, 3))  # one complete list, not a page
    return PlansPanel(items=tuple(plans))


# --- The agreement -------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    debtor: Debtor
    address: Address | None
    plan: PaymentPlan
    cases: tuple[Case, ...]


def plan_agreement_get(*, debtor_guid: str, plan_guid: str) -> Agreement:
    """The debtor, their default address, the plan and its covered cases."""
    gw = get_gateway()
    parts = gather({
        "debtor": lambda: gw.debtor_get(debtor_guid),
        "plan": lambda: gw.plan_get(debtor_guid, plan_guid),
        "addresses": lambda: list(gw.iter_pages(gw.address_list, debtor_guid)),
        "cases": lambda: list(gw.iter_pages(gw.case_list, debtor_guid)),
    })
    plan = parts["plan"].value
    debtor = parts["debtor"].value
    addresses = parts["addresses"].result if parts["addresses"].ok else []
    address = next((a for a in addresses if a.default_address), None) or (
        addresses[0] if addresses else None)
    covered = set(plan.cases)
    all_cases = parts["cases"].result if parts["cases"].ok else []
    cases = tuple(c for c in all_cases if c.case_guid in covered)
    return Agreement(debtor=debtor, address=address, plan=plan, cases=cases)
