"""The calculator's forms: plan terms, deviating payments, and what a proposal adds.

The forms check what can be checked before any call (types, ranges, which of the number of
payments and the amount a plan type takes) and turn clean data into the gateway's
`PlanInput`. The figures themselves always come from Aptic.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.gateway import PlanInput, PlanPayment, PlanState, PlanType, ValidationFailed
from backoffice.upstream import put_field_errors

MAX_PAYMENTS = 360
MAX_DEVIATING_PAYMENTS = 60
PAYMENTS_PREFIX = "payments"

# One line each, shown beside the plan type.
PLAN_TYPE_HELP = {
    PlanType.ANNUITY: _(
        "Equal monthly payments of principal and interest until the debt is paid."
    ),
    PlanType.ANNUITY_LIMITED: _(
        "A fixed monthly payment of principal and interest for at most the given number of "
        "payments; anything left stays on the cases."
    ),
    PlanType.LINEAR: _(
        "Equal principal each month with interest on the falling balance on top, so the "
        "payments decrease."
    ),
    PlanType.LINEAR_LIMITED: _(
        "A fixed principal part each month, interest on top, for at most the given number of "
        "payments; anything left stays on the cases."
    ),
    PlanType.DEBT_RELIEF: _(
        "A fixed amount each month for the given number of payments, without interest or "
        "fees; what is left is written off when the plan completes."
    ),
}
# Types 1 and 3 take exactly one of the number of payments and the amount; 2, 4, 5 take both.
ONE_OF = frozenset({PlanType.ANNUITY, PlanType.LINEAR})
BOTH = frozenset({PlanType.ANNUITY_LIMITED, PlanType.LINEAR_LIMITED, PlanType.DEBT_RELIEF})


def plan_type_needs(plan_type: int | None) -> str:
    """What the chosen type needs of the number of payments and the amount, in one sentence."""
    if plan_type in BOTH:
        return str(_("This plan type needs both the number of payments and the amount per "
                     "period."))
    if plan_type in ONE_OF:
        return str(_("This plan type takes exactly one: the number of payments or the amount "
                     "per period. Leave the other empty."))
    return str(_("Choose a plan type."))


def _money_field(label, *, required: bool = True, min_value: str = "0.00",
                 help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal(min_value), max_digits=12,
        decimal_places=2, localize=True, help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class DescribedFieldsMixin:
    """Every input names its help text and its (possibly empty) error box, so errors that an
    htmx answer swaps in later are announced with the field."""

    def describe_fields(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            auto_id = self[name].auto_id  # type: ignore[index]
            ids = ([f"{auto_id}_helptext"] if field.help_text else []) + [f"{auto_id}_error"]
            if not isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class CalculatorForm(DescribedFieldsMixin, forms.Form):
    """The plan terms. `case_choices` are the debtor's active cases without an active plan."""

    payment_plan_type = forms.TypedChoiceField(
        label=_("Plan type"), coerce=int, choices=PlanType.choices, widget=forms.RadioSelect,
        initial=PlanType.ANNUITY,
    )
    number_of_payments = forms.IntegerField(
        label=_("Number of payments"), required=False, min_value=1, max_value=MAX_PAYMENTS,
        help_text=_("Monthly payments, 1 to 360."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    amount = _money_field(
        _("Amount per period"), required=False, min_value="0.01",
        help_text=_("Principal and interest for an annuity, principal for a linear plan, the "
                    "whole payment for debt relief; fees come on top."),
    )
    cases = forms.MultipleChoiceField(
        label=_("Cases to cover"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one case.")},
    )
    registration_fee = _money_field(_("Registration fee"),
                                    help_text=_("Added to the first payment."))
    invoice_fee = _money_field(_("Invoice fee"), help_text=_("Added to every payment."))
    reminder_fee = _money_field(
        _("Reminder fee"),
        help_text=_("A term of the agreement: charged only when a payment is late."),
    )

    def __init__(self, *args: Any, case_choices: Sequence[tuple[str, str]] = (),
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = list(case_choices)
        self.describe_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("payment_plan_type")
        count, amount = data.get("number_of_payments"), data.get("amount")
        # A field that failed its own checks is not "missing": say nothing more about it.
        count_given = count is not None or "number_of_payments" in self.errors
        amount_given = amount is not None or "amount" in self.errors
        if kind in ONE_OF:
            if count is not None and amount is not None:
                message = _("This plan type takes the number of payments or the amount, not "
                            "both: leave one empty.")
                self.add_error("number_of_payments", message)
                self.add_error("amount", message)
            elif not count_given and not amount_given:
                message = _("Give the number of payments or the amount per period.")
                self.add_error("number_of_payments", message)
                self.add_error("amount", message)
        elif kind in BOTH:
            if not count_given:
                self.add_error("number_of_payments",
                               _("This plan type needs the number of payments."))
            if not amount_given:
                self.add_error("amount", _("This plan type needs the amount per period."))
        return data

    def plan_input(self, payments: Sequence[PlanPayment] = ()) -> PlanInput:
        """The calculate/create body from the clean data (call after `is_valid()`)."""
        data = self.cleaned_data
        return PlanInput(
            payment_plan_type=data["payment_plan_type"],
            number_of_payments=data.get("number_of_payments"),
            amount=data.get("amount"),
            active=PlanState.PROPOSAL,
            registration_fee=data["registration_fee"],
            invoice_fee=data["invoice_fee"],
            reminder_fee=data["reminder_fee"],
            payments=tuple(payments),
            cases=tuple(data["cases"]),
        )


class DeviatingPaymentForm(DescribedFieldsMixin, forms.Form):
    due_date = forms.DateField(
        label=_("Due date"), input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    amount = _money_field(_("Amount"),
                          help_text=_("Replaces that period's principal and interest."))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.describe_fields()


class BaseDeviatingPaymentFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self.filled_forms():
            due = form.cleaned_data["due_date"]
            if due in seen:
                form.add_error("due_date", _("Another deviating payment has this due date."))
            seen.add(due)

    def filled_forms(self) -> list[forms.Form]:
        """The rows the user filled in, in page order (blank added rows are ignored)."""
        return [f for f in self.forms if f.has_changed() and f.cleaned_data]

    def payments(self) -> list[PlanPayment]:
        return [PlanPayment(due_date=f.cleaned_data["due_date"], amount=f.cleaned_data["amount"])
                for f in self.filled_forms()]


DeviatingPaymentFormSet = forms.formset_factory(
    DeviatingPaymentForm, formset=BaseDeviatingPaymentFormSet, extra=0,
    max_num=MAX_DEVIATING_PAYMENTS, validate_max=True, absolute_max=MAX_DEVIATING_PAYMENTS,
)


def payment_formset(data: Mapping[str, Any] | None = None, *,
                    initial: Sequence[PlanPayment] = ()) -> BaseDeviatingPaymentFormSet:
    rows = [{"due_date": p.due_date, "amount": p.amount} for p in initial]
    return DeviatingPaymentFormSet(data, initial=rows or None, prefix=PAYMENTS_PREFIX)


class PlanFingerprintForm(forms.Form):
    """The fingerprint of the plan as the edit page showed it (lost-update protection); its
    non-field errors carry Aptic's messages that name no deviating payment."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ProposeForm(DescribedFieldsMixin, forms.Form):
    """The note sent with a proposal; its textarea belongs to the calculator's form."""

    note = forms.CharField(
        label=_("Note for the approver"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "form": "plan-form"}),
        help_text=_("What the debtor agreed to, and anything the approver should know."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.describe_fields()


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason: the proposer sees it.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason: the proposer sees it."))
        return reason


class AbandonForm(forms.Form):
    """Why an interrupted reschedule is ended (kept on the record and in the audit entry)."""

    reason = forms.CharField(
        label=_("Reason for abandoning"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for abandoning the reschedule.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for abandoning the reschedule."))
        return reason


class QueueFilterForm(forms.Form):
    """Filters of the approval queue (a plain form over our own records, read from GET)."""

    proposer = forms.TypedChoiceField(label=_("Proposer"), required=False, coerce=int,
                                      empty_value=None)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    changed_only = forms.BooleanField(label=_("Changed since proposed only"), required=False)
    debtor = forms.CharField(label=_("Debtor name"), required=False, max_length=100)

    def __init__(self, *args: Any, proposers: Sequence[tuple[int, str]] = (),
                 currencies: Sequence[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].choices = [("", _("Anyone")), *proposers]
        self.fields["currency"].choices = [("", _("Any")), *((c, c) for c in currencies)]


def put_upstream_errors(error: ValidationFailed, form: forms.Form,
                        formset: BaseDeviatingPaymentFormSet | None = None,
                        sent: Sequence[forms.Form] = ()) -> None:
    """Aptic's field errors onto the fields they name.

    `payments.<i>.<field>` names the i-th deviating payment sent, which is `sent[i]` (the
    filled rows in order); everything else goes through `upstream.put_field_errors`.
    """
    rest = copy.copy(error)
    rest.field_errors = {}
    for name, messages in error.field_errors.items():
        parts = name.split(".")
        if parts[0] == "payments" and formset is not None:
            row = sent[int(parts[1])] if len(parts) == 3 and parts[1].isdigit() and int(
                parts[1]) < len(sent) else None
            for message in messages:
                if row is not None and parts[2] in row.fields:
                    row.add_error(parts[2], message)
                else:
                    form.add_error(None, message)
        else:
            rest.field_errors[name] = messages
    put_field_errors(form, rest, {})
