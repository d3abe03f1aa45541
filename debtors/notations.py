"""How the data holds phone and ID numbers, per country: one table for the editor and the search.

The notations a tenant stores are a deployment fact, listed here and nowhere else. Each row
names, for one country, its personal and company ID numbers (checked by `python-stdnum`)
with every notation the data may hold them in, the stored one first, and the notations of
its phone numbers (`phonenumbers`), keyed by calling code. The editor writes the first
notation of a kind; the search matches any of them.

- Phone numbers are stored in the international notation the sandbox seed uses
  (`+46 70 123 45 67`, `+47 412 34 567`, `+358 40 123 4567`); the search also tries the
  directory grouping of the sandbox's demo data (`+46 8 1234 56 78`).
- ID numbers are stored as each country writes them (`19800517-1234`, `556677-8899`,
  `01018012345`, `123456789`, `010180-123A`, `1234567-1`); the search also tries the
  notations without separators or century. Countries without a row keep what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu, ytunnus
from stdnum.no import fodselsnummer
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer

Notations = Callable[[str], list[str]]
PhoneNotation = Callable[[phonenumbers.PhoneNumber], str | None]


@dataclass(frozen=True)
class IdKind:
    """One kind of ID number of a country (its personal or its company numbers).

    `validate` is stdnum's: the compact number, or stdnum's ValidationError. `notations`
    turns a compact number into the notations the data may hold it in, the stored one first.
    `readings` is the search's lenient reading of typed text: the compact numbers it may
    mean (by default the one `validate` accepts).
    """

    name: str
    validate: Callable[[str], str]
    notations: Notations
    invalid_message: str | Promise
    readings: Callable[[str], list[str]] | None = None

    def read(self, text: str) -> list[str]:
        """The compact numbers `text` may be, read leniently as the search box does."""
        if self.readings is not None:
            return self.readings(text)
        try:
            return [self.validate(text)]
        except StdnumError:
            return []


@dataclass(frozen=True)
class CountryNotations:
    """A country's ID kinds and phone notations. `company_may_be_person`: a sole trader's
    company number is the owner's personal number."""

    country: str
    person: IdKind
    company: IdKind
    calling_code: int
    phone_stored: Callable[[phonenumbers.PhoneNumber], str]
    phone_also: tuple[PhoneNotation, ...] = ()
    company_may_be_person: bool = False

    def id_kind(self, *, company: bool) -> IdKind:
        return self.company if company else self.person


# --- Phone notations -----------------------------------------------------------------------------


