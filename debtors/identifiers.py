"""Phone numbers, Nordic ID numbers and ISO codes: checked and written the way the data holds them.

Phone numbers are stored in the international notation the sandbox seed uses
(`+46 70 123 45 67`, `+47 412 34 567`, `+358 40 123 4567`) so that a search for a number
typed in any notation, normalised the same way, finds them. ID numbers are stored in the
notation each country writes them (`19800517-1234`, `556677-8899`, `01018012345`,
`123456789`, `010180-123A`, `1234567-1`). Countries without a checker keep what was typed.
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
from stdnum.fi import hetu, ytunnus
from stdnum.no import fodselsnummer
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer


class InvalidIdentifier(ValueError):
    """The text is not a valid number of its kind; `message` says what was expected."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Phone numbers -------------------------------------------------------------------------------


def _seed_grouping(country: str, text: str) -> str:
    """phonenumbers' international format, regrouped where the seed groups differently."""
    head, _sep, rest = text.partition(" ")
    groups = rest.split(" ")
    if country == "NO" and len("".join(groups)) == 8:
        digits = "".join(groups)
        return f"{head} {digits[:3]} {digits[3:5]} {digits[5:]}"
    if country == "FI" and len(groups) >= 2 and len(groups[-1]) >= 6:
        last = groups[-1]
        groups[-1:] = [last[:3], last[3:]]
        return f"{head} {' '.join(groups)}"
    return text


def normalise_phone(text: str, country: str | None) -> str:
    """The number in international notation; raises InvalidIdentifier when it is not valid.

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
    region_of_number = phonenumbers.region_code_for_number(number) or ""
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return _seed_grouping(region_of_number, formatted)


# --- ID numbers ----------------------------------------------------------------------------------


def _se_person(text: str) -> str:
    compact = personnummer.validate(text)
    digits = compact.replace("-", "").replace("+", "")
    if len(digits) == 12:
        return f"{digits[:8]}-{digits[8:]}"
    born = personnummer.get_birth_date(compact)
    return f"{born.year // 100}{digits[:6]}-{digits[6:]}"


def _se_company(text: str) -> str:
    try:
        digits = se_orgnr.validate(text)
    except StdnumError:
        return _se_person(text)  # a sole trader's organisation number is a personnummer
    return f"{digits[:6]}-{digits[6:]}"


_ID_CHECKERS = {
    ("SE", False): (_se_person, _("Enter a valid Swedish personal identity number "
                                  "(personnummer), e.g. 19800517-1234.")),
    ("SE", True): (_se_company, _("Enter a valid Swedish organisation number, e.g. 556677-8899.")),
    ("NO", False): (fodselsnummer.validate, _("Enter a valid Norwegian national identity number "
                                              "(fødselsnummer), 11 digits.")),
    ("NO", True): (no_orgnr.validate, _("Enter a valid Norwegian organisation number, 9 digits.")),
    ("FI", False): (hetu.validate, _("Enter a valid Finnish personal identity code (henkilötunnus),"
                                     " e.g. 010180-123A.")),
    ("FI", True): (lambda t: ytunnus.format(ytunnus.validate(t)),
                   _("Enter a valid Finnish business ID (Y-tunnus), e.g. 1234567-1.")),
}


def has_id_checker(country: str | None) -> bool:
    return ((country or "").upper(), False) in _ID_CHECKERS


def normalise_id_number(text: str, country: str | None, *, company: bool) -> str:
    """The ID number in its country's notation; raises InvalidIdentifier when not valid there."""
    raw = text.strip()
    checker = _ID_CHECKERS.get(((country or "").upper(), company))
    if checker is None:
        return raw
    check, message = checker
    try:
        return check(raw)
    except StdnumError as exc:
        raise InvalidIdentifier(message) from exc


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
