"""How the search box reads what an agent types (no upstream involved)."""

import pytest

from backoffice.gateway.odata import render_filter
from debtors.identifiers import normalise_id_number, normalise_phone
from debtors.search import (
    debtor_filter,
    id_number_candidates,
    phone_candidates,
    read_search_text,
)


@pytest.mark.parametrize("typed", ["070-123 45 67", "0701234567", "+46 70 123 45 67",
                                   "0046701234567", "(070) 123 45 67"])
def test_swedish_mobile_numbers_read_to_the_same_notations(typed):
    forms = phone_candidates(typed, country="SE")
    assert forms[:2] == ["+46701234567", "+46 70 123 45 67"]
    assert "070-123 45 67" in forms and "0701234567" in forms


def test_nordic_groupings_of_the_sandbox_are_among_the_notations():
    assert "+47 412 34 567" in phone_candidates("41234567", country="NO")
    assert "+358 40 123 4567" in phone_candidates("040 1234567", country="FI")
    assert "+46 8 123 45 67" in phone_candidates("08-123 45 67", country="SE")


def test_without_a_country_each_nordic_reading_is_tried():
    forms = phone_candidates("41234567")
    assert "+4741234567" in forms  # not a Swedish number, but a Norwegian one


def test_short_or_lettered_text_is_not_a_phone_number():
    assert phone_candidates("12345") == []
    assert phone_candidates("Anna") == []
    assert phone_candidates("070-ABC") == []


def test_swedish_personnummer_in_every_notation():
    expected = ["19800517-1239", "198005171239", "800517-1239", "8005171239"]
    for typed in ("19800517-1239", "198005171239", "800517-1239", "8005171239",
                  "800517 1239"):
        assert id_number_candidates(typed, country="SE")[:4] == expected, typed


def test_finnish_hetu_without_the_century_sign_tries_the_valid_signs():
    forms = id_number_candidates("131052308T", country="FI")
    assert "131052-308T" in forms and "131052A308T" in forms
    assert all(len(f) == 11 for f in forms)


def test_an_invalid_check_digit_is_no_id_number():
    assert id_number_candidates("19800517-1234", country="SE") == []


def test_the_country_limits_which_id_formats_are_tried():
    assert id_number_candidates("15108695088", country="SE") == []
    assert id_number_candidates("15108695088", country="NO") == ["15108695088", "151086 95088"]


@pytest.mark.parametrize(("country", "typed"), [
    ("SE", "070-123 45 67"), ("SE", "08 123 456 78"), ("NO", "41234567"),
    ("FI", "040 1234567"), ("FI", "09 68426842"), ("FI", "040 123456"),
])
def test_the_search_finds_a_phone_in_the_notation_the_editor_stores(country, typed):
    assert normalise_phone(typed, country) in phone_candidates(typed, country=country)


@pytest.mark.parametrize(("country", "company", "typed"), [
    ("SE", False, "8112289874"), ("SE", True, "5560360793"), ("SE", True, "198112289874"),
    ("NO", False, "151086 95088"), ("NO", True, "988 077 917"), ("FI", False, "131052-308t"),
    ("FI", True, "20774740"),
])
def test_the_search_finds_an_id_number_in_the_notation_the_editor_stores(country, company,
                                                                         typed):
    stored = normalise_id_number(typed, country, company=company)
    assert stored in id_number_candidates(typed, country=country)
    assert id_number_candidates(stored, country=country)[0] == stored


def test_email_is_matched_exactly_and_only_as_email():
    terms = read_search_text("Anna.Lind@Example.se")
    assert terms.kinds == ("email",)
    assert render_filter("debtor", terms.filter) == "email eq 'Anna.Lind@Example.se'"


def test_words_must_all_be_in_the_name_and_quotes_stay_literals():
    terms = read_search_text("o'brien  anna")
    assert terms.kinds == ("name",)
    assert render_filter("debtor", terms.filter) == (
        "(contains(fullName,'o''brien')) and (contains(fullName,'anna'))")


def test_one_word_is_also_tried_as_a_reference_and_a_guid():
    terms = read_search_text("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    assert {"reference", "guid"} <= set(terms.kinds)
    assert "debtorGuid eq '3f2504e0-4f89-41d3-9a0c-0305e82c3301'" in render_filter(
        "debtor", terms.filter)


def test_filters_combine_with_the_text():
    _terms, flt = debtor_filter(text="", juridical_type=1, city="Lund", country="SE",
                                currency="SEK")
    assert render_filter("debtor", flt) == (
        "(juridicalType eq 1) and (city eq 'Lund') and (countryCode eq 'SE') and "
        "(currencyCode eq 'SEK')")
    assert debtor_filter()[1] is None


@pytest.mark.parametrize("typed", ["20774740", "131052308T", "+46 70 123 45 67",
                                   "988077917", "x" * 100])
def test_the_longest_filters_stay_within_the_apis_limit(typed):
    _terms, flt = debtor_filter(text=typed, juridical_type=0, city="Y" * 100, country="",
                                currency="SEK")
    assert len(render_filter("debtor", flt)) < 2000
