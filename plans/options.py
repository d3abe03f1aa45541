"""The calculator's options grid: 3 to 6 alternatives of the current terms, side by side.

The alternatives vary one thing of the calculator's input: the number of payments (the set of
`PLAN_OPTION_MONTHS`, which the agent may change) or the amount per period (-20 % to +20 % of
the amount typed). Every alternative is one P6 call, all sent at once through the gateway's
fan-out, so the grid costs about one call of wall time. Each option keeps its own answer:
figures, Aptic's refusal (shown in its column) or a fault; only when every option faulted
does the grid give way to the upstream banner. Nothing here computes a figure: cheapest and
shortest are picked from Aptic's totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backoffice import upstream
from backoffice.gateway import (
    GatewayError,
    PaymentPlan,
    PlanInput,
    PlanType,
    ValidationFailed,
    gather,
)
from plans import selectors
from plans.compare import PlanFigures, plan_figures
from plans.forms import MAX_PAYMENTS, ONE_OF, PAYMENTS_PREFIX, DescribedFieldsMixin

MIN_OPTIONS = 3
MAX_OPTIONS = 6
AMOUNT_STEPS = (-20, -10, 0, 10, 20)  # percent of the amount the agent typed
CENT = Decimal("0.01")

BY_MONTHS = "months"
BY_AMOUNT = "amount"


def _type_label(plan_type: Any) -> str:
    try:
        return str(PlanType(int(plan_type)).label)
    except (TypeError, ValueError):
        return _("These")


class OptionsForm(DescribedFieldsMixin, forms.Form):
    """What the grid varies. Its inputs belong to the calculator's form (`form="plan-form"`),
    so one click posts the terms and these together."""

    option_by = forms.ChoiceField(
        label=gettext_lazy("Vary"), initial=BY_MONTHS,
        widget=forms.RadioSelect(attrs={"form": "plan-form"}),
        choices=[(BY_MONTHS, gettext_lazy("Duration: the numbers of payments given")),
                 (BY_AMOUNT, gettext_lazy("Instalment: 20 % and 10 % below and above the "
                                          "amount typed"))],
    )
    option_months = forms.CharField(
        label=gettext_lazy("Numbers of payments to compare"), required=False, max_length=100,
        help_text=gettext_lazy("3 to 6 numbers, separated by commas."),
        widget=forms.TextInput(attrs={"form": "plan-form", "autocomplete": "off",
                                      "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, plan_type: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.plan_type = plan_type
        self.fields["option_months"].initial = ", ".join(settings.PLAN_OPTION_MONTHS)
        self.describe_fields()

    def clean_option_months(self) -> tuple[int, ...]:
        """The distinct numbers of payments, ascending. Outside 1 to 360 no plan type takes
        them (sandbox-plans.md, plans/forms.py): refused here, before any call."""
        raw = self.cleaned_data.get("option_months") or ""
        if self.data.get(self.add_prefix("option_by"), BY_MONTHS) != BY_MONTHS:
            return ()
        tokens = [t.strip() for t in raw.replace(";", ",").split(",") if t.strip()]
        try:
            values = [int(t) for t in tokens]
        except ValueError:
            raise forms.ValidationError(
                _("Give whole numbers of payments, separated by commas.")) from None
        forbidden = [v for v in values if not 1 <= v <= MAX_PAYMENTS]
        if forbidden:
            raise forms.ValidationError(
                _("%(kind)s plans take 1 to %(max)s payments: %(values)s is not possible.")
                % {"kind": _type_label(self.plan_type), "max": MAX_PAYMENTS,
                   "values": ", ".join(str(v) for v in forbidden)})
        distinct = sorted(set(values))
        if not MIN_OPTIONS <= len(distinct) <= MAX_OPTIONS:
            raise forms.ValidationError(
                _("Give %(min)s to %(max)s different numbers of payments.")
                % {"min": MIN_OPTIONS, "max": MAX_OPTIONS})
        return tuple(distinct)


@dataclass(frozen=True)
class OptionSpec:
    """One alternative before it is calculated: its heading and the P6 body."""

    key: str
    label: str
    data: PlanInput


@dataclass(frozen=True)
class PlanOption:
    """One alternative and what Aptic answered for it."""

    key: str
    label: str
    data: PlanInput
    plan: PaymentPlan | None = None
    figures: PlanFigures | None = None
    refusal: str = ""  # Aptic said no (e.g. an amount too low): shown in its column
    fault: GatewayError | None = None  # no verdict (timeout, 5xx): shown in its column
    cheapest: bool = False
    shortest: bool = False

    @property
    def form_fields(self) -> list[tuple[str, str]]:
        return option_form_fields(self.data)

    @property
    def hidden_inputs(self) -> SafeString:
        """`form_fields` as hidden inputs: some 60 a grid, a loop of template nodes apiece cost
        a quarter of the grid's rendering."""
        return format_html_join("", '<input type="hidden" name="{}" value="{}">',
                                self.form_fields)


