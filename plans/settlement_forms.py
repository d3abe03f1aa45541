"""The settlement page's form: the cases, the settlement amount or the discount, the number
of payments and the note. It checks what can be checked before any call and turns clean data
into the offer's terms (plans/settlement.py); the plan's figures come from Aptic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.forms import MAX_PAYMENTS, DescribedFieldsMixin, _money_field
from plans.settlement import SettlementTerms, amount_for_discount

ZERO = Decimal("0.00")


class SettlementForm(DescribedFieldsMixin, forms.Form):
    """`remaining` maps each offered case to its remaining sum (as the calculator reads it)."""

    cases = forms.MultipleChoiceField(
        label=_("Cases to settle"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one case.")},
    )
    settlement_amount = _money_field(
        _("Settlement amount"), required=False, min_value="0.01",
        help_text=_("What the debtor pays in all. Or give the discount instead."),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), required=False, min_value=Decimal("0"),
        max_value=Decimal("99.99"), max_digits=5, decimal_places=2, localize=True,
        help_text=_("Percent of the total owed that is written off."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    number_of_payments = forms.IntegerField(
        label=_("Number of payments"), min_value=1, max_value=MAX_PAYMENTS, initial=1,
        help_text=_("1 for a lump sum; more for a short plan of monthly payments."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note for the approver"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the debtor agreed to, and anything the approver should know."),
    )

    def __init__(self, *args: Any, case_choices: Sequence[tuple[str, str]] = (),
                 remaining: Mapping[str, Decimal] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = list(case_choices)
        self.remaining = dict(remaining or {})
        self.describe_fields()

    def total_owed(self) -> Decimal | None:
        """The ticked cases' remaining sums (None until the cases are valid)."""
        chosen = self.cleaned_data.get("cases") if hasattr(self, "cleaned_data") else None
        if not chosen:
            return None
        return sum((self.remaining.get(guid) or ZERO for guid in chosen), ZERO)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        amount, percent = data.get("settlement_amount"), data.get("discount_percent")
        amount_given = amount is not None or "settlement_amount" in self.errors
        percent_given = percent is not None or "discount_percent" in self.errors
        if amount is not None and percent is not None:
            message = _("Give the settlement amount or the discount, not both.")
            self.add_error("settlement_amount", message)
            self.add_error("discount_percent", message)
        elif not amount_given and not percent_given:
            message = _("Give the settlement amount or the discount.")
            self.add_error("settlement_amount", message)
            self.add_error("discount_percent", message)
        owed = self.total_owed()
        if owed is not None and amount is not None and percent is None and amount > owed:
            self.add_error("settlement_amount", _(
                "More than the total owed: a settlement is for less than the total."))
        if owed is not None and not self.errors and self.terms().instalment <= ZERO:
            self.add_error("number_of_payments", _(
                "The settlement is too small to split into this many payments."))
        return data

    def terms(self) -> SettlementTerms:
        """The offer from the clean data (call after `is_valid()`)."""
        data = self.cleaned_data
        owed = self.total_owed() or ZERO
        amount = data.get("settlement_amount")
        if amount is None:
            amount = amount_for_discount(owed, data["discount_percent"])
        return SettlementTerms(total_owed=owed, settlement_amount=amount,
                               number_of_payments=data["number_of_payments"])
