"""The address editor's forms: an address (add and edit inline), and the one-button changes.

Field names are the gateway's (`AddressInput`), so upstream validation errors land on them.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from debtors.forms_debtor import NAME_MAX, DateInput, not_in_future, text
from debtors.identifiers import country_choices

_NOT_IN_FUTURE = not_in_future(_("The date cannot be in the future."))

ADDRESS_TYPE = re.compile(r"^[\w\-. ]{1,50}$")
ADDRESS_TYPE_SUGGESTIONS = ("LEGAL", "POSTAL", "BILLING", "TEMPORARY")
_TEXT_FIELDS = ("address_type", "full_name", "street", "house_no", "house_no_extension",
                "zip_code", "city", "state_code", "country_code")


class FingerprintForm(forms.Form):
    """A one-button change (make default, delete): the fingerprint of the record shown."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)


class AddressForm(FingerprintForm):
    address_type = forms.CharField(
        label=_("Address type"), max_length=50, initial="POSTAL",
        validators=[RegexValidator(ADDRESS_TYPE, _(
            "Use LEGAL or a word of letters, digits, spaces, _ . or -."))],
        help_text=_("LEGAL, or a word of your own such as POSTAL."),
        widget=forms.TextInput(attrs={"list": "address-type-suggestions"}),
    )
    full_name = text(_("Name on the address (c/o)"), NAME_MAX)
    street = text(_("Street"), NAME_MAX, help_text=_("Street or city is required."))
    house_no = text(_("House number"), 20)
    house_no_extension = text(_("House number extension"), 20)
    zip_code = text(_("Postal code"), 20)
    city = text(_("City"), NAME_MAX)
    state_code = text(_("State or region code"), 20)
    country_code = forms.ChoiceField(label=_("Country"), required=False, choices=())
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())
    address_not_valid_date = forms.DateField(
        label=_("Not valid since (returned mail)"), required=False, widget=DateInput(),
        help_text=_("Leave blank while mail arrives."), validators=[_NOT_IN_FUTURE],
    )
    default_address = forms.BooleanField(label=_("Make this the default address"),
                                         required=False)

    def __init__(self, *args: Any, is_default: bool = False, **kwargs: Any):
        """`is_default`: the address is the debtor's default already (the flag cannot be
        cleared: another address is made the default instead)."""
        super().__init__(*args, **kwargs)
        self.fields["country_code"].choices = country_choices()
        if is_default:
            del self.fields["default_address"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in _TEXT_FIELDS:
            if isinstance(data.get(name), str):
                data[name] = data[name].strip() or None
        if "street" in data and "city" in data and not data["street"] and not data["city"]:
            self.add_error("street", _("Enter the street or the city."))
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("Valid to cannot be before valid from."))
        return data

    def changes(self) -> dict[str, Any]:
        """`AddressInput` keyword arguments; the default flag only when asked for."""
        names = (*_TEXT_FIELDS, "valid_from", "valid_to", "address_not_valid_date")
        values = {name: self.cleaned_data.get(name) for name in names}
        if self.cleaned_data.get("default_address"):
            values["default_address"] = True
        return values


class NotValidForm(FingerprintForm):
    """Marks an address as not valid (returned mail) from a date."""

    since = forms.DateField(label=_("Not valid since"), widget=DateInput(),
                            validators=[_NOT_IN_FUTURE])
