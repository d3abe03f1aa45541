"""The debtor's income and expenditure statement, kept with the plan proposed on it.

An agent fills it beside the calculator; it is stored when the plan is proposed, so the
approver sees what the instalment was weighed against. The amounts are personal data: they are
shown only with the proposal (see plans/afford.py) and deleted after
`PLAN_STATEMENT_RETENTION_MONTHS` by the `statements_sweep` job. This is the back-office's own
arithmetic on what the agent entered; the plan's figures stay Aptic's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def statement_categories() -> list[tuple[str, str]]:
    """The expenditure categories (key, label) from `PLAN_STATEMENT_CATEGORIES`."""
    return [(str(key), str(label)) for key, label in settings.PLAN_STATEMENT_CATEGORIES]


@dataclass(frozen=True)
class Affordability:
    """What a statement leaves the debtor each month, and the instalment suggested from it."""

    net_income: Decimal
    total_expenditure: Decimal
    disposable_income: Decimal
    share: Decimal  # percent of the disposable income suggested
    suggestion: Decimal | None  # None when nothing is left to pay from


def affordability(*, net_income: Decimal, expenditure: dict[str, Decimal]) -> Affordability:
    """Disposable income = income - every expenditure; the suggestion is
    `PLAN_AFFORDABILITY_SHARE` percent of it, rounded down to the cent (never up: a suggestion
    must not exceed the share)."""
    total = sum(expenditure.values(), ZERO).quantize(CENT)
    disposable = (net_income - total).quantize(CENT)
    share = Decimal(str(settings.PLAN_AFFORDABILITY_SHARE))
    suggestion = (disposable * share / 100).quantize(CENT, rounding=ROUND_DOWN)
    return Affordability(net_income=net_income.quantize(CENT), total_expenditure=total,
                         disposable_income=disposable, share=share,
                         suggestion=suggestion if suggestion > 0 else None)


def proposal_instalment(proposal: Any) -> Decimal | None:
    """The proposal's monthly payment as proposed: its second period's amount (the first
    carries the registration fee), or the only period's, as the calculator's comparison
    shows it (plans/compare.py)."""
    periods = (getattr(proposal, "snapshot", None) or {}).get("periods") or []
    if not periods:
        return None
    regular = periods[1] if len(periods) > 1 else periods[0]
    amount = regular.get("amount")
    return None if amount in (None, "") else Decimal(str(amount))


class Statement(models.Model):
    debtor_guid = models.CharField(_("debtor"), max_length=36, db_index=True)
    proposal = models.OneToOneField(
        "plans.PlanProposal", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="statement", verbose_name=_("proposal"),
    )
    net_income = models.DecimalField(_("monthly net income"), max_digits=14, decimal_places=2)
    # Category key -> the amount as a Decimal string ("1234.50"); the keys are those of
    # PLAN_STATEMENT_CATEGORIES when it was made (a later change of the setting keeps them).
    expenditure = models.JSONField(_("monthly expenditure"), default=dict)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("income and expenditure statement")
        verbose_name_plural = _("income and expenditure statements")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"statement {self.pk} ({self.debtor_guid})"

    def amounts(self) -> dict[str, Decimal]:
        return {key: Decimal(str(value)) for key, value in (self.expenditure or {}).items()}

    def lines(self) -> list[tuple[str, Decimal]]:
        """(label, amount) per category: the configured ones in order, then any others."""
        amounts = self.amounts()
        known = statement_categories()
        rows = [(label, amounts.get(key, ZERO)) for key, label in known]
        keys = {key for key, _label in known}
        rows += [(key, value) for key, value in amounts.items() if key not in keys]
        return rows

    @property
    def figures(self) -> Affordability:
        return affordability(net_income=self.net_income, expenditure=self.amounts())

    @property
    def disposable_income(self) -> Decimal:
        return self.figures.disposable_income

    @property
    def instalment_above_disposable(self) -> bool:
        """The proposal's monthly payment exceeds what the statement leaves (equal is not)."""
        instalment = proposal_instalment(self.proposal) if self.proposal_id else None
        return instalment is not None and instalment > self.disposable_income
