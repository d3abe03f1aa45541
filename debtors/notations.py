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
- Each kind also has a shape: the notations it is typed in, with and without century and
  separator, read with everything `python-stdnum` checks except the check digit (the date
  of birth, the century sign, the individual number). Real data sometimes holds a number
  whose check digit is wrong; the search finds it by its shape and says so.

Shapes, per kind (`C` a check character, `N` a digit; `[x]` may be left out):

- SE personnummer: `[YY]YYMMDD[-+ ]NNNC`. Without the century the date is the one in the
  last 100 years; `+` puts it 100 years earlier (Folkbokföringslagen §18).
- SE organisationsnummer: `NNMNNN[- ]NNNC` with `M` (the third digit) at least 2, which
  tells it from a personnummer's month (the search reads a valid one below 2 as the
  personnummer it is).
- NO fødselsnummer: `DDMMYY[ ]NNNCC`, a date (D- and H-numbers included) whose century the
  individual number gives, not in the future.
- NO organisasjonsnummer: `NNN[ ]NNN[ ]NNC`, beginning with 8 or 9 as every one does.
- FI henkilötunnus: `DDMMYY[S]NNNC`, `S` a century sign; without one the date is the one in
  the last 100 years, tried with each sign of that century.
- FI Y-tunnus: `NNNNNNN[-]C`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

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
    `shape` reads typed text by its shape alone: the compact numbers it has the shape of,
    checked for everything `validate` checks except the check digit (so a number whose check
    digit is wrong is still one), in the form `notations` takes. `readings` is the search's
    lenient reading of typed text: the compact numbers it may mean (by default the one
    `validate` accepts).
    """

    name: str
    validate: Callable[[str], str]
    notations: Notations
    invalid_message: str | Promise
    shape: Callable[[str], list[str]]
    readings: Callable[[str], list[str]] | None = None

    def read(self, text: str) -> list[str]:
        """The compact numbers `text` may be, read leniently as the search box does."""
        if self.readings is not None:
            return self.readings(text)
        try:
            return [self.validate(text)]
        except StdnumError:
            return []

    def read_shape(self, text: str) -> list[str]:
        """The compact numbers `text` has the shape of, its check digit not checked."""
        return self.shape(text.strip())


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


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _in_last_century(yymmdd: str, *, hundred_plus: bool = False) -> date | None:
    """The date `YYMMDD` in the last 100 years (with `hundred_plus`, 100 years before that),
    or None when it is no date."""
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    today = date.today()
    year = today.year - (today.year - yy) % 100  # the latest year ending in YY
    born = _date(year, month, day)
    if born is None or born > today:
        year -= 100
    if hundred_plus:
        year -= 100
    return _date(year, month, day)


_SE_PERSON_SHAPE = re.compile(r"(?P<cc>\d{2})?(?P<date>\d{6})(?P<sep>[-+ ]?)(?P<serial>\d{4})")


def _se_person_shape(text: str) -> list[str]:
    """`[YY]YYMMDD[-+ ]NNNC` with a real date, as `YYYYMMDD-NNNC`."""
    match = _SE_PERSON_SHAPE.fullmatch(text)
    if not match:
        return []
    yymmdd = match["date"]
    if match["cc"]:
        born = _date(int(match["cc"] + yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    else:
        born = _in_last_century(yymmdd, hundred_plus=match["sep"] == "+")
    return [f"{born.year:04d}{yymmdd[2:]}-{match['serial']}"] if born else []


def _se_person(compact: str) -> list[str]:
    """Stored `YYYYMMDD-NNNC`, then without separator, then `YYMMDD-NNNC` (`+` from the year
    the person turns 100, and `-` as written before) and without separator."""
    if len(compact) == 13:
        full = compact
    else:  # stdnum's `YYMMDD-NNNC` or `YYMMDD+NNNC`
        born = (_in_last_century(compact[:6], hundred_plus=compact[6] == "+")
                or personnummer.get_birth_date(compact))
        full = f"{born.year:04d}{compact[2:6]}-{compact[7:]}"
    digits = full.replace("-", "")
    short_sep = "+" if date.today().year - int(full[:4]) >= 100 else "-"
    forms = [full, digits, f"{full[2:8]}{short_sep}{full[9:]}", digits[2:]]
    if short_sep == "+":
        forms.append(full[2:])
    return forms


def _se_company_readings(text: str) -> list[str]:
    """A valid organisationsnummer whose third digit is at least 2: below, it is a
    personnummer (a sole trader's), read as one."""
    try:
        compact = se_orgnr.validate(text)
    except StdnumError:
        return []
    return [compact] if compact[2] >= "2" else []


def _se_company_shape(text: str) -> list[str]:
    """`NNMNNN[- ]NNNC`, M at least 2."""
    return [text[:6] + text[-4:]] if re.fullmatch(r"\d{2}[2-9]\d{3}[- ]?\d{4}", text) else []


def _no_person_shape(text: str) -> list[str]:
    """`DDMMYY[ ]NNNCC` with a birth date stdnum can tell, not in the future."""
    if not re.fullmatch(r"\d{6} ?\d{5}", text):
        return []
    digits = text.replace(" ", "")
    try:
        born = fodselsnummer.get_birth_date(digits)
    except StdnumError:
        return []
    return [digits] if born <= date.today() else []


def _no_company_shape(text: str) -> list[str]:
    """`NNN[ ]NNN[ ]NNC` beginning with 8 or 9, spaced both times or not at all."""
    return [text.replace(" ", "")] if re.fullmatch(r"[89]\d{2}( ?)\d{3}\1\d{3}", text) else []


# A henkilötunnus's century signs, per century; the first is the one written before 2023.
_FI_SIGNS = {1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}
_FI_CENTURY = {sign: century for century, signs in _FI_SIGNS.items() for sign in signs}
_FI_PERSON_SHAPE = re.compile(
    r"(?P<date>\d{6})(?P<sign>[-+A-FU-Y]?)(?P<individual>\d{3})(?P<check>[0-9A-FHJ-NPR-Y])")


def _fi_person_shape(text: str) -> list[str]:
    """`DDMMYY[S]NNNC` with a real date and an individual number 002-899; without a sign,
    every sign of the century of the date in the last 100 years."""
    match = _FI_PERSON_SHAPE.fullmatch(text.upper())
    if not match or not 2 <= int(match["individual"]) < 900:
        return []
    ddmmyy, sign = match["date"], match["sign"]
    if sign:
        born = _date(_FI_CENTURY[sign] + int(ddmmyy[4:]), int(ddmmyy[2:4]), int(ddmmyy[:2]))
        signs = sign
    else:
        born = _in_last_century(ddmmyy[4:] + ddmmyy[2:4] + ddmmyy[:2])
        signs = _FI_SIGNS[born.year // 100 * 100] if born else ""
    if born is None:
        return []
    return [f"{ddmmyy}{s}{match['individual']}{match['check']}" for s in signs]


def _fi_company_shape(text: str) -> list[str]:
    """`NNNNNNN[-]C`."""
    return [text.replace("-", "")] if re.fullmatch(r"\d{7}-?\d", text) else []


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
            shape=_se_person_shape,
        ),
        company=IdKind(
            "organisationsnummer", se_orgnr.validate, lambda d: [f"{d[:6]}-{d[6:]}", d],
            _("Enter a valid Swedish organisation number, e.g. 556677-8899."),
            shape=_se_company_shape,
            readings=_se_company_readings,
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
            shape=_no_person_shape,
        ),
        company=IdKind(
            "organisasjonsnummer", no_orgnr.validate, lambda d: [d, no_orgnr.format(d)],
            _("Enter a valid Norwegian organisation number, 9 digits."),
            shape=_no_company_shape,
        ),
        calling_code=47,
        phone_stored=_no_stored,
    ),
    CountryNotations(
        country="FI",
        person=IdKind(
            "henkilötunnus", hetu.validate, lambda c: [c],
            _("Enter a valid Finnish personal identity code (henkilötunnus), e.g. 010180-123A."),
            shape=_fi_person_shape,
            readings=_fi_person_readings,
        ),
        company=IdKind(
            "Y-tunnus", ytunnus.validate, lambda d: [f"{d[:7]}-{d[7:]}", d],
            _("Enter a valid Finnish business ID (Y-tunnus), e.g. 1234567-1."),
            shape=_fi_company_shape,
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
