"""Custom actions: the button form (a configured definition) and the admins' JSON-body form."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from backoffice import jsonio

DEFINITION = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
BODY_MAX = 20_000


class ActionRunForm(forms.Form):
    definition = forms.CharField(max_length=100, widget=forms.HiddenInput)


class ServiceJsonForm(forms.Form):
    definition = forms.CharField(
        label=_("Service definition"), max_length=100,
        validators=[RegexValidator(DEFINITION, _("Use letters, digits, _ . or -."))],
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "service-definitions"}),
    )
    body = forms.CharField(
        label=_("Body (JSON object)"), required=False, max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_('For example {"message": "Please call us"}. Empty sends {}.'),
    )
    run_async = forms.BooleanField(
        label=_("Queue it (asynchronous: no answer is shown)"), required=False)

    def clean_body(self) -> dict[str, Any]:
        raw = self.cleaned_data["body"].strip()
        if not raw:
            return {}
        try:
            value = jsonio.loads(raw)
        except ValueError as exc:
            line = getattr(exc, "lineno", None)
            column = getattr(exc, "colno", None)
            if line is not None:
                raise forms.ValidationError(
                    _("Not valid JSON (line %(line)d, column %(column)d: %(reason)s).")
                    % {"line": line, "column": column, "reason": exc.msg}
                ) from exc
            raise forms.ValidationError(_("Not valid JSON.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The body must be a JSON object: {...}."))
        return value
