"""What the one search box means: the typed text turned into an upstream `$filter`.

An agent types whatever the debtor on the phone reads out: a name, a debtor reference, a
personal or company ID number in any notation, an e-mail address or a phone number in any
notation. Aptic compares stored text, so each kind of input is normalised to the notations
it is likely stored in, and the search matches any of them (an OR):

- phone numbers (`phonenumbers`, region from the country filter, else each country of
  `debtors.notations` in turn): E.164 (`+46701234567`), the international and national
  notations (`+46 70 123 45 67`, `070-123 45 67`), national digits, and the country's own
  (`+47 412 34 567`, `+358 40 123 4567`);
- Nordic ID numbers (`python-stdnum`), with or without separators or century, as every
  notation `debtors.notations` lists for each kind of the country (of every country
  without a country filter); a Finnish henkilötunnus typed without its century sign is
  tried with every sign that makes it valid. A number whose check digit is wrong is read
  by its shape (`debtors.notations`' shapes) and searched in the same notations, and the
  "searched as" line says the checksum does not match (precedence: `id_number_reading`);
- an e-mail address (exact, case-insensitive; a partial one with `@` is a `contains`);
- a reference (exact), or a debtor GUID pasted from elsewhere;
- otherwise words that must all occur in the name (`contains`, any order).

Which notations a tenant stores is a deployment fact, kept in `debtors.notations`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from backoffice.gateway import F, Filter
from debtors.notations import (
    NOTATIONS,
    PHONE_REGIONS,
    CountryNotations,
    country_notations,
    phone_notations,
)

PHONE_FIELDS = ("cellular_phone", "home_phone", "work_phone")
MAX_TEXT = 100
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
_LETTER = re.compile(r"[^\W\d_]")

KIND_LABELS = {
    "name": _("name"),
    "reference": _("reference"),
    "id_number": _("ID number"),
    "email": _("e-mail"),
    "phone": _("phone number"),
    "guid": _("debtor GUID"),
}


# By (read as a personal number, read as a company number, checksum holds).
_ID_LABELS = {
    (True, False, True): _("personal ID number"),
    (False, True, True): _("company ID number"),
    (True, True, True): _("ID number"),
    (True, False, False): _("personal ID number (checksum does not match)"),
    (False, True, False): _("company ID number (checksum does not match)"),
    (True, True, False): _("ID number (checksum does not match)"),
}


@dataclass(frozen=True)
class IdNumberReading:
    """The text read as Nordic ID numbers: the stored notations to match, whether as a
    personal and/or a company number, and whether the checksum holds or only the shape."""

    forms: tuple[str, ...]
    person: bool
    company: bool
    checksum_ok: bool

    @property
    def label(self) -> str:
        return str(_ID_LABELS[(self.person, self.company, self.checksum_ok)])


@dataclass(frozen=True)
class SearchTerms:
    """The search box read: what it was taken for and the filter that finds it."""

    text: str
    kinds: tuple[str, ...] = ()
    filter: Filter | None = None
    phone_forms: tuple[str, ...] = ()
    id_number: IdNumberReading | None = None

    @property
    def id_forms(self) -> tuple[str, ...]:
        return self.id_number.forms if self.id_number else ()

    @property
    def kind_labels(self) -> list[str]:
        return [self.id_number.label if k == "id_number" and self.id_number
                else str(KIND_LABELS[k]) for k in self.kinds]


# --- Phone numbers -------------------------------------------------------------------------------


def phone_candidates(text: str, *, country: str = "") -> list[str]:
    """Stored notations of `text` read as a phone number; empty if it is not one."""
    text = text.strip()
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or text.startswith("00")
    if not _PHONE_LIKE.match(text) or not (6 if international else 7) <= len(digits) <= 15:
        return []
    if text.startswith("00"):
        text = "+" + text[2:]
    regions: Iterable[str | None] = (
        [None] if international else ([country] if country else PHONE_REGIONS)
    )
    forms: list[str] = []
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        valid = phonenumbers.is_valid_number(number) or (
            international and phonenumbers.is_possible_number(number)
        )
        if valid:
            forms += phone_notations(number)
    return _unique(forms)


# --- ID numbers ----------------------------------------------------------------------------------


def id_number_reading(text: str, *, country: str = "") -> IdNumberReading | None:
    """`text` read as a Nordic personal or company ID number of `country` (of every country
    in `debtors.notations` without one), or None when it is none.

    Which reading wins:

    - A checksum that holds decides: when any kind reads the text with a valid check digit,
      those readings alone are searched (a valid number is not also read by shape).
    - Otherwise every kind whose shape the text has is searched, in all its notations, and
      the reading says the checksum does not match.
    - Bare digits that are a valid phone number (of `country`, else of any of the table's
      countries) are that phone number, not an ID number by shape alone: `0701234567` has
      the shape of a personnummer born 2007-01-23. Typed with the ID number's separator
      (`070123-4567`), it is read as both.
    """
    text = text.strip()
    if not re.fullmatch(r"[\d\s+\-A-Za-z]{8,16}", text) or sum(c.isdigit() for c in text) < 8:
        return None
    row = country_notations(country)
    rows = [row] if row else NOTATIONS
    checked = _read_id_kinds(rows, text, by_shape=False)
    if checked or (text.isdigit() and phone_candidates(text, country=country)):
        return checked
    return _read_id_kinds(rows, text, by_shape=True)


def id_number_candidates(text: str, *, country: str = "") -> list[str]:
    """Stored notations of `text` read as a Nordic personal or company ID number."""
    reading = id_number_reading(text, country=country)
    return list(reading.forms) if reading else []


def _read_id_kinds(
    rows: Iterable[CountryNotations], text: str, *, by_shape: bool
) -> IdNumberReading | None:
    forms: list[str] = []
    read_as: set[bool] = set()  # is_company of the kinds that read it
    for row in rows:
        for is_company, kind in ((False, row.person), (True, row.company)):
            compacts = kind.read_shape(text) if by_shape else kind.read(text)
            for compact in compacts:
                forms += kind.notations(compact)
                read_as.add(is_company)
    if not forms:
        return None
    return IdNumberReading(forms=tuple(_unique(forms)), person=False in read_as,
                           company=True in read_as, checksum_ok=not by_shape)


# --- The whole box -------------------------------------------------------------------------------


def read_search_text(text: str, *, country: str = "") -> SearchTerms:
    """What the search box's text is taken for, and the filter that matches any of it."""
    text = " ".join((text or "").split())[:MAX_TEXT]
    if not text:
        return SearchTerms(text="")
    kinds: list[str] = []
    parts: list[Filter] = []

    if "@" in text:
        try:
            validate_email(text)
            parts.append(F.eq("email", text))
        except ValidationError:
            parts.append(F.contains("email", text))
        return SearchTerms(text=text, kinds=("email",), filter=F.any(*parts))

    if " " not in text:
        kinds.append("reference")
        parts.append(F.eq("debtor_reference", text))
        try:
            guid = str(uuid.UUID(text))
        except ValueError:
            guid = ""
        if guid:
            kinds.append("guid")
            parts.append(F.eq("debtor_guid", guid))

    id_number = id_number_reading(text, country=country)
    if id_number:
        kinds.append("id_number")
        parts += [F.eq("id_number", form) for form in id_number.forms]

    phone_forms = phone_candidates(text, country=country)
    if phone_forms:
        kinds.append("phone")
        parts += [F.eq(field, form) for field in PHONE_FIELDS for form in phone_forms]

    if _LETTER.search(text):
        kinds.append("name")
        parts.append(F.all(*(F.contains("full_name", word) for word in text.split())))

    return SearchTerms(
        text=text,
        kinds=tuple(kinds),
        filter=F.any(*parts),
        phone_forms=tuple(phone_forms),
        id_number=id_number,
    )


def debtor_filter(
    *,
    text: str = "",
    juridical_type: int | None = None,
    city: str = "",
    country: str = "",
    currency: str = "",
) -> tuple[SearchTerms, Filter | None]:
    """The search box and the filters combined: (how the text was read, the `$filter`)."""
    terms = read_search_text(text, country=country)
    combined = F.all(
        terms.filter,
        F.eq("juridical_type", juridical_type) if juridical_type is not None else None,
        F.eq("city", city) if city else None,
        F.eq("country_code", country) if country else None,
        F.eq("currency_code", currency) if currency else None,
    )
    return terms, combined


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
