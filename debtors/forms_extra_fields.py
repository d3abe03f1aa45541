"""The extra-field editor's form: a name and its list of text values, one per line."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

NAME = re.compile(r"^[\w.\-]{1,50}$")
MAX_VALUES = 20
MAX_VALUE_LENGTH = 500


class ExtraFieldForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=50,
        validators=[RegexValidator(NAME, _("Use letters, digits, _ . or - (no spaces)."))],
        help_text=_("Letters, digits, _ . or -; at most 50 characters."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    values = forms.CharField(
        label=_("Values"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One value per line; at most 20 values of 500 characters."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_values(self) -> tuple[str, ...]:
        lines = [line.strip() for line in self.cleaned_data["values"].splitlines()]
        values = tuple(line for line in lines if line)
        errors = []
        if len(values) > MAX_VALUES:
            errors.append(ngettext("At most %(max)d value, not %(count)d.",
                                   "At most %(max)d values, not %(count)d.", MAX_VALUES)
                          % {"max": MAX_VALUES, "count": len(values)})
        for number, value in enumerate(values, start=1):
            if len(value) > MAX_VALUE_LENGTH:
                errors.append(_("Value %(number)d has %(length)d characters; at most "
                                "%(max)d.") % {"number": number, "length": len(value),
                                               "max": MAX_VALUE_LENGTH})
        if errors:
            raise forms.ValidationError(errors)
        return values

    @staticmethod
    def initial_for(name: str, values: tuple[str, ...], fingerprint: str) -> dict[str, Any]:
        return {"name": name, "values": "\n".join(values), "fingerprint": fingerprint}