def _international(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _no_stored(number: phonenumbers.PhoneNumber) -> str:
    """Eight digits as `+47 412 34 567`."""
    nsn = phonenumbers.national_significant_number(number)
    if number.extension or len(nsn) != 8:
        return _international(number)
    return f"+47 {nsn[:3]} {nsn[3:5]} {nsn[5:]}"


def _fi_stored(number: phonenumbers.PhoneNumber) -> str:
    """phonenumbers' international notation with a long last group split after three digits."""
    text = _international(number)
    head, _sep, rest = text.partition(" ")
    groups = rest.split(" ")
    if len(groups) < 2 or len(groups[-1]) < 6:
        return text
    last = groups[-1]
    return " ".join((head, *groups[:-1], last[:3], last[3:]))


def _directory_grouping(*tail: int) -> PhoneNotation:
    """Area code, then the subscriber number with its last digits in groups of `tail`."""

    def grouping(number: phonenumbers.PhoneNumber) -> str | None:
        nsn = phonenumbers.national_significant_number(number)
        ndc = phonenumbers.length_of_national_destination_code(number)
        if not ndc or len(nsn) - ndc < 5:
            return None
        area, rest = nsn[:ndc], nsn[ndc:]
        groups, end = [], len(rest)
        for size in reversed(tail):
            groups.insert(0, rest[end - size:end])
            end -= size
        return " ".join((f"+{number.country_code}", area, rest[:end], *groups))

    return grouping


# --- ID notations --------------------------------------------------------------------------------


def _se_person(compact: str) -> list[str]:
    digits = compact.replace("-", "").replace("+", "")
    if len(digits) == 10:
        digits = f"{personnummer.get_birth_date(compact).year // 100}{digits}"
    stored = f"{digits[:8]}-{digits[8:]}"
    return [stored, digits, stored[2:], digits[2:]]


def _fi_person_readings(text: str) -> list[str]:
    """A henkilötunnus typed with spaces or without its century sign: every valid reading."""
    cleaned = re.sub(r"\s", "", text).upper()
    if hetu.is_valid(cleaned):
        return [hetu.compact(cleaned)]
    if re.fullmatch(r"\d{9}[0-9A-Z]", cleaned):
        signs = ("-", "A", "+", "Y", "X", "W", "V", "U", "B", "C", "D", "E", "F")
        return [c for s in signs if hetu.is_valid(c := f"{cleaned[:6]}{s}{cleaned[6:]}")]
    return []


NOTATIONS: tuple[CountryNotations, ...] = (
    CountryNotations(
        country="SE",
        person=IdKind(
            "personnummer", personnummer.validate, _se_person,
            _("Enter a valid Swedish personal identity number (personnummer), "
              "e.g. 19800517-1234."),
        ),
        company=IdKind(
            "organisationsnummer", se_orgnr.validate, lambda d: [f"{d[:6]}-{d[6:]}", d],
            _("Enter a valid Swedish organisation number, e.g. 556677-8899."),
        ),
        company_may_be_person=True,
        calling_code=46,
        phone_stored=_international,
        phone_also=(_directory_grouping(2, 2),),
    ),
    CountryNotations(
        country="NO",
        person=IdKind(
            "fødselsnummer", fodselsnummer.validate, lambda d: [d, f"{d[:6]} {d[6:]}"],
            _("Enter a valid Norwegian national identity number (fødselsnummer), 11 digits."),
        ),
        company=IdKind(
            "organisasjonsnummer", no_orgnr.validate, lambda d: [d, no_orgnr.format(d)],
            _("Enter a valid Norwegian organisation number, 9 digits."),
        ),
        calling_code=47,
        phone_stored=_no_stored,
    ),
    CountryNotations(
        country="FI",
        person=IdKind(
            "henkilötunnus", hetu.validate, lambda c: [c],
            _("Enter a valid Finnish personal identity code (henkilötunnus), e.g. 010180-123A."),
            readings=_fi_person_readings,
        ),
        company=IdKind(
            "Y-tunnus", ytunnus.validate, lambda d: [f"{d[:7]}-{d[7:]}", d],
            _("Enter a valid Finnish business ID (Y-tunnus), e.g. 1234567-1."),
        ),
        calling_code=358,
        phone_stored=_fi_stored,
        phone_also=(_directory_grouping(4),),
    ),
)
_BY_COUNTRY = {row.country: row for row in NOTATIONS}
_BY_CALLING_CODE = {row.calling_code: row for row in NOTATIONS}
# Regions tried for a phone number typed without a country prefix, when no country is known.
PHONE_REGIONS = tuple(row.country for row in NOTATIONS)


def country_notations(country: str | None) -> CountryNotations | None:
    """The row of `country` (any case), or None for a country without one."""
    return _BY_COUNTRY.get((country or "").upper())


def phone_stored(number: phonenumbers.PhoneNumber) -> str:
    """The notation a phone number is stored in: its country's, else the international one."""
    row = _BY_CALLING_CODE.get(number.country_code)
    return row.phone_stored(number) if row else _international(number)


def phone_notations(number: phonenumbers.PhoneNumber) -> list[str]:
    """Every notation the data may hold `number` in: E.164, international, national, the
    national digits, then its country's own (the stored one among them)."""
    fmt = phonenumbers.PhoneNumberFormat
    national = phonenumbers.format_number(number, fmt.NATIONAL)
    forms = [
        phonenumbers.format_number(number, fmt.E164),
        _international(number),
        national,
        re.sub(r"\D", "", national),
        phone_stored(number),
    ]
    row = _BY_CALLING_CODE.get(number.country_code)
    if row:
        forms += [notation(number) for notation in row.phone_also]
    return list(dict.fromkeys(f for f in forms if f))
