"""The search page's form, the saved-search form and the reason asked before a reveal.

Plain forms (not django-filter: the rows come from an API, not a queryset). The search form
only validates and cleans; `debtors.search` turns its values into the upstream filter.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.formatting import babel_locale
from backoffice.gateway import JuridicalType
from debtors.tables import DEBTOR_ORDER_FIELDS

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 25
COUNTRIES = ("SE", "NO", "FI", "DK", "IS")
CURRENCIES = ("SEK", "NOK", "EUR", "DKK", "ISK")
# The parameters a search is made of (the page number is not part of it).
SEARCH_PARAMS = ("q", "type", "city", "country", "currency", "per_page", "sort")


def _country_choices() -> list[tuple[str, str]]:
    names = Locale.parse(babel_locale()).territories
    return [("", _("Any country"))] + [(c, names.get(c, c)) for c in COUNTRIES]


def _currency_choices() -> list[tuple[str, str]]:
    names = Locale.parse(babel_locale()).currencies
    return [("", _("Any currency"))] + [(c, f"{c} ({names.get(c, c)})") for c in CURRENCIES]


def _type_choices() -> list[tuple[str, Any]]:
    return [("", _("Any type"))] + [(str(v), label) for v, label in JuridicalType.choices]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        strip=True,
        help_text=_("Name, reference, ID number, e-mail or phone number. Press / to jump here."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "data-search-box": "",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("e.g. Anna Lind, 19800517-1234, 070-123 45 67"),
            }
        ),
    )
    type = forms.TypedChoiceField(
        label=_("Type"), required=False, choices=_type_choices, coerce=int, empty_value=None
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=_currency_choices)
    per_page = forms.TypedChoiceField(
        label=_("Rows per page"),
        required=False,
        choices=[(str(n), str(n)) for n in PAGE_SIZES],
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,
    )
    # Rendered in the results (the sort changes there); checked against the table's columns.
    sort = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)

    def clean_sort(self) -> str:
        """Only columns that sort upstream; anything else falls back to the default order."""
        aliases = [a.strip() for a in (self.cleaned_data.get("sort") or "").split(",")]
        return ",".join(a for a in aliases if a.lstrip("-") in DEBTOR_ORDER_FIELDS)

    def filter_values(self) -> dict[str, Any]:
        """The values `debtors.search.debtor_filter` takes (call after is_valid())."""
        data = self.cleaned_data
        return {
            "text": data.get("q") or "",
            "juridical_type": data.get("type"),
            "city": data.get("city") or "",
            "country": data.get("country") or "",
            "currency": data.get("currency") or "",
        }

    def params(self) -> dict[str, str]:
        """The non-empty parameters as strings, in a stable order (for saving and links)."""
        data = self.cleaned_data
        out = {}
        for name in SEARCH_PARAMS:
            value = data.get(name)
            if value is None or value == "":
                continue
            if name == "per_page" and value == DEFAULT_PAGE_SIZE:
                continue
            out[name] = str(value)
        return out

    @property
    def has_criteria(self) -> bool:
        """True once a query or a filter was given."""
        values = self.filter_values()
        return any(v not in (None, "") for v in values.values())


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name this search"), max_length=80, strip=True)
    shared = forms.BooleanField(label=_("Share with the team"), required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revealing the ID number"),
        min_length=5,
        max_length=300,
        strip=True,
        help_text=_("Recorded in the audit log with your name, e.g. “Identity check on call”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
