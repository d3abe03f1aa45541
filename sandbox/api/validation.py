"""Checking JSON bodies field by field, gathering every failure for the problem's `errors`.

    v = Validator(body)
    name = v.string("fullName", max_length=100)
    kind = v.choice("juridicalType", (0, 1), required=True)
    v.check()            # raises ValidationFailed({"fullName": [...], ...}) if anything failed

Every method returns the cleaned value (None when absent, null or invalid) and records it in
`v.cleaned[field]`. Fields the caller never asks about are ignored, as the contract wants.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from babel import Locale
from babel.numbers import list_currencies
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator

from sandbox.api.errors import ValidationFailed

_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB",
                  "XK", "ZZ"}
_DECIMAL_CEILING = Decimal(10) ** 15
_CULTURE = re.compile(r"^([a-z]{2})-([A-Z]{2})$")
_email = EmailValidator()


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (CLDR's territories without its extra regions)."""
    territories = Locale("en").territories
    return frozenset(
        code for code in territories if len(code) == 2 and code.isalpha()
    ) - _NOT_COUNTRIES


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes."""
    return frozenset(list_currencies())


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 codes."""
    return frozenset(code for code in Locale("en").languages if len(code) == 2)


def parse_iso_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date or date-time as an aware datetime; naive values are taken as UTC."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Validator:
    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.cleaned: dict[str, Any] = {}

    # --- bookkeeping ----------------------------------------------------------------------
    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        """Sent with a value other than null."""
        return self.data.get(field) is not None

    def check(self) -> None:
        """Raises ValidationFailed naming every failing field, if any failed."""
        if self.errors:
            raise ValidationFailed(self.errors)

    def _take(self, field: str, required: bool) -> Any:
        value = self.data.get(field)
        if value is None and required:
            self.error(field, "This field is required.")
        return value

    def _keep(self, field: str, value: Any) -> Any:
        self.cleaned[field] = value
        return value

    # --- scalars --------------------------------------------------------------------------
    def string(
        self,
        field: str,
        *,
        max_length: int,
        required: bool = False,
        pattern: re.Pattern | None = None,
        pattern_message: str = "Has an invalid format.",
        blank_is_null: bool = False,
    ) -> str | None:
        value = self._take(field, required)
        if value is None:
            return self._keep(field, None)
        if not isinstance(value, str):
            self.error(field, "Must be a string.")
            return self._keep(field, None)
        if "\x00" in value:
            self.error(field, "Must not contain NUL characters.")
            return self._keep(field, None)
        if blank_is_null and not value.strip():
            if required:
                self.error(field, "This field is required.")
            return self._keep(field, None)
        if len(value) > max_length:
            self.error(field, f"Must be at most {max_length} characters (it has {len(value)}).")
            return self._keep(field, None)
        if pattern is not None and not pattern.fullmatch(value):
            self.error(field, pattern_message)
            return self._keep(field, None)
        return self._keep(field, value)

    def integer(
        self,
        field: str,
        *,
        required: bool = False,
        min_value: int | None = None,
        max_value: int | None = None,
        default: int | None = None,
    ) -> int | None:
        value = self._take(field, required)
        if value is None:
            return self._keep(field, default)
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(field, "Must be a whole number.")
            return self._keep(field, None)
        if min_value is not None and value < min_value:
            self.error(field, f"Must be at least {min_value}.")
            return self._keep(field, None)
        if max_value is not None and value > max_value:
            self.error(field, f"Must be at most {max_value}.")
            return self._keep(field, None)
        return self._keep(field, value)

    def choice(
        self, field: str, choices: Iterable[int], *, required: bool = False,
        default: int | None = None,
    ) -> int | None:
        """An integer enum."""
        allowed = tuple(choices)
        value = self._take(field, required)
        if value is None:
            return self._keep(field, default)
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            self.error(field, f"Must be one of {', '.join(map(str, allowed))}.")
            return self._keep(field, None)
        return self._keep(field, value)

    def decimal(
        self,
        field: str,
        *,
        required: bool = False,
        places: int = 2,
        min_value: Decimal | None = None,
        max_value: Decimal | None = Decimal("999999999999.99"),
        default: Decimal | None = None,
    ) -> Decimal | None:
        """A JSON number, kept exact; at most `places` decimals."""
        value = self._take(field, required)
        if value is None:
            return self._keep(field, default)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.error(field, "Must be a number.")
            return self._keep(field, None)
        value = Decimal(value)
        if not value.is_finite():
            self.error(field, "Must be a finite number.")
            return self._keep(field, None)
        if abs(value) >= _DECIMAL_CEILING:
            self.error(field, "Is too large.")
            return self._keep(field, None)
        if value != value.quantize(Decimal(1).scaleb(-places)):
            self.error(field, f"Must have at most {places} decimals.")
            return self._keep(field, None)
        if min_value is not None and value < min_value:
            self.error(field, f"Must be at least {min_value}.")
            return self._keep(field, None)
        if max_value is not None and value > max_value:
            self.error(field, f"Must be at most {max_value}.")
            return self._keep(field, None)
        return self._keep(field, value)

    def boolean(self, field: str, *, required: bool = False,
                default: bool | None = None) -> bool | None:
        value = self._take(field, required)
        if value is None:
            return self._keep(field, default)
        if not isinstance(value, bool):
            self.error(field, "Must be true or false.")
            return self._keep(field, None)
        return self._keep(field, value)

    def datetime(self, field: str, *, required: bool = False) -> dt.datetime | None:
        """An ISO 8601 date-time (a bare date means midnight UTC)."""
        value = self._take(field, required)
        if value is None:
            return self._keep(field, None)
        try:
            if not isinstance(value, str):
                raise ValueError
            parsed = parse_iso_datetime(value)
        except ValueError:
            self.error(field, "Must be an ISO 8601 date-time such as 2026-11-24T00:00:00Z.")
            return self._keep(field, None)
        return self._keep(field, parsed)

    def date(self, field: str, *, required: bool = False) -> dt.date | None:
        """A date travelling as midnight UTC; the date part is taken as written."""
        value = self._take(field, required)
        if value is None:
            return self._keep(field, None)
        try:
            if not isinstance(value, str):
                raise ValueError
            parsed = dt.datetime.fromisoformat(value).date()
        except ValueError:
            self.error(field, "Must be an ISO 8601 date-time such as 1980-05-17T00:00:00Z.")
            return self._keep(field, None)
        if not dt.date(1800, 1, 1) <= parsed <= dt.date(2200, 12, 31):
            self.error(field, "Must be a date between 1800 and 2200.")
            return self._keep(field, None)
        return self._keep(field, parsed)

    def guid(self, field: str, *, required: bool = False) -> UUID | None:
        value = self._take(field, required)
        if value is None:
            return self._keep(field, None)
        parsed = parse_guid(value)
        if parsed is None:
            self.error(field, "Must be a GUID.")
        return self._keep(field, parsed)

    # --- codes and shapes -----------------------------------------------------------------
    def email(self, field: str, *, max_length: int = 254) -> str | None:
        value = self.string(field, max_length=max_length)
        if value is None:
            return None
        try:
            _email(value)
        except DjangoValidationError:
            self.error(field, "Must be a valid e-mail address.")
            return self._keep(field, None)
        return value

    def _code(self, field: str, codes: frozenset[str], normalise, what: str) -> str | None:
        value = self.string(field, max_length=10)
        if value is None:
            return None
        code = normalise(value)
        if code not in codes:
            self.error(field, f"Must be an {what}.")
            return self._keep(field, None)
        return self._keep(field, code)

    def country(self, field: str) -> str | None:
        return self._code(field, country_codes(), str.upper,
                          "ISO 3166-1 alpha-2 country code such as SE")

    def currency(self, field: str, *, required: bool = False) -> str | None:
        if required and not self.has(field):
            self.error(field, "This field is required.")
            return self._keep(field, None)
        return self._code(field, currency_codes(), str.upper, "ISO 4217 currency code such as SEK")

    def language(self, field: str) -> str | None:
        return self._code(field, language_codes(), str.lower, "ISO 639-1 language code such as sv")

    def culture(self, field: str) -> str | None:
        value = self.string(field, max_length=10)
        if value is None:
            return None
        match = _CULTURE.fullmatch(value)
        if not match or match[1] not in language_codes() or match[2] not in country_codes():
            self.error(field, "Must be a culture code such as sv-SE.")
            return self._keep(field, None)
        return value

    def string_list(self, field: str, *, max_items: int, max_length: int,
                    required: bool = False) -> list[str] | None:
        value = self._take(field, required)
        if value is None:
            return self._keep(field, None)
        if not isinstance(value, list):
            self.error(field, "Must be a list of strings.")
            return self._keep(field, None)
        if len(value) > max_items:
            self.error(field, f"Must hold at most {max_items} items (it has {len(value)}).")
        for index, item in enumerate(value):
            if not isinstance(item, str) or "\x00" in item:
                self.error(field, f"Item {index} must be a string.")
            elif len(item) > max_length:
                self.error(field, f"Item {index} must be at most {max_length} characters.")
        if field in self.errors:
            return self._keep(field, None)
        return self._keep(field, list(value))

    def guid_list(self, field: str, *, max_items: int = 100) -> list[UUID] | None:
        value = self._take(field, False)
        if value is None:
            return self._keep(field, None)
        if not isinstance(value, list) or len(value) > max_items:
            self.error(field, f"Must be a list of at most {max_items} GUIDs.")
            return self._keep(field, None)
        guids = [parse_guid(item) for item in value]
        if any(guid is None for guid in guids):
            self.error(field, "Every item must be a GUID.")
            return self._keep(field, None)
        return self._keep(field, guids)


def parse_guid(value: Any) -> UUID | None:
    """A GUID from its text (with or without braces and dashes), or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None
