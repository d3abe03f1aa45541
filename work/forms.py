"""The forms of the debtor's work panels and the timeline's filter.

They parse and check the shape of the input only; the rules of the records (a follow-up due in
the past, a promise of zero or too far ahead, one open follow-up per owner) are the services',
whose `ValidationError`s the views put on these fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from work.models import Channel, ContactNote, FollowUp
from work.services import CHANNEL_DIRECTION
from work.timeline import KIND_LABELS

POOL = "pool"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _due_field(label, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


def _date_field(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _money_field(label, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=14, decimal_places=2, localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class CaseChoiceField(forms.MultipleChoiceField):
    """The debtor's cases as checkboxes. When the case list could not be read (`open`), the
    GUIDs a page rendered earlier still posts are kept, so the note loses nothing."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.open = False

    def valid_value(self, value: Any) -> bool:
        if self.open:
            try:
                uuid.UUID(str(value))
            except ValueError:
                return False
            return True
        return super().valid_value(value)


class DebtorFormMixin:
    """What the 360 page knows of the debtor, carried for when Aptic cannot be read at
    submit: its display name (kept with follow-ups and promises for lists) and currency."""

    def _setup_cases(self, case_choices: Sequence[tuple[str, str]] | None) -> None:
        cases = self.fields.get("case_guids")  # type: ignore[attr-defined]
        if cases is None:
            return
        cases.choices = list(case_choices or ())
        cases.open = case_choices is None


class FollowUpForm(forms.Form):
    due_at = _due_field(_("Due"))
    reason = forms.CharField(label=_("Reason"), max_length=200, strip=True)
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int,
                                      choices=FollowUp.Priority.choices,
                                      initial=FollowUp.Priority.NORMAL)
    owner = forms.ChoiceField(label=_("Owner"))
    debtor_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Any, workers: Sequence[Any] = (),
                 can_assign: bool = False, **kwargs: Any):
        kwargs.setdefault("auto_id", "followup_%s")
        super().__init__(*args, **kwargs)
        self.can_assign = can_assign
        self._users = {str(u.pk): u for u in workers}
        self._users[str(actor.pk)] = actor
        others = [(str(u.pk), u.get_full_name() or u.get_username())
                  for u in workers if u.pk != actor.pk]
        # Agents get no choice (the field is hidden, the actor by default); a choice posted
        # anyway reaches the service, which refuses it and audits the attempt.
        self.fields["owner"].choices = [(str(actor.pk), _("Me")), *others, (POOL, _("Team pool"))]
        self.fields["owner"].initial = str(actor.pk)
        if not can_assign:
            self.fields["owner"].widget = forms.HiddenInput()

    def owner_user(self) -> Any:
        """The chosen owner: a user, or None for the team pool (after is_valid())."""
        value = self.cleaned_data["owner"]
        return None if value == POOL else self._users[value]


class FollowUpCompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"),
                                choices=[("", _("Choose…")), *FollowUp.Outcome.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    next_due_at = _due_field(_("Next follow-up due"), required=False)
    next_reason = forms.CharField(label=_("Next follow-up: reason"), required=False,
                                  max_length=200)

    def __init__(self, *args: Any, followup_pk: int, **kwargs: Any):
        kwargs.setdefault("auto_id", f"complete{followup_pk}_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("next_reason") and not data.get("next_due_at") \
                and "next_due_at" not in self.errors:
            self.add_error("next_due_at", _("Say when the next follow-up is due."))
        return data


class ContactForm(DebtorFormMixin, forms.Form):
    """A contact note and, optionally, the promise to pay it recorded."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False,
        choices=[("", _("From the channel")), *ContactNote.Direction.choices],
        help_text=_("A phone call's direction follows from the channel."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"),
                                choices=[("", _("Choose…")), *ContactNote.Outcome.choices])
    text = forms.CharField(
        label=_("Note"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-counter": ContactNote.MAX_TEXT,
                                     "maxlength": ContactNote.MAX_TEXT}),
    )
    case_guids = CaseChoiceField(label=_("Cases it concerns"), required=False)
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)
    promise_amount = _money_field(_("Promised amount"), required=False)
    promise_date = _date_field(_("Promised for"), required=False)
    confirm_over_remaining = forms.BooleanField(
        label=_("Yes, the promise is more than the total remaining"), required=False)
    debtor_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    currency = forms.CharField(required=False, max_length=3, widget=forms.HiddenInput)

    # The services' field names, as this form calls them.
    FIELD_MAP = {"amount": "promise_amount", "due_date": "promise_date"}

    def __init__(self, *args: Any, case_choices: Sequence[tuple[str, str]] | None = (),
                 **kwargs: Any):
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)
        self._setup_cases(case_choices)
        self.fields["text"].help_text = gettext("Up to %(max)s characters.") % {
            "max": number_format(ContactNote.MAX_TEXT, force_grouping=True)}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        channel = data.get("channel")
        implied = CHANNEL_DIRECTION.get(channel or "")
        if implied is not None:
            data["direction"] = implied
        elif channel and not data.get("direction"):
            self.add_error("direction", _("Say who contacted whom."))
        amount, date = data.get("promise_amount"), data.get("promise_date")
        if amount is not None and date is None and "promise_date" not in self.errors:
            self.add_error("promise_date", _("Give the date the debtor promised to pay by."))
        if date is not None and amount is None and "promise_amount" not in self.errors:
            self.add_error("promise_amount", _("Give the amount the debtor promised."))
        return data

    def clean_text(self) -> str:
        # Checked here too (not only by the service) so a long note keeps the rest of the form.
        text = self.cleaned_data["text"]
        if len(text) > ContactNote.MAX_TEXT:
            raise forms.ValidationError(
                _("Keep the note to %(max)d characters (this one has %(count)d)."),
                params={"max": ContactNote.MAX_TEXT, "count": len(text)})
        return text

    @property
    def has_promise(self) -> bool:
        return self.cleaned_data.get("promise_amount") is not None


class PromiseForm(DebtorFormMixin, forms.Form):
    amount = _money_field(_("Amount"))
    due_date = _date_field(_("Promised for"))
    case_guids = CaseChoiceField(label=_("Cases"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    confirm_over_remaining = forms.BooleanField(
        label=_("Yes, the promise is more than the total remaining"), required=False)
    debtor_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    currency = forms.CharField(required=False, max_length=3, widget=forms.HiddenInput)

    FIELD_MAP: dict[str, str] = {}

    def __init__(self, *args: Any, case_choices: Sequence[tuple[str, str]] | None = (),
                 **kwargs: Any):
        kwargs.setdefault("auto_id", "promise_%s")
        super().__init__(*args, **kwargs)
        self._setup_cases(case_choices)


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label=_("Show"), required=False,
                                     choices=list(KIND_LABELS.items()),
                                     widget=forms.CheckboxSelectMultiple)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "timeline_%s")
        super().__init__(*args, **kwargs)

    def values(self) -> tuple[tuple[str, ...], int]:
        """(kinds, page number); what is not valid falls back to everything, page 1."""
        if not self.is_valid():
            return (), 1
        return tuple(self.cleaned_data["kind"]), self.cleaned_data["page"] or 1
