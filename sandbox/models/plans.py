"""Payment plans as the sandbox keeps them: the plan, its periods, deviating payments and
covered cases.

A plan stores what it was calculated from (balance, weighted rate, calculation date) so an
update recalculates the same plan with new deviating payments. The cases a plan covers sit in
`PaymentPlanCase`, which copies the plan's active flag so the database itself refuses a case
under two active plans (a partial unique index), whatever two requests race.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sandbox.models.debtors import MONEY, Case, Debtor


class PlanState(models.IntegerChoices):
    ENDED = 0, "ended"
    ACTIVE = 1, "active"
    PROPOSAL = 2, "proposal"


class PlanType(models.IntegerChoices):
    ANNUITY = 1, "annuity"
    ANNUITY_LIMITED = 2, "annuity limited"
    LINEAR = 3, "linear"
    LINEAR_LIMITED = 4, "linear limited"
    DEBT_RELIEF = 5, "debt relief"


class PaymentPlan(models.Model):
    guid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="payment_plans")
    registration_date = models.DateTimeField(default=timezone.now)
    active = models.PositiveSmallIntegerField(
        choices=PlanState.choices, default=PlanState.PROPOSAL
    )
    payment_plan_type = models.PositiveSmallIntegerField(choices=PlanType.choices)
    # As requested (either may be null for types 1 and 3) ...
    requested_number_of_payments = models.PositiveSmallIntegerField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # ... and as calculated.
    number_of_payments = models.PositiveSmallIntegerField()
    remaining_number_of_payments = models.PositiveSmallIntegerField()
    currency_code = models.CharField(max_length=3)
    registration_fee = models.DecimalField(**MONEY)
    invoice_fee = models.DecimalField(**MONEY)
    reminder_fee = models.DecimalField(**MONEY)
    fee_currency_code = models.CharField(max_length=3)
    total_amount = models.DecimalField(**MONEY)
    total_principal = models.DecimalField(**MONEY)
    total_interest = models.DecimalField(**MONEY)
    total_fee = models.DecimalField(**MONEY)
    annual_percentage = models.DecimalField(max_digits=12, decimal_places=2,
                                            default=Decimal("0.00"))
    left_on_cases = models.DecimalField(**MONEY)

    # What it was calculated from (internal, never on the wire).
    balance = models.DecimalField(**MONEY)
    annual_rate = models.DecimalField(max_digits=20, decimal_places=12, default=Decimal("0"))
    calculation_date = models.DateField()

    cases = models.ManyToManyField(Case, through="PaymentPlanCase", related_name="payment_plans")

    class Meta:
        ordering = ["registration_date", "id"]
        indexes = [models.Index(fields=["debtor", "active"], name="sbx_plan_debtor_active")]

    def __str__(self) -> str:
        return f"plan {self.guid} ({self.get_active_display()})"


class PaymentPlanCase(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="covered")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_links")
    plan_active = models.BooleanField(default=False)  # mirrors plan.active == ACTIVE

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "case"], name="sbx_plan_case_once"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(plan_active=True), name="sbx_case_one_active_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} covers {self.case_id}"


class PaymentPlanPeriod(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="periods")
    period_number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = models.DecimalField(**MONEY)
    principal = models.DecimalField(**MONEY)
    interest = models.DecimalField(**MONEY)
    fee = models.DecimalField(**MONEY)
    remaining_principal = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["period_number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_number"], name="sbx_plan_period"),
        ]

    def __str__(self) -> str:
        return f"period {self.period_number} of {self.plan_id}"


class PaymentPlanPayment(models.Model):
    """A deviating payment: replaces principal + interest of the period due that day."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE,
                             related_name="deviating_payments")
    due_date = models.DateField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"{self.amount} on {self.due_date}"
