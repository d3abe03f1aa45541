"""The back-office's own record of each plan it proposed.

Aptic cannot list plans across debtors, so the approval queue reads these rows. Each row pins
what was proposed: the fingerprint of the plan as read right after it was created (approval
is refused when the plan upstream no longer matches it) and a snapshot of that plan, so the
differences can be shown. The totals are copied for the queue; the figures stay Aptic's.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.gateway import PlanType


class PlanProposalQuerySet(models.QuerySet):
    def open(self) -> "PlanProposalQuerySet":
        """Waiting for a decision: pending, or changed by the proposer since."""
        return self.filter(status__in=PlanProposal.OPEN_STATUSES)


class PlanProposal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        CHANGED = "changed", _("Changed, pending approval")
        APPROVED = "approved", _("Approved and active")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        FAILED = "failed", _("No longer in the collection system")

    class Kind(models.TextChoices):
        PLAN = "plan", _("Payment plan")
        SETTLEMENT = "settlement", _("Settlement")

    OPEN_STATUSES = (Status.PENDING, Status.CHANGED)

    debtor_guid = models.CharField(_("debtor"), max_length=36, db_index=True)
    debtor_name = models.CharField(_("debtor name"), max_length=200, blank=True)
    plan_guid = models.CharField(_("plan"), max_length=36, unique=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_proposals",
        verbose_name=_("proposed by"),
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    snapshot = models.JSONField(_("plan as proposed"), default=dict)
    plan_type = models.PositiveSmallIntegerField(_("plan type"), choices=PlanType.choices)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    total_amount = models.DecimalField(_("total amount"), max_digits=14, decimal_places=2,
                                       null=True)
    number_of_payments = models.PositiveIntegerField(_("number of payments"), null=True)
    annual_percentage = models.DecimalField(_("APR"), max_digits=9, decimal_places=2,
                                            null=True)
    activated_directly = models.BooleanField(_("activated by the proposer"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_decisions", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    refusal = models.TextField(_("last refusal by the collection system"), blank=True)
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    # Who is deciding right now: set by a conditional UPDATE before the call to Aptic and
    # cleared after it, so the call runs outside any transaction (see plans/claims.py).
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("being decided by"),
    )
    claimed_at = models.DateTimeField(_("decision started"), null=True, blank=True)
    # A settlement (see plans/settlement.py): what was owed when offered and what is written
    # off, as the created plan answered; the discount is the written-off part in percent.
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PLAN)
    total_owed = models.DecimalField(_("total owed"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=7, decimal_places=4,
                                           null=True, blank=True)
    written_off_amount = models.DecimalField(_("written off"), max_digits=14,
                                             decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan proposal")
        verbose_name_plural = _("plan proposals")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="plans_status_created"),
            models.Index(fields=["proposed_by", "created_at"], name="plans_proposer_created"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_guid} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_settlement(self) -> bool:
        return self.kind == self.Kind.SETTLEMENT

    @property
    def plan_type_label(self) -> str:
        return PlanType(self.plan_type).label if self.plan_type in PlanType.values else ""


# The reschedule workflow keeps its model beside its steps (plans/reschedule.py); imported here
# so that Django registers it with the app's models.
from plans.reschedule_models import Reschedule  # noqa: E402, F401
from plans.statements import Statement  # noqa: E402, F401  (registers it with the plans app)
