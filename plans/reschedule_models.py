"""The record of a reschedule (see plans/reschedule.py for the workflow), and the new plan's
input kept on it as JSON until approval creates the plan upstream."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from backoffice.gateway import (
    PlanInput,
    PlanPayment,
    PlanState,
    snapshot,
)


class RescheduleQuerySet(models.QuerySet):
    def open(self) -> RescheduleQuerySet:
        """Not finished: waiting for a decision, being carried out, or interrupted."""
        return self.filter(status__in=Reschedule.OPEN_STATUSES)


class Reschedule(models.Model):
    """A replacement for an active plan: the old plan as proposed, the new plan's input (and
    its GUID once created), and how far the approval's steps got."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Reschedule pending approval")
        APPROVED = "approved", gettext_lazy("Approved, rescheduling")
        INTERRUPTED = "interrupted", gettext_lazy("Rescheduling interrupted")
        COMPLETED = "completed", gettext_lazy("Rescheduled")
        REJECTED = "rejected", gettext_lazy("Reschedule rejected")
        ABANDONED = "abandoned", gettext_lazy("Reschedule abandoned")

    class Step(models.TextChoices):
        NONE = "none", gettext_lazy("Not started")
        OLD_DELETED = "old_deleted", gettext_lazy("Old plan deleted")
        NEW_CREATED = "new_created", gettext_lazy("New plan created")
        NEW_ACTIVATED = "new_activated", gettext_lazy("New plan active")

    OPEN_STATUSES = (Status.PENDING, Status.APPROVED, Status.INTERRUPTED)
    # Abandon ends a reschedule that was approved but cannot complete (a pending one is
    # rejected instead); a run in progress holds its claim, so only a stopped one is ended.
    ABANDONABLE_STATUSES = (Status.INTERRUPTED, Status.APPROVED)
    # After step 1 the cases have no active plan until the workflow completes.
    UNPLANNED_STEPS = (Step.OLD_DELETED, Step.NEW_CREATED)

    debtor_guid = models.CharField(gettext_lazy("debtor"), max_length=36, db_index=True)
    debtor_name = models.CharField(gettext_lazy("debtor name"), max_length=200, blank=True)
    old_plan_guid = models.CharField(gettext_lazy("old plan"), max_length=36, db_index=True)
    old_fingerprint = models.CharField(gettext_lazy("old plan's fingerprint"), max_length=64)
    old_snapshot = models.JSONField(gettext_lazy("old plan as proposed"), default=dict)
    old_figures = models.JSONField(gettext_lazy("old plan's figures"), default=dict)
    new_input = models.JSONField(gettext_lazy("new plan's terms"), default=dict)
    new_plan_guid = models.CharField(gettext_lazy("new plan"), max_length=36, blank=True)
    # The last create (P2) lost its answer (a timeout...): Aptic may have stored the plan, so
    # Resume first looks for it instead of creating a second one.
    create_unsure = models.BooleanField(gettext_lazy("last create's outcome unknown"),
                                        default=False)
    new_snapshot = models.JSONField(gettext_lazy("new plan as activated"), default=dict,
                                    blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_reschedules",
        verbose_name=gettext_lazy("proposed by"),
    )
    note = models.TextField(gettext_lazy("note"), blank=True)
    status = models.CharField(gettext_lazy("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    step = models.CharField(gettext_lazy("step reached"), max_length=16, choices=Step.choices,
                            default=Step.NONE)
    last_error = models.TextField(gettext_lazy("last error"), blank=True)
    last_error_at = models.DateTimeField(gettext_lazy("last error at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_reschedule_decisions", verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(gettext_lazy("decided"), null=True, blank=True)
    reason = models.TextField(gettext_lazy("reason"), blank=True)
    completed_at = models.DateTimeField(gettext_lazy("completed"), null=True, blank=True)
    abandoned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=gettext_lazy("abandoned by"),
    )
    abandoned_at = models.DateTimeField(gettext_lazy("abandoned"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=gettext_lazy("being carried out by"),
    )
    claimed_at = models.DateTimeField(gettext_lazy("run started"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("proposed"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated"), auto_now=True)

    objects = RescheduleQuerySet.as_manager()

    class Meta:
        app_label = "plans"
        verbose_name = gettext_lazy("plan reschedule")
        verbose_name_plural = gettext_lazy("plan reschedules")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["old_plan_guid"], name="plans_one_open_reschedule",
                condition=Q(status__in=["pending", "approved", "interrupted"])),
        ]
        indexes = [models.Index(fields=["status", "created_at"],
                                name="plans_resched_status_created")]

    def __str__(self) -> str:
        return f"{self.old_plan_guid} -> {self.new_plan_guid or '?'} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def leaves_cases_unplanned(self) -> bool:
        """The old plan is gone and the new one is not active: the cases have no plan."""
        return self.is_open and self.step in self.UNPLANNED_STEPS

    @property
    def is_abandonable(self) -> bool:
        return self.status in self.ABANDONABLE_STATUSES

    @property
    def abandoned_unplanned(self) -> bool:
        """Abandoned after the old plan was deleted: the cases were left with no plan."""
        return self.status == self.Status.ABANDONED and self.step in self.UNPLANNED_STEPS

    @property
    def unactivated_plan_guid(self) -> str:
        """The new plan that step 2 created and that was never activated (abandoned)."""
        if self.status == self.Status.ABANDONED and self.step == self.Step.NEW_CREATED:
            return self.new_plan_guid
        return ""

    @property
    def case_guids(self) -> tuple[str, ...]:
        """The cases the reschedule is over (the old plan's, kept in the new terms)."""
        return tuple(self.new_input.get("cases") or self.old_snapshot.get("cases") or ())

    @property
    def terms(self) -> PlanInput:
        return input_from_json(self.new_input)

    @property
    def currency(self) -> str:
        return str(self.old_snapshot.get("currency_code") or "")


# --- The new plan's input, kept as JSON ------------------------------------------------------


def input_to_json(data: PlanInput) -> dict[str, Any]:
    """The input as plain JSON (Decimal as exact strings, dates ISO)."""
    return snapshot(data)


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def input_from_json(data: dict[str, Any]) -> PlanInput:
    """The input as `input_to_json` stored it."""
    return PlanInput(
        payment_plan_type=int(data["payment_plan_type"]),
        number_of_payments=data.get("number_of_payments"),
        amount=_decimal(data.get("amount")),
        active=PlanState.PROPOSAL,
        registration_fee=_decimal(data.get("registration_fee")),
        invoice_fee=_decimal(data.get("invoice_fee")),
        reminder_fee=_decimal(data.get("reminder_fee")),
        payments=tuple(PlanPayment(due_date=date.fromisoformat(str(p["due_date"])[:10]),
                                   amount=Decimal(str(p["amount"])))
                       for p in data.get("payments") or ()),
        cases=tuple(data.get("cases") or ()),
    )