@dataclass(frozen=True)
class OptionsGrid:
    by: str
    options: tuple[PlanOption, ...]

    @property
    def fault(self) -> GatewayError | None:
        """The first fault when every option faulted (the grid then shows the banner)."""
        if self.options and all(o.fault is not None for o in self.options):
            return self.options[0].fault
        return None

    @property
    def calculated(self) -> tuple[PlanOption, ...]:
        return tuple(o for o in self.options if o.plan is not None)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plan_option_specs(*, base: PlanInput, by: str, months: Sequence[int] = ()
                      ) -> list[OptionSpec]:
    """The alternatives of `base` (the calculator's clean input).

    By months: each number of payments; annuity and linear then take no amount, the other
    types keep the amount typed. By amount: -20 % to +20 % of the amount typed (in cents,
    equal ones once); annuity and linear then take no number of payments.
    """
    one_of = base.payment_plan_type in ONE_OF
    if by == BY_MONTHS:
        return [OptionSpec(
            key=f"months-{count}",
            label=ngettext("%(count)s payment", "%(count)s payments", count) % {"count": count},
            data=replace(base, number_of_payments=count,
                         amount=None if one_of else base.amount))
            for count in months[:MAX_OPTIONS]]
    if base.amount is None:
        return []
    specs: list[OptionSpec] = []
    seen: set[Decimal] = set()
    for step in AMOUNT_STEPS:
        amount = _cents(base.amount * (100 + step) / 100)
        if amount < CENT or amount in seen:
            continue
        seen.add(amount)
        change = (_("As typed") if step == 0
                  else (_("%(step)+d %%") % {"step": step}).replace("-", "\u2212"))
        label = _("%(change)s: %(amount)s") % {
            "change": change, "amount": formats.number_format(amount, 2, use_l10n=True)}
        specs.append(OptionSpec(
            key=f"amount-{amount}", label=label,
            data=replace(base, amount=amount,
                         number_of_payments=None if one_of else base.number_of_payments)))
    return specs


def _why_refused(error: GatewayError) -> str:
    """Aptic's own words for one option's refusal (its field messages, without field names)."""
    if isinstance(error, ValidationFailed):
        texts = [*error.non_field_errors,
                 *(text for messages in error.field_errors.values() for text in messages)]
        return " ".join(texts) or str(error.user_message)
    return upstream.refusal_message(error)


def plan_options_calculate(*, debtor_guid: str, by: str, specs: Sequence[OptionSpec]
                           ) -> OptionsGrid:
    """Every alternative through P6, side by side (one fan-out part per option)."""
    parts = gather({spec.key: (lambda data=spec.data: selectors.plan_calculate(
        debtor_guid=debtor_guid, data=data)) for spec in specs})
    options: list[PlanOption] = []
    for spec in specs:
        part = parts[spec.key]
        base = {"key": spec.key, "label": spec.label, "data": spec.data}
        if part.ok:
            options.append(PlanOption(**base, plan=part.result, figures=plan_figures(part.result)))
        elif isinstance(part.error, GatewayError) and not upstream.is_fault(part.error):
            options.append(PlanOption(**base, refusal=_why_refused(part.error)))
        elif isinstance(part.error, GatewayError):
            options.append(PlanOption(**base, fault=part.error))
        else:
            raise part.error  # a bug, not an upstream answer
    return OptionsGrid(by=by, options=_marked(options))


def _marked(options: list[PlanOption]) -> tuple[PlanOption, ...]:
    """Cheapest (lowest total amount) and shortest (fewest payments), ties marked alike."""
    done = [o.plan for o in options if o.plan is not None]
    totals = [p.total_amount for p in done if p.total_amount is not None]
    counts = [p.number_of_payments for p in done if p.number_of_payments is not None]
    low_total = min(totals) if totals else None
    low_count = min(counts) if counts else None
    return tuple(
        replace(o, cheapest=o.plan.total_amount == low_total,
                shortest=o.plan.number_of_payments == low_count) if o.plan is not None else o
        for o in options)


def _input(value: Decimal | int | None) -> str:
    return "" if value is None else str(formats.localize_input(value))


def option_form_fields(data: PlanInput) -> list[tuple[str, str]]:
    """The calculator's form fields for `data`, as hidden inputs for "Use" and "Propose"
    (the calculator and the propose view then read it as if typed)."""
    fields = [
        ("payment_plan_type", str(data.payment_plan_type)),
        ("number_of_payments", _input(data.number_of_payments)),
        ("amount", _input(data.amount)),
        *(("cases", guid) for guid in data.cases or ()),
        ("registration_fee", _input(data.registration_fee)),
        ("invoice_fee", _input(data.invoice_fee)),
        ("reminder_fee", _input(data.reminder_fee)),
        (f"{PAYMENTS_PREFIX}-TOTAL_FORMS", str(len(data.payments))),
        (f"{PAYMENTS_PREFIX}-INITIAL_FORMS", "0"),
    ]
    for index, payment in enumerate(data.payments):
        fields.append((f"{PAYMENTS_PREFIX}-{index}-due_date", payment.due_date.isoformat()))
        fields.append((f"{PAYMENTS_PREFIX}-{index}-amount", _input(payment.amount)))
    return fields


def options_input_errors(*, base: PlanInput, by: str, specs: Sequence[OptionSpec]
                         ) -> dict[str, str]:
    """Errors of the calculator's fields that only the grid has, by field name ({}: none)."""
    if by == BY_AMOUNT and base.amount is None:
        return {"amount": _("Type the amount per period that the alternatives vary around.")}
    if by == BY_AMOUNT and len(specs) < MIN_OPTIONS:
        return {"amount": _("The amount is too small to vary by 10 %.")}
    return {}
