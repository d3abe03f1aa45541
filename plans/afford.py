"""Affordability beside the calculator: the statement's form, storing it with a proposal,
who sees it, and its retention.

The form's inputs belong to the calculator's form (`form="plan-form"`), so proposing posts
them with the plan terms and an input error keeps them; its own htmx answer (the figures and
the suggested instalment) needs no call to Aptic. Creating and deleting a statement is
audited through `audit_record`; the audit entry names the statement, never its amounts, so
the retention deletion really removes them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from plans import policies
from plans.forms import ONE_OF, DescribedFieldsMixin
from plans.models import PlanProposal
from plans.statements import Affordability, Statement, affordability, statement_categories

PREFIX = "statement"
USE_FIELD = f"{PREFIX}-use"  # the "Use this amount" button's name (the plain-POST path)
PLAN_FORM = "plan-form"


def _amount_field(label: Any) -> forms.DecimalField:
    limit = Decimal(str(settings.PLAN_STATEMENT_MAX_AMOUNT))
    at_most = _("At most %(limit)s a month.") % {
        "limit": formats.number_format(limit, 0, use_l10n=True, force_grouping=True)}
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal("0"), max_value=limit, max_digits=14,
        decimal_places=2, localize=True,
        error_messages={
            "min_value": _("An amount cannot be negative."),
            "max_value": at_most,
            "max_digits": at_most,
            "max_decimal_places": _("At most two decimals (whole cents)."),
            "invalid": _("Enter an amount, e.g. 1250.00."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "form": PLAN_FORM}),
    )


class StatementForm(DescribedFieldsMixin, forms.Form):
    """Monthly net income and one amount per configured expenditure category.

    Left wholly empty it is no statement (a proposal may go without); once anything is
    filled, the income is needed and an empty category counts as 0.00.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        self.fields["net_income"] = _amount_field(_("Monthly net income"))
        self.fields["net_income"].help_text = _("After tax, for the whole household.")
        for key, label in statement_categories():
            self.fields[key] = _amount_field(label)
        self.describe_fields()

    @property
    def category_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _label in statement_categories()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = [n for n in self.fields if data.get(n) is not None or n in self.errors]
        self.empty = not filled
        if filled and data.get("net_income") is None and "net_income" not in self.errors:
            self.add_error("net_income", _("Give the monthly net income."))
        return data

    def expenditure(self) -> dict[str, Decimal]:
        data = self.cleaned_data
        return {key: data.get(key) or Decimal("0.00") for key, _label in statement_categories()}


class StatementPanel:
    """The statement as the calculator page shows it: the form and, when it is valid and
    filled, the disposable income and the suggested instalment."""

    def __init__(self, data: QueryDict | None = None, *, currency: str = ""):
        self.form = StatementForm(data)
        self.currency = currency
        self.figures: Affordability | None = None
        self._checked = False

    def is_valid(self) -> bool:
        """Validates once; a valid, filled statement gets its figures."""
        if not self._checked:
            self._checked = True
            if self.form.is_valid() and not self.form.empty:
                self.figures = affordability(
                    net_income=self.form.cleaned_data["net_income"],
                    expenditure=self.form.expenditure())
        return self.form.is_bound and not self.form.errors

    @property
    def is_bound(self) -> bool:
        return self.form.is_bound

    @property
    def empty(self) -> bool:
        """Nothing was entered (an unbound form, or every field left blank)."""
        return not self.form.is_bound or (self.is_valid() and self.form.empty)

    @property
    def suggestion(self) -> Decimal | None:
        return self.figures.suggestion if self.is_valid() and self.figures else None

    @property
    def suggestion_input(self) -> str:
        """The suggestion as the amount field takes it (the active locale's input format)."""
        return formats.localize_input(self.suggestion) if self.suggestion is not None else ""

    @property
    def clears_count(self) -> str:
        """The plan types whose amount mode takes no number of payments (for the script)."""
        return " ".join(str(int(t)) for t in sorted(ONE_OF))

    @property
    def invalid_fields(self) -> list[str]:
        if not self.is_bound:
            return []
        self.is_valid()
        return [self.form.add_prefix(n) for n in self.form.errors if n != "__all__"]


def use_suggestion(data: QueryDict, suggestion: Decimal) -> QueryDict:
    """The calculator's form data in amount mode at `suggestion`: the amount set and, for the
    plan types that take one of the two, the number of payments cleared (the limited types
    and debt relief need both, so theirs stays)."""
    data = data.copy()
    data["amount"] = formats.localize_input(suggestion)
    try:
        plan_type = int(data.get("payment_plan_type") or 0)
    except ValueError:
        plan_type = 0
    if plan_type in ONE_OF or not plan_type:
        data["number_of_payments"] = ""
    return data


# --- Services ------------------------------------------------------------------------------


def statement_create(*, actor: Any, proposal: PlanProposal, panel: StatementPanel
                     ) -> Statement | None:
    """Stores the statement filled with a proposal (None when it was left empty); audited."""
    if not panel.is_valid() or panel.figures is None:
        return None
    expenditure = {key: str(value) for key, value in panel.form.expenditure().items()}
    with transaction.atomic():
        statement = Statement.objects.create(
            debtor_guid=proposal.debtor_guid, proposal=proposal,
            net_income=panel.form.cleaned_data["net_income"], expenditure=expenditure,
            currency=(proposal.currency or panel.currency or "")[:3], created_by=actor)
        audit_record(action="statement.create", outcome=AuditEntry.Outcome.OK, actor=actor,
                     debtor_guid=proposal.debtor_guid, target_type="statement",
                     target_id=str(statement.pk),
                     body={"proposal": proposal.pk, "plan_guid": proposal.plan_guid})
    return statement


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment `months` calendar months earlier (the day clamped to the month's end)."""
    year_shift, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + year_shift, month_index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def statements_sweep(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Deletes the statements older than `PLAN_STATEMENT_RETENTION_MONTHS` (created before
    the cut-off; one made exactly at it stays) and audits the run: one `statement.delete`
    entry with the count and the ids, also when nothing was due."""
    months = int(settings.PLAN_STATEMENT_RETENTION_MONTHS)
    cutoff = months_before(now or timezone.now(), months)
    with transaction.atomic():
        due = Statement.objects.select_for_update().filter(created_at__lt=cutoff)
        ids = sorted(due.values_list("pk", flat=True))
        Statement.objects.filter(pk__in=ids).delete()
        audit_record(action="statement.delete", outcome=AuditEntry.Outcome.OK, actor=None,
                     role="", target_type="statement",
                     reason=f"retention: older than {months} months",
                     body={"count": len(ids), "before": cutoff.isoformat(), "ids": ids})
    return {"deleted": len(ids), "before": cutoff.isoformat()}


# --- Selectors -----------------------------------------------------------------------------


def statement_for_viewer(*, user: Any, proposal: PlanProposal) -> Statement | None:
    """The proposal's statement, for a user who may see the proposal (else None)."""
    if not policies.may_view_proposal(user, proposal):
        return None
    return Statement.objects.filter(proposal=proposal).first()
