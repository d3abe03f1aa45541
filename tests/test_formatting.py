"""The formatting filters in every language: money, percentages, dates, masked IDs."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from backoffice.formatting import (
    babel_locale,
    date_only,
    date_time,
    masked_id,
    money,
    percent,
)

NBSP = "\xa0"
DASH = "\u2013"  # en dash, for a missing value


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "SEK", "SEK1,234.50"),
        ("en", "EUR", "€1,234.50"),
        ("sv", "SEK", f"1{NBSP}234,50{NBSP}kr"),
        ("sv", "EUR", f"1{NBSP}234,50{NBSP}€"),
        ("nb", "NOK", f"1{NBSP}234,50{NBSP}kr"),
        ("fi", "EUR", f"1{NBSP}234,50{NBSP}€"),
    ],
)
def test_money_in_each_language(language, currency, expected):
    with translation.override(language):
        assert money(Decimal("1234.5"), currency) == expected


def test_money_keeps_decimal_precision_and_sign():
    with translation.override("sv"):
        assert money(Decimal("-0.05"), "SEK") == f"-0,05{NBSP}kr"
        assert money(Decimal("1000000.005"), "sek") == f"1{NBSP}000{NBSP}000,00{NBSP}kr"
    with translation.override("en"):
        assert money(12, "NOK") == "NOK12.00"
        assert money("99.90", "EUR") == "€99.90"


def test_money_without_currency_shows_two_decimals():
    with translation.override("fi"):
        assert money(Decimal("1234.5")) == f"1{NBSP}234,50"
    with translation.override("en"):
        assert money(Decimal("1234.5")) == "1,234.50"


def test_money_refuses_floats_and_shows_missing_amounts_as_a_dash():
    with pytest.raises(TypeError):
        money(1234.5, "SEK")
    assert money(None, "SEK") == DASH
    assert money("", "SEK") == DASH


@pytest.mark.parametrize(
    ("language", "value", "digits", "expected"),
    [
        ("en", Decimal("12.5"), None, "12.5%"),
        ("sv", Decimal("12.5"), None, f"12,5{NBSP}%"),
        ("nb", Decimal("7"), None, f"7{NBSP}%"),
        ("fi", Decimal("3.25"), None, f"3,25{NBSP}%"),
        ("sv", Decimal("12.345"), 2, f"12,35{NBSP}%"),
        ("en", 8, 1, "8.0%"),
    ],
)
def test_percent_in_each_language(language, value, digits, expected):
    with translation.override(language):
        assert percent(value, digits) == expected


def test_percent_missing():
    assert percent(None) == DASH


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "05/03/2026"), ("sv", "2026-03-05"), ("nb", "05.03.2026"), ("fi", "5.3.2026")],
)
def test_date_only_in_each_language(language, expected):
    with translation.override(language):
        assert date_only(date(2026, 3, 5)) == expected
        assert date_only("2026-03-05") == expected


def test_date_only_uses_the_local_date_of_an_aware_datetime(settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    late_utc = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)  # already the 6th in Stockholm
    with translation.override("sv"):
        assert date_only(late_utc) == "2026-03-06"
        assert date_only("2026-03-05T23:30:00Z") == "2026-03-06"
        assert date_only(None) == DASH
        assert date_only("not a date") == "not a date"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "05/03/2026 15:07"), ("sv", "2026-03-05 15:07"), ("fi", "5.3.2026 15.07")],
)
def test_date_time_in_each_language(language, expected, settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    with translation.override(language):
        assert date_time(datetime(2026, 3, 5, 14, 7, tzinfo=UTC)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19850212-1234", "••••••-1234"),  # Swedish personnummer
        ("850212+1234", "••••••-1234"),
        ("01018512345", "••••••-2345"),  # Norwegian fødselsnummer
        ("010185-123A", "••••••-123A"),  # Finnish henkilötunnus with its check letter
        ("556677-8899", "••••••-8899"),  # Swedish company number
        ("1234", "••••"),
        ("", DASH),
        (None, DASH),
    ],
)
def test_masked_id(value, expected):
    assert masked_id(value) == expected


def test_babel_locale_follows_the_active_language():
    assert babel_locale("sv") == "sv_SE"
    assert babel_locale("nb") == "nb_NO"
    assert babel_locale("fi") == "fi_FI"
    assert babel_locale("en") == "en_GB"
    assert babel_locale("sv-se") == "sv_SE"
    with translation.override("nb"):
        assert babel_locale() == "nb_NO"


def test_filters_in_a_template():
    template = Template(
        "{% load formatting %}{{ amount|money:currency }} | {{ rate|percent }} | "
        "{{ day|date_only }} | {{ pnr|masked_id }}"
    )
    context = Context(
        {
            "amount": Decimal("250"),
            "currency": "SEK",
            "rate": Decimal("9.5"),
            "day": date(2026, 12, 24),
            "pnr": "19850212-1234",
        }
    )
    with translation.override("sv"):
        assert template.render(context) == (
            f"250,00{NBSP}kr | 9,5{NBSP}% | 2026-12-24 | ••••••-1234"
        )
