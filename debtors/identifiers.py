"""Phone numbers, Nordic ID numbers and ISO codes, checked and written the way the data holds them.

Which notation each country's numbers are stored in is `debtors.notations`' table; this module
checks what was typed and raises `InvalidIdentifier` with the message to show.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError

from debtors.notations import country_notations, phone_stored


class InvalidIdentifier(ValueError):
    """The text is not a valid number of its kind; `message` says what was expected."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalise_phone(text: str, country: str | None) -> str:
    """The number in its stored notation; raises InvalidIdentifier when it is not valid.

    A number without `+` is read as a number of `country` (the debtor's country).
    """
    raw = text.strip()
    region = (country or "").upper() or None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier(
            _("Enter a phone number with its country code, e.g. +46 70 123 45 67.")
            if region is None else _("Enter a valid phone number.")
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(_("Enter a valid phone number for the country it belongs to."))
    return phone_stored(number)


def normalise_id_number(text: str, country: str | None, *, company: bool) -> str:
    """The ID number in its country's stored notation; raises InvalidIdentifier when it is not
    valid there. A country without a row in the table keeps what was typed."""
    raw = text.strip()
    row = country_notations(country)
    if row is None:
        return raw
    kind = row.id_kind(company=company)
    kinds = (kind, row.person) if company and row.company_may_be_person else (kind,)
    for candidate in kinds:
        try:
            return candidate.notations(candidate.validate(raw))[0]
        except StdnumError:
            continue
    raise InvalidIdentifier(kind.invalid_message)


# --- ISO codes -----------------------------------------------------------------------------------

# CLDR regions that are not ISO 3166-1 countries.
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN",
                            "XA", "XB", "XK", "ZZ"})
_CULTURE = re.compile(r"^([A-Za-z]{2})[-_]([A-Za-z]{2})$")


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes."""
    return frozenset(
        c for c in Locale("en").territories if len(c) == 2 and c.isalpha()
    ) - _NOT_COUNTRIES


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes."""
    return frozenset(list_currencies())


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 codes."""
    return frozenset(c for c in Locale("en").languages if len(c) == 2)


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    try:
        names = Locale.parse(language.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    return tuple(sorted(((c, f"{names.get(c, c)} ({c})") for c in country_codes()),
                        key=lambda pair: pair[1]))


def country_choices() -> list[tuple[str, str]]:
    """(code, "Name (code)") in the user's language, sorted by name, with a blank first."""
    return [("", "—"), *_country_choices(get_language() or "en")]


def normalise_culture(text: str) -> str:
    """`sv-se` or `sv_SE` as `sv-SE`; raises InvalidIdentifier unless language and country
    are real codes."""
    match = _CULTURE.fullmatch(text.strip())
    if not match:
        raise InvalidIdentifier(_("Enter a culture code such as sv-SE."))
    language, country = match[1].lower(), match[2].upper()
    if language not in language_codes() or country not in country_codes():
        raise InvalidIdentifier(_("Enter a culture code such as sv-SE."))
    return f"{language}-{country}"


def culture_country(culture: str | None) -> str | None:
    """The country part of a culture code (`sv-FI` -> `FI`)."""
    match = _CULTURE.fullmatch(culture or "")
    return match[2].upper() if match else None
