"""Reading plans side by side: the figures a comparison shows, and what changed since a proposal.

Both only pick and format what Aptic answered; nothing here adds up or derives an amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.formatting import date_only, money, percent
from backoffice.gateway import PaymentPlan, PlanState, PlanType, snapshot

MAX_PERIOD_DIFFERENCES = 12
PINNED_PREFIX = "pinned-"
_MONEY_FIGURES = ("monthly_payment", "first_payment", "last_payment", "total_interest",
                  "total_fee", "total_amount", "annual_percentage")


@dataclass(frozen=True)
class PlanFigures:
    """One plan's headline figures as strings (pinned ones ride along in hidden fields)."""

    plan_type: str
    currency: str
    number_of_payments: str
    first_due_date: str
    last_due_date: str
    monthly_payment: str
    first_payment: str
    last_payment: str
    total_interest: str
    total_fee: str
    total_amount: str
    annual_percentage: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_form(cls, data: Mapping[str, Any], prefix: str = PINNED_PREFIX
                  ) -> PlanFigures | None:
        """The figures carried in hidden `pinned-*` fields, or None when absent or garbled
        (they come back from the browser, so each is checked to be what it claims)."""
        values = {name: str(data.get(prefix + name) or "") for name in cls.__dataclass_fields__}
        if not values["total_amount"]:
            return None
        try:
            for name in _MONEY_FIGURES:
                if values[name]:
                    Decimal(values[name])
            for name in ("first_due_date", "last_due_date"):
                if values[name]:
                    date.fromisoformat(values[name])
            int(values["number_of_payments"] or 0)
            int(values["plan_type"] or 0)
        except (InvalidOperation, ValueError):
            return None
        if not values["currency"].isalpha() or len(values["currency"]) != 3:
            values["currency"] = ""
        return cls(**values)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def plan_figures(plan: PaymentPlan) -> PlanFigures:
    """The figures of a calculated plan. The monthly payment is the second period's amount
    (the first carries the registration fee), or the only period's."""
    periods = plan.periods
    first, last = (periods[0], periods[-1]) if periods else (None, None)
    regular = periods[1] if len(periods) > 1 else first
    return PlanFigures(
        plan_type=_text(plan.payment_plan_type),
        currency=_text(plan.currency_code),
        number_of_payments=_text(plan.number_of_payments),
        first_due_date=_text(first.due_date.isoformat() if first and first.due_date else ""),
        last_due_date=_text(last.due_date.isoformat() if last and last.due_date else ""),
        monthly_payment=_text(regular.amount if regular else ""),
        first_payment=_text(first.amount if first else ""),
        last_payment=_text(last.amount if last else ""),
        total_interest=_text(plan.total_interest),
        total_fee=_text(plan.total_fee),
        total_amount=_text(plan.total_amount),
        annual_percentage=_text(plan.annual_percentage),
    )


@dataclass(frozen=True)
class Difference:
    """One value that differs between the plan as proposed and as it is now (formatted)."""

    label: str
    proposed: str
    current: str


_MONEY_FIELDS = {
    "total_amount": gettext_lazy("Total amount"),
    "total_principal": gettext_lazy("Total principal"),
    "total_interest": gettext_lazy("Total interest"),
    "total_fee": gettext_lazy("Total fees"),
    "registration_fee": gettext_lazy("Registration fee"),
    "invoice_fee": gettext_lazy("Invoice fee"),
    "reminder_fee": gettext_lazy("Reminder fee"),
}
_PERIOD_FIELDS = {
    "due_date": gettext_lazy("due date"),
    "amount": gettext_lazy("payment"),
    "principal": gettext_lazy("principal"),
    "interest": gettext_lazy("interest"),
    "fee": gettext_lazy("fee"),
}


def _label_of(enum: type, value: Any) -> str:
    try:
        return str(enum(int(value)).label)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def _payments_text(rows: Any, currency: str) -> str:
    if not rows:
        return _("none")
    return "; ".join(f"{date_only(r.get('due_date'))}: {money(r.get('amount'), currency)}"
                     for r in rows)


def _period_value(field: str, value: Any) -> str:
    return date_only(value) if field == "due_date" else money(value)


def plan_differences(proposed: dict[str, Any], current: PaymentPlan | dict[str, Any]
                     ) -> list[Difference]:
    """What differs between two snapshots of a plan (`snapshot()` dicts or the plan read)."""
    now = current if isinstance(current, dict) else snapshot(current)
    currency = str(now.get("currency_code") or proposed.get("currency_code") or "")
    out: list[Difference] = []

    def add(label: Any, before: str, after: str) -> None:
        if before != after:
            out.append(Difference(str(label), before, after))

    add(_("State"), _label_of(PlanState, proposed.get("active")),
        _label_of(PlanState, now.get("active")))
    add(_("Plan type"), _label_of(PlanType, proposed.get("payment_plan_type")),
        _label_of(PlanType, now.get("payment_plan_type")))
    add(_("Number of payments"), _text(proposed.get("number_of_payments")),
        _text(now.get("number_of_payments")))
    for field, label in _MONEY_FIELDS.items():
        add(label, money(proposed.get(field), currency), money(now.get(field), currency))
    add(_("APR"), percent(proposed.get("annual_percentage"), 2),
        percent(now.get("annual_percentage"), 2))
    add(_("Covered cases"), ", ".join(proposed.get("cases") or ()),
        ", ".join(now.get("cases") or ()))
    add(_("Deviating payments"), _payments_text(proposed.get("payments"), currency),
        _payments_text(now.get("payments"), currency))

    before = {p.get("period_number"): p for p in proposed.get("periods") or ()}
    after = {p.get("period_number"): p for p in now.get("periods") or ()}
    period_rows: list[Difference] = []
    for number in sorted(set(before) | set(after), key=lambda n: (n is None, n)):
        old, new = before.get(number) or {}, after.get(number) or {}
        for field, label in _PERIOD_FIELDS.items():
            was = _period_value(field, old.get(field)) if old else "\u2013"
            now_value = _period_value(field, new.get(field)) if new else "\u2013"
            if was != now_value:
                period_rows.append(Difference(
                    _("Period %(number)s, %(field)s") % {"number": number, "field": label},
                    was, now_value))
    out.extend(period_rows[:MAX_PERIOD_DIFFERENCES])
    if len(period_rows) > MAX_PERIOD_DIFFERENCES:
        out.append(Difference(
            _("Further period values"),
            "", _("%(count)s more differ") % {"count": len(period_rows) - MAX_PERIOD_DIFFERENCES}))
    return out
