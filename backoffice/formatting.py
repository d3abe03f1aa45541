"""Locale-aware display of money, dates, percentages and ID numbers, as plain functions.

Everything follows the active Django language (the user's profile, else the browser):
money and percentages through babel in that language's Nordic locale, dates through Django's
own format files. Missing values show as an en dash. Templates reach these functions as the
filters of `{% load formatting %}` (`backoffice.templatetags.formatting` only registers them).
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent, parse_pattern
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

MISSING = "\u2013"  # en dash
MASK = "\u2022" * 6  # bullets

# Django language -> babel locale: the country whose conventions the language is read with.
BABEL_LOCALES = {"en": "en_GB", "sv": "sv_SE", "nb": "nb_NO", "fi": "fi_FI"}


def babel_locale(language: str | None = None) -> str:
    """The babel locale for a Django language code (the active one by default)."""
    code = (language or translation.get_language() or "en").lower()
    return BABEL_LOCALES.get(code, BABEL_LOCALES.get(code.split("-")[0], "en_GB"))


@lru_cache(maxsize=16)
def _babel(locale: str) -> Locale:
    """The parsed babel locale: babel parses a locale given as text on every call, which was
    half of what formatting an amount cost."""
    return Locale.parse(locale)


def _decimal(value: object, *, allow_float: bool) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not allow_float:
            raise TypeError("money must be a Decimal, never a float")
        return Decimal(str(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def money(amount: Decimal | int | str | None, currency: str = "") -> str:
    """`{{ amount|money:"SEK" }}`: "1 234,50 kr" in Swedish, "SEK1,234.50" in English.

    Takes Decimal, int or a numeric string; a float is refused (TypeError) because money is
    Decimal end to end. Without a currency the amount is shown with two decimals.
    """
    if amount is None or amount == "":
        return MISSING
    number = _decimal(amount, allow_float=False)
    locale = _babel(babel_locale())
    if not currency:
        return format_decimal(number, format="#,##0.00", locale=locale)
    return format_currency(number, str(currency).upper(), locale=locale)


def percent(value: Decimal | int | float | str | None, digits: int | str | None = None) -> str:
    """`{{ rate|percent }}` for a rate given in percent (12.5 -> "12,5 %" in Swedish).

    `{{ rate|percent:2 }}` rounds to two decimals; without it every given decimal is kept.
    """
    if value is None or value == "":
        return MISSING
    fraction = _decimal(value, allow_float=True) / 100
    locale = _babel(babel_locale())
    if digits is None or digits == "":
        return format_percent(fraction, locale=locale, decimal_quantization=False)
    places = max(0, int(digits))
    # The locale's own pattern (spacing, sign position) with exactly `places` decimals,
    # rounded half up as people expect, not half even as babel would.
    pattern = copy.copy(parse_pattern(locale.percent_formats[None]))
    pattern.frac_prec = (places, places)
    rounded = fraction.quantize(Decimal(1).scaleb(-(places + 2)), rounding=ROUND_HALF_UP)
    return pattern.apply(rounded, locale)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        parsed = parse_datetime(text)
        if parsed is not None:
            return _as_date(parsed)
        return parse_date(text[:10]) if len(text) >= 10 else None
    return None


def date_only(value: date | str | None) -> str:
    """A date (or the local date of a datetime, or an ISO string) in the short local format.

    2026-03-05 in Swedish, 05.03.2026 in Norwegian, 5.3.2026 in Finnish, 05/03/2026 in English.
    Text that is not a date is returned unchanged.
    """
    if value is None or value == "":
        return MISSING
    try:
        day = _as_date(value)
    except ValueError:
        day = None
    if day is None:
        return str(value)
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def date_time(value: datetime | str | None) -> str:
    """A datetime (or ISO string) in local time, short local format: "2026-03-05 14:07"."""
    if value is None or value == "":
        return MISSING
    moment = value
    if isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
    if not isinstance(moment, datetime):
        return date_only(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


_ID_CHARACTERS = re.compile(r"[0-9A-Za-z]")


def masked_id(value: str | None) -> str:
    """A personal or company ID shown by its last four characters only: "••••••-1234".

    Works for Swedish, Norwegian and Finnish numbers alike (a Finnish check letter counts as a
    character). Four characters or fewer are masked entirely.
    """
    if value is None or str(value).strip() == "":
        return MISSING
    characters = _ID_CHARACTERS.findall(str(value))
    if len(characters) <= 4:
        return "\u2022" * 4
    return f"{MASK}-{''.join(characters[-4:])}"
