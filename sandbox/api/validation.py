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
from collections.abc import Callable, Iterable, Mapping
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
_FIRST_DATE, _LAST_DATE = dt.date(1800, 1, 1), dt.date(2200, 12, 31)
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

    def _refuse(self, field: str, message: str) -> None:
        """Records the failure; the field's cleaned value is None."""
        self.error(field, message)
        return self._keep(field, None)

    def _bounded(self, field: str, value: Any, minimum: Any, maximum: Any) -> Any:
        if minimum is not None and value < minimum:
            return self._refuse(field, f"Must be at least {minimum}.")
        if maximum is not None and value > maximum:
            return self._refuse(field, f"Must be at most {maximum}.")
        return self._keep(field, value)

    def _text(self, field: str, required: bool, parse: Callable[[str], Any],
              message: str) -> Any:
        """A string field read by `parse` (which raises ValueError); None when absent."""
        value = self._take(field, required)
        if value is None:
            return self._keep(field, None)
        try:
            if not isinstance(value, str):
                raise ValueError
            return self._keep(field, parse(value))
        except ValueError:
            return self._refuse(field, message)

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
            return self._refuse(field, "Must be a string.")
        if "\x00" in value:
            return self._refuse(field, "Must not contain NUL characters.")
        if blank_is_null and not value.strip():
            if required:
                self.error(field, "This field is required.")
            return self._keep(field, None)
        if len(value) > max_length:
            return self._refuse(
                field, f"Must be at most {max_length} characters (it has {len(value)}).")
        if pattern is not None and not pattern.fullmatch(value):
            return self._refuse(field, pattern_message)
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
            return self._refuse(field, "Must be a whole number.")
        return self._bounded(field, value, min_value, max_value)

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
            return self._refuse(field, f"Must be one of {', '.join(map(str, allowed))}.")
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
            return self._refuse(field, "Must be a number.")
        value = Decimal(value)
        if not value.is_finite():
            return self._refuse(field, "Must be a finite number.")
        if abs(value) >= _DECIMAL_CEILING:
            return self._refuse(field, "Is too large.")
        if value != value.quantize(Decimal(1).scaleb(-places)):
            return self._refuse(field, f"Must have at most {places} decimals.")
        return self._bounded(field, value, min_value, max_value)

    def boolean(self, field: str, *, required: bool = False,
                default: bool | None = None) -> bool | None:
        value = self._take(field, required)
        if value is None:
            return self._keep(field, default)
        if not isinstance(value, bool):
            return self._refuse(field, "Must be true or false.")
        return self._keep(field, value)

    def datetime(self, field: str, *, required: bool = False) -> dt.datetime | None:
        """An ISO 8601 date-time (a bare date means midnight UTC)."""
        return self._text(field, required, parse_iso_datetime,
                          "Must be an ISO 8601 date-time such as 2026-11-24T00:00:00Z.")

    def date(self, field: str, *, required: bool = False) -> dt.date | None:
        """A date travelling as midnight UTC; the date part is taken as written."""
        parsed = self._text(field, required, lambda text: dt.datetime.fromisoformat(text).date(),
                            "Must be an ISO 8601 date-time such as 1980-05-17T00:00:00Z.")
        if parsed is not None and not _FIRST_DATE <= parsed <= _LAST_DATE:
            return self._refuse(field, "Must be a date between 1800 and 2200.")
        return parsed

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
            return self._refuse(field, "Must be a valid e-mail address.")
        return value

    def _code(self, field: str, codes: frozenset[str], normalise, what: str) -> str | None:
        value = self.string(field, max_length=10)
        if value is None:
            return None
        code = normalise(value)
        if code not in codes:
            return self._refuse(field, f"Must be an {what}.")
        return self._keep(field, code)

    def country(self, field: str) -> str | None:
        return self._code(field, country_codes(), str.upper,
                          "ISO 3166-1 alpha-2 country code such as SE")

    def currency(self, field: str, *, required: bool = False) -> str | None:
        if required and not self.has(field):
            return self._refuse(field, "This field is required.")
        return self._code(field, currency_codes(), str.upper, "ISO 4217 currency code such as SEK")

    def language(self, field: str) -> str | None:
        return self._code(field, language_codes(), str.lower, "ISO 639-1 language code such as sv")

    def culture(self, field: str) -> str | None:
        value = self.string(field, max_length=10)
        if value is None:
            return None
        match = _CULTURE.fullmatch(value)
        if not match or match[1] not in language_codes() or match[2] not in country_codes():
            return self._refuse(field, "Must be a culture code such as sv-SE.")
        return value

    def string_list(self, field: str, *, max_items: int, max_length: int,
                    required: bool = False) -> list[str] | None:
        value = self._take(field, required)
        if value is None:
            return self._keep(field, None)
        if not isinstance(value, list):
            return self._refuse(field, "Must be a list of strings.")
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
            return self._refuse(field, f"Must be a list of at most {max_items} GUIDs.")
        guids = [parse_guid(item) for item in value]
        if any(guid is None for guid in guids):
            return self._refuse(field, "Every item must be a GUID.")
        return self._keep(field, guids)


def parse_guid(value: Any) -> UUID | None:
    """A GUID from its text (with or without braces and dashes), or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None
