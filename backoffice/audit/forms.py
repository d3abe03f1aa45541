"""The filter form of the audit list: parses the query string, nothing more.

Every field is optional; the form turns the query string into an `AuditFilters` for the
selector. The debtor field takes a GUID or a debtor reference: resolving a reference is the
selector's job (it asks Aptic), not the form's.
"""

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice import roles
from backoffice.audit import actions
from backoffice.audit.selectors import AuditFilters

_SEARCH_ATTRS = {"autocomplete": "off", "spellcheck": "false"}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")

OUTCOME_CHOICES = [
    ("ok", _("OK")),
    ("refused", _("Refused by Aptic")),
    ("failed", _("Failed")),
    ("denied", _("Denied by us")),
]
REQUEST_MATCH_CHOICES = [("exact", _("Exact")), ("prefix", _("Starts with"))]


class AuditFilterForm(forms.Form):
    user = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"type": "search", "list": "audit-usernames", **_SEARCH_ATTRS}
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *roles.ROLE_LABELS.items()],
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *OUTCOME_CHOICES]
    )
    debtor = forms.CharField(
        label=_("Debtor"),
        required=False,
        max_length=64,
        help_text=_("GUID or debtor reference."),
        widget=forms.TextInput(attrs={"type": "search", **_SEARCH_ATTRS}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    request_id = forms.CharField(
        label=_("Request ID"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search", **_SEARCH_ATTRS}),
    )
    request_match = forms.ChoiceField(
        label=_("Request ID match"),
        required=False,
        choices=REQUEST_MATCH_CHOICES,
        initial="exact",
    )
    pii = forms.BooleanField(label=_("Personal-data reveals only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *actions.action_choices()]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"audit-filter-{name}")

    def clean_user(self) -> str:
        value = self.cleaned_data["user"].strip()
        if value and not _USERNAME.match(value):
            raise forms.ValidationError(_("Enter a user name."))
        return value

    def clean_request_id(self) -> str:
        value = self.cleaned_data["request_id"].strip()
        if value and not _REQUEST_ID.match(value):
            raise forms.ValidationError(
                _("A request ID holds only letters, digits, dots, dashes and underscores.")
            )
        return value

    def clean_debtor(self) -> str:
        return self.cleaned_data["debtor"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def to_filters(self) -> AuditFilters:
        """The valid filters (call after is_valid()); a debtor that is a GUID goes in as one,
        anything else as a reference for the selector to resolve."""
        data = self.cleaned_data
        debtor = data.get("debtor", "")
        guid = _as_guid(debtor)
        return AuditFilters(
            user=data.get("user", ""),
            role=data.get("role", ""),
            action=data.get("action", ""),
            outcome=data.get("outcome", ""),
            debtor_guid=guid or "",
            debtor_reference="" if guid else debtor,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            request_id=data.get("request_id", ""),
            request_prefix=data.get("request_match") == "prefix",
            pii_only=bool(data.get("pii")),
        )


def _as_guid(value: str) -> str | None:
    """A GUID as typed when it is in the usual 8-4-4-4-12 form (any case), else its canonical
    form; None when it is no GUID (then it is a debtor reference)."""
    try:
        canonical = str(uuid.UUID(value)) if value else None
    except ValueError:
        return None
    return value if canonical and value.lower() == canonical else canonical
