"""The debtor form (create and edit): the contract's fields, required fields and limits.

Field names are the gateway's snake_case names, so upstream validation errors land on the
field of the same name; the one exception is the name: `company_name` holds a legal entity's
`full_name`, `full_name` a person's name as written (blank: composed from its parts).

An edit form carries the fingerprint of the debtor it showed and, signed, the values it showed
(`original`), so a refused stale save can tell the user's changes from someone else's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.gateway import Debtor, Gender, JuridicalType, NotificationChannel
from debtors.identifiers import (
    InvalidIdentifier,
    country_choices,
    culture_country,
    currency_codes,
    language_codes,
    normalise_culture,
    normalise_id_number,
    normalise_phone,
)

NAME_MAX = 100
PHONE_FIELDS = ("home_phone", "work_phone", "cellular_phone",
                "conversation_notification_cellular_phone")
ADDRESS_FIELDS = ("street", "house_no", "house_no_extension", "zip_code", "city", "state_code",
                  "country_code")
_SIGNING_SALT = "debtors.form-original"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def not_in_future(message: str) -> Callable[[dt.date | None], None]:
    """A field validator refusing a date after today (in the site's time zone)."""

    def check(value: dt.date | None) -> None:
        if value and value > timezone.localdate():
            raise forms.ValidationError(message)

    return check


def text(label: str, max_length: int, *, required: bool = False, help_text: str = "",
         autocomplete: str = "") -> forms.CharField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(label=label, max_length=max_length, required=required,
                           help_text=help_text, widget=forms.TextInput(attrs=attrs))


def phone(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Any notation; stored as +46 70 123 45 67."),
    )


@dataclass(frozen=True)
class Fieldset:
    key: str
    legend: str
    fields: list  # BoundFields
    juridical: int | None = None  # shown only for this juridical type (with JavaScript)


class DebtorForm(forms.Form):
    juridical_type = forms.TypedChoiceField(
        label=_("Debtor type"), choices=JuridicalType.choices, coerce=int,
        initial=JuridicalType.NATURAL_PERSON, widget=forms.RadioSelect,
    )
    # Natural person
    first_name = text(_("First name"), NAME_MAX, autocomplete="off")
    middle_name = text(_("Middle name"), NAME_MAX, autocomplete="off")
    last_name = text(_("Last name"), NAME_MAX, autocomplete="off",
                     help_text=_("Required for a person unless the full name is given."))
    name_suffix = text(_("Name suffix"), NAME_MAX)
    full_name = text(_("Full name as written"), NAME_MAX,
                     help_text=_("Leave blank to compose it from first, middle and last name."))
    gender = forms.TypedChoiceField(label=_("Gender"), choices=Gender.choices, coerce=int,
                                    initial=Gender.UNKNOWN)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(),
        validators=[not_in_future(_("The date of birth cannot be in the future."))])
    place_of_birth = text(_("Place of birth"), NAME_MAX)
    under_aged = forms.NullBooleanField(label=_("Under age"), required=False)
    # Legal entity
    company_name = text(_("Company name"), NAME_MAX, help_text=_("Required for a company."))
    vat_number = text(_("VAT number"), 30)
    nace_code = text(_("NACE code"), 20)
    # Identity and preferences
    id_number = text(_("ID number"), 30, help_text=_(
        "Personal identity number or organisation number; checked for the debtor's country."))
    culture_code = text(_("Culture"), 10, help_text=_("Language and country, e.g. sv-SE."))
    language_code = text(_("Language"), 2, help_text=_("ISO 639-1 code, e.g. sv."))
    currency_code = text(_("Currency"), 3, help_text=_("ISO 4217 code, e.g. SEK."))
    domicile = text(_("Domicile"), NAME_MAX)
    municipal_code = text(_("Municipal code"), 20)
    # Contact
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    home_phone = phone(_("Home phone"))
    work_phone = phone(_("Work phone"))
    cellular_phone = phone(_("Mobile phone"))
    conversation_notification_channel = forms.TypedChoiceField(
        label=_("Notification channel"), choices=NotificationChannel.choices, coerce=int,
        initial=NotificationChannel.NONE,
    )
    conversation_notification_email = forms.EmailField(
        label=_("Notification e-mail"), max_length=254, required=False)
    conversation_notification_cellular_phone = phone(_("Notification mobile phone"))
    # Main address (create only)
    street = text(_("Street"), NAME_MAX)
    house_no = text(_("House number"), 20)
    house_no_extension = text(_("House number extension"), 20)
    zip_code = text(_("Postal code"), 20)
    city = text(_("City"), NAME_MAX)
    state_code = text(_("State or region code"), 20)
    country_code = forms.ChoiceField(label=_("Country"), required=False, choices=())
    # Lost-update protection (edit only)
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    GROUPS = (
        ("person", _("Person (natural person only)"), JuridicalType.NATURAL_PERSON,
         ("first_name", "middle_name", "last_name", "name_suffix", "full_name", "gender",
          "date_of_birth", "place_of_birth", "under_aged")),
        ("company", _("Company (legal entity only)"), JuridicalType.LEGAL_ENTITY,
         ("company_name", "vat_number", "nace_code")),
        ("identity", _("Identity and preferences"), None,
         ("id_number", "culture_code", "language_code", "currency_code", "domicile",
          "municipal_code")),
        ("contact", _("Contact"), None, ("email", "home_phone", "work_phone", "cellular_phone")),
        ("notification", _("Notifications"), None,
         ("conversation_notification_channel", "conversation_notification_email",
          "conversation_notification_cellular_phone")),
        ("address", _("Main address"), None, ADDRESS_FIELDS),
    )

    def __init__(self, *args: Any, creating: bool, country: str | None = None,
                 masked_id: str = "", **kwargs: Any):
        """`country`: the debtor's country for an edit (its default address); a new debtor's
        comes from the main address fields. `masked_id`: the ID number on record as the user
        may see it (agents), which the edit form then never holds in full: left blank it is
        kept, typed it is replaced."""
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.country = country
        self.mask_id = bool(masked_id) and not creating
        if self.mask_id:
            self.fields["id_number"].help_text = _(
                "On record: %(masked)s. Leave blank to keep it; type a number to replace it."
            ) % {"masked": masked_id}
        self.fields["country_code"].choices = country_choices()
        if creating:
            del self.fields["fingerprint"], self.fields["original"]
        else:
            for name in ADDRESS_FIELDS:
                del self.fields[name]
            self.fields["fingerprint"].required = True
        self.original_values = self._read_original()

    # --- building --------------------------------------------------------------------------

    @staticmethod
    def values_from(debtor: Debtor) -> dict[str, Any]:
        """The form's values (by field name) for a debtor as read."""
        values = {name: getattr(debtor, name) for name in _VALUE_FIELDS if name != "company_name"}
        # A select always submits an option: read "not given" as the value Aptic defaults to.
        if values["gender"] is None:
            values["gender"] = Gender.UNKNOWN
        if values["conversation_notification_channel"] is None:
            values["conversation_notification_channel"] = NotificationChannel.NONE
        composed = " ".join(p for p in (debtor.first_name, debtor.middle_name, debtor.last_name)
                            if p)
        if debtor.is_company:
            values["company_name"], values["full_name"] = debtor.full_name, None
        else:
            values["company_name"] = None
            values["full_name"] = None if debtor.full_name == composed else debtor.full_name
        return values

    @classmethod
    def initial_for(cls, debtor: Debtor, fingerprint: str,
                    values: Mapping[str, Any] | None = None, *,
                    mask_id: bool = False) -> dict[str, Any]:
        """Initial data of an edit form: `values` (default: the debtor's), with the signed
        values as read and the record's fingerprint. With `mask_id` the ID number on record
        appears in neither (signing is not encryption)."""
        read = cls.values_from(debtor)
        shown = dict(values if values is not None else read)
        if mask_id:
            read.pop("id_number")
            if values is None or shown.get("id_number") == debtor.id_number:
                shown["id_number"] = None
        return {**shown, "fingerprint": fingerprint, "original": sign_values(read)}

    def _read_original(self) -> dict[str, Any] | None:
        token = (self.data.get(self.add_prefix("original")) if self.is_bound
                 else self.initial.get("original"))
        if not token:
            return None
        try:
            return signing.loads(token, salt=_SIGNING_SALT)
        except signing.BadSignature:
            return None

    # --- cleaning --------------------------------------------------------------------------

    def _unchanged(self, name: str, value: Any) -> bool:
        """True when an edit keeps the value on record (kept as it is, even in an older
        notation)."""
        return self.original_values is not None and self.original_values.get(name) == value

    def clean_culture_code(self) -> str | None:
        value = self.cleaned_data["culture_code"].strip()
        if not value:
            return None
        try:
            return normalise_culture(value)
        except InvalidIdentifier as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_language_code(self) -> str | None:
        value = self.cleaned_data["language_code"].strip().lower()
        if value and value not in language_codes():
            raise forms.ValidationError(_("Enter an ISO 639-1 language code such as sv."))
        return value or None

    def clean_currency_code(self) -> str | None:
        value = self.cleaned_data["currency_code"].strip().upper()
        if value and value not in currency_codes():
            raise forms.ValidationError(_("Enter an ISO 4217 currency code such as SEK."))
        return value or None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = value.strip() or None
        company = data.get("juridical_type") == JuridicalType.LEGAL_ENTITY
        if company and not data.get("company_name"):
            self.add_error("company_name", _("Enter the company name."))
        if not company and not data.get("last_name") and not data.get("full_name") \
                and "juridical_type" in data:
            self.add_error("last_name", _("Enter the last name (or the full name as written)."))
        country = data.get("country_code") if self.creating else self.country
        country = country or culture_country(data.get("culture_code"))
        self._normalise("id_number", lambda v: normalise_id_number(v, country, company=company))
        for name in PHONE_FIELDS:
            self._normalise(name, lambda v: normalise_phone(v, country))
        return data

    def _normalise(self, name: str, normalise) -> None:
        value = self.cleaned_data.get(name)
        if not value or self._unchanged(name, value):
            return
        try:
            self.cleaned_data[name] = normalise(value)
        except InvalidIdentifier as exc:
            self.add_error(name, exc.message)

    # --- what the form says ----------------------------------------------------------------

    @property
    def is_company(self) -> bool:
        return self.cleaned_data.get("juridical_type") == JuridicalType.LEGAL_ENTITY

    def values(self) -> dict[str, Any]:
        """The cleaned values by field name (the shown debtor fields, not the address); a
        masked ID number left blank is not among them (the record keeps its own)."""
        values = {name: self.cleaned_data.get(name) for name in _VALUE_FIELDS}
        if self.mask_id and not values["id_number"]:
            del values["id_number"]
        return values

    def debtor_changes(self) -> dict[str, Any]:
        """The shown fields as `DebtorInput` keyword arguments (apply with `as_input`)."""
        return input_changes(self.values())

    def address_values(self) -> dict[str, Any]:
        """The main address of a new debtor (`DebtorInput` keyword arguments)."""
        return {name: self.cleaned_data.get(name) for name in ADDRESS_FIELDS}

    def field_map(self) -> dict[str, str]:
        """Gateway field -> form field, for upstream validation errors."""
        return {"full_name": "company_name"} if self.is_company else {}

    def fieldsets(self) -> list[Fieldset]:
        return [
            Fieldset(key, str(legend), [self[n] for n in names if n in self.fields], juridical)
            for key, legend, juridical, names in self.GROUPS
            if any(n in self.fields for n in names)
        ]


_VALUE_FIELDS = (
    "juridical_type",
    *(name for _key, _legend, _j, names in DebtorForm.GROUPS for name in names
      if name not in ADDRESS_FIELDS),
)


def input_changes(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values -> `DebtorInput` keyword arguments (the name goes to `full_name`)."""
    changes = {k: v for k, v in values.items() if k not in ("company_name", "full_name")}
    company = values.get("juridical_type") == JuridicalType.LEGAL_ENTITY
    changes["full_name"] = values.get("company_name") if company else values.get("full_name")
    return changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def sign_values(values: Mapping[str, Any]) -> str:
    return signing.dumps({k: _jsonable(v) for k, v in values.items()}, salt=_SIGNING_SALT,
                         compress=True)


def comparable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as JSON values with blanks as None, for comparing what was read and written."""
    return {k: (None if v in ("", None) else _jsonable(v)) for k, v in values.items()}


def value_fields() -> tuple[str, ...]:
    return _VALUE_FIELDS
